/**
 * Issue 17: the build precompiles each schema's validator (src/precompile-schemas.ts → dist/validators/<name>.cjs,
 * Ajv's standalone code) so a run does not compile the schemas. The precompiled validators must judge every file
 * as the run-time compiled ones do, with the same errors; the built CLI must use them without loading Ajv's
 * compiler, and must compile a schema edited since the build at run time.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { makePlans } from '../../src/plan/make.js';
import { SCHEMA_NAMES, schemaText, validatorFor, type PrecompiledVariant, type SchemaName } from '../../src/schemas.js';
import { pointerTokens } from '../../src/util/pointer.js';
import { ROOT } from '../helpers/built.js';
import { DESTINATION_FIXTURE, SOURCE_FIXTURE } from '../helpers/fixtures.js';
import { withSimulator } from '../helpers/simulator.js';
import { applyTo, snapshotTo, workDir } from '../helpers/sync.js';

const require = createRequire(import.meta.url);
const built = (name: SchemaName, variant: PrecompiledVariant) => join(ROOT, 'dist', 'validators', `${name}${variant === 'verdict' ? '.verdict' : ''}.cjs`);

/** A validator the build made of a schema; fails, saying what to do, when the build did not make it from this schema. */
function precompiled(name: SchemaName, variant: PrecompiledVariant = 'errors'): ValidateFunction & { schemaText: string } {
  const file = built(name, variant);
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build (it precompiles the schemas)`);
  const v = require(file) as ValidateFunction & { schemaText: string };
  if (v.schemaText !== schemaText(name)) throw new Error(`${file} was made from another schemas/${name}.schema.json: run npm run build`);
  return v;
}

/** What a validator says of a document: valid or not, and its errors, whole. */
function verdict(v: ValidateFunction, doc: unknown): { valid: boolean; errors: ErrorObject[] | null | undefined } {
  const valid = v(doc) as boolean;
  return { valid, errors: v.errors && structuredClone(v.errors) };
}

const REMOVE = Symbol('remove');
/** A copy of `doc` with the member at `pointer` set to `value` (made with its parents if absent) or removed. */
function edited(doc: unknown, pointer: string, value: unknown): unknown {
  const copy = structuredClone(doc) as Record<string, any>;
  const tokens = pointerTokens(pointer);
  const last = tokens.pop()!;
  const parent = tokens.reduce((node, t) => (node[t] ??= {}), copy);
  if (value === REMOVE) delete parent[last];
  else parent[last] = value;
  return copy;
}

interface Variant {
  pointer: string;
  value: unknown;
  /** The keyword the error names: the variant breaks what it says it breaks. */
  keyword: string;
}

/** Invalid variants of a valid document, per schema: missing required member, unknown member, wrong type, enum, format. */
const VARIANTS: Record<SchemaName, Variant[]> = {
  snapshot: [
    { pointer: '/takenAt', value: REMOVE, keyword: 'required' },
    { pointer: '/surplus', value: 1, keyword: 'additionalProperties' },
    { pointer: '/requests', value: 'many', keyword: 'type' },
    { pointer: '/server/tenantVariablesApi', value: 'v3', keyword: 'enum' },
    { pointer: '/takenAt', value: 'yesterday', keyword: 'format' },
    { pointer: '/server/url', value: 'not a uri', keyword: 'format' },
  ],
  plan: [
    { pointer: '/checksum', value: REMOVE, keyword: 'required' },
    { pointer: '/surplus', value: 1, keyword: 'additionalProperties' },
    { pointer: '/counts/create', value: '1', keyword: 'type' },
    { pointer: '/operations/0/action', value: 'rename', keyword: 'enum' },
    { pointer: '/operations/0/reasonCode', value: 'because', keyword: 'enum' },
    { pointer: '/createdAt', value: 'yesterday', keyword: 'format' },
    { pointer: '/destination/url', value: 'not a uri', keyword: 'format' },
  ],
  // The baseline schema has no enum.
  baseline: [
    { pointer: '/items', value: REMOVE, keyword: 'required' },
    { pointer: '/surplus', value: 1, keyword: 'additionalProperties' },
    { pointer: '/items/0/keyPath', value: 'OctoFX', keyword: 'type' },
    { pointer: '/source/url', value: 'not a uri', keyword: 'format' },
  ],
  // The policy schema requires no member and names no format: every member has a default.
  policy: [
    { pointer: '/variabels', value: {}, keyword: 'additionalProperties' },
    { pointer: '/environments/create', value: 'no', keyword: 'type' },
    { pointer: '/conflicts', value: 'both', keyword: 'enum' },
    { pointer: '/variables/overwrite', value: 'sometimes', keyword: 'enum' },
  ],
};

describe('the precompiled schema validators', () => {
  const docs: Record<SchemaName, { name: string; doc: unknown }[]> = { snapshot: [], plan: [], policy: [], baseline: [] };
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    // The files a sync writes, on the shipped fixtures and policy: snapshots, a plan, apply's baseline, and a
    // plan with that baseline (three-way).
    const src = await withSimulator({ seed: SOURCE_FIXTURE });
    closers.push(() => src.close());
    const dst = await withSimulator({ seed: DESTINATION_FIXTURE });
    closers.push(() => dst.close());
    const dir = workDir();
    const file = (name: string) => join(dir, name);
    const policy = join(ROOT, 'examples', 'dev-test-to-staging-prod.yaml');
    await snapshotTo(src.url, file('source.json'));
    await snapshotTo(dst.url, file('destination.json'));
    makePlans({ source: file('source.json'), destinations: [file('destination.json')], policy, out: file('plan.json') });
    await applyTo(dst.url, file('plan.json'), { baseline: { file: file('baseline.json'), sourceFile: file('source.json') } });
    await snapshotTo(dst.url, file('destination.after.json'));
    makePlans({ source: file('source.json'), destinations: [file('destination.after.json')], policy, out: file('plan.after.json'), baseline: file('baseline.json') });
    const read = (name: string) => ({ name, doc: JSON.parse(readFileSync(file(name), 'utf8')) });
    docs.snapshot.push(read('source.json'), read('destination.json'), read('destination.after.json'));
    docs.plan.push(read('plan.json'), read('plan.after.json'));
    docs.baseline.push(read('baseline.json'));
    for (const name of readdirSync(join(ROOT, 'examples')).filter((n) => n.endsWith('.yaml'))) {
      docs.policy.push({ name: `examples/${name}`, doc: parseYaml(readFileSync(join(ROOT, 'examples', name), 'utf8')) });
    }
  }, 120_000);
  afterAll(async () => {
    for (const close of closers) await close();
  });

  describe.each(SCHEMA_NAMES)('%s', (name) => {
    // Under jest validatorFor compiles at run time: the built modules sit beside dist/schemas.js, not src/.
    const runtime = () => validatorFor(name);

    it('exists, both of its kinds made from the schema as it is', () => {
      for (const variant of ['errors', 'verdict'] as const) {
        expect(precompiled(name, variant).schemaText).toBe(readFileSync(join(ROOT, 'schemas', `${name}.schema.json`), 'utf8'));
      }
    });

    it('accepts the files octosync writes, as the run-time compiled validator does', () => {
      expect(docs[name].length).toBeGreaterThan(0);
      for (const { name: file, doc } of docs[name]) {
        const expected = verdict(runtime(), doc);
        expect({ file, ...verdict(precompiled(name), doc) }).toEqual({ file, ...expected });
        expect({ file, ...expected }).toEqual({ file, valid: true, errors: null });
        expect({ file, valid: precompiled(name, 'verdict')(doc) }).toEqual({ file, valid: true });
      }
    });

    it('rejects broken variants with the same errors (instancePath, keyword, params, schemaPath, message)', () => {
      const [{ doc }] = docs[name];
      const variants = VARIANTS[name].map((v) => ({ what: `${v.pointer} ${v.value === REMOVE ? 'removed' : JSON.stringify(v.value)}`, keyword: v.keyword, doc: edited(doc, v.pointer, v.value) }));
      // All the breaks at once: every error is reported (allErrors), in the same order.
      const all = VARIANTS[name].reduce((d, v) => edited(d, v.pointer, v.value), doc);
      for (const { what, keyword, doc: broken } of [...variants, { what: 'all of them', keyword: undefined, doc: all }]) {
        const expected = verdict(runtime(), broken);
        expect({ what, ...verdict(precompiled(name), broken) }).toEqual({ what, ...expected });
        expect(expected.valid).toBe(false);
        // The one that stops at the first error says no as well (the built validatorFor asks it first).
        expect({ what, valid: precompiled(name, 'verdict')(broken) }).toEqual({ what, valid: false });
        if (keyword) expect({ what, keywords: expected.errors!.map((e) => e.keyword) }).toEqual({ what, keywords: expect.arrayContaining([keyword]) });
      }
    });
  });
  it('as the built validatorFor pairs them, judge as the run-time validator does, with the same errors', () => {
    // dist/schemas.js in a process of its own: the pair it loads (the first-error validator asked first), on
    // each schema's first file as written and with all its variants' breaks at once.
    const dir = workDir();
    const cases = SCHEMA_NAMES.flatMap((name) => {
      const [{ doc }] = docs[name];
      const broken = VARIANTS[name].reduce((d, v) => edited(d, v.pointer, v.value), doc);
      return [
        { name, what: 'as written', doc },
        { name, what: 'broken', doc: broken },
      ].map((c, i) => {
        const file = join(dir, `${name}-${i}.json`);
        writeFileSync(file, JSON.stringify(c.doc));
        return { name: c.name, what: c.what, file };
      });
    });
    const script = `
      import { readFileSync } from 'node:fs';
      const { validatorFor } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'schemas.js')).href)});
      const cases = ${JSON.stringify(cases)};
      console.log(JSON.stringify(cases.map(({ name, what, file }) => {
        const v = validatorFor(name);
        const valid = v(JSON.parse(readFileSync(file, 'utf8')));
        return { name, what, valid, errors: v.errors ?? null };
      })));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const answers = JSON.parse(r.stdout) as unknown[];
    expect(answers).toEqual(cases.map(({ name, what, file }) => ({ name, what, ...verdict(validatorFor(name), JSON.parse(readFileSync(file, 'utf8'))) })));
    // Every break is reported, not only the first the quicker validator stopped at.
    for (const name of SCHEMA_NAMES) {
      const broken = answers.find((a: any) => a.name === name && a.what === 'broken') as { valid: boolean; errors: unknown[] };
      expect({ name, valid: broken.valid, enough: broken.errors.length >= VARIANTS[name].length - 1 }).toEqual({ name, valid: false, enough: true });
    }
  });
});

