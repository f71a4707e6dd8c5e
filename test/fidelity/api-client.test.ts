/**
 * The official Octopus TypeScript client, `@octopusdeploy/api-client` 3.11.0, unmodified, against the simulator
 * over HTTP: create, list, get and modify for every kind the client has a repository for. The client is CommonJS;
 * Node's ESM loader (and jest's) expose its `exports.X` as named imports.
 *
 * What the client does on the wire (read from node_modules/@octopusdeploy/api-client/dist):
 * - `Client.create` reads `GET /api` (Version, InstallationId); it fails when that does not answer.
 * - space-scoped repositories take a space *name* and resolve it with
 *   `GET /api/spaces?partialName=<name>&skip=0&take=2147483647`, then an exact `Name` match (spaceResolver.js).
 * - routes are `~/api/{spaceId}/<collection>{/id}{?skip,take,ids,partialName,...}`; create POSTs the resource
 *   plus `spaceId`; modify PUTs the whole resource to `/<collection>/<Id>`.
 * - deployment processes: `GET|PUT /api/{spaceId}/projects/{projectId}/deploymentprocesses`; runbooks:
 *   `/api/{spaceId}/projects/{projectId}/runbooks{/id}`; runbook processes:
 *   `/api/{spaceId}/projects/{projectId}/runbookProcesses/{id}`; current user: `GET /api/users/me`.
 * - `FeedRepository` is not re-exported by the package root in 3.11.0; it is imported from dist/features/feeds.
 * - errors come back as `OctopusError` with `StatusCode` and the body's `ErrorMessage` (+ `Errors` lines).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  Client,
  DeploymentProcessRepository,
  EnvironmentRepository,
  GuidedFailureMode,
  LifecycleRepository,
  NewProject,
  PackageRequirement,
  ProjectGroupRepository,
  ProjectRepository,
  RunbookEnvironmentScope,
  RunbookProcessRepository,
  RunbookRepository,
  RunCondition,
  SpaceRepository,
  StartTrigger,
  TagSetRepository,
  TenantedDeploymentMode,
  TenantRepository,
  userGetCurrent,
  type DeploymentEnvironment,
  type DeploymentStep,
  type Lifecycle,
  type Project,
  type ProjectGroup,
  type Runbook,
  type TagSet,
} from '@octopusdeploy/api-client';
// 3.11.0's root index does not re-export features/feeds (dist/features/index.js has no `./feeds`): deep import.
import { FeedRepository, FeedType, type NugetFeed } from '@octopusdeploy/api-client/dist/features/feeds/index.js';
import { NUGET_FEED } from '../helpers/kind-fixtures.js';
import { API_KEY, withSimulator } from '../helpers/simulator.js';

const SPACE = 'Default';

/** A one-action script step, with client-generated GUIDs as the Octopus web UI sends them. */
function scriptStep(name: string, script: string): DeploymentStep {
  return {
    Id: randomUUID(),
    Name: name,
    Properties: { 'Octopus.Action.TargetRoles': 'web-server' },
    Condition: RunCondition.Success,
    StartTrigger: StartTrigger.StartAfterPrevious,
    PackageRequirement: PackageRequirement.LetOctopusDecide,
    Actions: [
      {
        Id: randomUUID(),
        Name: name,
        ActionType: 'Octopus.Script',
        CanBeUsedForProjectVersioning: false,
        Channels: [],
        Container: { FeedId: null, Image: null },
        Environments: [],
        ExcludedEnvironments: [],
        IsDisabled: false,
        IsRequired: false,
        Notes: null,
        Packages: [],
        Properties: {
          'Octopus.Action.RunOnServer': 'true',
          'Octopus.Action.Script.ScriptSource': 'Inline',
          'Octopus.Action.Script.Syntax': 'Bash',
          'Octopus.Action.Script.ScriptBody': script,
        },
        TenantTags: [],
        WorkerPoolId: null,
        WorkerPoolVariable: null,
      },
    ],
  };
}

