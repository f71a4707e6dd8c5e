import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StalePlanError } from '../../src/errors.js';
import { hasChanges } from '../../src/plan-format/operations.js';
import type { Plan } from '../../src/plan-format/types.js';
import { workDir } from '../helpers/sync.js';
import { byName, decisionsOf, expectNoChanges, names, processOf } from '../usecases/helpers.js';
import { applyRound, planRound, scriptStep, simulators, space, type Sim } from './helpers.js';

/**
 * Issue 18, point 3's deletions and point 4, end to end over HTTP: what the source deleted since the last sync
 * is deleted on the destination under `deletions: propagate` only where octosync synced it and nobody touched
 * it there since; never a destination-only item; reported under `report`; and nothing of it without a baseline.
 */

const sim = simulators();

const S = '/api/Spaces-1';
const PROPAGATE = { version: 1, deletions: 'propagate', filters: { projects: { include: ['OctoFX', 'Legacy'] } } };

const seed = () =>
  space(['Production'], {
    steps: [scriptStep('Deploy'), scriptStep('Cleanup')],
    variables: [
      { Name: 'Keep', Value: '1' },
      { Name: 'Old', Value: 'x' },
      { Name: 'Multi', Value: 'a', Scope: { Environment: ['Production'] } },
      { Name: 'Multi', Value: 'b' },
    ],
    channels: ['Hotfix', 'Beta'],
    runbooks: ['Nightly', 'Weekly'],
    projects: ['Legacy'],
  });

async function child(s: Sim, collection: string, name: string): Promise<any> {
  const p = await byName(s.api, 'projects', 'OctoFX');
  return (await s.api('GET', `${S}/projects/${p.Id}/${collection}`)).body.Items.find((d: any) => d.Name === name);
}

async function ok(res: Promise<{ status: number; body: any }>): Promise<void> {
  const r = await res;
  expect([r.status, JSON.stringify(r.body ?? null).slice(0, 200)]).toEqual([200, expect.anything()]);
}

/** The source deletes a step, a variable, a value, two runbooks, a channel and a project. */
async function deleteOnSource(src: Sim): Promise<void> {
  const p = await byName(src.api, 'projects', 'OctoFX');
  const proc = await processOf(src.api, 'OctoFX');
  proc.Steps = proc.Steps.filter((s: any) => s.Name !== 'Cleanup');
  await ok(src.api('PUT', `${S}/projects/${p.Id}/deploymentprocesses`, proc));
  const set = (await src.api('GET', `${S}/variables/${p.VariableSetId}`)).body;
  set.Variables = set.Variables.filter((v: any) => v.Name !== 'Old' && v.Value !== 'b');
  await ok(src.api('PUT', `${S}/variables/${p.VariableSetId}`, set));
  for (const rb of ['Nightly', 'Weekly']) await ok(src.api('DELETE', `${S}/runbooks/${(await child(src, 'runbooks', rb)).Id}`));
  await ok(src.api('DELETE', `${S}/channels/${(await child(src, 'channels', 'Hotfix')).Id}`));
  await ok(src.api('DELETE', `${S}/projects/${(await byName(src.api, 'projects', 'Legacy')).Id}`));
}

async function synced(policy: Record<string, unknown>): Promise<{ src: Sim; dst: Sim; dir: string; baseline: string }> {
  const src = await sim({ seed: seed() });
  const dst = await sim({ seed: space(['Production']) });
  const dir = workDir();
  const baseline = join(dir, 'baseline.json');
  const first = await planRound(dir, 'first', src.url, dst.url, policy);
  expect((await applyRound(dst.url, first, baseline)).failed).toEqual([]);
  // On the destination, since: an operator edits the Weekly runbook and adds a channel of their own.
  const weekly = await child(dst, 'runbooks', 'Weekly');
  await ok(dst.api('PUT', `${S}/runbooks/${weekly.Id}`, { ...weekly, Description: 'kept by ops' }));
  const p = await byName(dst.api, 'projects', 'OctoFX');
  const made = await dst.api('POST', `${S}/channels`, { Name: 'DestOnly', ProjectId: p.Id });
  expect(made.status).toBe(201);
  await deleteOnSource(src);
  return { src, dst, dir, baseline };
}

const deletes = (plan: Plan) => plan.operations.filter((o) => o.action === 'delete').map((o) => o.id);
const records = (plan: Plan) => plan.threeWay!.deletions.map((d) => `${d.action} ${d.kind} ${d.keyPath.join('/')}${d.element}`);

