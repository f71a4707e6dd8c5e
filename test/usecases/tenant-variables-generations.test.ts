/**
 * Tenant variables across API generations, end to end over HTTP against the strict simulator: 2024.3 servers speak
 * v1 (`/tenants/{id}/variables`), 2025.2 servers v2 (`/commonvariables`, `/projectvariables`, environment-scoped
 * common values) and refuse the v1 update (OctopusDeploy/cli PR #489). octosync detects which one each side speaks,
 * snapshots both in one form, writes through the right one, and never reads the unbounded `tenantvariables/all`
 * (OctopusDeploy/Issues #7310, #5607). Each case is a first sync and a recurring one.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { secretOf } from '../../src/simulator/sensitive.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import type { Doc } from '../../src/simulator/types.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { startProxy } from '../helpers/proxy.js';
import { API_KEY, withSimulator, type ApiClient } from '../helpers/simulator.js';
import { applyTo, planSync, workDir } from '../helpers/sync.js';
import { defaultSpace, environments, octosync, tenantValues, writes } from './helpers.js';

const tenantValuesV1 = (sim: Sim, tenant: string) => tenantValues(sim.api, tenant);

const V1 = '2024.3.10989';
const V2 = '2025.2.11370';
/** 2025.1 has the toggle, off by default: v1, one minor version from 2025.2. */
const V2025_1 = '2025.1.7559';
const S = '/api/Spaces-1';
const POLICY = { version: 1, tenants: { variables: 'copy' } };
/** 2024.3 and 2025.2 are more than one minor version apart: the policy has to accept that. */
const SKEW_POLICY = { ...POLICY, versions: { allowSkew: true } };
type Sim = Awaited<ReturnType<typeof withSimulator>>;

const settings = {
  Name: 'Tenant Settings',
  Templates: [
    { Name: 'DB.Host', Label: 'Host', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } },
    { Name: 'DB.Password', Label: 'Password', DisplaySettings: { 'Octopus.ControlType': 'Sensitive' } },
  ],
};
const web = {
  Name: 'Web',
  ProjectGroupId: 'Default Project Group',
  LifecycleId: 'Default Lifecycle',
  IncludedLibraryVariableSetIds: ['Tenant Settings'],
  TenantedDeploymentMode: 'Tenanted',
  Templates: [
    { Name: 'Site.Url', Label: 'URL', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } },
    { Name: 'Api.Key', Label: 'API key', DisplaySettings: { 'Octopus.ControlType': 'Sensitive' } },
  ],
};

/** A source space: one tenant with project and common values; on 2025.2 also a common value scoped to Production. */
const sourceSeed = (scoped: boolean) =>
  defaultSpace({
    environments: environments('Staging', 'Production'),
    libraryvariablesets: [settings],
    projects: [web],
    tenants: [
      {
        Name: 'Acme',
        ProjectEnvironments: { Web: ['Staging', 'Production'] },
        $variables: {
          ProjectVariables: { Web: { Variables: { Staging: { 'Site.Url': 'https://staging.acme.example' }, Production: { 'Site.Url': 'https://acme.example', 'Api.Key': 'acme-api-key' } } } },
          LibraryVariables: { 'Tenant Settings': { Variables: { 'DB.Host': 'db.acme', 'DB.Password': 'acme-db-password' } } },
          ...(scoped ? { ScopedCommonVariables: [{ LibraryVariableSet: 'Tenant Settings', Template: 'DB.Host', Environments: ['Production'], Value: 'prod-db.acme' }] } : {}),
        },
      },
      { Name: 'Unlinked', ProjectEnvironments: {} },
    ],
  });
const destinationSeed = defaultSpace({ environments: environments('Staging', 'Production') });

async function idOf(api: ApiClient, collection: string, name: string): Promise<string> {
  return (await api('GET', `${S}/${collection}/all`)).body.find((d: Doc) => d.Name === name).Id;
}

