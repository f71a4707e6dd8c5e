import { describe, expect, it } from '@jest/globals';
import { createPlan } from '../../src/plan/planner.js';
import { withDefaults } from '../../src/plan/policy.js';
import { patched } from '../../src/util/json-patch.js';
import { fromKeyed, toKeyed } from '../../src/registry/keyed.js';
import { machine, makeSnapshot, variable } from '../helpers/snapshots.js';

const project = { Name: 'OctoFX', ProjectGroupId: 'Apps', LifecycleId: 'Default Lifecycle' };
const scaffolding = {
  environments: { Development: { Name: 'Development' }, Test: { Name: 'Test' } },
  projectGroups: { Apps: { Name: 'Apps' } },
  lifecycles: { 'Default Lifecycle': { Name: 'Default Lifecycle', Phases: [] } },
  projects: { OctoFX: project },
};
const destScaffolding = {
  ...scaffolding,
  environments: { Staging: { Name: 'Staging' }, Production: { Name: 'Production' } },
};
const plan = (src: any, dst: any, policy = {}) =>
  createPlan({ source: src, destination: dst, policy: withDefaults(policy), createdAt: '2026-01-01T00:00:00.000Z' });

describe('variables: the guide\'s tables', () => {
  it('first sync: values scoped only to missing environments are skipped with the reason; unscoped values are copied', () => {
    const source = makeSnapshot({
      ...scaffolding,
      projectVariables: {
        OctoFX: {
          Variables: [
            variable('Application.Database.Name', 'OctoFx-Dev', { Environment: ['Development'] }),
            variable('Application.Database.Name', 'OctoFX-Test', { Environment: ['Test'] }),
            variable('ConnectionString', 'Database=#{Application.Database.Name}'),
          ],
        },
      },
    });
    const dest = makeSnapshot({ ...destScaffolding, projects: {} });
    const p = plan(source, dest);
    const op = p.operations.find((o) => o.id === 'projectVariables/OctoFX')!;
    expect(op.action).toBe('create');
    expect((op.desired!.Variables as any[]).map((v) => v.Name)).toEqual(['ConnectionString']);
    const skipped = op.decisions!.filter((d) => d.action === 'skip').map((d) => d.reason);
    expect(skipped).toHaveLength(2);
    expect(skipped[0]).toMatch(/environment 'Development' is not on the destination/);
  });

  it('first sync with scope mismatch "ignore" copies the values unscoped, as the guide\'s first option', () => {
    const source = makeSnapshot({
      ...scaffolding,
      projectVariables: { OctoFX: { Variables: [variable('Application.Database.Name', 'OctoFx-Dev', { Environment: ['Development'] })] } },
    });
    const dest = makeSnapshot({ ...destScaffolding, projects: {} });
    const p = plan(source, dest, { scopeMismatch: { variables: { environment: 'ignore' } } });
    const op = p.operations.find((o) => o.id === 'projectVariables/OctoFX')!;
    expect(op.desired!.Variables).toEqual([expect.objectContaining({ Name: 'Application.Database.Name', Value: 'OctoFx-Dev', Scope: {} })]);
  });

  it('recurring sync: adds SQL-Server to the existing ConnectionString, adds the Oracle value, leaves Application.Database.Name alone', () => {
    const source = makeSnapshot({
      ...scaffolding,
      projectVariables: {
        OctoFX: {
          Variables: [
            variable('Application.Database.Name', 'OctoFx-#{Octopus.Environment.Name}'),
            variable('ConnectionString', 'Database=#{Application.Database.Name}', { Role: ['SQL-Server'] }),
            variable('ConnectionString', 'Data Source=#{Application.Database.Name}', { Role: ['Oracle'] }),
          ],
        },
      },
    });
    const destVars = [
      variable('Application.Database.Name', 'OctoFx-Dev'),
      variable('Application.Database.Name', 'OctoFX-Test'),
      variable('ConnectionString', 'Database=#{Application.Database.Name}'),
    ];
    const dest = makeSnapshot(
      { ...destScaffolding, projectVariables: { OctoFX: { Variables: destVars } } },
      { machines: [machine('db1', ['SQL-Server']), machine('db2', ['Oracle'])] },
    );
    const p = plan(source, dest);
    const op = p.operations.find((o) => o.id === 'projectVariables/OctoFX')!;
    expect(op.action).toBe('update');
    const after = fromKeyed('projectVariables', patched(toKeyed('projectVariables', { Variables: destVars }), op.patch!));
    const byName = (n: string) => (after.Variables as any[]).filter((v) => v.Name === n);
    expect(byName('Application.Database.Name').map((v) => v.Value)).toEqual(['OctoFx-Dev', 'OctoFX-Test']);
    expect(byName('ConnectionString')).toEqual([
      expect.objectContaining({ Value: 'Database=#{Application.Database.Name}', Scope: { Role: ['SQL-Server'] } }),
      expect.objectContaining({ Value: 'Data Source=#{Application.Database.Name}', Scope: { Role: ['Oracle'] } }),
    ]);
    const reasons = op.decisions!.map((d) => `${d.action}: ${d.subject}: ${d.reason}`);
    expect(reasons.join('\n')).toMatch(/keep: variable 'Application.Database.Name'.*overwrite: never/);
  });

  it('a new sensitive variable gets a placeholder and a clean-up entry; an existing one is never touched', () => {
    const source = makeSnapshot({
      ...scaffolding,
      projectVariables: {
        OctoFX: { Variables: [variable('DbPassword', null, {}, { IsSensitive: true }), variable('ApiToken', null, {}, { IsSensitive: true })] },
      },
    });
    const dest = makeSnapshot({ ...destScaffolding, projectVariables: { OctoFX: { Variables: [variable('DbPassword', null, {}, { IsSensitive: true })] } } });
    const op = plan(source, dest).operations.find((o) => o.id === 'projectVariables/OctoFX')!;
    expect(op.cleanup).toEqual([expect.objectContaining({ field: "variable 'ApiToken' (unscoped)" })]);
    expect(op.decisions).toEqual(expect.arrayContaining([expect.objectContaining({ subject: "variable 'DbPassword' (unscoped) (sensitive)", action: 'keep' })]));
  });

  it('Machine1/2/3: a target-scoped value survives only where the destination has one of the targets', () => {
    const source = makeSnapshot({
      ...scaffolding,
      projectVariables: { OctoFX: { Variables: [variable('Application.Database.Name', 'OctoFX-Tenant', { Machine: ['Machine1', 'Machine2', 'Machine3'] })] } },
    });
    const none = makeSnapshot({ ...destScaffolding, projects: {} });
    const some = makeSnapshot({ ...destScaffolding, projects: {} }, { machines: [machine('Machine2', ['web'])] });
    const skipOp = plan(source, none).operations.find((o) => o.id === 'projectVariables/OctoFX')!;
    expect(skipOp.desired!.Variables).toEqual([]);
    const keepOp = plan(source, some).operations.find((o) => o.id === 'projectVariables/OctoFX')!;
    expect(keepOp.desired!.Variables).toEqual([expect.objectContaining({ Scope: { Machine: ['Machine2'] } })]);
  });
});