describe('deletions: propagate', () => {
  it('deletes a step, a variable and a value, a runbook, a channel and a project: only what octosync synced and nobody touched since', async () => {
    const { src, dst, dir, baseline } = await synced(PROPAGATE);
    const round = await planRound(dir, 'second', src.url, dst.url, PROPAGATE, baseline);
    // Children before parents: the registry's order reversed.
    expect(deletes(round.plan)).toEqual(['runbook/OctoFX/Nightly', 'channel/OctoFX/Hotfix', 'project/Legacy']);
    expect(decisionsOf(round.plan, 'deploymentProcess/OctoFX')).toContain("remove step 'Cleanup'");
    expect(decisionsOf(round.plan, 'projectVariables/OctoFX')).toEqual(expect.arrayContaining(["remove variable 'Old'", 'remove variable \'Multi\' (value "b")']));
    // The edited runbook is refused; the destination's own channel is never mentioned.
    expect(records(round.plan)).toEqual(expect.arrayContaining(['refuse runbook OctoFX/Weekly']));
    expect(JSON.stringify(round.plan)).not.toContain('DestOnly');
    expect(hasChanges(round.plan)).toBe(true);

    const result = await applyRound(dst.url, round, baseline);
    expect(result.deleted).toBe(3);
    expect(names(await dst.api('GET', `${S}/projects/all`).then((r) => r.body))).toEqual(['OctoFX']);
    const p = await byName(dst.api, 'projects', 'OctoFX');
    expect(names((await dst.api('GET', `${S}/projects/${p.Id}/channels`)).body.Items)).toEqual(['Beta', 'Default', 'DestOnly']);
    expect(names((await dst.api('GET', `${S}/projects/${p.Id}/runbooks`)).body.Items)).toEqual(['Weekly']);
    expect((await processOf(dst.api, 'OctoFX')).Steps.map((s: any) => s.Name)).toEqual(['Deploy']);
    const values = (await dst.api('GET', `${S}/variables/${p.VariableSetId}`)).body.Variables.map((v: any) => `${v.Name}=${v.Value}`).sort();
    expect(values).toEqual(['Keep=1', 'Multi=a']);
    expect(readFileSync(result.files.cleanupMarkdown, 'utf8')).toContain("- channel `OctoFX / Hotfix`");
    // The baseline no longer holds what was deleted; the next plan has nothing to write.
    const baselineText = readFileSync(baseline, 'utf8');
    expect(baselineText).not.toContain('"Legacy"');
    const again = await planRound(dir, 'again', src.url, dst.url, PROPAGATE, baseline);
    expectNoChanges(again.plan);
    expect(deletes(again.plan)).toEqual([]);
  });

  it('refuses at apply a delete whose item changed on the destination since planning', async () => {
    const { src, dst, dir, baseline } = await synced(PROPAGATE);
    const round = await planRound(dir, 'second', src.url, dst.url, PROPAGATE, baseline);
    const hotfix = await child(dst, 'channels', 'Hotfix');
    await ok(dst.api('PUT', `${S}/channels/${hotfix.Id}`, { ...hotfix, Description: 'in use now' }));
    dst.stats.reset();
    const err = await applyRound(dst.url, round, baseline).catch((e) => e);
    expect(err).toBeInstanceOf(StalePlanError);
    expect(err.message).toMatch(/channel 'OctoFX \/ Hotfix': changed since planning \(Description\); a delete is refused/);
    expect(dst.stats.writes).toBe(0);
  });
});

describe('deletions: propagate refuses', () => {
  it('a step edited on the destination, a project the filter does not name, and (at apply) a channel a step is scoped to', async () => {
    const policy = { version: 1, deletions: 'propagate' };
    const { src, dst, dir, baseline } = await synced(policy);
    const p = await byName(dst.api, 'projects', 'OctoFX');
    const hotfix = await child(dst, 'channels', 'Hotfix');
    const proc = await processOf(dst.api, 'OctoFX');
    proc.Steps.find((s: any) => s.Name === 'Cleanup').Actions[0].Properties['Octopus.Action.Script.ScriptBody'] = 'cleanup, the ops way';
    await ok(dst.api('PUT', `${S}/projects/${p.Id}/deploymentprocesses`, proc));
    const round = await planRound(dir, 'second', src.url, dst.url, policy, baseline);
    expect(records(round.plan)).toEqual(expect.arrayContaining(['refuse deploymentProcess OctoFX/Steps/Cleanup', 'refuse deploymentProcess OctoFX/Steps/Cleanup/Actions/Cleanup', 'refuse project Legacy']));
    expect(decisionsOf(round.plan, 'deploymentProcess/OctoFX')).not.toContain("remove step 'Cleanup'");
    expect(deletes(round.plan)).toEqual(['runbook/OctoFX/Nightly', 'channel/OctoFX/Hotfix']);
    // Between plan and apply, an operator scopes a step to Hotfix: Octopus would delete that step with the channel.
    const now = await processOf(dst.api, 'OctoFX');
    now.Steps.find((s: any) => s.Name === 'Deploy').Actions[0].Channels = [hotfix.Id];
    await ok(dst.api('PUT', `${S}/projects/${p.Id}/deploymentprocesses`, now));
    const err = await applyRound(dst.url, round, baseline).catch((e) => e);
    expect(err.message).toMatch(/channel 'OctoFX \/ Hotfix': step 'Deploy' on the destination is scoped to it: not deleted/);
    expect(names((await dst.api('GET', `${S}/projects/${p.Id}/channels`)).body.Items)).toContain('Hotfix');
    expect((await processOf(dst.api, 'OctoFX')).Steps.map((s: any) => s.Name)).toEqual(['Deploy', 'Cleanup']);
  });
});