/**
 * A tenant's values by name through the v2 endpoints: `Web/Production/Site.Url`, `Tenant Settings/DB.Host` (all
 * environments), `Tenant Settings/DB.Host@Production` (scoped); a secret reads `(sensitive)`.
 */
async function v2Values(sim: Sim, tenant: string): Promise<Record<string, unknown>> {
  const id = await idOf(sim.api, 'tenants', tenant);
  const envs = new Map<string, string>((await sim.api('GET', `${S}/environments/all`)).body.map((e: Doc) => [e.Id, e.Name]));
  const show = (v: any) => (v && typeof v === 'object' ? (v.HasValue ? '(sensitive)' : null) : v);
  const out: Record<string, unknown> = {};
  for (const v of (await sim.api('GET', `${S}/tenants/${id}/projectvariables`)).body.Variables) {
    for (const e of v.Scope.EnvironmentIds) out[`${v.ProjectName}/${envs.get(e)}/${v.Template.Name}`] = show(v.Value);
  }
  for (const v of (await sim.api('GET', `${S}/tenants/${id}/commonvariables`)).body.Variables) {
    const scope = v.Scope.EnvironmentIds.map((e: string) => envs.get(e)).sort().join(',');
    out[`${v.LibraryVariableSetName}/${v.Template.Name}${scope ? `@${scope}` : ''}`] = show(v.Value);
  }
  return out;
}

