import { describe, expect, it } from '@jest/globals';
import { createPlan } from '../../src/plan/planner.js';
import { withDefaults } from '../../src/plan/policy.js';
import { patched } from '../../src/util/json-patch.js';
import { fromKeyed, toKeyed } from '../../src/plan/keyed.js';
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
