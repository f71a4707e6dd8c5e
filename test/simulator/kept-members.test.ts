import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withSimulator } from '../helpers/simulator.js';
import { S, type Sim, newProject } from './projects-helpers.js';

/**
 * Members a real server keeps (issue 13 point 4). Evidence: go-octopusdeploy `pkg/deployments/deployment_action.go`
 * (`StepPackageVersion`), `@octopusdeploy/api-client` `actionInputs.d.ts` (`Inputs`), API-FACTS §3.7 (step `Type`),
 * go-octopusdeploy `pkg/tagsets/tag_set.go` (`Scopes`, `Type`, defaults `["Tenant"]`/`MultiSelect`),
 * `pkg/projects/project.go` (`ProjectTags`), API-FACTS §3.2 (`EnvironmentTags`, 2025+).
 */
describe('simulator: members a real server keeps', () => {
  let sim: Sim;
  let old: Sim;
  beforeAll(async () => {
    sim = await withSimulator({ version: '2025.2.11370' });
    old = await withSimulator({ version: '2024.3.10989' });
  });
  afterAll(async () => {
    await sim.close();
    await old.close();
  });

  it('keeps a step-package action\'s StepPackageVersion and Inputs and a step\'s Type through a round trip', async () => {
    const project = await newProject(sim, 'Step Packages');
    const process = (await sim.api('GET', `${S}/projects/${project.Id}/deploymentprocesses`)).body;
    const inputs = { authentication: { credentials: { type: 'account', account: 'Accounts-1' } }, desiredCount: 2, tags: ['a', 'b'] };
    const put = await sim.api('PUT', `${S}/projects/${project.Id}/deploymentprocesses`, {
      ...process,
      Steps: [{ Name: 'ECS', Type: 'Step', Actions: [{ Name: 'ECS', ActionType: 'aws-ecs', StepPackageVersion: '1.1.1', Inputs: inputs }] }],
    });
    expect(put.status).toBe(200);
    const read = (await sim.api('GET', `${S}/projects/${project.Id}/deploymentprocesses`)).body;
    expect(read.Steps[0].Type).toBe('Step');
    expect(read.Steps[0].Actions[0]).toMatchObject({ StepPackageVersion: '1.1.1', Inputs: inputs });
    const again = await sim.api('PUT', `${S}/projects/${project.Id}/deploymentprocesses`, read);
    expect(again.body.Steps[0].Actions[0].Inputs).toEqual(inputs);
    // An ordinary action carries neither member, as a 2024.3 server returns it.
    expect(Object.keys((await sim.api('PUT', `${S}/projects/${project.Id}/deploymentprocesses`, { ...again.body, Steps: [{ Name: 'S', Actions: [{ Name: 'S', ActionType: 'Octopus.Script' }] }] })).body.Steps[0].Actions[0])).not.toContain('Inputs');
  });

  it('2025+: tag sets have Scopes and Type; projects and environments take tags of sets scoped to them', async () => {
    const tenantSet = await sim.api('POST', `${S}/tagsets`, { Name: 'Tier', Tags: [{ Name: 'Gold' }] });
    expect(tenantSet.body).toMatchObject({ Scopes: ['Tenant'], Type: 'MultiSelect' });
    const region = await sim.api('POST', `${S}/tagsets`, { Name: 'Region', Scopes: ['Project', 'Environment'], Type: 'SingleSelect', Tags: [{ Name: 'EU' }] });
    expect(region.body).toMatchObject({ Scopes: ['Project', 'Environment'], Type: 'SingleSelect' });
    expect((await sim.api('POST', `${S}/tagsets`, { Name: 'Bad', Scopes: ['Galaxy'] })).status).toBe(400);
    expect((await sim.api('POST', `${S}/tagsets`, { Name: 'Bad', Type: 'Maybe' })).status).toBe(400);

    const project = await newProject(sim, 'Tagged', { ProjectTags: ['Region/EU'] });
    expect(project.ProjectTags).toEqual(['Region/EU']);
    expect((await sim.api('PUT', `${S}/projects/${project.Id}`, { ...project, ProjectTags: ['Tier/Gold'] })).status).toBe(400);
    expect((await sim.api('PUT', `${S}/projects/${project.Id}`, { ...project, ProjectTags: ['Region/Nowhere'] })).status).toBe(400);
    const env = await sim.api('POST', `${S}/environments`, { Name: 'Frankfurt', EnvironmentTags: ['Region/EU'] });
    expect(env.body.EnvironmentTags).toEqual(['Region/EU']);
    expect((await sim.api('POST', `${S}/environments`, { Name: 'Dublin', EnvironmentTags: ['Tier/Gold'] })).status).toBe(400);
  });

  it('before 2025: no such members (Json.NET drops what the model lacks)', async () => {
    const set = await old.api('POST', `${S}/tagsets`, { Name: 'Region', Scopes: ['Project'], Type: 'SingleSelect', Tags: [{ Name: 'EU' }] });
    expect(set.body).not.toHaveProperty('Scopes');
    const project = await newProject(old, 'Untagged', { ProjectTags: ['Region/EU'] });
    expect(project).not.toHaveProperty('ProjectTags');
  });
});
