/**
 * Editor support: the example policies start with a `# yaml-language-server: $schema=…` line that reaches the
 * policy schema from where the example lies (in a checkout and in the installed package alike), and every
 * schema has a stable `$id` named after its file.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const SCHEMAS = resolve('schemas');
const EXAMPLES = resolve('examples');
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('schemas', () => {
  it('each has a stable $id: https://octosync.dev/schemas/<its file name>', () => {
    const files = readdirSync(SCHEMAS).filter((f) => f.endsWith('.schema.json')).sort();
    expect(files).toEqual(['baseline.schema.json', 'plan.schema.json', 'policy.schema.json', 'snapshot.schema.json']);
    for (const f of files) expect(read(join(SCHEMAS, f)).$id).toBe(`https://octosync.dev/schemas/${f}`);
  });
});

describe('example policies', () => {
  const policies = readdirSync(EXAMPLES).filter((f) => /\.ya?ml$/.test(f));

  it.each(policies)('%s starts with a yaml-language-server line naming the policy schema', (name) => {
    const file = join(EXAMPLES, name);
    const first = readFileSync(file, 'utf8').split('\n')[0];
    const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    expect(match).not.toBeNull();
    const schema = resolve(dirname(file), match![1]);
    expect(existsSync(schema)).toBe(true);
    expect(read(schema).$id).toBe('https://octosync.dev/schemas/policy.schema.json');
  });
});
