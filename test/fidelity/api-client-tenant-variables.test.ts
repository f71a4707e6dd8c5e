/**
 * The official `@octopusdeploy/api-client` 3.11.0, unmodified, against a 2025.2 simulator: the v2 tenant-variable
 * calls (`TenantRepository.getCommonVariables`, `getProjectVariables`, `modifyCommonVariables`, …; dist
 * features/tenants/tenantRepository.js) over HTTP.
 *
 * One divergence, kept on purpose: 3.11.0's `modifyCommonVariables`/`modifyProjectVariables` PUT a bare array of
 * `{Id, TemplateId, Value, Scope}` (api-client.ts commit 25fb373, "Update typescript client to support scoped
 * common variables"). The server's command is an object with a `Variables` list whose entries name their owner:
 * OctopusClients `Model/TenantVariables/ModifyCommonVariablesByTenantIdCommand.cs`, go-octopusdeploy
 * `pkg/variables/tenant_common_variable.go` (used by the CLI and the Terraform provider) and Octopus's own docs
 * script (`update-tenant-common-variable-scripts.include.md`) all send `{Variables: [{Id, LibraryVariableSetId,
 * TemplateId, Value, Scope}]}`. The simulator refuses the bare array, as a server binding that command would;
 * the same client's `doUpdate` with the documented body works.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client, TenantRepository, type Tenant } from '@octopusdeploy/api-client';
import { defaultSpace, environments } from '../usecases/helpers.js';
import { API_KEY, withSimulator } from '../helpers/simulator.js';

const seed = defaultSpace({
  environments: environments('Staging', 'Production'),
  libraryvariablesets: [{ Name: 'Shared', Templates: [{ Name: 'Region', Label: 'Region', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } }] }],
  projects: [
    {
      Name: 'Web',
      ProjectGroupId: 'Default Project Group',
      LifecycleId: 'Default Lifecycle',
      IncludedLibraryVariableSetIds: ['Shared'],
      TenantedDeploymentMode: 'Tenanted',
      Templates: [{ Name: 'Site.Url', Label: 'URL', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } }],
    },
  ],
  tenants: [{ Name: 'Acme', ProjectEnvironments: { Web: ['Staging', 'Production'] }, $variables: { LibraryVariables: { Shared: { Variables: { Region: 'eu' } } } } }],
});

describe('@octopusdeploy/api-client 3.11.0 v2 tenant variables against a 2025.2 simulator', () => {
  let sim: Awaited<ReturnType<typeof withSimulator>>;
  let client: Client;
  let tenants: TenantRepository;
  let acme: Tenant;
  beforeAll(async () => {
    sim = await withSimulator({ version: '2025.2.11370', seed });
    client = await Client.create({ instanceURL: sim.url, apiKey: API_KEY, userAgentApp: 'octosync-fidelity-tests' });
    tenants = new TenantRepository(client, 'Default');
    acme = (await tenants.list({ partialName: 'Acme' })).Items[0];
  });
  afterAll(() => sim.close());

  it('getCommonVariables and getCommonVariablesById read the values with their scopes', async () => {
    const res = await tenants.getCommonVariables(acme);
    expect(res.TenantId).toBe(acme.Id);
    expect(res.Variables).toEqual([expect.objectContaining({ LibraryVariableSetName: 'Shared', Value: 'eu', Scope: { EnvironmentIds: [] } })]);
    expect(res.Variables[0].Template?.Name).toBe('Region');
    expect((await tenants.getCommonVariablesById(acme.Id)).Variables).toEqual(res.Variables);
  });

  it('getProjectVariables with missing variables names what has no value, by environment', async () => {
    const res = await tenants.getProjectVariables(acme, true);
    expect(res.Variables).toEqual([]);
    expect(res.MissingVariables).toEqual([expect.objectContaining({ ProjectName: 'Web', Scope: { EnvironmentIds: Object.values(acme.ProjectEnvironments)[0] } })]);
  });

  it('modifyCommonVariables (a bare array) is refused with 400; doUpdate with {Variables} scopes a value to an environment', async () => {
    const current = (await tenants.getCommonVariables(acme)).Variables[0];
    const bare = tenants.modifyCommonVariables(acme, [{ Id: current.Id, TemplateId: current.TemplateId, Value: 'us', Scope: current.Scope }]);
    await expect(bare).rejects.toMatchObject({ StatusCode: 400 });
    const production = Object.values(acme.ProjectEnvironments)[0][1];
    const res = await client.doUpdate<{ Variables: { Value: unknown; Scope: { EnvironmentIds: string[] } }[] }>(
      '~/api/{spaceId}/tenants/{id}/commonvariables',
      {
        Variables: [
          { Id: current.Id, LibraryVariableSetId: current.LibraryVariableSetId, TemplateId: current.TemplateId, Value: current.Value, Scope: current.Scope },
          { LibraryVariableSetId: current.LibraryVariableSetId, TemplateId: current.TemplateId, Value: 'eu-prod', Scope: { EnvironmentIds: [production] } },
        ],
      },
      { spaceId: acme.SpaceId, id: acme.Id },
    );
    expect(res.Variables.map((v) => [v.Value, v.Scope.EnvironmentIds])).toEqual([['eu', []], ['eu-prod', [production]]]);
  });

  it('the documented project-variables body through the same client (doUpdate) sets one value for two environments', async () => {
    const missing = (await tenants.getProjectVariables(acme, true)).MissingVariables![0];
    const res = await client.doUpdate<{ Variables: { ProjectId: string; Scope: { EnvironmentIds: string[] } }[] }>(
      '~/api/{spaceId}/tenants/{id}/projectvariables',
      { Variables: [{ ProjectId: missing.ProjectId, TemplateId: missing.TemplateId, Value: 'https://acme.example', Scope: missing.Scope }] },
      { spaceId: acme.SpaceId, id: acme.Id },
    );
    expect(res.Variables).toHaveLength(1);
    expect(res.Variables[0].Scope.EnvironmentIds).toHaveLength(2);
    expect((await tenants.getProjectVariables(acme, true)).MissingVariables).toEqual([]);
  });
});
