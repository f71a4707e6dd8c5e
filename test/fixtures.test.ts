/**
 * The shipped fixtures (fixtures/source.json, fixtures/destination.json) load into the simulator and hold what
 * the guide's use cases need: read back through the REST API, as octosync sees them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DESTINATION_FIXTURE, fixtureSecrets, SOURCE_FIXTURE } from './helpers/fixtures.js';
import { withSimulator, type ApiClient } from './helpers/simulator.js';

type Sim = Awaited<ReturnType<typeof withSimulator>>;
type Doc = Record<string, any>;
const S = '/api/Spaces-1';

async function get(api: ApiClient, path: string): Promise<any> {
  const res = await api('GET', path);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const names = (docs: Doc[]) => docs.map((d) => d.Name).sort();

/** Reads a space the way a client does, and keeps every answer for the secrets check. */
class Reader {
  readonly wire: string[] = [];
  constructor(private readonly api: ApiClient) {}
  async get(path: string): Promise<any> {
    const body = await get(this.api, path);
    this.wire.push(JSON.stringify(body));
    return body;
  }
  all(collection: string): Promise<Doc[]> {
    return this.get(`${S}/${collection}/all`);
  }
  async one(collection: string, name: string): Promise<Doc> {
    const found = (await this.all(collection)).filter((d) => d.Name === name);
    if (found.length !== 1) throw new Error(`${found.length} ${collection} named '${name}'`);
    return found[0];
  }
}