/** Sets one v2 common value (by template name and scope), keeping the others by Id. */
async function setCommonV2(sim: Sim, tenant: string, template: string, envNames: string[], value: unknown): Promise<void> {
  const id = await idOf(sim.api, 'tenants', tenant);
  const envIds = await Promise.all(envNames.map((e) => idOf(sim.api, 'environments', e)));
  const current = (await sim.api('GET', `${S}/tenants/${id}/commonvariables?includeMissingVariables=true`)).body;
  const all = [...current.Variables, ...current.MissingVariables];
  const t = all.find((v: Doc) => v.Template.Name === template);
  const same = (v: Doc) => v.TemplateId === t.TemplateId && JSON.stringify([...v.Scope.EnvironmentIds].sort()) === JSON.stringify([...envIds].sort());
  const payload = current.Variables.filter((v: Doc) => !same(v)).map((v: Doc) => ({ Id: v.Id, LibraryVariableSetId: v.LibraryVariableSetId, TemplateId: v.TemplateId, Value: v.Value, Scope: v.Scope }));
  const old = current.Variables.find(same);
  payload.push({ ...(old ? { Id: old.Id } : {}), LibraryVariableSetId: t.LibraryVariableSetId, TemplateId: t.TemplateId, Value: value, Scope: { EnvironmentIds: envIds } });
  const res = await sim.api('PUT', `${S}/tenants/${id}/commonvariables`, { Variables: payload });
  if (res.status !== 200) throw new Error(`PUT commonvariables: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Requests by `METHOD /path/pattern` since the simulator started or was reset. */
const requests = (sim: RunningSimulator) => sim.stats.toJSON().byPattern;

describe('tenant variables across API generations (first and recurring sync)', () => {
  const sims: Sim[] = [];
  const start = async (version: string, seed: object) => {
    const sim = await withSimulator({ version, seed: seed as never });
    sims.push(sim);
    return sim;
  };
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((s) => s.close()));
  });

  it('2024.3 source → 2025.2 destination: written through /commonvariables and /projectvariables, never the v1 update', async () => {
    const dir = workDir();
    const source = await start(V1, sourceSeed(false));
    const dest = await start(V2, destinationSeed);
    const first = await planSync(dir, source.url, dest.url, SKEW_POLICY, 'first');
    expect(JSON.parse(readFileSync(join(dir, 'first-source.json'), 'utf8')).server.tenantVariablesApi).toBe('v1');
    expect(JSON.parse(readFileSync(join(dir, 'first-destination.json'), 'utf8')).server.tenantVariablesApi).toBe('v2');
    dest.stats.reset();
    const applied = await applyTo(dest.url, first.file);
    expect(applied.failed).toEqual([]);
    expect(Object.keys(requests(dest)).filter((k) => /^(PUT|POST) .*tenants\/\{id\}\/variables/.test(k))).toEqual([]);
    // One write of each list per tenant (Acme, and Unlinked with nothing in it).
    expect(requests(dest)['PUT /api/{spaceId}/tenants/{id}/commonvariables']).toBe(2);
    expect(requests(dest)['PUT /api/{spaceId}/tenants/{id}/projectvariables']).toBe(2);
    expect(await v2Values(dest, 'Acme')).toEqual({
      'Web/Staging/Site.Url': 'https://staging.acme.example',
      'Web/Production/Site.Url': 'https://acme.example',
      'Web/Production/Api.Key': '(sensitive)',
      'Tenant Settings/DB.Host': 'db.acme',
      'Tenant Settings/DB.Password': '(sensitive)',
    });
    // Secrets are never copied: placeholders, listed for clean-up.
    expect(applied.cleanup.map((c) => c.field).sort()).toEqual(["library set 'Tenant Settings' 'DB.Password'", "project 'Web' (Production) 'Api.Key'"]);

    // Recurring: the operator sets the real secret on the destination; the source gains a value.
    await setCommonV2(dest, 'Acme', 'DB.Password', [], { HasValue: true, NewValue: 'operator-secret' });
    await source.api('PUT', `${S}/tenants/${await idOf(source.api, 'tenants', 'Acme')}/variables`, await (async () => {
      const t = await idOf(source.api, 'tenants', 'Acme');
      const doc = (await source.api('GET', `${S}/tenants/${t}/variables`)).body;
      const pv: Doc = Object.values<Doc>(doc.ProjectVariables)[0];
      const staging = await idOf(source.api, 'environments', 'Staging');
      pv.Variables[staging][pv.Templates.find((x: Doc) => x.Name === 'Api.Key').Id] = { HasValue: true, NewValue: 'staging-key' };
      return doc;
    })());
    const second = await planSync(dir, source.url, dest.url, SKEW_POLICY, 'second');
    expect(writes(second.plan).map((o) => o.id)).toEqual(['tenantVariables/Acme']);
    expect((await applyTo(dest.url, second.file)).failed).toEqual([]);
    expect((await v2Values(dest, 'Acme'))['Web/Staging/Api.Key']).toBe('(sensitive)');
    const tenantId = await idOf(dest.api, 'tenants', 'Acme');
    const stored: Doc[] = dest.store.get('tenantvariables', `TenantVariables-${tenantId}`)!.Values;
    expect(stored.map((v) => secretOf(v.Value))).toContain('operator-secret');
    const third = await planSync(dir, source.url, dest.url, SKEW_POLICY, 'third');
    expect(writes(third.plan)).toEqual([]);
  });

  it('2025.2 → 2025.2: environment-scoped common values are snapshotted, planned and written with their scope', async () => {
    const dir = workDir();
    const source = await start(V2, sourceSeed(true));
    const dest = await start(V2, destinationSeed);
    const first = await planSync(dir, source.url, dest.url, POLICY, 'first');
    const snap: Snapshot = JSON.parse(readFileSync(join(dir, 'first-source.json'), 'utf8'));
    expect((snap.resources.tenantVariables.Acme as any).content.LibraryVariablesByEnvironment).toEqual({ 'Tenant Settings': { Production: { 'DB.Host': 'prod-db.acme' } } });
    expect((await applyTo(dest.url, first.file)).failed).toEqual([]);
    expect(await v2Values(dest, 'Acme')).toMatchObject({ 'Tenant Settings/DB.Host': 'db.acme', 'Tenant Settings/DB.Host@Production': 'prod-db.acme' });

    // Recurring: a Staging-scoped value appears on the source; the destination keeps what it has and gains it.
    await setCommonV2(source, 'Acme', 'DB.Host', ['Staging'], 'stage-db.acme');
    const second = await planSync(dir, source.url, dest.url, POLICY, 'second');
    expect(writes(second.plan).map((o) => o.id)).toEqual(['tenantVariables/Acme']);
    expect((await applyTo(dest.url, second.file)).failed).toEqual([]);
    expect(await v2Values(dest, 'Acme')).toMatchObject({
      'Tenant Settings/DB.Host': 'db.acme',
      'Tenant Settings/DB.Host@Production': 'prod-db.acme',
      'Tenant Settings/DB.Host@Staging': 'stage-db.acme',
    });
    expect(writes((await planSync(dir, source.url, dest.url, POLICY, 'third')).plan)).toEqual([]);

    // A project value scoped to two environments on the source is one value with both on the destination.
    const tenantId = await idOf(source.api, 'tenants', 'Acme');
    const both = await Promise.all(['Staging', 'Production'].map((e) => idOf(source.api, 'environments', e)));
    const pv = (await source.api('GET', `${S}/tenants/${tenantId}/projectvariables`)).body.Variables;
    const url = pv.find((v: Doc) => v.Template.Name === 'Site.Url');
    const others = pv.filter((v: Doc) => v.TemplateId !== url.TemplateId).map((v: Doc) => ({ Id: v.Id, ProjectId: v.ProjectId, TemplateId: v.TemplateId, Value: v.Value, Scope: v.Scope }));
    const put = await source.api('PUT', `${S}/tenants/${tenantId}/projectvariables`, {
      Variables: [...others, { ProjectId: url.ProjectId, TemplateId: url.TemplateId, Value: 'https://one.acme.example', Scope: { EnvironmentIds: both } }],
    });
    expect(put.status).toBe(200);
    // The destination has its own values for Site.Url (copied before): overwrite them, to see how they are written.
    const overwrite = { ...POLICY, variables: { overwrite: 'always' } };
    const fourth = await planSync(dir, source.url, dest.url, overwrite, 'fourth');
    expect((await applyTo(dest.url, fourth.file)).failed).toEqual([]);
    const destTenant = await idOf(dest.api, 'tenants', 'Acme');
    const urls = (await dest.api('GET', `${S}/tenants/${destTenant}/projectvariables`)).body.Variables.filter((v: Doc) => v.Template.Name === 'Site.Url');
    expect(urls.map((v: Doc) => [v.Value, v.Scope.EnvironmentIds.length])).toEqual([['https://one.acme.example', 2]]);
    expect(writes((await planSync(dir, source.url, dest.url, overwrite, 'fifth')).plan)).toEqual([]);
  });

  it('2025.2 → 2025.1 (toggle off): scoped common values are skipped with their reason, the rest is written through v1', async () => {
    const dir = workDir();
    const source = await start(V2, sourceSeed(true));
    const dest = await start(V2025_1, destinationSeed);
    const first = await planSync(dir, source.url, dest.url, POLICY, 'first');
    const op = first.plan.operations.find((o) => o.id === 'tenantVariables/Acme')!;
    expect(op.decisions).toContainEqual({
      subject: "library set 'Tenant Settings' values for Production",
      action: 'skip',
      reason: `the destination (Octopus ${V2025_1}) has no environment-scoped common tenant variables (CommonVariableScopingFeatureToggle is off)`,
      reasonCode: 'scoped-common-unsupported',
    });
    expect((await applyTo(dest.url, first.file)).failed).toEqual([]);
    expect(await tenantValuesV1(dest, 'Acme')).toMatchObject({ 'Tenant Settings/DB.Host': 'db.acme', 'Web/Production/Site.Url': 'https://acme.example' });
    // Recurring: nothing to write. (That the held-back value is still listed, as a skip, comes with the planner's
    // general rule for held-back differences, issue 12.)
    const second = await planSync(dir, source.url, dest.url, POLICY, 'second');
    expect(writes(second.plan)).toEqual([]);
  });
});

describe('large instances: tenant variables never wait on tenantvariables/all', () => {
  let sim: Sim;
  afterAll(() => sim.close());

  it('a snapshot reads each connected tenant on its own, and finishes although /tenantvariables/all would never answer in time', async () => {
    sim = await withSimulator({ seed: sourceSeed(false) });
    const proxy = await startProxy(sim.url, { delay: [{ match: /tenantvariables\/all/, ms: 60_000 }] });
    try {
      const dir = workDir();
      const out = join(dir, 'snap.json');
      sim.stats.reset();
      const res = await octosync('snapshot', '--server', proxy.url, '--api-key', API_KEY, '--space', 'Default', '--out', out, '--timeout', '5');
      expect(res.code).toBe(0);
      expect(proxy.requests.filter((r) => r.includes('tenantvariables'))).toEqual([]);
      // One request for the connected tenant, none for the one with no project.
      expect(requests(sim)['GET /api/{spaceId}/tenants/{id}/variables']).toBe(1);
      const snap: Snapshot = JSON.parse(readFileSync(out, 'utf8'));
      expect(Object.keys(snap.resources.tenantVariables).sort()).toEqual(['Acme', 'Unlinked']);
    } finally {
      await proxy.close();
    }
  });
});

describe('permissions of the API key', () => {
  let sim: Sim;
  const LIMITED = 'API-LIMITED00000000000000000000002';
  const NO_TEAMS = 'API-NOTEAMS00000000000000000000002';
  afterAll(() => sim.close());

  it('a key without VariableViewUnscoped: the snapshot fails with one line naming the permission, and writes nothing', async () => {
    sim = await withSimulator({
      seed: sourceSeed(false),
      apiKeys: [
        { key: LIMITED, readOnly: true, missingPermissions: ['VariableViewUnscoped', 'TeamView', 'UserRoleView'] },
        { key: NO_TEAMS, readOnly: true, missingPermissions: ['TeamView', 'UserRoleView'] },
      ],
    });
    const out = join(workDir(), 'snap.json');
    const res = await octosync('snapshot', '--server', sim.url, '--api-key', LIMITED, '--space', 'Default', '--out', out);
    expect(res.code).toBe(1);
    const lines = res.stderr.trim().split('\n').filter((l) => l.startsWith('octosync:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/lacks the VariableViewUnscoped permission in space 'Default'/);
    expect(() => readFileSync(out)).toThrow();
  });

  it('a key without TeamView and UserRoleView: a snapshot with a warning and notRead; a plan against it skips teams, saying why', async () => {
    const dir = workDir();
    const out = join(dir, 'dest.json');
    const res = await octosync('snapshot', '--server', sim.url, '--api-key', NO_TEAMS, '--space', 'Default', '--out', out);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/warning: .*lacks the TeamView permission .*teams and scoped user roles were not read/);
    expect(res.stderr).toMatch(/warning: .*lacks the UserRoleView permission .*user roles were not read/);
    const snap: Snapshot = JSON.parse(readFileSync(out, 'utf8'));
    expect(snap.notRead).toEqual(['scopedUserRoles', 'teams', 'userRoles']);
    expect(snap.resources.teams).toEqual({});
    // The same space read fully as the source: teams exist, the destination snapshot could not see them.
    const src = join(dir, 'src.json');
    expect((await octosync('snapshot', '--server', sim.url, '--api-key', API_KEY, '--space', 'Default', '--out', src)).code).toBe(0);
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(POLICY));
    const planned = await octosync('plan', '--source', src, '--destination', out, '--policy', join(dir, 'policy.json'), '--out', join(dir, 'plan.json'), '--quiet');
    expect(planned.code).toBe(0);
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
    const teamOps = plan.operations.filter((o: Doc) => o.kind === 'team');
    expect(teamOps.length).toBeGreaterThan(0);
    for (const o of teamOps) expect(o).toMatchObject({ action: 'skip', reason: expect.stringContaining('could not read teams') });
    expect(plan.warnings.join('\n')).toMatch(/destination snapshot could not read teams/);
  });
});
