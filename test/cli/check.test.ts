/**
 * `octosync check --server URL --space NAME`: what a user runs before a first real sync, against the simulator over
 * HTTP. It reports the server version and tenant-variable API generation, feature toggles, the key's permissions for
 * each end of a sync, config-as-code projects and what cannot be synced, and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Doc } from '../../src/simulator/types.js';
import { runCli } from '../helpers/cli.js';
import { API_KEY, READ_ONLY_KEY, withSimulator } from '../helpers/simulator.js';
import { defaultSpace, environments, target } from '../usecases/helpers.js';

const LIMITED = 'API-LIMITED00000000000000000000003';
type Sim = Awaited<ReturnType<typeof withSimulator>>;

const seed = defaultSpace({
  environments: environments('Staging', 'Production'),
  libraryvariablesets: [
    {
      Name: 'Tenant Settings',
      Templates: [{ Name: 'DB.Host', Label: 'Host', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } }],
      $variables: [{ Name: 'Db.Password', Value: 'shh', Type: 'Sensitive', IsSensitive: true }],
    },
  ],
  machines: [target('web-01', 'web-server', 'Production')],
  projects: [
    { Name: 'Web', ProjectGroupId: 'Default Project Group', LifecycleId: 'Default Lifecycle', IncludedLibraryVariableSetIds: ['Tenant Settings'], TenantedDeploymentMode: 'Tenanted' },
    { Name: 'Git Project', ProjectGroupId: 'Default Project Group', LifecycleId: 'Default Lifecycle' },
  ],
  tenants: [
    {
      Name: 'Acme',
      ProjectEnvironments: { Web: ['Staging', 'Production'] },
      $variables: { ScopedCommonVariables: [{ LibraryVariableSet: 'Tenant Settings', Template: 'DB.Host', Environments: ['Production'], Value: 'prod-db' }] },
    },
  ],
});

/** Makes a project version-controlled as a converted project is (whatever way the simulator converts). */
function convertToGit(sim: Sim, name: string): void {
  const project = sim.store.all('projects', 'Spaces-1').find((p: Doc) => p.Name === name)!;
  sim.store.put('projects', {
    ...project,
    IsVersionControlled: true,
    PersistenceSettings: { Type: 'VersionControlled', Url: 'https://git.example/repo.git', DefaultBranch: 'main', BasePath: '.octopus', Credentials: { Type: 'Anonymous' } },
  });
}

const check = (sim: Sim, key: string) => runCli(['check', '--server', sim.url, '--api-key', key, '--space', 'Default']);

describe('octosync check on a 2025.2 server', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await withSimulator({ version: '2025.2.11370', seed, apiKeys: [{ key: LIMITED, readOnly: true, missingPermissions: ['VariableViewUnscoped', 'TeamView', 'UserRoleView'] }] });
    convertToGit(sim, 'Git Project');
  });
  afterAll(() => sim.close());

  it('reports version, the v2 tenant-variable API, toggles, a full key, config-as-code projects and what is not synced; writes nothing', async () => {
    sim.stats.reset();
    const res = await check(sim, API_KEY);
    expect(res.code).toBe(0);
    const text = res.stdout;
    expect(text).toContain('Octopus 2025.2.11370');
    expect(text).toMatch(/Tenant variables: v2 API/);
    expect(text).toMatch(/Feature toggles: CommonVariableScopingFeatureToggle on/);
    expect(text).toMatch(/as a source: +ready/);
    expect(text).toMatch(/as a destination: ready/);
    expect(text).toMatch(/Config as code: +'Git Project'/);
    expect(text).toMatch(/project 'Git Project': version-controlled/);
    expect(text).toMatch(/1 environment-scoped common tenant value\(s\): synced only to a destination that speaks the v2/);
    expect(text).toMatch(/1 sensitive value\(s\): never read/);
    expect(text).toMatch(/1 deployment target\(s\), 0 worker\(s\): never synced/);
    expect(text).toMatch(/nothing written\.\n$/);
    expect(sim.stats.writes).toBe(0);
  });

  it('a read-only key: ready as a source, and the destination permissions it lacks are named', async () => {
    const res = await check(sim, READ_ONLY_KEY);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/as a source: +ready/);
    expect(res.stdout).toMatch(/as a destination: missing ProjectCreate, ProjectEdit, ProcessEdit, VariableEdit/);
  });

  it('a key without VariableViewUnscoped, TeamView, UserRoleView: names them, and does not read a content it would see partly', async () => {
    const res = await check(sim, LIMITED);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/as a source: +missing VariableViewUnscoped, TeamView, UserRoleView$/m);
    expect(res.stdout).toMatch(/Config as code: +not read/);
    expect(res.stdout).toMatch(/warning: the space's content was not read: the key lacks VariableViewUnscoped/);
  });
});

describe('octosync check on a 2024.3 server', () => {
  it('reports the v1 tenant-variable API and no feature toggle', async () => {
    const sim = await withSimulator({ version: '2024.3.10989', seed: defaultSpace({ environments: environments('Production') }) });
    try {
      const res = await check(sim, API_KEY);
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/Tenant variables: v1 API \(\/tenants\/\{id\}\/variables\)/);
      expect(res.stdout).toMatch(/Feature toggles: none listed/);
      expect(res.stdout).toMatch(/Config as code: +no version-controlled projects/);
    } finally {
      await sim.close();
    }
  });

  it('an unknown space: one line naming the spaces there, exit 1', async () => {
    const sim = await withSimulator();
    try {
      const res = await runCli(['check', '--server', sim.url, '--api-key', API_KEY, '--space', 'Nope']);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/no space named 'Nope'/);
    } finally {
      await sim.close();
    }
  });
});
