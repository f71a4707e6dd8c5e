import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SeedFile } from '../../src/simulator/seed.js';
import { withSimulator } from '../helpers/simulator.js';
import { S, type Sim } from './projects-helpers.js';

/** A fixture written by name: every reference holds the referenced item's name. */
const seed: SeedFile = {
  spaces: [
    {
      Name: 'Default',
      IsDefault: true,
      collections: {
        environments: [{ Name: 'Development' }, { Name: 'Production' }],
        libraryvariablesets: [
          {
            Name: 'Shared',
            $variables: [
              { Name: 'Shared.Url', Value: 'https://example.test', Scope: { Environment: ['Production'] } },
              { Name: 'Shared.ApiKey', Value: 'lib-secret', IsSensitive: true },
            ],
          },
        ],
        projects: [
          {
            Name: 'OctoFX',
            ProjectGroupId: 'Default Project Group',
            LifecycleId: 'Default Lifecycle',
            IncludedLibraryVariableSetIds: ['Shared'],
            $channels: [{ Name: 'Hotfix' }, { Name: 'Default', Description: 'The usual way' }],
            $deploymentProcess: {
              Steps: [
                {
                  Name: 'Deploy web app',
                  Properties: { 'Octopus.Action.TargetRoles': 'web-server' },
                  Actions: [
                    {
                      Name: 'Deploy web app',
                      ActionType: 'Octopus.Script',
                      Environments: ['Production'],
                      Channels: ['Hotfix'],
                      Properties: { 'Octopus.Action.Script.ScriptBody': 'deploy', 'Deploy.Password': { HasValue: true, NewValue: 'step-secret' } },
                    },
                  ],
                },
              ],
            },
            $runbooks: [
              {
                Name: 'Restart IIS',
                EnvironmentScope: 'Specified',
                Environments: ['Production'],
                $process: [{ Name: 'Restart', Actions: [{ Name: 'Restart app pool', ActionType: 'Octopus.Script' }] }],
              },
            ],
            $variables: [
              { Name: 'DbPassword', Value: 'project-secret', Type: 'Sensitive', Scope: { Environment: ['Production'], Channel: ['Hotfix'] } },
              { Name: 'Greeting', Value: 'hi', Scope: { Action: ['Deploy web app'], ProcessOwner: ['OctoFX'], Role: ['web-server'] } },
              { Name: 'RunbookOnly', Value: 'rb', Scope: { ProcessOwner: ['Restart IIS'], Action: ['Restart app pool'] } },
            ],
          },
          { Name: 'Other', ProjectGroupId: 'Default Project Group', LifecycleId: 'Default Lifecycle', $channels: [{ Name: 'Hotfix' }] },
        ],
        runbooks: [{ Name: 'Nightly', ProjectId: 'Other', $process: { Steps: [] } }],
        releases: [
          { ProjectId: 'OctoFX', Version: '1.0.0', ChannelId: 'Hotfix', $deployments: [{ EnvironmentId: 'Development' }, { EnvironmentId: 'Production' }] },
          { ProjectId: 'OctoFX', Version: '1.0.1' },
        ],
      },
    },
  ],
};