/** The destination's variables once an operation's patch (or desired content) is applied, by name. */
function after(p: ReturnType<typeof plan>, destVars: any[], id = 'projectVariables/OctoFX'): any[] {
  const op = p.operations.find((o) => o.id === id)!;
  if (op.action === 'create') return op.desired!.Variables as any[];
  if (op.action === 'skip') return destVars;
  return fromKeyed('projectVariables', patched(toKeyed('projectVariables', { Variables: destVars }), op.patch!)).Variables as any[];
}
const slots = (vars: any[]) => vars.map((v) => `${v.Name} = ${v.IsSensitive ? '(sensitive)' : v.Value} @ ${JSON.stringify(v.Scope)}`).sort();
const withVars = (vars: any[], extra: Record<string, unknown> = {}) => makeSnapshot({ ...destScaffolding, projectVariables: { OctoFX: { Variables: vars } }, ...extra });
const sourceWith = (vars: any[], extra: Record<string, unknown> = {}) => makeSnapshot({ ...scaffolding, projectVariables: { OctoFX: { Variables: vars } }, ...extra });

describe('variables: roles are names (issue 12, point 2)', () => {
  const GUIDE_AFTER = [
    variable('Application.Database.Name', 'OctoFx-#{Octopus.Environment.Name}'),
    variable('ConnectionString', 'Database=#{Application.Database.Name}', { Role: ['SQL-Server'] }),
    variable('ConnectionString', 'Data Source=#{Application.Database.Name}', { Role: ['Oracle'] }),
  ];
  const FIRST_TABLE = [
    variable('Application.Database.Name', 'OctoFx-Dev'),
    variable('Application.Database.Name', 'OctoFX-Test'),
    variable('ConnectionString', 'Database=#{Application.Database.Name}'),
  ];

  it('the guide\'s recurring example holds with no target or step carrying the roles', () => {
    const p = plan(sourceWith(GUIDE_AFTER), withVars(FIRST_TABLE));
    expect(slots(after(p, FIRST_TABLE))).toEqual([
      'Application.Database.Name = OctoFX-Test @ {}',
      'Application.Database.Name = OctoFx-Dev @ {}',
      'ConnectionString = Data Source=#{Application.Database.Name} @ {"Role":["Oracle"]}',
      'ConnectionString = Database=#{Application.Database.Name} @ {"Role":["SQL-Server"]}',
    ]);
  });

  it('library variable set values see the same roles as project values', () => {
    const lib = (vars: any[]) => ({ libraryVariableSets: { Shared: { Name: 'Shared' } }, libraryVariables: { Shared: { Variables: vars } } });
    const p = plan(makeSnapshot({ ...scaffolding, ...lib(GUIDE_AFTER) }), makeSnapshot({ ...destScaffolding, ...lib(FIRST_TABLE) }));
    expect(p.operations.find((o) => o.id === 'libraryVariables/Shared')!.decisions!.map((d) => `${d.action} ${d.subject}`)).toEqual([
      "keep variable 'Application.Database.Name' (unscoped)",
      "update variable 'ConnectionString' (Role: SQL-Server)",
      "create variable 'ConnectionString' (Role: Oracle)",
    ]);
  });
});