describe('deletions: a tenant\'s project links', () => {
  it('a link the source dropped is removed under propagate; a link the destination added is never touched', async () => {
    const src = await sim({ seed: space(['Production'], { projects: ['Legacy', 'Extra'], tenants: { Internal: ['OctoFX', 'Legacy'] } }) });
    const dst = await sim({ seed: space(['Production'], { projects: ['Extra'] }) });
    const dir = workDir();
    const baseline = join(dir, 'baseline.json');
    const policy = { version: 1, deletions: 'propagate' };
    expect((await applyRound(dst.url, await planRound(dir, 'first', src.url, dst.url, policy), baseline)).failed).toEqual([]);
    const linked = async (s: Sim) => {
      const t = await byName(s.api, 'tenants', 'Internal');
      const projects = await s.api('GET', `${S}/projects/all`).then((r) => r.body);
      return Object.keys(t.ProjectEnvironments).map((id) => projects.find((p: any) => p.Id === id).Name).sort();
    };
    // On the destination, an operator links the tenant to Extra too; on the source, the link to Legacy goes.
    const edit = async (s: Sim, change: (links: Record<string, string[]>, ids: (name: string) => string) => void) => {
      const t = await byName(s.api, 'tenants', 'Internal');
      const projects = await s.api('GET', `${S}/projects/all`).then((r) => r.body);
      change(t.ProjectEnvironments, (name) => projects.find((p: any) => p.Name === name).Id);
      await ok(s.api('PUT', `${S}/tenants/${t.Id}`, t));
    };
    await edit(dst, (links, id) => (links[id('Extra')] = links[id('OctoFX')]));
    await edit(src, (links, id) => delete links[id('Legacy')]);
    const round = await planRound(dir, 'second', src.url, dst.url, policy, baseline);
    expect(decisionsOf(round.plan, 'tenant/Internal')).toContain("remove link to project 'Legacy'");
    // The operator's link is drift: listed, kept.
    expect(round.plan.threeWay!.drift).toEqual([expect.objectContaining({ kind: 'tenant', element: '/ProjectEnvironments/Extra' })]);
    await applyRound(dst.url, round, baseline);
    expect(await linked(dst)).toEqual(['Extra', 'OctoFX']);
  });
});

describe('deletions: report (the default), and no baseline', () => {
  it('reports what the source deleted and deletes nothing; without a baseline the plan is as before', async () => {
    const policy = { version: 1, filters: { projects: { include: ['OctoFX', 'Legacy'] } } };
    const { src, dst, dir, baseline } = await synced(policy);
    const round = await planRound(dir, 'report', src.url, dst.url, policy, baseline);
    expect(deletes(round.plan)).toEqual([]);
    expect(records(round.plan)).toEqual(expect.arrayContaining([
      'report channel OctoFX/Hotfix', 'report runbook OctoFX/Nightly', 'report runbook OctoFX/Weekly', 'report project Legacy',
      'report deploymentProcess OctoFX/Steps/Cleanup', 'report projectVariables OctoFX/Variables/Old',
    ]));
    const twoWay = await planRound(dir, 'two-way', src.url, dst.url, policy);
    expect(twoWay.plan.threeWay).toBeUndefined();
    expect(deletes(twoWay.plan)).toEqual([]);
    // Two-way, a step only the destination has is kept (processes.destinationOnlySteps: keep): nothing to write.
    expect(twoWay.plan.operations.filter((o) => o.action !== 'skip').map((o) => o.id)).toEqual([]);
  });
});
