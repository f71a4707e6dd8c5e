import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withSimulator } from '../helpers/simulator.js';
import { S, type Sim, newProject } from './projects-helpers.js';

describe('simulator projects', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await withSimulator({ version: '2024.3.10989' });
  });
  afterAll(() => sim.close());

  it('creates a project with its deployment process, variable set and Default channel', async () => {
    const project = await newProject(sim, 'OctoFX Web');
    expect(project.Id).toMatch(/^Projects-\d+$/);
    expect(project).toMatchObject({
      Name: 'OctoFX Web',
      Slug: 'octofx-web',
      SpaceId: 'Spaces-1',
      VariableSetId: `variableset-${project.Id}`,
      DeploymentProcessId: `deploymentprocess-${project.Id}`,
      TenantedDeploymentMode: 'Untenanted',
      PersistenceSettings: { Type: 'Database' },
      IsVersionControlled: false,
      IncludedLibraryVariableSetIds: [],
    });
    expect(project.LastModifiedOn).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
    expect(project.LastModifiedBy).toBeTruthy();
    expect(project.Links).toMatchObject({
      Self: `${S}/projects/${project.Id}`,
      DeploymentProcess: `${S}/projects/${project.Id}/deploymentprocesses`,
      Variables: `${S}/projects/${project.Id}/variables`,
    });

    const process = await sim.api('GET', project.Links.DeploymentProcess);
    expect(process.status).toBe(200);
    expect(process.body).toMatchObject({ Id: project.DeploymentProcessId, ProjectId: project.Id, SpaceId: 'Spaces-1', Steps: [], Version: 0 });
    const sameProcess = await sim.api('GET', `${S}/deploymentprocesses/${project.DeploymentProcessId}`);
    expect(sameProcess.body.Id).toBe(project.DeploymentProcessId);

    const variables = await sim.api('GET', project.Links.Variables);
    expect(variables.status).toBe(200);
    expect(variables.body).toMatchObject({ Id: project.VariableSetId, OwnerId: project.Id, Variables: [], Version: 0 });
    expect(variables.body.ScopeValues).toEqual(
      expect.objectContaining({ Environments: expect.any(Array), Channels: [expect.objectContaining({ Name: 'Default' })] }),
    );

    const channels = await sim.api('GET', `${S}/projects/${project.Id}/channels`);
    expect(channels.body).toMatchObject({ ItemType: 'Channel', TotalResults: 1 });
    expect(channels.body.Items[0]).toMatchObject({ Name: 'Default', IsDefault: true, ProjectId: project.Id, Slug: 'default' });
    expect(channels.body.Items[0].Id).toMatch(/^Channels-\d+$/);
  });

  it('gets a project by id or slug, lists /all as a bare array and names the root links as the server does', async () => {
    const project = await newProject(sim, 'Slugged Project');
    const bySlug = await sim.api('GET', `${S}/projects/slugged-project`);
    expect(bySlug.status).toBe(200);
    expect(bySlug.body.Id).toBe(project.Id);
    const all = await sim.api('GET', `${S}/projects/all`);
    expect(Array.isArray(all.body)).toBe(true);
    expect(all.body.map((p: any) => p.Name)).toContain('Slugged Project');
    const root = await sim.api('GET', '/api');
    expect(root.body.Links).toMatchObject({
      Projects: expect.stringMatching(/^\/api\/Spaces-1\/projects/),
      DeploymentProcesses: expect.any(String),
      LibraryVariables: expect.any(String),
      Variables: expect.any(String),
      Runbooks: expect.any(String),
    });
  });

  it('requires Name, ProjectGroupId and LifecycleId and checks its references', async () => {
    const missing = await sim.api('POST', `${S}/projects`, { Name: 'Incomplete' });
    expect(missing.status).toBe(400);
    expect(missing.body.Errors).toEqual(['The ProjectGroupId field is required.', 'The LifecycleId field is required.']);
    const groups = await sim.api('GET', `${S}/projectgroups/all`);
    const badRef = await sim.api('POST', `${S}/projects`, {
      Name: 'Bad refs',
      ProjectGroupId: groups.body[0].Id,
      LifecycleId: 'Lifecycles-999999',
      IncludedLibraryVariableSetIds: ['LibraryVariableSets-999999'],
    });
    expect(badRef.status).toBe(400);
    expect(badRef.body.Errors.join(' ')).toMatch(/Lifecycles-999999/);
    expect(badRef.body.Errors.join(' ')).toMatch(/LibraryVariableSets-999999/);
  });

  it('keeps IncludedLibraryVariableSetIds in order and converts to config as code only through git/convert', async () => {
    const a = await sim.api('POST', `${S}/libraryvariablesets`, { Name: 'Shared A' });
    const b = await sim.api('POST', `${S}/libraryvariablesets`, { Name: 'Shared B', ContentType: 'ScriptModule' });
    const git = {
      Type: 'VersionControlled',
      Url: 'https://github.com/org/repo.git',
      DefaultBranch: 'main',
      BasePath: '.octopus/git-project',
      Credentials: { Type: 'UsernamePassword', Username: 'git', Password: { HasValue: true, NewValue: 'token-123' } },
    };
    // A create stores a database project (terraform-provider resource_project.go creates, then converts).
    const project = await newProject(sim, 'Git Project', { IncludedLibraryVariableSetIds: [b.body.Id, a.body.Id], IsVersionControlled: true, PersistenceSettings: git });
    expect(project.IncludedLibraryVariableSetIds).toEqual([b.body.Id, a.body.Id]);
    expect(project).toMatchObject({ IsVersionControlled: false, PersistenceSettings: { Type: 'Database' } });
    const viaPut = await sim.api('PUT', `${S}/projects/${project.Id}`, { ...project, PersistenceSettings: git });
    expect(viaPut.status).toBe(400);
    const converted = await sim.api('POST', `${S}/projects/${project.Id}/git/convert`, { CommitMessage: 'convert', VersionControlSettings: git });
    expect(converted).toMatchObject({ status: 200, body: { Messages: [] } });
    const after = (await sim.api('GET', `${S}/projects/${project.Id}`)).body;
    expect(after.IsVersionControlled).toBe(true);
    expect(after.PersistenceSettings.Credentials.Password).toEqual({ HasValue: true, NewValue: null, Hint: null });
    expect(JSON.stringify(after)).not.toContain('token-123');
    expect(after.Links.DeploymentProcess).toBe(`${S}/projects/${project.Id}/{gitRef}/deploymentprocesses`);
    expect(after.Links.Variables).toBe(`${S}/projects/${project.Id}/{gitRef}/variables`);
    // One way: no conversion back, and a second conversion is refused.
    const back = await sim.api('PUT', `${S}/projects/${project.Id}`, { ...after, PersistenceSettings: { Type: 'Database' } });
    expect(back.status).toBe(400);
    expect(back.body.Errors.join(' ')).toMatch(/back to the database is not supported/);
    expect((await sim.api('POST', `${S}/projects/${project.Id}/git/convert`, { VersionControlSettings: git })).status).toBe(400);
  });

  it('serves deployment settings as a view of the project, writable through either', async () => {
    const project = await newProject(sim, 'Settings Project');
    const settings = await sim.api('GET', `${S}/projects/${project.Id}/deploymentsettings`);
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({ Id: `deploymentsettings-${project.Id}`, ProjectId: project.Id, DefaultGuidedFailureMode: 'EnvironmentDefault' });
    const put = await sim.api('PUT', `${S}/projects/${project.Id}/deploymentsettings`, {
      ...settings.body,
      DefaultGuidedFailureMode: 'On',
      FailTargetDiscovery: true,
      ConnectivityPolicy: { ...settings.body.ConnectivityPolicy, AllowDeploymentsToNoTargets: true },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ DefaultGuidedFailureMode: 'On', FailTargetDiscovery: true });
    const after = await sim.api('GET', `${S}/projects/${project.Id}`);
    expect(after.body).toMatchObject({ DefaultGuidedFailureMode: 'On', ProjectConnectivityPolicy: { AllowDeploymentsToNoTargets: true } });
    expect(after.body).not.toHaveProperty('FailTargetDiscovery');
    expect(after.body).not.toHaveProperty('$settings');
    const viaId = await sim.api('GET', `${S}/deploymentsettings/deploymentsettings-${project.Id}`);
    expect(viaId.body.FailTargetDiscovery).toBe(true);
  });

  it('lists a project group\'s projects (paged) and a lifecycle\'s projects (array), and keeps spaces apart', async () => {
    const project = await newProject(sim, 'Listed');
    const byGroup = await sim.api('GET', `${S}/projectgroups/${project.ProjectGroupId}/projects`);
    expect(byGroup.body.ItemType).toBe('Project');
    expect(byGroup.body.Items.map((p: any) => p.Id)).toContain(project.Id);
    const byLifecycle = await sim.api('GET', `${S}/lifecycles/${project.LifecycleId}/projects`);
    expect(byLifecycle.body.map((p: any) => p.Id)).toContain(project.Id);

    const space = await sim.api('POST', '/api/spaces', { Name: 'Second', SpaceManagersTeams: [] });
    expect(space.status).toBe(201);
    const other = `/api/${space.body.Id}`;
    expect((await sim.api('GET', `${other}/projects/${project.Id}`)).status).toBe(404);
    expect((await sim.api('GET', `${other}/projects/${project.Id}/deploymentprocesses`)).status).toBe(404);
    expect((await sim.api('GET', `${other}/variables/${project.VariableSetId}`)).status).toBe(404);
    const groups = await sim.api('GET', `${other}/projectgroups/all`);
    const lifecycles = await sim.api('GET', `${other}/lifecycles/all`);
    const there = await sim.api('POST', `${other}/projects`, { Name: 'Listed', ProjectGroupId: groups.body[0].Id, LifecycleId: lifecycles.body[0].Id });
    expect(there.status).toBe(201);
    expect(there.body).toMatchObject({ SpaceId: space.body.Id, Slug: 'listed' });
    const refusedRef = await sim.api('POST', `${other}/projects`, { Name: 'Cross', ProjectGroupId: project.ProjectGroupId, LifecycleId: lifecycles.body[0].Id });
    expect(refusedRef.status).toBe(400);
  });

  it('deletes a project with its process, variable set, channels, runbooks and releases', async () => {
    const project = await newProject(sim, 'Doomed');
    const runbook = await sim.api('POST', `${S}/projects/${project.Id}/runbooks`, { Name: 'Clean up' });
    expect(runbook.status).toBe(201);
    const release = await sim.api('POST', `${S}/releases`, { ProjectId: project.Id, Version: '1.0.0' });
    expect(release.status).toBe(201);
    const del = await sim.api('DELETE', `${S}/projects/${project.Id}`);
    expect(del.status).toBe(200);
    for (const path of [
      `${S}/projects/${project.Id}`,
      `${S}/deploymentprocesses/${project.DeploymentProcessId}`,
      `${S}/variables/${project.VariableSetId}`,
      `${S}/runbooks/${runbook.body.Id}`,
      `${S}/runbookProcesses/${runbook.body.RunbookProcessId}`,
      `${S}/releases/${release.body.Id}`,
      `${S}/variables/${release.body.ProjectVariableSetSnapshotId}`,
    ]) {
      expect((await sim.api('GET', path)).status).toBe(404);
    }
    const channels = await sim.api('GET', `${S}/channels?take=2147483647`);
    expect(channels.body.Items.filter((c: any) => c.ProjectId === project.Id)).toEqual([]);
  });
});