describe('fixtures/source.json (Dev/Test/Staging/Production, the guide\'s source instance)', () => {
  let sim: Sim;
  let r: Reader;
  let env: Map<string, string>; // id → name
  beforeAll(async () => {
    sim = await withSimulator({ seed: SOURCE_FIXTURE });
    r = new Reader(sim.api);
    env = new Map((await r.all('environments')).map((e) => [e.Id, e.Name]));
  });
  afterAll(() => sim.close());

  const envNames = (ids: string[]) => ids.map((id) => env.get(id) ?? `?${id}`);

  it('holds every kind, in the expected numbers', async () => {
    const count = async (collection: string) => (await r.all(collection)).length;
    expect(names(await r.all('environments'))).toEqual(['Development', 'Production', 'Staging', 'Test']);
    expect(names(await r.all('lifecycles'))).toEqual(['Default Lifecycle', 'QA']);
    expect(names(await r.all('projectgroups'))).toEqual(['Default Project Group', 'Services', 'Web Apps']);
    expect(names(await r.all('projects'))).toEqual(['Audit Service', 'OctoFX', 'Pet Shop']);
    expect(names(await r.all('tagsets'))).toEqual(['Region', 'Tier']);
    expect(names(await r.all('tenants'))).toEqual(['Development Team A', 'Internal']);
    expect(names(await r.all('accounts'))).toEqual(['Azure Dev/Test', 'Deploy User']);
    expect(names(await r.all('certificates'))).toEqual(['OctoFX Wildcard']);
    expect(names(await r.all('feeds'))).toEqual(['Artifactory', 'Docker Hub', 'Octopus Server (built-in)']);
    expect(names(await r.all('workerpools'))).toEqual(['Default Worker Pool', 'Ubuntu Worker Pool', 'Windows Worker Pool']);
    expect(names(await r.all('machinepolicies'))).toEqual(['Default Machine Policy', 'Linux Servers']);
    expect(names(await r.all('actiontemplates'))).toEqual(['Notify Slack']);
    expect(await count('machines')).toBe(10);
    expect(names(await r.all('workers'))).toEqual(['ubuntu-worker-01', 'ubuntu-worker-02', 'windows-worker-01']);
    const sets = await r.all('libraryvariablesets');
    expect(sets.map((s) => [s.Name, s.ContentType]).sort()).toEqual([
      ['Logging Helpers', 'ScriptModule'],
      ['OctoFX Shared', 'Variables'],
      ['OctoFX Tenant Settings', 'Variables'],
    ]);
    const teams = await r.get(`${S}/teams/all`);
    expect(names(teams)).toEqual(['OctoFX Developers', 'Space Managers']);
    expect((await r.get('/api/userroles/all')).map((u: Doc) => u.Name)).toContain('Release Auditor');
    expect((await r.get(`${S}/releases`)).TotalResults).toBe(3);
    expect((await r.get(`${S}/deployments`)).TotalResults).toBe(3);
  });

  it('has the two lifecycles of "Lifecycles and Channels"', async () => {
    const phases = async (name: string) => (await r.one('lifecycles', name)).Phases.map((p: Doc) => [p.Name, envNames([...p.AutomaticDeploymentTargets, ...p.OptionalDeploymentTargets])]);
    expect(await phases('Default Lifecycle')).toEqual([
      ['Development', ['Development']],
      ['Test', ['Test']],
      ['Staging', ['Staging']],
      ['Production', ['Production']],
    ]);
    expect(await phases('QA')).toEqual([
      ['Development', ['Development']],
      ['Test', ['Test']],
    ]);
  });

  it('gives OctoFX a Default and a QA channel, the QA channel on the QA lifecycle', async () => {
    const octofx = await r.one('projects', 'OctoFX');
    const qaLifecycle = await r.one('lifecycles', 'QA');
    const channels: Doc[] = (await r.get(`${S}/projects/${octofx.Id}/channels`)).Items;
    expect(channels.map((c) => [c.Name, c.IsDefault]).sort()).toEqual([
      ['Default', true],
      ['QA', false],
    ]);
    expect(channels.find((c) => c.Name === 'QA')!.LifecycleId).toBe(qaLifecycle.Id);
    expect(channels.find((c) => c.Name === 'Default')!.LifecycleId).toBeNull(); // the project's lifecycle
  });

  it('has the deployment process the guide discusses: Test-only manual intervention, QA-channel step, feed, worker pool, step template', async () => {
    const octofx = await r.one('projects', 'OctoFX');
    const process = await r.get(`${S}/projects/${octofx.Id}/deploymentprocesses`);
    const actions: Doc[] = process.Steps.flatMap((s: Doc) => s.Actions);
    const action = (name: string) => actions.find((a) => a.Name === name)!;
    expect(actions.map((a) => a.Name)).toEqual(['Approve deployment', 'Deploy database', 'Deploy web app', 'QA sign-off', 'Run smoke tests', 'Notify Slack']);

    expect(action('Approve deployment')).toMatchObject({ ActionType: 'Octopus.Manual', Channels: [] });
    expect(envNames(action('Approve deployment').Environments)).toEqual(['Test']);

    const qa = (await r.get(`${S}/projects/${octofx.Id}/channels`)).Items.find((c: Doc) => c.Name === 'QA');
    expect(action('QA sign-off')).toMatchObject({ ActionType: 'Octopus.Manual', Channels: [qa.Id], Environments: [] });

    const artifactory = await r.one('feeds', 'Artifactory');
    expect(action('Deploy web app').Packages).toEqual([expect.objectContaining({ PackageId: 'OctoFX.Web', FeedId: artifactory.Id })]);
    expect(action('Deploy web app').Properties['Octopus.Action.Package.FeedId']).toBe(artifactory.Id);
    expect(process.Steps.find((s: Doc) => s.Name === 'Deploy web app').Properties['Octopus.Action.TargetRoles']).toBe('web-server');

    const ubuntu = await r.one('workerpools', 'Ubuntu Worker Pool');
    expect(action('Run smoke tests').WorkerPoolId).toBe(ubuntu.Id);
    expect(envNames(action('Run smoke tests').ExcludedEnvironments)).toEqual(['Development']);

    const template = await r.one('actiontemplates', 'Notify Slack');
    expect(action('Notify Slack').Properties['Octopus.Action.Template.Id']).toBe(template.Id);
    expect(action('Notify Slack').TenantTags).toEqual(['Tier/Gold']);
    // Sensitive step properties come back masked.
    expect(action('Notify Slack').Properties['Slack.WebhookUrl']).toEqual({ HasValue: true, NewValue: null, Hint: null });
    expect(action('Run smoke tests').Properties['Smoke.BasicAuthPassword']).toEqual({ HasValue: true, NewValue: null, Hint: null });

    const petShop = await r.one('projects', 'Pet Shop');
    const build = (await r.get(`${S}/projects/${petShop.Id}/deploymentprocesses`)).Steps[0].Actions[0];
    expect(build.Container.FeedId).toBe((await r.one('feeds', 'Docker Hub')).Id);
  });

  it('has runbooks with processes', async () => {
    const octofx = await r.one('projects', 'OctoFX');
    const runbooks: Doc[] = (await r.get(`${S}/projects/${octofx.Id}/runbooks`)).Items;
    expect(names(runbooks)).toEqual(['Backup database', 'Restart web app']);
    const restart = runbooks.find((x) => x.Name === 'Restart web app')!;
    expect(envNames(restart.Environments).sort()).toEqual(['Production', 'Staging']);
    const process = await r.get(`${S}/runbookProcesses/${restart.RunbookProcessId}`);
    expect(process.Steps.map((s: Doc) => s.Name)).toEqual(['Recycle app pool']);
    const all = await r.all('runbooks');
    expect(all).toHaveLength(3);
  });

  it('scopes OctoFX variables by every scope the guide lists, with the guide\'s table', async () => {
    const octofx = await r.one('projects', 'OctoFX');
    const set = await r.get(`${S}/projects/${octofx.Id}/variables`);
    const sv = set.ScopeValues;
    const nameIn = (list: string, id: string) => (list === 'Processes' && id === octofx.Id ? 'OctoFX' : sv[list].find((x: Doc) => x.Id === id)?.Name ?? `?${id}`);
    const LIST: Record<string, string> = { Environment: 'Environments', Machine: 'Machines', Channel: 'Channels', Action: 'Actions', ProcessOwner: 'Processes' };
    const named = set.Variables.map((v: Doc) => ({
      Name: v.Name,
      Value: v.Value,
      Scope: Object.fromEntries(Object.entries<string[]>(v.Scope).map(([k, ids]) => [k, LIST[k] ? ids.map((id) => nameIn(LIST[k], id)) : ids])),
    }));
    const values = (name: string) => named.filter((v: Doc) => v.Name === name);

    // The guide's table ("Variable Scoping").
    expect(values('Application.Database.Name')).toEqual(
      expect.arrayContaining([
        { Name: 'Application.Database.Name', Value: 'OctoFx-Dev', Scope: { Environment: ['Development'] } },
        { Name: 'Application.Database.Name', Value: 'OctoFX-Test', Scope: { Environment: ['Test'] } },
        { Name: 'Application.Database.Name', Value: 'OctoFX-Tenant', Scope: { Machine: ['Machine1', 'Machine2', 'Machine3'] } },
      ]),
    );
    expect(values('ConnectionString')).toEqual([{ Name: 'ConnectionString', Value: 'Database=#{Application.Database.Name}', Scope: {} }]);

    const scopeKeys = new Set(set.Variables.flatMap((v: Doc) => Object.keys(v.Scope)));
    expect([...scopeKeys].sort()).toEqual(['Action', 'Channel', 'Environment', 'Machine', 'ProcessOwner', 'Role', 'TenantTag']);
    expect(values('QA.Tester.Email')[0].Scope).toEqual({ Channel: ['QA'] });
    expect(values('Smoke.Url')[0].Scope).toEqual({ Action: ['Run smoke tests'] });
    expect(values('Runbook.Only')[0].Scope).toEqual({ ProcessOwner: ['Restart web app'] });
    expect(values('Deployment.Only')[0].Scope).toEqual({ ProcessOwner: ['OctoFX'] });
    expect(values('Database.Provider').map((v: Doc) => v.Scope.Role[0]).sort()).toEqual(['Oracle', 'SQL-Server']);
    expect(values('Feature.PremiumCharts').map((v: Doc) => v.Scope.TenantTag[0]).sort()).toEqual(['Tier/Gold', 'Tier/Silver']);

    // Sensitive values never come back.
    const sensitive = set.Variables.filter((v: Doc) => v.IsSensitive);
    expect(sensitive.map((v: Doc) => v.Name).sort()).toEqual(['DbPassword', 'DbPassword', 'Payment.ApiKey']);
    for (const v of sensitive) expect(v).toMatchObject({ Type: 'Sensitive', Value: null });

    // References to an account, a certificate and a worker pool hold their ids.
    const typed = (type: string) => set.Variables.find((v: Doc) => v.Type === type).Value;
    expect(typed('AzureAccount')).toBe((await r.one('accounts', 'Azure Dev/Test')).Id);
    expect(typed('Certificate')).toBe((await r.one('certificates', 'OctoFX Wildcard')).Id);
    expect(typed('WorkerPool')).toBe((await r.one('workerpools', 'Ubuntu Worker Pool')).Id);
  });

  it('has library variable sets (one with tenant templates) and a script module', async () => {
    const shared = await r.one('libraryvariablesets', 'OctoFX Shared');
    const vars = await r.get(`${S}/variables/${shared.VariableSetId}`);
    expect(vars.Variables.find((v: Doc) => v.Name === 'Shared.Smtp.Password')).toMatchObject({ IsSensitive: true, Value: null });
    const tenantSettings = await r.one('libraryvariablesets', 'OctoFX Tenant Settings');
    expect(tenantSettings.Templates.map((t: Doc) => [t.Name, t.DisplaySettings['Octopus.ControlType']])).toEqual([
      ['Tenant.Database.Name', 'SingleLineText'],
      ['Tenant.Database.Password', 'Sensitive'],
    ]);
    const module = await r.one('libraryvariablesets', 'Logging Helpers');
    const body = await r.get(`${S}/variables/${module.VariableSetId}`);
    expect(body.Variables.map((v: Doc) => v.Name).sort()).toEqual(['Octopus.Script.Module.Language[Logging Helpers]', 'Octopus.Script.Module[Logging Helpers]']);
    const octofx = await r.one('projects', 'OctoFX');
    expect(octofx.IncludedLibraryVariableSetIds).toEqual([shared.Id, tenantSettings.Id, module.Id]);
  });

  it('has the tenants of "Tenants": Internal on all four environments, Development Team A on Development and Test', async () => {
    const octofx = await r.one('projects', 'OctoFX');
    const internal = await r.one('tenants', 'Internal');
    const teamA = await r.one('tenants', 'Development Team A');
    expect(Object.keys(internal.ProjectEnvironments)).toEqual([octofx.Id]);
    expect(envNames(internal.ProjectEnvironments[octofx.Id]).sort()).toEqual(['Development', 'Production', 'Staging', 'Test']);
    expect(envNames(teamA.ProjectEnvironments[octofx.Id]).sort()).toEqual(['Development', 'Test']);
    expect(internal.TenantTags.sort()).toEqual(['Region/EU', 'Tier/Gold']);
    expect(teamA.TenantTags.sort()).toEqual(['Region/US', 'Tier/Silver']);

    const vars = await r.get(`${S}/tenants/${internal.Id}/variables`);
    const byEnv = vars.ProjectVariables[octofx.Id].Variables;
    const template = (name: string) => octofx.Templates.find((t: Doc) => t.Name === name).Id;
    const prod = [...env].find(([, n]) => n === 'Production')![0];
    expect(byEnv[prod][template('Tenant.Site.Url')]).toBe('https://internal.octofx.example');
    expect(byEnv[prod][template('Tenant.Api.Key')]).toEqual({ HasValue: true, NewValue: null, Hint: null });
    const settings = await r.one('libraryvariablesets', 'OctoFX Tenant Settings');
    const lib = vars.LibraryVariables[settings.Id].Variables;
    expect(Object.values(lib)).toEqual(expect.arrayContaining(['OctoFX-Internal', { HasValue: true, NewValue: null, Hint: null }]));
  });

  it('has accounts, a certificate and feeds with secrets, all masked', async () => {
    const masked = { HasValue: true, NewValue: null, Hint: null };
    expect((await r.one('accounts', 'Azure Dev/Test')).Password).toEqual(masked);
    expect(envNames((await r.one('accounts', 'Azure Dev/Test')).EnvironmentIds).sort()).toEqual(['Development', 'Test']);
    expect((await r.one('accounts', 'Deploy User')).Password).toEqual(masked);
    const cert = await r.one('certificates', 'OctoFX Wildcard');
    expect(cert).toMatchObject({ CertificateData: masked, Password: masked, SubjectCommonName: '*.octofx.example', CertificateDataFormat: 'Pem' });
    expect((await r.one('feeds', 'Artifactory')).Password).toEqual(masked);
    const template = await r.one('actiontemplates', 'Notify Slack');
    expect(template.Parameters.map((p: Doc) => p.DefaultValue)).toEqual(['#deployments', masked]);
  });

  it('has targets with the guide\'s roles on the environments, and workers in pools', async () => {
    const machines = await r.all('machines');
    const roles = new Set(machines.flatMap((m) => m.Roles));
    for (const role of ['web-server', 'SQL-Server', 'Oracle']) expect(roles).toContain(role);
    for (const name of ['Machine1', 'Machine2', 'Machine3']) expect(machines.map((m) => m.Name)).toContain(name);
    const covered = new Set(machines.flatMap((m) => envNames(m.EnvironmentIds)));
    expect([...covered].sort()).toEqual(['Development', 'Production', 'Staging', 'Test']);
    const machine3 = machines.find((m) => m.Name === 'Machine3')!;
    expect(machine3.MachinePolicyId).toBe((await r.one('machinepolicies', 'Linux Servers')).Id);
    expect(machine3.TenantTags).toEqual(['Tier/Gold']);
    const workers = await r.all('workers');
    const ubuntu = await r.one('workerpools', 'Ubuntu Worker Pool');
    expect(workers.filter((w) => w.WorkerPoolIds.includes(ubuntu.Id)).map((w) => w.Name).sort()).toEqual(['ubuntu-worker-01', 'ubuntu-worker-02']);
  });

  it('has a release with deployments, on the QA channel too', async () => {
    const octofx = await r.one('projects', 'OctoFX');
    const releases: Doc[] = (await r.get(`${S}/projects/${octofx.Id}/releases`)).Items;
    expect(releases.map((x) => x.Version).sort()).toEqual(['1.0.0', '1.1.0-qa.1']);
    const qa = (await r.get(`${S}/projects/${octofx.Id}/channels`)).Items.find((c: Doc) => c.Name === 'QA');
    expect(releases.find((x) => x.Version === '1.1.0-qa.1')!.ChannelId).toBe(qa.Id);
    const deployments: Doc[] = (await r.get(`${S}/releases/${releases.find((x) => x.Version === '1.0.0')!.Id}/deployments`)).Items;
    expect(deployments.map((d) => d.Name).sort()).toEqual(['Deploy to Development', 'Deploy to Test']);
  });

  it('never returns a seeded secret through the API', async () => {
    const secrets = fixtureSecrets(SOURCE_FIXTURE);
    expect(secrets.length).toBeGreaterThanOrEqual(15);
    // Read the rest of what a snapshot reads, so that the check covers every document.
    const projects = await r.all('projects');
    for (const p of projects) {
      await r.get(`${S}/projects/${p.Id}/deploymentprocesses`);
      await r.get(`${S}/projects/${p.Id}/variables`);
    }
    await r.get(`${S}/runbookProcesses`);
    await r.get(`${S}/variables/all`);
    await r.get(`${S}/tenantvariables/all`);
    for (const c of ['accounts', 'feeds', 'certificates', 'actiontemplates', 'libraryvariablesets', 'machines', 'workers']) await r.all(c);
    const wire = r.wire.join('\n');
    for (const s of secrets) expect(wire).not.toContain(s);
    expect(wire).not.toContain('Sup3rSecret');
    expect(wire).not.toContain('BEGIN CERTIFICATE');
  });
});

