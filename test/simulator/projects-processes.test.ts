import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withSimulator } from '../helpers/simulator.js';
import { GUID, S, type Sim, newProject, staleMessage } from './projects-helpers.js';

function scriptStep(name: string, extra: Record<string, unknown> = {}): any {
  return {
    Name: name,
    Properties: { 'Octopus.Action.TargetRoles': 'web-server' },
    Actions: [
      {
        Name: name,
        ActionType: 'Octopus.Script',
        Properties: { 'Octopus.Action.Script.ScriptBody': 'echo hi', 'Octopus.Action.RunOnServer': true },
        ...extra,
      },
    ],
  };
}

describe('simulator deployment processes', () => {
  let sim: Sim;
  let project: any;
  let dev: any;
  beforeAll(async () => {
    sim = await withSimulator();
    project = await newProject(sim, 'Process Project');
    dev = (await sim.api('POST', `${S}/environments`, { Name: 'Development' })).body;
  });
  afterAll(() => sim.close());

  it('assigns GUIDs to steps, actions and packages, increments Version and keeps ids on the next PUT', async () => {
    const url = `${S}/projects/${project.Id}/deploymentprocesses`;
    const current = (await sim.api('GET', url)).body;
    const step = scriptStep('Run a script', { Environments: [dev.Id], Packages: [{ Name: 'tools', PackageId: 'MyCo.Tools', Bogus: 1 }] });
    const put = await sim.api('PUT', url, { ...current, Steps: [step] });
    expect(put.status).toBe(200);
    const saved = put.body;
    expect(saved.Version).toBe(current.Version + 1);
    expect(saved.Steps[0].Id).toMatch(GUID);
    expect(saved.Steps[0]).toMatchObject({ Slug: 'run-a-script', Condition: 'Success', StartTrigger: 'StartAfterPrevious', PackageRequirement: 'LetOctopusDecide' });
    const action = saved.Steps[0].Actions[0];
    expect(action.Id).toMatch(GUID);
    expect(action).toMatchObject({ ActionType: 'Octopus.Script', Environments: [dev.Id], ExcludedEnvironments: [], Channels: [], IsDisabled: false });
    expect(action.Properties['Octopus.Action.RunOnServer']).toBe('true');
    expect(action.Packages[0].Id).toMatch(GUID);
    expect(action.Packages[0]).not.toHaveProperty('Bogus');

    const again = await sim.api('PUT', url, saved);
    expect(again.status).toBe(200);
    expect(again.body.Version).toBe(saved.Version + 1);
    expect(again.body.Steps[0].Id).toBe(saved.Steps[0].Id);
    expect(again.body.Steps[0].Actions[0].Id).toBe(action.Id);
  });

  it('refuses a stale Version with the real message, and a PUT without Steps or Version', async () => {
    const url = `${S}/deploymentprocesses/${project.DeploymentProcessId}`;
    const current = (await sim.api('GET', url)).body;
    const stale = await sim.api('PUT', url, { ...current, Version: current.Version - 1 });
    expect(stale.status).toBe(400);
    expect(stale.body).toMatchObject({ ErrorMessage: 'There was a problem with your request.', Errors: [staleMessage('DeploymentProcess', current.Id)] });
    const noSteps = await sim.api('PUT', `${S}/projects/${project.Id}/deploymentprocesses`, { Id: current.Id, Version: current.Version });
    expect(noSteps.status).toBe(400);
    expect(noSteps.body.Errors).toEqual(['The Steps field is required.']);
    const { Version: _v, ...noVersion } = current;
    expect((await sim.api('PUT', url, noVersion)).status).toBe(400);
    expect((await sim.api('POST', `${S}/deploymentprocesses`, current)).status).toBe(405);
    expect((await sim.api('DELETE', url)).status).toBe(405);
  });

  it('answers 400 for a step reference to an id that does not exist', async () => {
    const url = `${S}/projects/${project.Id}/deploymentprocesses`;
    const current = (await sim.api('GET', url)).body;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ Environments: ['Environments-999999'] }, /Environments-999999/],
      [{ ExcludedEnvironments: ['Environments-999998'] }, /Environments-999998/],
      [{ Channels: ['Channels-999999'] }, /Channels-999999/],
      [{ WorkerPoolId: 'WorkerPools-999999' }, /WorkerPools-999999/],
      [{ Packages: [{ PackageId: 'X', FeedId: 'Feeds-999999' }] }, /Feeds-999999/],
      [{ TenantTags: ['Missing/Tag'] }, /Missing\/Tag/],
      [{ Properties: { 'Octopus.Action.Template.Id': 'ActionTemplates-999999' } }, /ActionTemplates-999999/],
    ];
    for (const [extra, message] of cases) {
      const res = await sim.api('PUT', url, { ...current, Steps: [scriptStep('Broken', extra)] });
      expect(res.status).toBe(400);
      expect(res.body.Errors.join(' ')).toMatch(message);
    }
    const other = await newProject(sim, 'Other Project');
    const otherChannel = (await sim.api('GET', `${S}/projects/${other.Id}/channels`)).body.Items[0];
    const foreign = await sim.api('PUT', url, { ...current, Steps: [scriptStep('Foreign', { Channels: [otherChannel.Id] })] });
    expect(foreign.status).toBe(400);
    const unchanged = (await sim.api('GET', url)).body;
    expect(unchanged.Version).toBe(current.Version);
  });

  it('requires step and action names and action types, unique within the process', async () => {
    const url = `${S}/projects/${project.Id}/deploymentprocesses`;
    const current = (await sim.api('GET', url)).body;
    const noType = await sim.api('PUT', url, { ...current, Steps: [{ Name: 'x', Actions: [{ Name: 'x' }] }] });
    expect(noType.status).toBe(400);
    expect(noType.body.Errors).toContain('The ActionType field is required.');
    const dup = await sim.api('PUT', url, { ...current, Steps: [scriptStep('Same'), scriptStep('Same')] });
    expect(dup.status).toBe(400);
  });

  it('keeps a sensitive property write-only: masked on read, kept on a PUT that sends HasValue, cleared by HasValue false', async () => {
    const url = `${S}/projects/${project.Id}/deploymentprocesses`;
    const current = (await sim.api('GET', url)).body;
    const step = scriptStep('Secretive', { Properties: { 'Octopus.Action.Script.ScriptBody': 'x', 'My.Password': { HasValue: true, NewValue: 'hunter2' } } });
    const saved = await sim.api('PUT', url, { ...current, Steps: [step] });
    expect(saved.status).toBe(200);
    const props = () => saved.body.Steps[0].Actions[0].Properties;
    expect(props()['My.Password']).toEqual({ HasValue: true, NewValue: null, Hint: null });
    expect(props()['Octopus.Action.Script.ScriptBody']).toBe('x');
    expect(JSON.stringify((await sim.api('GET', url)).body)).not.toContain('hunter2');

    const roundTrip = await sim.api('PUT', url, saved.body);
    expect(roundTrip.body.Steps[0].Actions[0].Properties['My.Password']).toEqual({ HasValue: true, NewValue: null, Hint: null });
    const stored = sim.store.get('deploymentprocesses', project.DeploymentProcessId)!;
    expect(JSON.stringify(stored)).toContain('hunter2');

    const cleared = structuredClone(roundTrip.body);
    cleared.Steps[0].Actions[0].Properties['My.Password'] = { HasValue: false, NewValue: null };
    const after = await sim.api('PUT', url, cleared);
    expect(after.body.Steps[0].Actions[0].Properties['My.Password'].HasValue).toBe(false);
    expect(JSON.stringify(sim.store.get('deploymentprocesses', project.DeploymentProcessId))).not.toContain('hunter2');
  });

  it('lists processes by Id with the DeploymentProcess item type', async () => {
    const list = await sim.api('GET', `${S}/deploymentprocesses`);
    expect(list.body.ItemType).toBe('DeploymentProcess');
    expect(list.body.Items.map((p: any) => p.Id)).toContain(project.DeploymentProcessId);
  });
});

