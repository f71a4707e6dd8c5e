import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { takeSnapshot } from '../../src/snapshot/take.js';
import type { Doc } from '../../src/simulator/types.js';
import { API_KEY, withSimulator } from '../helpers/simulator.js';

/**
 * Scoped user roles as octosync reads and writes them, served as a real server does. Evidence:
 * - routes: Swagger 2020.5 and 2021.2 (test/vendor/octopus-api) list `/api/scopeduserroles{/id}`,
 *   `/api/{baseSpaceId}/scopeduserroles{/id}` (GET, POST; GET, PUT, DELETE) and `GET …/teams/{id}/scopeduserroles`;
 *   OctopusDeploy/docs `shared-content/scripts/add-environment-to-team-scripts.include.md` reads a team's roles at
 *   `/api/{spaceId}/teams/{teamId}/scopeduserroles` (paged: `.Items`) and PUTs one back at `/api/scopeduserroles/{id}`;
 * - members: `ScopedUserRoleResource` (Swagger): `UserRoleId`, `TeamId`, `SpaceId`, `ProjectIds`, `ProjectGroupIds`,
 *   `EnvironmentIds`, `TenantIds` (API-FACTS §3.20: empty = unrestricted);
 * - terraform-provider-octopusdeploy `octopusdeploy_scoped_user_role` (team_id, user_role_id, space_id) creates them
 *   one by one, apart from the team.
 */

type Sim = Awaited<ReturnType<typeof withSimulator>>;
const S = '/api/Spaces-1';

async function created(sim: Sim, path: string, body: unknown): Promise<Doc> {
  const res = await sim.api('POST', path, body);
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

describe('simulator: scoped user roles', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await withSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('serves every route family of the Swagger documents, paged under the team', async () => {
    const env = await created(sim, `${S}/environments`, { Name: 'Production' });
    const team = await created(sim, `${S}/teams`, { Name: 'Deployers' });
    const role = await created(sim, `${S}/scopeduserroles`, { TeamId: team.Id, UserRoleId: 'userroles-projectdeployer', EnvironmentIds: [env.Id] });
    expect(role).toMatchObject({ SpaceId: 'Spaces-1', TeamId: team.Id, ProjectIds: [], ProjectGroupIds: [], TenantIds: [], EnvironmentIds: [env.Id] });
    for (const path of [`${S}/teams/${team.Id}/scopeduserroles`, `/api/teams/${team.Id}/scopeduserroles`]) {
      const page = (await sim.api('GET', path)).body;
      expect(page.Items.map((r: Doc) => r.Id)).toEqual([role.Id]);
    }
    // The docs' script: read under the team, PUT at the system route.
    const put = await sim.api('PUT', `/api/scopeduserroles/${role.Id}`, { ...role, EnvironmentIds: [] });
    expect(put.status).toBe(200);
    expect((await sim.api('GET', `${S}/scopeduserroles/${role.Id}`)).body.EnvironmentIds).toEqual([]);
  });

  it('refuses references to ids that do not exist with a 400 naming the member', async () => {
    const team = await created(sim, `${S}/teams`, { Name: 'Auditors' });
    const res = await sim.api('POST', `${S}/scopeduserroles`, { TeamId: team.Id, UserRoleId: 'userroles-tenantmanager', TenantIds: ['Tenants-424242'] });
    expect(res.status).toBe(400);
    expect(res.body.Errors.join(' ')).toMatch(/TenantIds refers to 'Tenants-424242'/);
    const noRole = await sim.api('POST', `${S}/scopeduserroles`, { TeamId: team.Id, UserRoleId: 'userroles-nope' });
    expect(noRole.status).toBe(400);
    expect((await sim.api('GET', `${S}/scopeduserroles/ScopedUserRoles-424242`)).status).toBe(404);
  });

  it('refuses a role without space permissions granted in a space (terraform-provider-octopusdeploy issue #330)', async () => {
    const team = await created(sim, `${S}/teams`, { Name: 'Admins' });
    const res = await sim.api('POST', `${S}/scopeduserroles`, { TeamId: team.Id, UserRoleId: 'userroles-systemadministrator' });
    expect(res.status).toBe(400);
    expect(res.body.Errors).toEqual(['You cannot use a role without any Space level permissions at the Space level.']);
    // At system level (an empty SpaceId, the workaround) to a system team, it is accepted.
    const system = await created(sim, '/api/teams', { Name: 'System admins' });
    expect(system.SpaceId).toBeNull();
    expect((await sim.api('POST', '/api/scopeduserroles', { TeamId: system.Id, UserRoleId: 'userroles-systemadministrator', SpaceId: '' })).status).toBe(201);
  });

  it("a system team's grant in the space is not synced: the space's teams leave system teams out, and the snapshot says so", async () => {
    // `teams-everyone` is a system team (SpaceId null, API-FACTS §3.20); a role it holds in Spaces-1 is the space's.
    await created(sim, `${S}/scopeduserroles`, { TeamId: 'teams-everyone', UserRoleId: 'userroles-projectviewer' });
    // The server keeps identical copies (nothing in the resource is unique); they grant nothing more: one is kept.
    const deployers = (await sim.api('GET', `${S}/teams/all`)).body.find((t: Doc) => t.Name === 'Deployers');
    await created(sim, `${S}/scopeduserroles`, { TeamId: deployers.Id, UserRoleId: 'userroles-projectdeployer' });
    const { snapshot } = await takeSnapshot({ server: sim.url, apiKey: API_KEY, space: 'Default' });
    expect(Object.keys(snapshot.resources.teams)).not.toContain('Everyone');
    expect(Object.keys(snapshot.resources.scopedUserRoles)).toEqual(expect.arrayContaining(['Deployers', 'Space Managers']));
    expect(snapshot.resources.scopedUserRoles).not.toHaveProperty('Everyone');
    expect(snapshot.warnings).toContain("scoped user role 'Project viewer' belongs to teams-everyone, which was not found; left out");
    expect(snapshot.warnings).toContain("scoped user role 'Deployers / Project deployer' appears twice; the second copy was left out");
    // Keyed by team and user role names, restrictions by name: no ids.
    expect((snapshot.resources.scopedUserRoles as any).Deployers['Project deployer'].content).toEqual({
      UserRoleId: 'Project deployer', EnvironmentIds: [], ProjectGroupIds: [], ProjectIds: [], TenantIds: [],
    });
  });
});
