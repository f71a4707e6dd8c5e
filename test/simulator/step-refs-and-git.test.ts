import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withSimulator } from '../helpers/simulator.js';
import { S, type Sim, newProject } from './projects-helpers.js';

/**
 * Rules a real Octopus Server enforces that a lenient simulator let octosync get away with (issue 13).
 * Evidence: OctopusDeploy/Issues #7961, #8247, #3220, #7071, #7230, #7521, #8455; terraform-provider-octopusdeploy
 * `resource_project.go` (auto-create-release, ConvertToVCS, commit 2405d788 "Cannot update deployment settings").
 */

const PACKAGE_STEP = {
  Name: 'Deploy web',
  Actions: [{ Name: 'Deploy web', ActionType: 'Octopus.TentaclePackage', Packages: [{ Name: '', PackageId: 'Web', FeedId: 'feeds-builtin' }], Properties: {} }],
};

async function withProcess(sim: Sim, name: string, steps: unknown[] = [PACKAGE_STEP]): Promise<any> {
  const project = await newProject(sim, name);
  const process = (await sim.api('GET', `${S}/projects/${project.Id}/deploymentprocesses`)).body;
  expect((await sim.api('PUT', `${S}/projects/${project.Id}/deploymentprocesses`, { ...process, Steps: steps })).status).toBe(200);
  return (await sim.api('GET', `${S}/projects/${project.Id}`)).body;
}

