import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { hasChanges } from '../../src/plan-format/operations.js';
import type { Plan } from '../../src/plan-format/types.js';
import { workDir } from '../helpers/sync.js';
import { byName, decisionsOf, expectNoChanges, processOf } from '../usecases/helpers.js';
import { applyRound, GUIDE_AFTER, GUIDE_BEFORE, planRound, scriptStep, simulators, space, type Sim } from './helpers.js';

/**
 * Issue 18, points 2 and 3, end to end over HTTP: a sync, destination edits through the API, a source change,
 * then a plan with the baseline (three-way) beside the same plan without it (two-way, as before), and the
 * sync's convergence.
 */

const sim = simulators();

const S = '/api/Spaces-1';

/** Edits a project's variables through the API: `edit` changes the list of the variable set in place. */
async function editVariables(s: Sim, project: string, edit: (vars: any[]) => void): Promise<void> {
  const p = await byName(s.api, 'projects', project);
  const set = (await s.api('GET', `${S}/variables/${p.VariableSetId}`)).body;
  edit(set.Variables);
  const res = await s.api('PUT', `${S}/variables/${p.VariableSetId}`, set);
  expect([res.status, JSON.stringify(res.body).slice(0, 300)]).toEqual([200, expect.anything()]);
}

async function editProcess(s: Sim, project: string, edit: (process: any) => void): Promise<void> {
  const p = await byName(s.api, 'projects', project);
  const proc = await processOf(s.api, project);
  edit(proc);
  const res = await s.api('PUT', `${S}/projects/${p.Id}/deploymentprocesses`, proc);
  expect(res.status).toBe(200);
}

const values = async (s: Sim, name: string) => {
  const p = await byName(s.api, 'projects', 'OctoFX');
  const set = (await s.api('GET', `${S}/variables/${p.VariableSetId}`)).body;
  return set.Variables.filter((v: any) => v.Name === name).map((v: any) => v.Value).sort();
};

const setValue = (name: string, value: string) => (vars: any[]) => {
  for (const v of vars) if (v.Name === name) v.Value = value;
};

/** First sync (two-way: no baseline yet), written with the baseline; returns the baseline file. */
async function firstSync(dir: string, src: Sim, dst: Sim, policy?: Record<string, unknown>): Promise<string> {
  const baseline = join(dir, 'baseline.json');
  const round = await planRound(dir, 'first', src.url, dst.url, policy);
  const result = await applyRound(dst.url, round, baseline);
  expect(result.failed).toEqual([]);
  return baseline;
}

const subjects = (plan: Plan, id: string) => decisionsOf(plan, id);

