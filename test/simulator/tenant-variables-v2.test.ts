/**
 * Tenant variables on 2025.2+ (v2 endpoints behind CommonVariableScopingFeatureToggle), the feature-toggle endpoint,
 * and keys that lack permissions, through HTTP. Evidence per rule is cited in src/simulator/kinds/tenant-variables.ts,
 * src/simulator/features.ts and src/simulator/permissions.ts; the key lines are repeated at each test.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { secretOf } from '../../src/simulator/sensitive.js';
import type { Doc } from '../../src/simulator/types.js';
import { defaultSpace, environments } from '../usecases/helpers.js';
import { READ_ONLY_KEY, withSimulator } from '../helpers/simulator.js';
import { runCli } from '../helpers/cli.js';

type Sim = Awaited<ReturnType<typeof withSimulator>>;
const S = '/api/Spaces-1';
const LIMITED_KEY = 'API-LIMITED00000000000000000000001';
const NO_TEAMS_KEY = 'API-NOTEAMS00000000000000000000001';

const seed = defaultSpace({
  environments: environments('Development', 'Staging', 'Production'),
  libraryvariablesets: [
    {
      Name: 'Shared DB',
      Templates: [
        { Name: 'DB.Host', Label: 'Host', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } },
        { Name: 'DB.Password', Label: 'Password', DisplaySettings: { 'Octopus.ControlType': 'Sensitive' } },
      ],
      $variables: [
        { Name: 'Unscoped', Value: 'everywhere' },
        { Name: 'Scoped', Value: 'prod only', Scope: { Environment: ['Production'] } },
      ],
    },
  ],
  projects: [
    {
      Name: 'Web',
      ProjectGroupId: 'Default Project Group',
      LifecycleId: 'Default Lifecycle',
      IncludedLibraryVariableSetIds: ['Shared DB'],
      TenantedDeploymentMode: 'Tenanted',
      Templates: [{ Name: 'Site.Url', Label: 'URL', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } }],
    },
  ],
  tenants: [
    {
      Name: 'Acme',
      ProjectEnvironments: { Web: ['Development', 'Staging', 'Production'] },
      $variables: {
        ProjectVariables: { Web: { Variables: { Production: { 'Site.Url': 'https://acme.example' } } } },
        LibraryVariables: { 'Shared DB': { Variables: { 'DB.Host': 'db.acme', 'DB.Password': 'acme-db-secret' } } },
        ScopedCommonVariables: [{ LibraryVariableSet: 'Shared DB', Template: 'DB.Host', Environments: ['Production'], Value: 'prod-db.acme' }],
      },
    },
  ],
});

async function ids(sim: Sim): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const c of ['environments', 'projects', 'libraryvariablesets', 'tenants']) {
    for (const d of (await sim.api('GET', `${S}/${c}/all`)).body) out[d.Name] = d.Id;
  }
  return out;
}

describe('feature toggles (go-octopusdeploy pkg/configuration, cli pkg/util/featuretoggle)', () => {
  it('a 2025.2 server lists CommonVariableScopingFeatureToggle on, filtered by Name; 2025.1 lists it off', async () => {
    for (const [version, enabled] of [['2025.2.11370', true], ['2025.1.7559', false]] as const) {
      const sim = await withSimulator({ version });
      try {
        const res = await sim.api('GET', '/api/configuration/feature-toggles?Name=CommonVariableScopingFeatureToggle');
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ FeatureToggles: [{ Name: 'CommonVariableScopingFeatureToggle', IsEnabled: enabled }] });
        expect((await sim.api('GET', '/api/configuration/feature-toggles?Name=NoSuchToggle')).body).toEqual({ FeatureToggles: [] });
      } finally {
        await sim.close();
      }
    }
  });

  it('an older server ignores Name and has no such toggle (a client must check the name it gets back)', async () => {
    const sim = await withSimulator({ version: '2024.3.10989' });
    try {
      expect((await sim.api('GET', '/api/configuration/feature-toggles?Name=CommonVariableScopingFeatureToggle')).body).toEqual({ FeatureToggles: [] });
      expect((await sim.api('GET', `${S}/tenants/Tenants-1/commonvariables`)).status).toBe(404);
    } finally {
      await sim.close();
    }
  });
});

describe('tenant variables v2 (2025.2: /commonvariables, /projectvariables)', () => {
  let sim: Sim;
  let id: Record<string, string>;
  beforeAll(async () => {
    sim = await withSimulator({ version: '2025.2.11370', seed });
    id = await ids(sim);
  });
  afterAll(() => sim.close());

  it('GET commonvariables: one entry per value with its template and environment scope, secrets masked', async () => {
    const res = await sim.api('GET', `${S}/tenants/${id.Acme}/commonvariables`);
    expect(res.status).toBe(200);
    expect(res.body.TenantId).toBe(id.Acme);
    const byScope = (name: string, envs: string[]) =>
      res.body.Variables.find((v: Doc) => v.Template.Name === name && JSON.stringify(v.Scope.EnvironmentIds) === JSON.stringify(envs));
    expect(byScope('DB.Host', [])).toMatchObject({ LibraryVariableSetId: id['Shared DB'], LibraryVariableSetName: 'Shared DB', Value: 'db.acme', Id: expect.stringMatching(/^TenantVariables-\d+$/) });
    expect(byScope('DB.Host', [id.Production])).toMatchObject({ Value: 'prod-db.acme' });
    expect(byScope('DB.Password', [])).toMatchObject({ Value: { HasValue: true, NewValue: null } });
    expect(JSON.stringify(res.body)).not.toContain('acme-db-secret');
    expect(res.body.MissingVariables).toBeUndefined();
  });

  it('GET projectvariables with includeMissingVariables: values scoped to environments, missing ones by environment', async () => {
    const res = await sim.api('GET', `${S}/tenants/${id.Acme}/projectvariables?includeMissingVariables=true`);
    expect(res.body.Variables).toEqual([
      expect.objectContaining({ ProjectId: id.Web, ProjectName: 'Web', TemplateId: expect.any(String), Value: 'https://acme.example', Scope: { EnvironmentIds: [id.Production] } }),
    ]);
    expect(res.body.MissingVariables).toEqual([expect.objectContaining({ ProjectId: id.Web, Scope: { EnvironmentIds: [id.Development, id.Staging] } })]);
  });

  it('the v1 document still reads, showing what v1 can hold (the unscoped common value)', async () => {
    const doc = (await sim.api('GET', `${S}/tenants/${id.Acme}/variables`)).body;
    const lv = doc.LibraryVariables[id['Shared DB']];
    const host = lv.Templates.find((t: Doc) => t.Name === 'DB.Host').Id;
    expect(lv.Variables[host]).toBe('db.acme');
  });

  it('with the toggle on, the v1 update endpoint is refused (cli PR #489: "the original update endpoint is not accessible")', async () => {
    const doc = (await sim.api('GET', `${S}/tenants/${id.Acme}/variables`)).body;
    for (const method of ['PUT', 'POST']) {
      const res = await sim.api(method, `${S}/tenants/${id.Acme}/variables`, doc);
      expect(res.status).toBe(400);
      expect(res.body.Errors.join(' ')).toMatch(/CommonVariableScopingFeatureToggle/);
    }
  });

  it('PUT commonvariables replaces the list: values sent back by Id keep their secrets, values left out are deleted', async () => {
    const current = (await sim.api('GET', `${S}/tenants/${id.Acme}/commonvariables`)).body.Variables;
    const payload = current
      .filter((v: Doc) => !(v.Template.Name === 'DB.Host' && v.Scope.EnvironmentIds.length === 0))
      .map((v: Doc) => ({ Id: v.Id, LibraryVariableSetId: v.LibraryVariableSetId, TemplateId: v.TemplateId, Value: v.Value, Scope: v.Scope }));
    const host = current.find((v: Doc) => v.Template.Name === 'DB.Host').TemplateId;
    payload.push({ LibraryVariableSetId: id['Shared DB'], TemplateId: host, Value: 'stage-db.acme', Scope: { EnvironmentIds: [id.Development, id.Staging] } });
    const res = await sim.api('PUT', `${S}/tenants/${id.Acme}/commonvariables`, { Variables: payload });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['TenantId', 'Variables']);
    const hosts = res.body.Variables.filter((v: Doc) => v.TemplateId === host).map((v: Doc) => [v.Value, v.Scope.EnvironmentIds.length]);
    expect(hosts.sort()).toEqual([['prod-db.acme', 1], ['stage-db.acme', 2]]);
    const stored: Doc[] = sim.store.get('tenantvariables', `TenantVariables-${id.Acme}`)!.Values;
    expect(secretOf(stored.find((v) => v.Kind === 'Common' && v.TemplateId !== host)!.Value)).toBe('acme-db-secret');
  });

  it('refuses two values of one template on one environment, environments the tenant is not connected to, and unscoped project values', async () => {
    const host = (await sim.api('GET', `${S}/tenants/${id.Acme}/commonvariables`)).body.Variables.find((v: Doc) => v.Template.Name === 'DB.Host').TemplateId;
    const overlap = await sim.api('PUT', `${S}/tenants/${id.Acme}/commonvariables`, {
      Variables: [
        { LibraryVariableSetId: id['Shared DB'], TemplateId: host, Value: 'a', Scope: { EnvironmentIds: [id.Production] } },
        { LibraryVariableSetId: id['Shared DB'], TemplateId: host, Value: 'b', Scope: { EnvironmentIds: [id.Production, id.Staging] } },
      ],
    });
    expect(overlap.status).toBe(400);
    expect(overlap.body.Errors.join(' ')).toMatch(/More than one value of 'DB.Host'/);
    const foreign = await sim.api('PUT', `${S}/tenants/${id.Acme}/commonvariables`, {
      Variables: [{ LibraryVariableSetId: 'LibraryVariableSets-999999', TemplateId: host, Value: 'x', Scope: { EnvironmentIds: [] } }],
    });
    expect(foreign.status).toBe(400);
    // The server's wording, OctopusDeploy/Issues #9487.
    expect(foreign.body.Errors.join(' ')).toMatch(/is invalid as they are not connected to the project or they do not exist/);
    const project = (await sim.api('GET', `${S}/tenants/${id.Acme}/projectvariables?includeMissingVariables=true`)).body.MissingVariables[0];
    const unscoped = await sim.api('PUT', `${S}/tenants/${id.Acme}/projectvariables`, {
      Variables: [{ ProjectId: id.Web, TemplateId: project.TemplateId, Value: 'x', Scope: { EnvironmentIds: [] } }],
    });
    expect(unscoped.status).toBe(400);
  });

  it('refuses a bare array: the command is {Variables: [...]} (OctopusClients ModifyCommonVariablesByTenantIdCommand.cs)', async () => {
    const res = await sim.api('PUT', `${S}/tenants/${id.Acme}/commonvariables`, []);
    expect(res.status).toBe(400);
    expect(res.body.Errors).toEqual(['The request body must be a JSON object with a Variables array.']);
  });

  it('a SensitiveValue with HasValue false removes the value (terraform-provider resource_tenant_common_variable.go deleteV2)', async () => {
    const current = (await sim.api('GET', `${S}/tenants/${id.Acme}/commonvariables`)).body.Variables;
    const payload = current.map((v: Doc) => ({
      Id: v.Id,
      LibraryVariableSetId: v.LibraryVariableSetId,
      TemplateId: v.TemplateId,
      Value: v.Template.Name === 'DB.Password' ? { HasValue: false } : v.Value,
      Scope: v.Scope,
    }));
    const res = await sim.api('PUT', `${S}/tenants/${id.Acme}/commonvariables`, { Variables: payload });
    expect(res.status).toBe(200);
    expect(res.body.Variables.some((v: Doc) => v.Template.Name === 'DB.Password')).toBe(false);
  });
});

describe('the toggle turned off on a 2025.2 server', () => {
  it('v2 endpoints answer 404 and v1 writes work', async () => {
    const sim = await withSimulator({ version: '2025.2.11370', seed, featureToggles: { CommonVariableScopingFeatureToggle: false } });
    try {
      const id = await ids(sim);
      expect((await sim.api('GET', `${S}/tenants/${id.Acme}/commonvariables`)).status).toBe(404);
      const doc = (await sim.api('GET', `${S}/tenants/${id.Acme}/variables`)).body;
      expect((await sim.api('PUT', `${S}/tenants/${id.Acme}/variables`, doc)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});

describe('keys that lack permissions (permissions.ts; 403 wording from OctopusDeploy/Issues #7311, #6787)', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await withSimulator({
      seed,
      apiKeys: [
        { key: LIMITED_KEY, readOnly: true, missingPermissions: ['VariableViewUnscoped', 'TeamView', 'UserRoleView'] },
        { key: NO_TEAMS_KEY, readOnly: true, missingPermissions: ['TeamView'] },
      ],
    });
  });
  afterAll(() => sim.close());

  it('reading teams without TeamView, or user roles without UserRoleView, is refused naming the permission', async () => {
    const teams = await sim.api('GET', `${S}/teams?take=10`, undefined, NO_TEAMS_KEY);
    expect(teams.status).toBe(403);
    expect(teams.body.ErrorMessage).toBe('You do not have permission to perform this action. Please contact your Octopus administrator. Missing permission: TeamView');
    expect((await sim.api('GET', '/api/userroles?take=10', undefined, NO_TEAMS_KEY)).status).toBe(200);
    expect((await sim.api('GET', '/api/userroles?take=10', undefined, LIMITED_KEY)).body.ErrorMessage).toMatch(/Missing permission: UserRoleView$/);
    expect((await sim.api('GET', `${S}/teams?take=10`, undefined, READ_ONLY_KEY)).status).toBe(200);
  });

  it('without VariableViewUnscoped, variables without an environment scope are not in the variable sets read', async () => {
    const names = async (key: string) => (await sim.api('GET', `${S}/variables/all`, undefined, key)).body.flatMap((s: Doc) => s.Variables.map((v: Doc) => v.Name));
    expect(await names(READ_ONLY_KEY)).toEqual(expect.arrayContaining(['Unscoped', 'Scoped']));
    expect(await names(LIMITED_KEY)).toEqual(['Scoped']);
  });

  it('GET /api/users/{id}/permissions answers what the key may do per space (Swagger UserPermissionSetResource)', async () => {
    const me = (await sim.api('GET', '/api/users/me', undefined, LIMITED_KEY)).body;
    const perms = (await sim.api('GET', me.Links.Permissions, undefined, LIMITED_KEY)).body;
    expect(perms.SpacePermissions.VariableView).toEqual([expect.objectContaining({ SpaceId: 'Spaces-1', RestrictedToEnvironmentIds: [] })]);
    for (const p of ['VariableViewUnscoped', 'TeamView', 'UserRoleView', 'ProjectEdit']) expect(perms.SpacePermissions[p]).toBeUndefined();
    const full = (await sim.api('GET', me.Links.Permissions)).body;
    expect(full.SpacePermissions.ProjectEdit).toBeDefined();
  });

  it('a limited key cannot write', async () => {
    expect((await sim.api('POST', `${S}/environments`, { Name: 'QA' }, LIMITED_KEY)).status).toBe(403);
  });
});

describe('octosync simulator --feature-toggle', () => {
  it('refuses a toggle that is not NAME=true or NAME=false, before starting', async () => {
    const res = await runCli(['simulator', '--port', '0', '--api-key', 'API-X', '--feature-toggle', 'CommonVariableScopingFeatureToggle=maybe']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/--feature-toggle CommonVariableScopingFeatureToggle=maybe: expected NAME=true or NAME=false/);
  });
});