describe('simulator: steps named by channel rules and project package settings', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await withSimulator();
  });
  afterAll(() => sim.close());

  it('refuses a channel version rule naming a step the process does not have, accepts it once the step exists', async () => {
    const bare = await newProject(sim, 'Rules Bare');
    const rule = { VersionRange: '[1.0,2.0)', Tag: '', ActionPackages: [{ DeploymentAction: 'Deploy web', PackageReference: '' }] };
    const refused = await sim.api('POST', `${S}/channels`, { Name: 'Hotfix', ProjectId: bare.Id, Rules: [rule] });
    expect(refused.status).toBe(400);
    expect(refused.body.Errors.join(' ')).toMatch(/names the step 'Deploy web', which is not in the project's deployment process/);
    // An empty rule list is how SpaceCloner creates channels before the process (ProjectChannelCloner.ps1).
    expect((await sim.api('POST', `${S}/channels`, { Name: 'Hotfix', ProjectId: bare.Id, Rules: [] })).status).toBe(201);

    const project = await withProcess(sim, 'Rules With Step');
    const ok = await sim.api('POST', `${S}/channels`, { Name: 'Hotfix', ProjectId: project.Id, Rules: [rule] });
    expect(ok.status).toBe(201);
    expect(ok.body.Rules[0].ActionPackages).toEqual([{ DeploymentAction: 'Deploy web', PackageReference: '' }]);
  });

  it('refuses a donor package or release-creation package naming a missing step, and both a template and a donor', async () => {
    const project = await newProject(sim, 'Versioning');
    const donor = { Template: null, DonorPackage: { DeploymentAction: 'Deploy web', PackageReference: '' } };
    const early = await sim.api('PUT', `${S}/projects/${project.Id}`, { ...project, VersioningStrategy: donor });
    expect(early.status).toBe(400);
    const created = await sim.api('POST', `${S}/projects`, { Name: 'Versioning 2', ProjectGroupId: project.ProjectGroupId, LifecycleId: project.LifecycleId, VersioningStrategy: donor });
    expect(created.status).toBe(400);

    const withStep = await withProcess(sim, 'Versioning 3');
    expect((await sim.api('PUT', `${S}/projects/${withStep.Id}`, { ...withStep, VersioningStrategy: donor })).status).toBe(200);
    const both = await sim.api('PUT', `${S}/projects/${withStep.Id}`, { ...withStep, VersioningStrategy: { ...donor, Template: '1.0.#{Octopus.Version.NextPatch}' } });
    expect(both.status).toBe(400);
    expect(both.body.Errors).toEqual(['Only one of either a donor package step or a version template may be provided.']);
  });

  it('refuses automatic release creation without a release-creation package', async () => {
    const project = await withProcess(sim, 'Auto Release');
    const without = await sim.api('PUT', `${S}/projects/${project.Id}`, { ...project, AutoCreateRelease: true });
    expect(without.status).toBe(400);
    expect(without.body.Errors.join(' ')).toMatch(/release creation package/);
    const missingStep = await sim.api('PUT', `${S}/projects/${project.Id}`, {
      ...project,
      AutoCreateRelease: true,
      ReleaseCreationStrategy: { ChannelId: null, ReleaseCreationPackage: { DeploymentAction: 'Nope', PackageReference: '' } },
    });
    expect(missingStep.status).toBe(400);
    const ok = await sim.api('PUT', `${S}/projects/${project.Id}`, {
      ...project,
      AutoCreateRelease: true,
      ReleaseCreationStrategy: { ChannelId: null, ReleaseCreationPackage: { DeploymentAction: 'Deploy web', PackageReference: '' } },
    });
    expect(ok.status).toBe(200);
  });

  it('cannot load a project whose donor step the process lost (Issues #7521, #7230)', async () => {
    const project = await withProcess(sim, 'Broken Donor');
    const donor = { Template: null, DonorPackage: { DeploymentAction: 'Deploy web', PackageReference: '' } };
    expect((await sim.api('PUT', `${S}/projects/${project.Id}`, { ...project, VersioningStrategy: donor })).status).toBe(200);
    const process = (await sim.api('GET', `${S}/projects/${project.Id}/deploymentprocesses`)).body;
    // The process save itself succeeds (Issues #7961) ...
    const renamed = await sim.api('PUT', `${S}/projects/${project.Id}/deploymentprocesses`, {
      ...process,
      Steps: [{ ...PACKAGE_STEP, Name: 'Deploy site', Actions: [{ ...PACKAGE_STEP.Actions[0], Name: 'Deploy site' }] }],
    });
    expect(renamed.status).toBe(200);
    // ... and the project can no longer be read, alone or listed.
    const get = await sim.api('GET', `${S}/projects/${project.Id}`);
    expect(get.status).toBe(404);
    expect(get.body.ErrorMessage).toBe("The resource 'Deploy web' was not found.");
    expect((await sim.api('GET', `${S}/projects/all`)).status).toBe(404);
    // Put the step back so the other tests can list projects.
    expect((await sim.api('PUT', `${S}/projects/${project.Id}/deploymentprocesses`, { ...renamed.body, Steps: [PACKAGE_STEP] })).status).toBe(200);
    expect((await sim.api('GET', `${S}/projects/all`)).status).toBe(200);
  });
});