describe('the built CLI and the precompiled validators', () => {
  it('uses them without loading Ajv’s compiler', () => {
    const script = `
      import { createRequire } from 'node:module';
      const { validatorFor } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'schemas.js')).href)});
      for (const name of ${JSON.stringify(SCHEMA_NAMES)}) validatorFor(name);
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify({ ajvCore: loaded.some((f) => /ajv[\\\\/]dist[\\\\/]core\\.js$/.test(f)), formats: loaded.some((f) => /ajv-formats[\\\\/]dist[\\\\/]formats\\.js$/.test(f)) }));`;
    for (const name of SCHEMA_NAMES) precompiled(name);
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ ajvCore: false, formats: true });
  });

  it('compiles at run time a schema edited since the build', () => {
    // A copy of the package whose policy schema accepts one more `conflicts` value than the build's validator.
    const pkg = workDir();
    for (const part of ['dist', 'schemas', 'package.json']) cpSync(join(ROOT, part), join(pkg, part), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), process.platform === 'win32' ? 'junction' : 'dir');
    const policy = join(pkg, 'policy.yaml');
    writeFileSync(policy, 'version: 1\nconflicts: both-win\n');
    const validate = () => spawnSync(process.execPath, [join(pkg, 'dist', 'cli', 'main.js'), 'validate', policy, '--no-color'], { encoding: 'utf8' });

    const before = validate();
    expect(before.stderr).toMatch(/not a valid policy: .*\/conflicts: must be equal to one of the allowed values \("source-wins", "destination-wins", "fail"\)/);
    expect(before.status).not.toBe(0);

    const schemaFile = join(pkg, 'schemas', 'policy.schema.json');
    const text = readFileSync(schemaFile, 'utf8');
    const enumText = '["source-wins", "destination-wins", "fail"]';
    expect(text).toContain(enumText);
    writeFileSync(schemaFile, text.replace(enumText, '["source-wins", "destination-wins", "fail", "both-win"]'));
    const after = validate();
    expect({ status: after.status, stdout: after.stdout, stderr: after.stderr }).toEqual({ status: 0, stdout: `${policy}: valid policy\n`, stderr: '' });
  });
});