describe('simulator channels', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await withSimulator();
  });
  afterAll(() => sim.close());

  it('refuses a duplicate channel name within a project but allows it across projects', async () => {
    const one = await newProject(sim, 'One');
    const two = await newProject(sim, 'Two');
    const hotfix = await sim.api('POST', `${S}/channels`, { Name: 'Hotfix', ProjectId: one.Id, Rules: [{ VersionRange: '[1.0,2.0)', Tag: '^hotfix' }] });
    expect(hotfix.status).toBe(201);
    expect(hotfix.body).toMatchObject({ Name: 'Hotfix', Slug: 'hotfix', ProjectId: one.Id, IsDefault: false, LifecycleId: null, TenantTags: [] });
    expect(hotfix.body.Rules[0].Id).toMatch(/^[0-9a-f-]{36}$/);
    const dup = await sim.api('POST', `${S}/channels`, { Name: 'hotfix', ProjectId: one.Id });
    expect(dup.status).toBe(400);
    expect(dup.body.Errors.join(' ')).toMatch(/hotfix/);
    const other = await sim.api('POST', `${S}/channels`, { Name: 'Hotfix', ProjectId: two.Id });
    expect(other.status).toBe(201);
    expect(other.body.Slug).toBe('hotfix');
  });

  it('requires ProjectId, keeps it on PUT, moves the default and refuses to delete it', async () => {
    const project = await newProject(sim, 'Three');
    const other = await newProject(sim, 'Four');
    expect((await sim.api('POST', `${S}/channels`, { Name: 'Orphan' })).body.Errors).toEqual(['The ProjectId field is required.']);
    const beta = await sim.api('POST', `${S}/channels`, { Name: 'Beta', ProjectId: project.Id });
    const moved = await sim.api('PUT', `${S}/channels/${beta.body.Id}`, { ...beta.body, ProjectId: other.Id, IsDefault: true });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ ProjectId: project.Id, IsDefault: true });
    const list = await sim.api('GET', `${S}/projects/${project.Id}/channels`);
    expect(list.body.Items.filter((c: any) => c.IsDefault).map((c: any) => c.Name)).toEqual(['Beta']);
    const refused = await sim.api('DELETE', `${S}/projects/${project.Id}/channels/${beta.body.Id}`);
    expect(refused.status).toBe(400);
    const oldDefault = list.body.Items.find((c: any) => c.Name === 'Default');
    expect((await sim.api('DELETE', `${S}/channels/${oldDefault.Id}`)).status).toBe(200);
    expect((await sim.api('GET', `${S}/projects/${other.Id}/channels/${beta.body.Id}`)).status).toBe(404);
  });

  it('answers 400 for a tenant tag or lifecycle that does not exist', async () => {
    const project = await newProject(sim, 'Five');
    const res = await sim.api('POST', `${S}/channels`, { Name: 'Tagged', ProjectId: project.Id, TenantTags: ['Nope/Missing'], LifecycleId: 'Lifecycles-999999' });
    expect(res.status).toBe(400);
    expect(res.body.Errors.join(' ')).toMatch(/Nope\/Missing/);
    expect(res.body.Errors.join(' ')).toMatch(/Lifecycles-999999/);
  });
});
