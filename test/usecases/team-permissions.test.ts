import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withSimulator, type ApiClient } from '../helpers/simulator.js';
import { workDir } from '../helpers/sync.js';
import { apply, decisionsOf, defaultSpace, derivedPolicy, environments, expectNoChanges, lifecycle, list, planOne, writes } from './helpers.js';

/**
 * Team permissions (the guide's "Team User Role Scoping", synced last: "Syncing Order" ends with "Team
 * Permissions"): teams are created without them, then each scoped user role is created with its projects,
 * environments (through the environment map) and tenants translated by name; tenants and environments the
 * destination will not have are dropped from the restriction, saying so. Everything is read back through the API.
 */

type Doc = Record<string, any>;

const SPACE = '/api/Spaces-1';

const space = (extra: Record<string, Doc[]>, envs: string[]) => defaultSpace({
  environments: environments(...envs),
  lifecycles: [lifecycle(envs)],
  projectgroups: [{ Name: 'Default Project Group' }],
  projects: [{ Name: 'OctoFX', ProjectGroupId: 'Default Project Group', LifecycleId: 'Default Lifecycle', TenantedDeploymentMode: 'TenantedOrUntenanted' }],
  ...extra,
});

const source = space({
  userroles: [{ Name: 'Custom auditor', GrantedSpacePermissions: ['EnvironmentView'] }],
  tenants: [
    { Name: 'Acme', ProjectEnvironments: { OctoFX: ['Production'] } },
    { Name: 'Internal', ProjectEnvironments: { OctoFX: ['Test'] } },
  ],
  teams: [{ Name: 'Deployers' }, { Name: 'Release Managers' }, { Name: 'Auditors' }],
  scopeduserroles: [
    { TeamId: 'Deployers', UserRoleId: 'Project deployer', ProjectIds: ['OctoFX'], EnvironmentIds: ['Test', 'Production'], TenantIds: ['Acme', 'Internal'] },
    // One team holding one role twice, with different restrictions: `Project viewer` and `Project viewer (2)`.
    { TeamId: 'Deployers', UserRoleId: 'Project viewer', EnvironmentIds: ['Staging'] },
    { TeamId: 'Deployers', UserRoleId: 'Project viewer', EnvironmentIds: ['Production'] },
    { TeamId: 'Release Managers', UserRoleId: 'Release creator' },
    // Only a tenant the destination will not have: an empty list would mean every tenant.
    { TeamId: 'Auditors', UserRoleId: 'Tenant manager', TenantIds: ['Internal'] },
    // A user role the policy leaves out.
    { TeamId: 'Auditors', UserRoleId: 'Custom auditor' },
  ],
}, ['Development', 'Test', 'Staging', 'Production']);

const destination = space({
  teams: [{ Name: 'Operators' }],
  // The destination's own permission: never removed.
  scopeduserroles: [{ TeamId: 'Operators', UserRoleId: 'Environment viewer', EnvironmentIds: ['Production'] }],
}, ['Staging', 'Production']);

/** A space's team permissions by name: `Team: Role [Environments: …; Projects: …; Tenants: …]`. */
async function permissions(api: ApiClient): Promise<string[]> {
  const get = async (path: string) => (await api('GET', path)).body;
  const [teams, roles, envs, projects, tenants, groups] = await Promise.all([
    list(api, 'teams'), get('/api/userroles/all'), list(api, 'environments'), list(api, 'projects'), list(api, 'tenants'), list(api, 'projectgroups'),
  ]);
  const nameOf = (docs: Doc[], id: string) => docs.find((d) => d.Id === id)?.Name ?? `?${id}`;
  const out: string[] = [];
  for (const team of teams.filter((t) => t.SpaceId === 'Spaces-1' && t.CanBeDeleted !== false)) {
    const page = await get(`${SPACE}/teams/${team.Id}/scopeduserroles`);
    for (const r of page.Items as Doc[]) {
      const scope = ([['Environments', r.EnvironmentIds, envs], ['Projects', r.ProjectIds, projects], ['ProjectGroups', r.ProjectGroupIds, groups], ['Tenants', r.TenantIds, tenants]] as const)
        .filter(([, ids]) => ids.length)
        .map(([label, ids, docs]) => `${label}: ${ids.map((id: string) => nameOf(docs, id)).sort().join(', ')}`);
      out.push(`${team.Name}: ${nameOf(roles, r.UserRoleId)}${scope.length ? ` [${scope.join('; ')}]` : ''}`);
    }
  }
  return out.sort();
}

