import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withSimulator } from '../helpers/simulator.js';
import { applyTo, planSync, snapshotTo, workDir } from '../helpers/sync.js';
import { byName, defaultSpace, expectNoChanges, productionOnly, processOf, scriptStep } from './helpers.js';
import { join } from 'node:path';

/**
 * Issue 12 point 7: step scopes know which process they belong to. A runbook's step and a deployment process
 * step of the same name are different actions; a variable scoped to one stays scoped to that one on the
 * destination, end to end over HTTP, and the snapshot records the owner with the step's name.
 */

type Api = Awaited<ReturnType<typeof withSimulator>>['api'];
const S = '/api/Spaces-1';

const base = productionOnly;
const ops = {
  Name: 'Ops',
  ProjectGroupId: 'Default Project Group',
  LifecycleId: 'Default Lifecycle',
  $deploymentProcess: { Steps: [scriptStep('Backup'), scriptStep('Deploy')] },
  $runbooks: [{ Name: 'Nightly', $process: { Steps: [scriptStep('Backup')] } }],
};

/** Action ids of a project's processes: `Deployment process/Backup`, `Nightly/Backup`. */
async function actionIds(api: Api, project: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const s of (await processOf(api, project)).Steps) for (const a of s.Actions) out[`Deployment process/${a.Name}`] = a.Id;
  const p = await byName(api, 'projects', project);
  for (const rb of (await api('GET', `${S}/projects/${p.Id}/runbooks`)).body.Items) {
    const proc = (await api('GET', `${S}/runbookProcesses/${rb.RunbookProcessId}`)).body;
    for (const s of proc.Steps) for (const a of s.Actions) out[`${rb.Name}/${a.Name}`] = a.Id;
  }
  return out;
}

/** `value @ owner/action` for each value of a variable scoped to actions. */
async function actionScoped(api: Api, project: string, name: string): Promise<string[]> {
  const ids = await actionIds(api, project);
  const byId = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
  const p = await byName(api, 'projects', project);
  const set = (await api('GET', `${S}/variables/${p.VariableSetId}`)).body;
  return set.Variables.filter((v: any) => v.Name === name).map((v: any) => `${v.Value} @ ${(v.Scope.Action ?? []).map((id: string) => byId[id] ?? `?${id}`).sort().join(', ')}`).sort();
}

async function scopeToActions(api: Api, project: string, values: [string, string[]][]): Promise<void> {
  const ids = await actionIds(api, project);
  const p = await byName(api, 'projects', project);
  const set = (await api('GET', `${S}/variables/${p.VariableSetId}`)).body;
  const variables = values.map(([value, actions]) => ({ Name: 'Backup.Target', Value: value, Type: 'String', IsSensitive: false, Scope: { Action: actions.map((a) => ids[a]) } }));
  expect((await api('PUT', `${S}/variables/${set.Id}`, { ...set, Variables: variables })).status).toBe(200);
}

describe('variables scoped to a step of a runbook, or of the deployment process, of the same name', () => {
  let src: Awaited<ReturnType<typeof withSimulator>>;
  let dst: Awaited<ReturnType<typeof withSimulator>>;
  const dir = workDir();

  beforeAll(async () => {
    src = await withSimulator({ seed: defaultSpace({ ...base(), projects: [ops] }) });
    await scopeToActions(src.api, 'Ops', [['runbook-target', ['Nightly/Backup']], ['deploy-target', ['Deployment process/Backup']], ['both', ['Nightly/Backup', 'Deployment process/Deploy']]]);
    dst = await withSimulator({ seed: defaultSpace(base()) });
  });
  afterAll(async () => {
    await src.close();
    await dst.close();
  });

  it('the snapshot keeps the owner with the step name', async () => {
    const snap = await snapshotTo(src.url, join(dir, 'source.json'));
    const variables = (snap.resources.projectVariables as any).Ops.content.Variables;
    expect(variables.map((v: any) => [v.Value, v.Scope.Action])).toEqual(
      expect.arrayContaining([
        ['runbook-target', ['Runbook: Nightly / Backup']],
        ['deploy-target', ['Deployment process / Backup']],
        ['both', ['Deployment process / Deploy', 'Runbook: Nightly / Backup']],
      ]),
    );
  });

  it('first sync: each value stays scoped to the step of its own process', async () => {
    const { file } = await planSync(dir, src.url, dst.url, undefined, 'first');
    await applyTo(dst.url, file);
    expect(await actionScoped(dst.api, 'Ops', 'Backup.Target')).toEqual([
      'both @ Deployment process/Deploy, Nightly/Backup',
      'deploy-target @ Deployment process/Backup',
      'runbook-target @ Nightly/Backup',
    ]);
    expectNoChanges((await planSync(dir, src.url, dst.url, undefined, 'first-again')).plan);
  });

  it('recurring sync: moving a value from the runbook\'s step to the deployment step of the same name moves it there too', async () => {
    await scopeToActions(src.api, 'Ops', [['runbook-target', ['Deployment process/Backup']], ['deploy-target', ['Nightly/Backup']], ['both', ['Nightly/Backup', 'Deployment process/Deploy']]]);
    const { plan, file } = await planSync(dir, src.url, dst.url, undefined, 'recurring');
    expect(plan.operations.find((o) => o.id === 'projectVariables/Ops')?.action).toBe('update');
    await applyTo(dst.url, file);
    expect(await actionScoped(dst.api, 'Ops', 'Backup.Target')).toEqual([
      'both @ Deployment process/Deploy, Nightly/Backup',
      'deploy-target @ Nightly/Backup',
      'runbook-target @ Deployment process/Backup',
    ]);
    expectNoChanges((await planSync(dir, src.url, dst.url, undefined, 'recurring-again')).plan);
  });
});