describe('three-way: source changes are synced, destination edits kept as drift', () => {
  it('the guide\'s recurring variable example, with an operator\'s edit on the destination in between', async () => {
    // The guide's setting: Dev/Test source, Staging/Production destination; Application.Database.Name's values
    // are scoped to environments the destination lacks (skipped), ConnectionString is copied, LogLevel too.
    const logLevel = { Name: 'LogLevel', Value: 'Info' };
    const timeout = { Name: 'Timeout', Value: '30' };
    const src = await sim({ seed: space(['Development', 'Test'], { variables: [...GUIDE_BEFORE, logLevel, timeout] }) });
    const dst = await sim({ seed: space(['Staging', 'Production']) });
    const dir = workDir();
    const baseline = await firstSync(dir, src, dst);

    // In between: an operator sets LogLevel on the destination; the source changes as the guide's table says,
    // and raises Timeout.
    await editVariables(dst, 'OctoFX', setValue('LogLevel', 'Debug'));
    await editVariables(src, 'OctoFX', (vars) => {
      const kept = vars.filter((v) => v.Name === 'LogLevel');
      const fresh = [...GUIDE_AFTER, { ...timeout, Value: '60' }].map((v) => ({ Type: 'String', IsSensitive: false, IsEditable: true, Description: null, Prompt: null, Scope: {}, ...v }));
      vars.splice(0, vars.length, ...kept, ...fresh);
    });

    const twoWay = await planRound(dir, 'two-way', src.url, dst.url, undefined);
    const threeWay = await planRound(dir, 'three-way', src.url, dst.url, undefined, baseline);
    // Two-way (today): Timeout and LogLevel differ, both left alone (variables.overwrite: never); no records.
    expect(subjects(twoWay.plan, 'projectVariables/OctoFX')).toEqual(expect.arrayContaining(['keep variable \'Timeout\' (unscoped)', 'keep variable \'LogLevel\' (unscoped)']));
    expect(twoWay.plan.threeWay).toBeUndefined();
    expect(twoWay.plan.counts).not.toHaveProperty('drift');
    // Three-way: Timeout changed on the source only: overwritten; LogLevel edited on the destination only: kept, as drift.
    expect(threeWay.plan.policy.content.variables.overwrite).toBe('unless-edited-on-destination');
    const d = subjects(threeWay.plan, 'projectVariables/OctoFX');
    expect(d).toContain('update variable \'Timeout\' (unscoped)');
    expect(d).toContain('keep variable \'LogLevel\'');
    expect(threeWay.plan.threeWay!.drift).toEqual([{ kind: 'projectVariables', keyPath: ['OctoFX'], element: '/Variables/LogLevel', fields: ['(values)'] }]);
    expect(threeWay.plan.counts).toMatchObject({ drift: 1, conflicts: 0, deletions: 0 });
    // The guide's result for ConnectionString: the existing value gains the SQL-Server scope, Oracle is added.
    expect(d).toEqual(expect.arrayContaining(['update variable \'ConnectionString\' (Role: SQL-Server)', 'create variable \'ConnectionString\' (Role: Oracle)']));

    await applyRound(dst.url, threeWay, baseline);
    expect(await values(dst, 'Timeout')).toEqual(['60']);
    expect(await values(dst, 'LogLevel')).toEqual(['Debug']);
    expect(await values(dst, 'ConnectionString')).toEqual(['Data Source=#{Application.Database.Name}', 'Database=#{Application.Database.Name}']);

    // Converged: nothing to write, and the kept edit is no drift any more (the baseline holds it as written).
    const again = await planRound(dir, 'again', src.url, dst.url, undefined, baseline);
    expectNoChanges(again.plan);
    expect(hasChanges(again.plan)).toBe(false);
    expect(again.plan.threeWay!.drift).toEqual([]);
  });

  it('a step edited on the destination is kept while another step follows the source', async () => {
    const steps = [scriptStep('Deploy'), scriptStep('Smoke test')];
    const src = await sim({ seed: space(['Production'], { steps }) });
    const dst = await sim({ seed: space(['Production']) });
    const dir = workDir();
    const baseline = await firstSync(dir, src, dst);
    await editProcess(dst, 'OctoFX', (p) => {
      p.Steps.find((s: any) => s.Name === 'Smoke test').Actions[0].Properties['Octopus.Action.Script.ScriptBody'] = 'curl -f https://prod/health';
    });
    await editProcess(src, 'OctoFX', (p) => {
      p.Steps.find((s: any) => s.Name === 'Deploy').Actions[0].Properties['Octopus.Action.Script.ScriptBody'] = 'deploy v2';
    });
    const twoWay = await planRound(dir, 'two-way', src.url, dst.url, undefined);
    // Two-way: the process must match the source: the operator's edit would be overwritten.
    expect(JSON.stringify(twoWay.plan.operations.find((o) => o.id === 'deploymentProcess/OctoFX')!.patch)).toContain('smoke test');
    const threeWay = await planRound(dir, 'three-way', src.url, dst.url, undefined, baseline);
    const op = threeWay.plan.operations.find((o) => o.id === 'deploymentProcess/OctoFX')!;
    expect(op.action).toBe('update');
    expect(JSON.stringify(op.patch)).toContain('deploy v2');
    expect(JSON.stringify(op.patch)).not.toContain('smoke test');
    expect(threeWay.plan.threeWay!.drift.map((r) => r.element)).toEqual(['/Steps/Smoke test/Actions/Smoke test']);
    await applyRound(dst.url, threeWay, baseline);
    const bodies = (await processOf(dst.api, 'OctoFX')).Steps.map((s: any) => s.Actions[0].Properties['Octopus.Action.Script.ScriptBody']);
    expect(bodies).toEqual(['deploy v2', 'curl -f https://prod/health']);
    expectNoChanges((await planRound(dir, 'again', src.url, dst.url, undefined, baseline)).plan);
  });
});