describe('variables: the guide\'s initial-sync tables, no duplicates (issue 12, point 3)', () => {
  const FIRST = [
    variable('Application.Database.Name', 'OctoFx-Dev', { Environment: ['Development'] }),
    variable('Application.Database.Name', 'OctoFX-Test', { Environment: ['Test'] }),
    variable('ConnectionString', 'Database=#{Application.Database.Name}'),
  ];

  it('newValues: placeholder: one unscoped placeholder per name, the unscoped value copied, a clean-up entry', () => {
    const p = plan(sourceWith(FIRST), makeSnapshot({ ...destScaffolding, projects: {} }), { variables: { newValues: 'placeholder', placeholder: 'Replace Me' } });
    expect(slots(after(p, []))).toEqual(['Application.Database.Name = Replace Me @ {}', 'ConnectionString = Database=#{Application.Database.Name} @ {}']);
    const op = p.operations.find((o) => o.id === 'projectVariables/OctoFX')!;
    expect(op.cleanup!.map((c) => c.field)).toEqual(["variable 'Application.Database.Name' (unscoped)"]);
  });

  it('newValues: placeholder with environment: ignore gives the same table', () => {
    const p = plan(sourceWith(FIRST), makeSnapshot({ ...destScaffolding, projects: {} }), { variables: { newValues: 'placeholder', placeholder: 'Replace Me' }, scopeMismatch: { variables: { environment: 'ignore' } } });
    expect(slots(after(p, []))).toEqual(['Application.Database.Name = Replace Me @ {}', 'ConnectionString = Database=#{Application.Database.Name} @ {}']);
  });

  it('newValues: placeholder adds no placeholder where the name already has an unscoped value, or is on the destination', () => {
    const src = [variable('Url', 'a', { Environment: ['Development'] }), variable('Url', 'b')];
    const p = plan(sourceWith(src), makeSnapshot({ ...destScaffolding, projects: {} }), { variables: { newValues: 'placeholder' } });
    expect(slots(after(p, []))).toEqual(['Url = b @ {}']);
    const existing = [variable('Url', 'prod', { Environment: ['Production'] })];
    const again = plan(sourceWith([variable('Url', 'a', { Environment: ['Development'] })]), withVars(existing), { variables: { newValues: 'placeholder' } });
    const op = again.operations.find((o) => o.id === 'projectVariables/OctoFX')!;
    expect(op.action).toBe('skip');
    expect(op.decisions![0].reason).toMatch(/on the destination already, so no placeholder is added/);
  });

  it('newValues: placeholder folds only values whose environments are missing: a target or a missing channel stays a skip', () => {
    const src = [variable('Db', 'x', { Machine: ['Machine1'] }), variable('Qa', 'y', { Channel: ['QA'] })];
    const p = plan(sourceWith(src), makeSnapshot({ ...destScaffolding, projects: {} }), { variables: { newValues: 'placeholder' } });
    const op = p.operations.find((o) => o.id === 'projectVariables/OctoFX')!;
    expect(op.desired!.Variables).toEqual([]);
    expect(op.decisions!.map((d) => d.reason)).toEqual([
      "target 'Machine1' is not on the destination, so no target scope matches (skip-unless-partial)",
      "channel 'QA' is not on the destination, so no channel scope matches (skip-unless-partial)",
    ]);
  });

  it('values that translate to the same value and scope are written once (copy with ignore), the other skipped with the reason', () => {
    const src = [variable('Flag', 'on', { Environment: ['Development'] }), variable('Flag', 'on', { Environment: ['Test'] })];
    const p = plan(sourceWith(src), makeSnapshot({ ...destScaffolding, projects: {} }), { scopeMismatch: { variables: { environment: 'ignore' } } });
    expect(slots(after(p, []))).toEqual(['Flag = on @ {}']);
    expect(p.operations.find((o) => o.id === 'projectVariables/OctoFX')!.decisions).toContainEqual(
      expect.objectContaining({ action: 'skip', reason: expect.stringMatching(/same value and scope as variable 'Flag' \(Environment: Development\)/) }),
    );
  });

  it('an exact match wins over a re-scope: no second value at a slot the destination already fills', () => {
    const dest = [variable('X', 'v'), variable('X', 'v', { Environment: ['Production'] })];
    const p = plan(sourceWith([variable('X', 'v', { Environment: ['Production'] })]), withVars(dest));
    expect(p.operations.find((o) => o.id === 'projectVariables/OctoFX')).toBeUndefined();
    expect(p.counts.unchanged).toBeGreaterThan(0);
  });
});