describe('fixtures/destination.json (Staging/Production, OctoFX synced before)', () => {
  let sim: Sim;
  let source: Sim;
  let r: Reader;
  beforeAll(async () => {
    sim = await withSimulator({ seed: DESTINATION_FIXTURE });
    source = await withSimulator({ seed: SOURCE_FIXTURE });
    r = new Reader(sim.api);
  });
  afterAll(async () => {
    await sim.close();
    await source.close();
  });

  it('has Staging and Production only, and the Default Lifecycle Staging → Production', async () => {
    expect(names(await r.all('environments'))).toEqual(['Production', 'Staging']);
    const env = new Map((await r.all('environments')).map((e) => [e.Id, e.Name]));
    const lifecycle = await r.one('lifecycles', 'Default Lifecycle');
    expect(lifecycle.Phases.map((p: Doc) => [p.Name, [...p.AutomaticDeploymentTargets, ...p.OptionalDeploymentTargets].map((id: string) => env.get(id))])).toEqual([
      ['Staging', ['Staging']],
      ['Production', ['Production']],
    ]);
    expect(names(await r.all('lifecycles'))).toEqual(['Default Lifecycle']);
  });

  it('has its own targets: different names, some roles shared with the source', async () => {
    const mine = await r.all('machines');
    const theirs = await get(source.api, `${S}/machines/all`);
    const sourceNames = new Set(theirs.map((m: Doc) => m.Name));
    expect(mine.length).toBeGreaterThanOrEqual(4);
    for (const m of mine) expect(sourceNames.has(m.Name)).toBe(false);
    const sourceRoles = new Set(theirs.flatMap((m: Doc) => m.Roles));
    const roles = new Set(mine.flatMap((m) => m.Roles));
    expect([...roles].filter((x) => sourceRoles.has(x)).sort()).toEqual(['SQL-Server', 'web-server']);
    expect([...roles].filter((x) => !sourceRoles.has(x))).toEqual(['reporting']);
  });

  it('has OctoFX, synced before, with a destination-only step, destination-only values and a sensitive value set', async () => {
    const octofx = await r.one('projects', 'OctoFX');
    const process = await r.get(`${S}/projects/${octofx.Id}/deploymentprocesses`);
    expect(process.Steps.map((s: Doc) => s.Name)).toEqual(['Deploy database', 'Deploy web app', 'Notify change board']);
    const vars = (await r.get(`${S}/projects/${octofx.Id}/variables`)).Variables;
    const value = (name: string) => vars.filter((v: Doc) => v.Name === name).map((v: Doc) => v.Value).sort();
    expect(value('Application.Database.Name')).toEqual(['OctoFX-Prod', 'OctoFX-Staging']);
    expect(value('ChangeBoard.Url')).toEqual(['https://changes.prod.octofx.example']);
    expect(vars.find((v: Doc) => v.Name === 'DbPassword')).toMatchObject({ IsSensitive: true, Value: null });
    expect(sim.store.get('variables', octofx.VariableSetId)!.Variables.find((v: Doc) => v.Name === 'DbPassword').Value).toBe('Sup3rSecret-DestDbPassword!');
    const channels = (await r.get(`${S}/projects/${octofx.Id}/channels`)).Items;
    expect(names(channels)).toEqual(['Default']);
    const releases = (await r.get(`${S}/projects/${octofx.Id}/releases`)).Items;
    expect(releases.map((x: Doc) => x.Version)).toEqual(['0.9.0']);
    expect((await r.get(`${S}/releases/${releases[0].Id}/deployments`)).TotalResults).toBe(2);
  });

  it('has the same tag sets as the source and the scaffolding the synced steps need', async () => {
    const tags = async (api: ApiClient) => (await get(api, `${S}/tagsets/all`)).map((t: Doc) => [t.Name, t.Tags.map((x: Doc) => x.Name)]);
    expect(await tags(sim.api)).toEqual(await tags(source.api));
    expect(names(await r.all('feeds'))).toContain('Artifactory');
    expect(names(await r.all('workerpools'))).toContain('Ubuntu Worker Pool');
    expect(names(await r.all('projectgroups'))).toContain('Web Apps');
  });

  it('never returns a seeded secret through the API', async () => {
    const secrets = fixtureSecrets(DESTINATION_FIXTURE);
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    for (const c of ['accounts', 'feeds', 'libraryvariablesets', 'projects']) await r.all(c);
    await r.get(`${S}/variables/all`);
    const wire = r.wire.join('\n');
    for (const s of secrets) expect(wire).not.toContain(s);
  });
});