describe('simulator seeds of the project family', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await withSimulator({ seed });
  });
  afterAll(() => sim.close());

  async function project(name: string): Promise<any> {
    const all = await sim.api('GET', `${S}/projects/all`);
    return all.body.find((p: any) => p.Name === name);
  }

  it('seeds a project by name with its channels, process, runbooks and variables', async () => {
    const p = await project('OctoFX');
    const shared = (await sim.api('GET', `${S}/libraryvariablesets/all`)).body.find((l: any) => l.Name === 'Shared');
    expect(p.IncludedLibraryVariableSetIds).toEqual([shared.Id]);
    const envs = (await sim.api('GET', `${S}/environments/all`)).body;
    const prod = envs.find((e: any) => e.Name === 'Production').Id;

    const channels = (await sim.api('GET', `${S}/projects/${p.Id}/channels`)).body.Items;
    expect(channels.map((c: any) => [c.Name, c.IsDefault])).toEqual([
      ['Default', true],
      ['Hotfix', false],
    ]);
    expect(channels.find((c: any) => c.Name === 'Default').Description).toBe('The usual way');
    const hotfix = channels.find((c: any) => c.Name === 'Hotfix').Id;

    const process = (await sim.api('GET', p.Links.DeploymentProcess)).body;
    const action = process.Steps[0].Actions[0];
    expect(action).toMatchObject({ Environments: [prod], Channels: [hotfix] });
    expect(action.Properties['Deploy.Password']).toEqual({ HasValue: true, NewValue: null, Hint: null });

    const runbooks = (await sim.api('GET', `${S}/projects/${p.Id}/runbooks`)).body.Items;
    expect(runbooks.map((r: any) => r.Name)).toEqual(['Restart IIS']);
    expect(runbooks[0].Environments).toEqual([prod]);
    const runbookProcess = (await sim.api('GET', runbooks[0].Links.RunbookProcesses)).body;
    const restart = runbookProcess.Steps[0].Actions[0];
    expect(restart.Name).toBe('Restart app pool');

    const vars = (await sim.api('GET', p.Links.Variables)).body;
    const byName = (n: string) => vars.Variables.find((v: any) => v.Name === n);
    expect(byName('DbPassword')).toMatchObject({ Value: null, IsSensitive: true, Scope: { Environment: [prod], Channel: [hotfix] } });
    expect(byName('Greeting')).toMatchObject({ Value: 'hi', Type: 'String', Scope: { Action: [action.Id], ProcessOwner: [p.Id], Role: ['web-server'] } });
    expect(byName('RunbookOnly').Scope).toEqual({ ProcessOwner: [runbooks[0].Id], Action: [restart.Id] });
    const wire = JSON.stringify(await Promise.all([sim.api('GET', `${S}/variables/all`), sim.api('GET', `${S}/deploymentprocesses`)]).then((r) => r.map((x) => x.body)));
    for (const secret of ['project-secret', 'lib-secret', 'step-secret']) expect(wire).not.toContain(secret);
    expect(sim.store.get('variables', p.VariableSetId)!.Variables.find((v: any) => v.Name === 'DbPassword').Value).toBe('project-secret');
  });

  it('resolves channel and runbook names within their own project', async () => {
    const other = await project('Other');
    const channels = (await sim.api('GET', `${S}/projects/${other.Id}/channels`)).body.Items;
    expect(channels.map((c: any) => c.Name)).toEqual(['Default', 'Hotfix']);
    const runbooks = (await sim.api('GET', `${S}/projects/${other.Id}/runbooks`)).body.Items;
    expect(runbooks.map((r: any) => r.Name)).toEqual(['Nightly']);
  });

  it('seeds releases with snapshots and deployments, listed newest first', async () => {
    const p = await project('OctoFX');
    const list = (await sim.api('GET', `${S}/projects/${p.Id}/releases`)).body;
    expect(list.ItemType).toBe('Release');
    expect(list.Items.map((r: any) => r.Version)).toEqual(['1.0.1', '1.0.0']);
    const first = list.Items[1];
    const hotfix = (await sim.api('GET', `${S}/projects/${p.Id}/channels`)).body.Items.find((c: any) => c.Name === 'Hotfix');
    expect(first.ChannelId).toBe(hotfix.Id);
    expect(list.Items[0].ChannelId).not.toBe(hotfix.Id); // the default channel
    expect(first.ProjectDeploymentProcessSnapshotId).toMatch(new RegExp(`^deploymentprocess-${p.Id}-s-\\d+-[A-Z]{5}$`));
    expect(first.ProjectVariableSetSnapshotId).toMatch(new RegExp(`^variableset-${p.Id}-s-\\d+-[A-Z]{5}$`));
    expect(first.LibraryVariableSetSnapshotIds).toHaveLength(1);

    const snapshot = await sim.api('GET', `${S}/deploymentprocesses/${first.ProjectDeploymentProcessSnapshotId}`);
    expect(snapshot.body.Steps[0].Name).toBe('Deploy web app');
    const refused = await sim.api('PUT', `${S}/deploymentprocesses/${first.ProjectDeploymentProcessSnapshotId}`, snapshot.body);
    expect(refused.status).toBe(400);
    const live = (await sim.api('GET', p.Links.DeploymentProcess)).body;
    expect(live.LastSnapshotId).toBe(list.Items[0].ProjectDeploymentProcessSnapshotId);

    const byVersion = await sim.api('GET', `${S}/projects/${p.Id}/releases/1.0.0`);
    expect(byVersion.body.Id).toBe(first.Id);
    const deployments = (await sim.api('GET', `${S}/releases/${first.Id}/deployments`)).body;
    expect(deployments.ItemType).toBe('Deployment');
    expect(deployments.Items.map((d: any) => d.Name).sort()).toEqual(['Deploy to Development', 'Deploy to Production']);
    expect(deployments.Items[0]).toMatchObject({ ProjectId: p.Id, ChannelId: hotfix.Id, DeploymentProcessId: first.ProjectDeploymentProcessSnapshotId });
    expect(deployments.Items[0].TaskId).toMatch(/^ServerTasks-\d+$/);
    const filtered = await sim.api('GET', `${S}/deployments?projects=${p.Id}`);
    expect(filtered.body.TotalResults).toBe(2);

    const dup = await sim.api('POST', `${S}/releases`, { ProjectId: p.Id, Version: '1.0.0' });
    expect(dup.status).toBe(400);
    const noChange = await sim.api('PUT', `${S}/deployments/${deployments.Items[0].Id}`, deployments.Items[0]);
    expect(noChange.status).toBe(405);
  });
});