describe('variables: scope-mismatch modes never write a scope untranslated (issue 12, point 4)', () => {
  const src = [variable('Old', 'new', { Environment: ['Test'] }), variable('New', 'n', { Environment: ['Development', 'Production'] })];
  const dest = [variable('Old', 'old', { Environment: ['Production'] })];

  it('ignore-on-new-leave-existing: an existing variable is kept as it is, a new one is scoped to what matches', () => {
    const p = plan(sourceWith(src, { environments: { ...scaffolding.environments, Production: { Name: 'Production' } } }), withVars(dest), { scopeMismatch: { variables: { environment: 'ignore-on-new-leave-existing' } } });
    expect(slots(after(p, dest))).toEqual(['New = n @ {"Environment":["Production"]}', 'Old = old @ {"Environment":["Production"]}']);
    expect(p.operations.find((o) => o.id === 'projectVariables/OctoFX')!.decisions).toContainEqual({
      subject: "variable 'Old' (Environment: Test)",
      action: 'keep',
      reason: "environment 'Test' is not on the destination; the existing one is left as it is (ignore-on-new-leave-existing)",
      reasonCode: 'scope-mismatch-leave-existing',
    });
  });

  it('a scope kind octosync does not translate (Tenant) is skipped with the reason', () => {
    const p = plan(sourceWith([variable('PerTenant', 't', { Tenant: ['Internal'] })]), makeSnapshot({ ...destScaffolding, projects: {} }), { scopeMismatch: { variables: { environment: 'ignore' } } });
    const op = p.operations.find((o) => o.id === 'projectVariables/OctoFX')!;
    expect(op.desired!.Variables).toEqual([]);
    expect(op.decisions).toEqual([expect.objectContaining({ action: 'skip', reason: 'scoped to Tenant, which octosync does not translate between instances' })]);
  });
});