describe('simulator runbooks', () => {
  let sim: Sim;
  let project: any;
  beforeAll(async () => {
    sim = await withSimulator();
    project = await newProject(sim, 'Ops');
  });
  afterAll(() => sim.close());

  it('creates the runbook process with the runbook', async () => {
    const res = await sim.api('POST', `${S}/runbooks`, { Name: 'Restart IIS', ProjectId: project.Id });
    expect(res.status).toBe(201);
    const runbook = res.body;
    expect(runbook).toMatchObject({
      Name: 'Restart IIS',
      Slug: 'restart-iis',
      ProjectId: project.Id,
      RunbookProcessId: `RunbookProcess-${runbook.Id}`,
      EnvironmentScope: 'All',
      MultiTenancyMode: 'Untenanted',
      DefaultGuidedFailureMode: 'EnvironmentDefault',
      RunRetentionPolicy: { Strategy: 'Default', QuantityToKeep: 100, Unit: 'Items' },
      ConnectivityPolicy: { AllowDeploymentsToNoTargets: true },
    });
    expect(runbook.Links.RunbookProcesses).toBe(`${S}/runbookProcesses/${runbook.RunbookProcessId}`);
    const process = await sim.api('GET', runbook.Links.RunbookProcesses);
    expect(process.body).toMatchObject({ Id: runbook.RunbookProcessId, RunbookId: runbook.Id, ProjectId: project.Id, Steps: [], Version: 0 });

    const nested = `${S}/projects/${project.Id}/runbookProcesses/${runbook.RunbookProcessId}`;
    const put = await sim.api('PUT', nested, { ...process.body, Steps: [scriptStep('Restart')] });
    expect(put.status).toBe(200);
    expect(put.body.Version).toBe(1);
    const stale = await sim.api('PUT', nested, { ...put.body, Version: 0 });
    expect(stale.status).toBe(400);
    expect(stale.body.Errors).toEqual([staleMessage('RunbookProcess', runbook.RunbookProcessId)]);

    const dup = await sim.api('POST', `${S}/projects/${project.Id}/runbooks`, { Name: 'Restart IIS' });
    expect(dup.status).toBe(400);
    const del = await sim.api('DELETE', `${S}/runbooks/${runbook.Id}`);
    expect(del.status).toBe(200);
    expect((await sim.api('GET', nested)).status).toBe(404);
  });

  it('pages 35 runbooks of a project as 30 + 5 with Page.Next', async () => {
    const many = await newProject(sim, 'Many Runbooks');
    for (let i = 1; i <= 35; i++) {
      const res = await sim.api('POST', `${S}/projects/${many.Id}/runbooks`, { Name: `Runbook ${String(i).padStart(2, '0')}` });
      expect(res.status).toBe(201);
    }
    const first = await sim.api('GET', `${S}/projects/${many.Id}/runbooks`);
    expect(first.body).toMatchObject({ ItemType: 'Runbook', TotalResults: 35, ItemsPerPage: 30, NumberOfPages: 2, LastPageNumber: 1 });
    expect(first.body.Items).toHaveLength(30);
    expect(first.body.Items[0].Name).toBe('Runbook 01');
    expect(first.body.Links['Page.Next']).toBe(`${S}/projects/${many.Id}/runbooks?skip=30&take=30`);
    const second = await sim.api('GET', first.body.Links['Page.Next']);
    expect(second.body.Items).toHaveLength(5);
    expect(second.body.Items.map((r: any) => r.Name)).toEqual(['Runbook 31', 'Runbook 32', 'Runbook 33', 'Runbook 34', 'Runbook 35']);
    expect(second.body.Links).not.toHaveProperty('Page.Next');
    const filtered = await sim.api('GET', `${S}/runbooks?projectIds=${many.Id}&take=100`);
    expect(filtered.body.TotalResults).toBe(35);
    const all = await sim.api('GET', `${S}/projects/${many.Id}/runbooks/all`);
    expect(all.body).toHaveLength(35);
  });
});
