import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REASON_CODE_LIST } from '../../src/plan-format/reasons.js';
import { readPlanFile } from '../../src/plan-format/file.js';
import { createPlan } from '../../src/plan/planner.js';
import { withDefaults } from '../../src/plan/policy.js';
import { validatorFor } from '../../src/schemas.js';
import { canonicalJson } from '../../src/util/canonical.js';
import { makeSnapshot, variable } from '../helpers/snapshots.js';

const schema = JSON.parse(readFileSync(join(process.cwd(), 'schemas', 'plan.schema.json'), 'utf8'));
const docs = readFileSync(join(process.cwd(), 'docs', 'plan-format.md'), 'utf8');

/** The value a JSON pointer names. */
function at(doc: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<any>((node, t) => node?.[t], doc);
}

describe('reason codes: one list in TypeScript, the same in the schema and the docs', () => {
  it('the schema’s reasonCode enum is the TypeScript list, in its order', () => {
    expect(schema.$defs.reasonCode.enum).toEqual(REASON_CODE_LIST);
    expect(schema.$defs.operation.properties.reasonCode).toEqual({ $ref: '#/$defs/reasonCode' });
    expect(schema.$defs.operation.properties.decisions.items.properties.reasonCode).toEqual({ $ref: '#/$defs/reasonCode' });
  });

  it('docs/plan-format.md has one table row per code, and none for a code that does not exist', () => {
    const rows = [...docs.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    expect([...rows].sort()).toEqual([...REASON_CODE_LIST].sort());
  });
});

describe('a plan says itself what it holds: reason codes, secrets, late references', () => {
  const source = makeSnapshot({
    stepTemplates: { Notify: { Name: 'Notify', Properties: { Url: 'https://hooks', Token: { HasValue: true } }, Parameters: [] } },
    environments: { Production: { Name: 'Production' } },
    projectGroups: { Apps: { Name: 'Apps' } },
    lifecycles: { 'Default Lifecycle': { Name: 'Default Lifecycle', Phases: [] } },
    projects: { OctoFX: { Name: 'OctoFX', ProjectGroupId: 'Apps', LifecycleId: 'Default Lifecycle' }, Fresh: { Name: 'Fresh', ProjectGroupId: 'Apps', LifecycleId: 'Default Lifecycle' } },
    projectVariables: {
      OctoFX: { Variables: [variable('Plain', 'p'), variable('DbPassword', null, {}, { IsSensitive: true })] },
      Fresh: { Variables: [variable('ApiKey', null, { Environment: ['Production'] }, { IsSensitive: true }), variable('Url', 'u')] },
    },
  });
  const destination = makeSnapshot({
    stepTemplates: { Notify: { Name: 'Notify', Properties: { Url: 'https://hooks' }, Parameters: [] } },
    environments: { Production: { Name: 'Production' } },
    projectGroups: { Apps: { Name: 'Apps' } },
    lifecycles: { 'Default Lifecycle': { Name: 'Default Lifecycle', Phases: [] } },
    projects: { OctoFX: { Name: 'OctoFX', ProjectGroupId: 'Apps', LifecycleId: 'Default Lifecycle' } },
    projectVariables: { OctoFX: { Variables: [variable('Plain', 'p')] } },
  });
  const plan = createPlan({ source, destination, policy: withDefaults({}), createdAt: '2026-01-01T00:00:00.000Z' });
  const op = (id: string) => plan.operations.find((o) => o.id === id)!;

  it('fits the schema, with a code from the list beside every reason', () => {
    const validate = validatorFor('plan');
    expect(validate(plan)).toBe(true);
    const codes = plan.operations.flatMap((o) => [o.reasonCode, ...(o.decisions ?? []).map((d) => d.reasonCode)]);
    expect(codes.length).toBeGreaterThan(plan.operations.length);
    for (const c of codes) expect(REASON_CODE_LIST).toContain(c);
    expect(op('project/Fresh')).toMatchObject({ action: 'create', reasonCode: 'missing-on-destination' });
    expect(op('stepTemplate/Notify')).toMatchObject({ action: 'update', reasonCode: 'differs-must-match' });
    expect(op('projectVariables/OctoFX').decisions).toContainEqual(expect.objectContaining({ action: 'create', reasonCode: 'sensitive-placeholder' }));
  });

  it('names the secret of each written operation, and only those: into desired for a create, into the patched document for an update', () => {
    expect(op('stepTemplate/Notify').sensitivePaths).toEqual(['/Properties/Token']);
    expect(op('stepTemplate/Notify').patch).toContainEqual({ op: 'add', path: '/Properties/Token', value: { HasValue: true } });
    // An added sensitive variable: its Value (inside what the patch adds), not the plain one beside it.
    expect(op('projectVariables/OctoFX').sensitivePaths).toEqual(['/Variables/DbPassword/0/Value']);
    const created = op('projectVariables/Fresh');
    expect(created.action).toBe('create');
    expect(created.sensitivePaths).toHaveLength(1);
    const [pointer] = created.sensitivePaths!;
    expect(at(created.desired, pointer.replace(/\/Value$/, ''))).toMatchObject({ Name: 'ApiKey', IsSensitive: true });
    expect(op('project/Fresh').sensitivePaths).toEqual([]);
    expect(plan.operations.filter((o) => o.action === 'skip').every((o) => o.sensitivePaths === undefined)).toBe(true);
  });

  it('refuses a plan of format 1 (made before codes and sensitive paths) with one line saying to plan again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'octosync-plan-format-'));
    try {
      const file = join(dir, 'old.json');
      writeFileSync(file, canonicalJson({ ...plan, formatVersion: 1 }));
      expect(() => readPlanFile(file)).toThrow(/^.*\/formatVersion: plan format 1 was made by another octosync version; this one reads format 2: plan again$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