describe('variables: secrets on the destination are never shadowed (issue 12, point 5)', () => {
  const sensitive = (name: string, scope: Record<string, string[]> = {}) => variable(name, null, scope, { IsSensitive: true });

  it('a re-scoped source secret leaves the destination\'s alone: no placeholder beside it, a keep with the reason', () => {
    const dest = [sensitive('DbPassword')];
    const p = plan(sourceWith([sensitive('DbPassword', { Environment: ['Production'] })], { environments: { Production: { Name: 'Production' } } }), withVars(dest));
    const op = p.operations.find((o) => o.id === 'projectVariables/OctoFX')!;
    expect(op.action).toBe('skip');
    expect(op.cleanup).toBeUndefined();
    expect(op.decisions).toEqual([expect.objectContaining({ action: 'keep', reason: expect.stringMatching(/holds a sensitive value of 'DbPassword': left alone, nothing added beside it/) })]);
  });

  it('a plain source value at the scope of a destination secret does not shadow it; nor is a plain value re-scoped around it', () => {
    const dest = [sensitive('Token'), variable('Mixed', 'a'), sensitive('Mixed', { Environment: ['Production'] })];
    const src = [variable('Token', 'dev-token'), variable('Mixed', 'a', { Environment: ['Staging'] })];
    const p = plan(sourceWith(src, { environments: { Staging: { Name: 'Staging' } } }), withVars(dest));
    expect(slots(after(p, dest))).toEqual(slots(dest));
    expect(p.operations.find((o) => o.id === 'projectVariables/OctoFX')!.decisions!.map((d) => d.action)).toEqual(['keep', 'keep']);
  });

  it('a truly new secret gets a placeholder and a clean-up entry', () => {
    const p = plan(sourceWith([sensitive('Payment.Key')]), withVars([variable('Other', 'x')]));
    const op = p.operations.find((o) => o.id === 'projectVariables/OctoFX')!;
    expect(op.cleanup!.map((c) => c.field)).toEqual(["variable 'Payment.Key' (unscoped)"]);
  });
});

describe('variables: held back is not unchanged (issue 12, point 1)', () => {
  it('a set whose only differences are held back is a skip with its decisions, counted as such', () => {
    const dest = [variable('ConnectionString', 'x')];
    const src = [variable('ConnectionString', 'x'), variable('Application.Database.Name', 'OctoFx-Dev', { Environment: ['Development'] })];
    const held = plan(sourceWith(src), withVars(dest));
    const agreed = plan(sourceWith([variable('ConnectionString', 'x')]), withVars(dest));
    const op = held.operations.find((o) => o.id === 'projectVariables/OctoFX')!;
    expect(op).toEqual(expect.objectContaining({ action: 'skip', reason: 'left as it is on the destination: 1 source difference is held back (see decisions)' }));
    expect(op.decisions).toHaveLength(1);
    expect(held.counts.skip).toBe(agreed.counts.skip + 1);
    expect(held.counts.unchanged).toBe(agreed.counts.unchanged - 1);
  });

  it('a process whose source step is skipped on every run is a skip listing the step, not unchanged', () => {
    const step = (Name: string, extra: Record<string, unknown> = {}) => ({ Name, Properties: {}, Actions: [{ Name, ActionType: 'Octopus.Script', Properties: {}, ...extra }] });
    const p = plan(
      makeSnapshot({ ...scaffolding, deploymentProcesses: { OctoFX: { Steps: [step('Deploy'), step('Dev smoke test', { Environments: ['Development'] })] } } }),
      makeSnapshot({ ...destScaffolding, deploymentProcesses: { OctoFX: { Steps: [step('Deploy')] } } }),
    );
    const op = p.operations.find((o) => o.id === 'deploymentProcess/OctoFX')!;
    expect(op.action).toBe('skip');
    expect(op.decisions).toContainEqual(expect.objectContaining({ subject: "step 'Dev smoke test', action 'Dev smoke test'", action: 'skip' }));
  });

  it('a value synced with part of its scope lists the part dropped, on every plan', () => {
    const src = [variable('Site.Url', 'u', { Environment: ['Development', 'Production'] })];
    const synced = [variable('Site.Url', 'u', { Environment: ['Production'] })];
    const p = plan(sourceWith(src, { environments: { ...scaffolding.environments, Production: { Name: 'Production' } } }), withVars(synced));
    const op = p.operations.find((o) => o.id === 'projectVariables/OctoFX')!;
    expect(op.action).toBe('skip');
    expect(op.decisions).toEqual([
      { subject: "variable 'Site.Url' (Environment: Development, Production)", action: 'skip', reason: "environment 'Development' is not on the destination (skip-unless-partial): dropped from its scope", reasonCode: 'scope-value-dropped' },
    ]);
  });

  it('a known secret matched by scope is no held-back difference', () => {
    const dest = [variable('DbPassword', null, {}, { IsSensitive: true })];
    const p = plan(sourceWith(dest), withVars(dest));
    expect(p.operations.find((o) => o.id === 'projectVariables/OctoFX')).toBeUndefined();
  });
});