describe('@octopusdeploy/api-client 3.11.0 against the simulator', () => {
  let sim: Awaited<ReturnType<typeof withSimulator>>;
  let client: Client;
  /** What earlier cases created, for the cases that build on it. */
  const made: {
    environment?: DeploymentEnvironment;
    projectGroup?: ProjectGroup;
    lifecycle?: Lifecycle;
    project?: Project;
    runbook?: Runbook;
    tagSet?: TagSet;
  } = {};
  const need = <K extends keyof typeof made>(key: K): NonNullable<(typeof made)[K]> => {
    const v = made[key];
    if (!v) throw new Error(`an earlier case did not create the ${key} this case builds on`);
    return v as NonNullable<(typeof made)[K]>;
  };

  /** Failed requests of the running case, as the client reports them (its errors do not name the URL). */
  const failedRequests: string[] = [];
  /** `it`, with the client's failed requests appended to the failure message. */
  const step = (name: string, fn: () => Promise<void>) =>
    it(name, async () => {
      failedRequests.length = 0;
      try {
        await fn();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new Error(failedRequests.length ? `${message}\n  requests that failed:\n  ${failedRequests.join('\n  ')}` : message);
      }
    });

  beforeAll(async () => {
    sim = await withSimulator({ version: '2024.3.10989' });
    client = await Client.create({ instanceURL: sim.url, apiKey: API_KEY, userAgentApp: 'octosync-fidelity-tests' });
    client.subscribeToErrors('fidelity', (e) =>
      failedRequests.push(`${e.method} ${e.url.replace(sim.url, '')} → ${e.statusCode} ${e.errorMessage.replace(/\n/g, ' | ')}`),
    );
  });
  afterAll(() => sim.close());

  step('connects: Client.create reads the root document', async () => {
    const info = await client.getServerInformation();
    expect(info.version).toBe('2024.3.10989');
    expect(info.installationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  step('reads the current user (userGetCurrent → GET /api/users/me)', async () => {
    const user = await userGetCurrent(client);
    expect(user.Id).toEqual(expect.any(String));
    expect(user.Username).toEqual(expect.any(String));
    expect(user.IsActive).toBe(true);
  });

  step('reports a missing resource as an OctopusError with the status and the server message', async () => {
    const repo = new EnvironmentRepository(client, SPACE);
    await expect(repo.get('Environments-999999')).rejects.toMatchObject({ StatusCode: 404, ErrorMessage: expect.any(String) });
  });

  step('spaces: create, list, get, modify (SpaceRepository)', async () => {
    const repo = new SpaceRepository(client);
    const created = await repo.create({ Name: 'Client Space', Description: 'made by api-client', IsDefault: false, SpaceManagersTeams: [], SpaceManagersTeamMembers: [] });
    expect(created.Id).toMatch(/^Spaces-\d+$/);
    const list = await repo.list({ partialName: 'client space' } as { skip?: number });
    expect(list.Items.map((s) => s.Id)).toContain(created.Id);
    const got = await repo.get(created.Id);
    expect(got).toMatchObject({ Name: 'Client Space', IsDefault: false });
    const modified = await repo.modify({ ...got, Description: 'changed by api-client' });
    expect(modified.Description).toBe('changed by api-client');
    expect((await repo.get(created.Id)).Description).toBe('changed by api-client');
  });

  step('environments: create, list (partialName, ids), get, modify, delete, also in a second space resolved by name', async () => {
    const repo = new EnvironmentRepository(client, SPACE);
    const created = await repo.create({ Name: 'Development', Description: 'first', UseGuidedFailure: false, AllowDynamicInfrastructure: true });
    expect(created).toMatchObject({ Name: 'Development', SpaceId: 'Spaces-1' });
    const byName = await repo.list({ partialName: 'dev' } as { skip?: number });
    expect(byName.Items.map((e) => e.Id)).toEqual([created.Id]);
    const byIds = await repo.list({ ids: [created.Id] } as { skip?: number });
    expect(byIds.TotalResults).toBe(1);
    const got = await repo.get(created.Id);
    const modified = await repo.modify({ ...got, Description: 'second', UseGuidedFailure: true });
    expect(modified).toMatchObject({ Description: 'second', UseGuidedFailure: true });
    made.environment = modified;

    const scratch = await repo.create({ Name: 'Scratch' });
    await repo.del(scratch);
    await expect(repo.get(scratch.Id)).rejects.toMatchObject({ StatusCode: 404 });

    const other = new EnvironmentRepository(client, 'Client Space');
    const elsewhere = await other.create({ Name: 'Development' });
    expect(elsewhere.SpaceId).not.toBe('Spaces-1');
    expect((await other.list()).Items.map((e) => e.Id)).toEqual([elsewhere.Id]);
  });

  step('project groups: create, list, get, modify (ProjectGroupRepository)', async () => {
    const repo = new ProjectGroupRepository(client, SPACE);
    const created = await repo.create({ Name: 'Web', Description: 'web apps' } as ProjectGroup);
    const list = await repo.list({ take: 100 });
    expect(list.Items.map((g) => g.Name)).toEqual(expect.arrayContaining(['Web', 'Default Project Group']));
    const got = await repo.get(created.Id);
    const modified = await repo.modify({ ...got, Description: 'all web apps' });
    expect(modified.Description).toBe('all web apps');
    made.projectGroup = modified;
  });

  step('lifecycles: create with a phase, list, get, modify (LifecycleRepository)', async () => {
    const env = need('environment');
    const repo = new LifecycleRepository(client, SPACE);
    const created = await repo.create({
      Name: 'Dev first',
      Phases: [{ Name: 'Dev', IsOptionalPhase: false, MinimumEnvironmentsBeforePromotion: 0, AutomaticDeploymentTargets: [env.Id], OptionalDeploymentTargets: [] }],
    } as unknown as Lifecycle);
    expect(created.Phases).toHaveLength(1);
    expect(created.Phases[0].Id).toEqual(expect.any(String));
    const list = await repo.list({ partialName: 'Dev first' } as { skip?: number });
    expect(list.Items.map((l) => l.Id)).toContain(created.Id);
    const got = await repo.get(created.Id);
    const modified = await repo.modify({ ...got, Description: 'one phase' });
    expect(modified.Description).toBe('one phase');
    expect(modified.Phases[0].AutomaticDeploymentTargets).toEqual([env.Id]);
    made.lifecycle = modified;
  });

  step('projects: create with NewProject(), list, get, modify (ProjectRepository)', async () => {
    const repo = new ProjectRepository(client, SPACE);
    const created = await repo.create(NewProject('Storefront', need('projectGroup'), need('lifecycle')));
    expect(created).toMatchObject({ Name: 'Storefront', ProjectGroupId: need('projectGroup').Id, LifecycleId: need('lifecycle').Id });
    expect(created.DeploymentProcessId).toEqual(expect.any(String));
    const list = await repo.list({ partialName: 'store' } as { skip?: number });
    expect(list.Items.map((p) => p.Id)).toEqual([created.Id]);
    const got = await repo.get(created.Id);
    const modified = await repo.modify({ ...got, Description: 'the shop', TenantedDeploymentMode: TenantedDeploymentMode.TenantedOrUntenanted });
    expect(modified).toMatchObject({ Description: 'the shop', TenantedDeploymentMode: 'TenantedOrUntenanted' });
    made.project = modified;
  });

  step('deployment processes: get by project, update with a step, Version advances (DeploymentProcessRepository)', async () => {
    const project = need('project');
    const repo = new DeploymentProcessRepository(client, SPACE);
    const before = await repo.get(project);
    expect(before).toMatchObject({ Id: project.DeploymentProcessId, ProjectId: project.Id, Steps: [] });
    const updated = await repo.update(project, { ...before, Steps: [scriptStep('Say hello', 'echo hello')] });
    expect(updated.Version).toBeGreaterThan(before.Version);
    const after = await repo.get(project);
    expect(after.Steps.map((s) => s.Name)).toEqual(['Say hello']);
    expect(after.Steps[0].Actions[0].Properties['Octopus.Action.Script.ScriptBody']).toBe('echo hello');
    // A stale Version is refused (optimistic concurrency, API-FACTS §2.11).
    await expect(repo.update(project, { ...before, Steps: [] })).rejects.toMatchObject({ StatusCode: expect.any(Number) });
  });

  step('runbooks: create, list, get, modify under the project (RunbookRepository)', async () => {
    const project = need('project');
    const repo = new RunbookRepository(client, SPACE, project);
    const created = await repo.create({
      Name: 'Restart',
      ProjectId: project.Id,
      Description: 'bounce it',
      MultiTenancyMode: TenantedDeploymentMode.Untenanted,
      EnvironmentScope: RunbookEnvironmentScope.All,
      DefaultGuidedFailureMode: GuidedFailureMode.EnvironmentDefault,
      RunRetentionPolicy: { QuantityToKeep: 100, ShouldKeepForever: false },
    });
    expect(created).toMatchObject({ Name: 'Restart', ProjectId: project.Id });
    expect(created.RunbookProcessId).toEqual(expect.any(String));
    const list = await repo.list();
    expect(list.Items.map((r) => r.Id)).toEqual([created.Id]);
    const got = await repo.get(created.Id);
    const modified = await repo.modify({ ...got, Description: 'bounce it twice' });
    expect(modified.Description).toBe('bounce it twice');
    made.runbook = modified;
  });

  step('runbook processes: get, update with a step (RunbookProcessRepository)', async () => {
    const project = need('project');
    const runbook = need('runbook');
    const repo = new RunbookProcessRepository(client, SPACE, project);
    const before = await repo.get(runbook);
    expect(before).toMatchObject({ Id: runbook.RunbookProcessId, RunbookId: runbook.Id, ProjectId: project.Id });
    const updated = await repo.update({ ...before, Steps: [scriptStep('Restart app', 'systemctl restart app')] });
    expect(updated.Version).toBeGreaterThan(before.Version);
    expect((await repo.get(runbook)).Steps.map((s) => s.Name)).toEqual(['Restart app']);
  });

  step('tag sets: create with tags, list, get, modify (TagSetRepository)', async () => {
    const repo = new TagSetRepository(client, SPACE);
    const created = await repo.create({ Name: 'Tier', Description: 'customer tier', Tags: [{ Name: 'Gold', Color: '#FFD700' }] });
    expect(created.Tags.map((t) => t.CanonicalTagName)).toEqual(['Tier/Gold']);
    const list = await repo.list({ partialName: 'tier' } as { skip?: number });
    expect(list.Items.map((t) => t.Id)).toEqual([created.Id]);
    const got = await repo.get(created.Id);
    const modified = await repo.modify({
      ...got,
      Tags: [...got.Tags, { Name: 'Silver', Color: '#C0C0C0', Description: '', SortOrder: 1 } as TagSet['Tags'][number]],
    });
    expect(modified.Tags.map((t) => t.CanonicalTagName)).toEqual(['Tier/Gold', 'Tier/Silver']);
    made.tagSet = modified;
  });

  step('tenants: create connected to a project with a tag, list, get, modify (TenantRepository)', async () => {
    const project = need('project');
    const env = need('environment');
    need('tagSet');
    const repo = new TenantRepository(client, SPACE);
    const created = await repo.create({ Name: 'Acme', TenantTags: ['Tier/Gold'], ProjectEnvironments: { [project.Id]: [env.Id] } });
    expect(created).toMatchObject({ Name: 'Acme', TenantTags: ['Tier/Gold'], ProjectEnvironments: { [project.Id]: [env.Id] } });
    const list = await repo.list({ partialName: 'acm' } as { skip?: number });
    expect(list.Items.map((t) => t.Id)).toEqual([created.Id]);
    const got = await repo.get(created.Id);
    const modified = await repo.modify({ ...got, Description: 'first customer', TenantTags: ['Tier/Silver'] });
    expect(modified).toMatchObject({ Description: 'first customer', TenantTags: ['Tier/Silver'] });
  });

  step('feeds: the built-in feed is listed; create a NuGet feed, list by feedType, get, modify (FeedRepository)', async () => {
    const repo = new FeedRepository(client, SPACE);
    const all = await repo.list({ take: 100 });
    expect(all.Items.map((f) => f.FeedType)).toContain(FeedType.BuiltIn);
    const created = (await repo.create(NUGET_FEED as unknown as NugetFeed)) as NugetFeed;
    expect(created).toMatchObject({ Name: 'NuGet.org', FeedType: 'NuGet' });
    expect(created.Password).toMatchObject({ HasValue: true, NewValue: null });
    const nuget = await repo.list({ feedType: FeedType.Nuget } as { skip?: number });
    expect(nuget.Items.map((f) => f.Id)).toEqual([created.Id]);
    const got = (await repo.get(created.Id)) as NugetFeed;
    const modified = (await repo.modify({ ...got, FeedUri: 'https://nuget.example/v3/index.json' })) as NugetFeed;
    expect(modified.FeedUri).toBe('https://nuget.example/v3/index.json');
    // PUT without NewValue keeps the stored secret (SensitiveValue semantics, API-FACTS §2.10).
    expect(modified.Password).toMatchObject({ HasValue: true });
  });
});