describe('simulator: config-as-code projects', () => {
  let sim: Sim;
  let project: any;
  const git = { Url: 'https://github.com/org/repo.git', DefaultBranch: 'main', Credentials: { Type: 'Anonymous' } };
  beforeAll(async () => {
    sim = await withSimulator({ version: '2024.3.10989' });
    project = await withProcess(sim, 'Git Web');
    const set = (await sim.api('GET', `${S}/projects/${project.Id}/variables`)).body;
    await sim.api('PUT', `${S}/projects/${project.Id}/variables`, {
      ...set,
      Variables: [
        { Name: 'Plain', Value: 'one', Type: 'String', IsSensitive: false, Scope: {} },
        { Name: 'Secret', Value: 's3cret', Type: 'Sensitive', IsSensitive: true, Scope: {} },
      ],
    });
    expect((await sim.api('PUT', `${S}/projects/${project.Id}`, { ...project, DefaultGuidedFailureMode: 'On' })).status).toBe(200);
    expect((await sim.api('POST', `${S}/projects/${project.Id}/git/convert`, { CommitMessage: 'c', VersionControlSettings: git })).status).toBe(200);
    project = (await sim.api('GET', `${S}/projects/${project.Id}`)).body;
  });
  afterAll(() => sim.close());

  it('serves the {gitRef} routes its Links advertise, for the default branch', async () => {
    const processLink = project.Links.DeploymentProcess.replace('{gitRef}', 'main');
    const process = await sim.api('GET', processLink);
    expect(process.status).toBe(200);
    expect(process.body.Steps.map((s: any) => s.Name)).toEqual(['Deploy web']);
    expect((await sim.api('GET', project.Links.DeploymentProcess.replace('{gitRef}', 'refs%2Fheads%2Fmain'))).status).toBe(200);
    expect((await sim.api('GET', project.Links.DeploymentProcess.replace('{gitRef}', 'nope'))).status).toBe(404);

    const settings = await sim.api('GET', project.Links.DeploymentSettings.replace('{gitRef}', 'main'));
    expect(settings.body).toMatchObject({ DefaultGuidedFailureMode: 'On', Links: { Self: `${S}/projects/${project.Id}/main/deploymentsettings` } });
    const vars = await sim.api('GET', project.Links.Variables.replace('{gitRef}', 'main'));
    expect(vars.body.Variables.map((v: any) => v.Name)).toEqual(['Plain']);
    const sensitive = await sim.api('GET', project.Links.SensitiveVariables);
    expect(sensitive.body.Variables.map((v: any) => v.Name)).toEqual(['Secret']);
    // The database settings route is not the way to a git project's settings.
    expect((await sim.api('GET', `${S}/projects/${project.Id}/deploymentsettings`)).status).toBe(400);
  });

  it('refuses deployment-settings fields on PUT /projects/{id}, and accepts the project as read', async () => {
    expect(project.DefaultGuidedFailureMode).toBe('EnvironmentDefault');
    expect(project.VersioningStrategy).toBeNull();
    const asRead = await sim.api('PUT', `${S}/projects/${project.Id}`, { ...project, Description: 'changed' });
    expect(asRead.status).toBe(200);
    const refused = await sim.api('PUT', `${S}/projects/${project.Id}`, { ...project, DefaultGuidedFailureMode: 'Off', ReleaseNotesTemplate: 'notes' });
    expect(refused.status).toBe(400);
    expect(refused.body.Errors[0]).toMatch(/^Cannot update deployment settings .*DefaultGuidedFailureMode, ReleaseNotesTemplate/);
    // The git copy was not touched by the accepted PUT.
    const settings = await sim.api('GET', `${S}/projects/${project.Id}/main/deploymentsettings`);
    expect(settings.body.DefaultGuidedFailureMode).toBe('On');
    const put = await sim.api('PUT', settings.body.Links.Self, { ...settings.body, DefaultGuidedFailureMode: 'Off' });
    expect(put.status).toBe(200);
    expect((await sim.api('GET', `${S}/projects/${project.Id}/main/deploymentsettings`)).body.DefaultGuidedFailureMode).toBe('Off');
  });

  it('writes only sensitive variables through the database route, keeping the git-held ones', async () => {
    const set = (await sim.api('GET', `${S}/projects/${project.Id}/variables`)).body;
    const plain = await sim.api('PUT', `${S}/projects/${project.Id}/variables`, { ...set, Variables: [...set.Variables, { Name: 'Other', Value: 'x', Type: 'String', IsSensitive: false, Scope: {} }] });
    expect(plain.status).toBe(400);
    const more = await sim.api('PUT', `${S}/projects/${project.Id}/variables`, { ...set, Variables: [...set.Variables, { Name: 'Token', Value: 't', Type: 'Sensitive', IsSensitive: true, Scope: {} }] });
    expect(more.status).toBe(200);
    expect((await sim.api('GET', `${S}/projects/${project.Id}/main/variables`)).body.Variables.map((v: any) => v.Name)).toEqual(['Plain']);
    expect((await sim.api('GET', `${S}/projects/${project.Id}/variables`)).body.Variables.map((v: any) => v.Name).sort()).toEqual(['Secret', 'Token']);
  });
});