describe('three-way: conflicts, under each policy', () => {
  async function conflicted(): Promise<{ src: Sim; dst: Sim; dir: string; baseline: string }> {
    const src = await sim({ seed: space(['Production'], { variables: [{ Name: 'LogLevel', Value: 'Info' }, { Name: 'Stable', Value: 'x' }] }) });
    const dst = await sim({ seed: space(['Production']) });
    const dir = workDir();
    const baseline = await firstSync(dir, src, dst);
    await editVariables(src, 'OctoFX', setValue('LogLevel', 'Warning'));
    await editVariables(dst, 'OctoFX', setValue('LogLevel', 'Debug'));
    return { src, dst, dir, baseline };
  }

  it('fail (the default): the plan is refused, naming each conflict with both sides\' values', async () => {
    const { src, dst, dir, baseline } = await conflicted();
    const err = await planRound(dir, 'fail', src.url, dst.url, undefined, baseline).catch((e) => e);
    expect(err.exitCode).toBe(1);
    expect(err.message).toMatch(/1 conflict: changed on the source and edited on the destination/);
    expect(err.message).toContain(`project variables 'OctoFX', variable 'LogLevel'`);
    expect(err.message).toContain('"Value":"Warning"');
    expect(err.message).toContain('"Value":"Debug"');
  });

  it('source-wins: the source\'s value is written, the conflict listed', async () => {
    const { src, dst, dir, baseline } = await conflicted();
    const round = await planRound(dir, 'sw', src.url, dst.url, { version: 1, conflicts: 'source-wins' }, baseline);
    expect(round.plan.threeWay!.conflicts).toEqual([
      expect.objectContaining({ element: '/Variables/LogLevel', resolution: 'source', source: [expect.objectContaining({ Value: 'Warning' })], destination: [expect.objectContaining({ Value: 'Debug' })] }),
    ]);
    expect(round.plan.counts.conflicts).toBe(1);
    // Deterministic: the same inputs and baseline give the same plan, byte for byte but for createdAt.
    const twice = await planRound(dir, 'sw-again', src.url, dst.url, { version: 1, conflicts: 'source-wins' }, baseline);
    expect({ ...twice.plan, createdAt: '' }).toEqual({ ...round.plan, createdAt: '' });
    await applyRound(dst.url, round, baseline);
    expect(await values(dst, 'LogLevel')).toEqual(['Warning']);
    expectNoChanges((await planRound(dir, 'again', src.url, dst.url, { version: 1, conflicts: 'source-wins' }, baseline)).plan);
  });

  it('destination-wins: the destination\'s value is kept, the conflict listed', async () => {
    const { src, dst, dir, baseline } = await conflicted();
    const round = await planRound(dir, 'dw', src.url, dst.url, { version: 1, conflicts: 'destination-wins' }, baseline);
    expect(round.plan.threeWay!.conflicts).toEqual([expect.objectContaining({ element: '/Variables/LogLevel', resolution: 'destination' })]);
    expect(hasChanges(round.plan)).toBe(false);
    await applyRound(dst.url, round, baseline);
    expect(await values(dst, 'LogLevel')).toEqual(['Debug']);
  });

  it('a sensitive value in a conflict is masked', async () => {
    const src = await sim({ seed: space(['Production'], { variables: [{ Name: 'Token', Value: 'a', IsSensitive: true, Type: 'Sensitive' }, { Name: 'Token', Value: 'plain', Scope: { Environment: ['Production'] } }] }) });
    const dst = await sim({ seed: space(['Production']) });
    const dir = workDir();
    const baseline = await firstSync(dir, src, dst);
    await editVariables(src, 'OctoFX', (vars) => vars.forEach((v) => v.IsSensitive || (v.Value = 'plain2')));
    await editVariables(dst, 'OctoFX', (vars) => vars.forEach((v) => v.IsSensitive || (v.Value = 'plain3')));
    const err = await planRound(dir, 'fail', src.url, dst.url, undefined, baseline).catch((e) => e);
    expect(err.message).toContain('"Value":"(sensitive)"');
    expect(err.message).not.toMatch(/"Value":"a"/);
  });
});