describe('team permissions: scoped user roles by team and role name, last in the order', () => {
  let src: Awaited<ReturnType<typeof withSimulator>>;
  let dst: Awaited<ReturnType<typeof withSimulator>>;
  const dir = workDir();
  let policy: string;

  beforeAll(async () => {
    src = await withSimulator({ seed: source });
    dst = await withSimulator({ seed: destination });
    policy = derivedPolicy(dir, 'dev-test-to-staging-prod.yaml', 'teams', (p) => {
      p.filters.tenants = { exclude: ['Internal'] };
      p.filters.userRoles = { exclude: ['Custom auditor'] };
    });
  });
  afterAll(async () => {
    await src.close();
    await dst.close();
  });

  it('first sync: teams, then their roles with restrictions translated and missing ones dropped with a reason', async () => {
    const { plan } = await planOne(dir, 'first', src.url, dst.url, policy);
    const op = (id: string) => plan.operations.find((o) => o.id === id);
    // Teams are written before any role; roles come after projects and tenants.
    const ids = plan.operations.map((o) => o.id);
    expect(ids.indexOf('scopedUserRole/Deployers/Project deployer')).toBeGreaterThan(ids.indexOf('tenant/Acme'));
    expect(op('scopedUserRole/Deployers/Project deployer')?.dependsOn).toEqual(['team/Deployers', 'tenant/Acme']);
    expect(op('team/Deployers')?.desired).not.toHaveProperty('ScopedUserRoles');
    expect(decisionsOf(plan, 'scopedUserRole/Deployers/Project deployer')).toEqual(['skip restriction', 'skip restriction']);
    expect(op('scopedUserRole/Deployers/Project deployer')?.decisions?.map((d) => d.reason).join('\n')).toMatch(/Test[\s\S]*tenant 'Internal' is not on the destination/);
    expect(op('scopedUserRole/Auditors/Tenant manager')).toMatchObject({ action: 'skip', reason: expect.stringMatching(/tenant 'Internal'.*would grant the role for every tenant/) });
    expect(op('scopedUserRole/Auditors/Custom auditor')).toMatchObject({ action: 'skip', reason: expect.stringMatching(/user role 'Custom auditor' is not on the destination/) });
    expect(op('scopedUserRole/Deployers/Project viewer (2)')?.action).toBe('create');

    await apply(dst.url, (await planOne(dir, 'first', src.url, dst.url, policy)));
    expect(await permissions(dst.api)).toEqual([
      'Deployers: Project deployer [Environments: Production; Projects: OctoFX; Tenants: Acme]',
      'Deployers: Project viewer [Environments: Production]',
      'Deployers: Project viewer [Environments: Staging]',
      'Operators: Environment viewer [Environments: Production]',
      'Release Managers: Release creator',
    ]);
    const again = (await planOne(dir, 'first-again', src.url, dst.url, policy)).plan;
    expectNoChanges(again);
    // Held-back differences are listed, never counted as unchanged.
    expect(again.operations.find((o) => o.id === 'scopedUserRole/Deployers/Project deployer')?.action).toBe('skip');
  });

  it('recurring sync: a changed restriction is updated in place; the destination-only role and tenant stay', async () => {
    const deployer = async (api: ApiClient, name: string) => {
      const team = (await list(api, 'teams')).find((t) => t.Name === name)!;
      const roles = (await api('GET', `${SPACE}/teams/${team.Id}/scopeduserroles`)).body.Items as Doc[];
      return roles.find((r) => r.UserRoleId === 'userroles-projectdeployer')!;
    };
    const byName = async (api: ApiClient, collection: string, name: string) => (await list(api, collection)).find((d) => d.Name === name)!.Id;
    // Source: the deployers may now deploy to Staging too.
    const s = await deployer(src.api, 'Deployers');
    s.EnvironmentIds = [...s.EnvironmentIds, await byName(src.api, 'environments', 'Staging')];
    expect((await src.api('PUT', `/api/scopeduserroles/${s.Id}`, s)).status).toBe(200);
    // Destination: a tenant of its own was added to the role there.
    const local = await dst.api('POST', `${SPACE}/tenants`, { Name: 'Local only' });
    expect(local.status).toBe(201);
    const d = await deployer(dst.api, 'Deployers');
    d.TenantIds = [...d.TenantIds, local.body.Id];
    expect((await dst.api('PUT', `${SPACE}/scopeduserroles/${d.Id}`, d)).status).toBe(200);

    const made = await planOne(dir, 'recurring', src.url, dst.url, policy);
    const op = made.plan.operations.find((o) => o.id === 'scopedUserRole/Deployers/Project deployer');
    expect(op).toMatchObject({ action: 'update', destination: { id: d.Id } });
    expect(writes(made.plan).map((o) => o.id)).toEqual(['scopedUserRole/Deployers/Project deployer']);
    await apply(dst.url, made);
    expect(await permissions(dst.api)).toContain('Deployers: Project deployer [Environments: Production, Staging; Projects: OctoFX; Tenants: Acme, Local only]');
    expect(await permissions(dst.api)).toContain('Operators: Environment viewer [Environments: Production]');
    expect((await deployer(dst.api, 'Deployers')).Id).toBe(d.Id);
    expectNoChanges((await planOne(dir, 'recurring-again', src.url, dst.url, policy)).plan);
  });
});
