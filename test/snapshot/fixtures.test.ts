/**
 * `octosync snapshot` end to end, through HTTP, against simulators seeded with the shipped fixtures: the file fits
 * the schema, holds every kind by name, carries no ids and no secrets, and is the same bytes on a second run.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KINDS } from '../../src/registry/kinds.js';
import { validatorFor } from '../../src/schemas.js';
import { readSnapshotFile } from '../../src/snapshot/file.js';
import type { Snapshot, SnapshotItem } from '../../src/snapshot/types.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { DESTINATION_FIXTURE, fixtureSecrets, SOURCE_FIXTURE } from '../helpers/fixtures.js';
import { startProxy } from '../helpers/proxy.js';
import { API_KEY, READ_ONLY_KEY, withSimulator } from '../helpers/simulator.js';

type Sim = Awaited<ReturnType<typeof withSimulator>>;
type Doc = Record<string, any>;

/** Every id the simulator holds: document ids and the ids of nested items (steps, actions, tags, templates, phases, variables). */
function idsIn(sim: Sim): Set<string> {
  const ids = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'Id' && typeof x === 'string' && x !== '') ids.add(x);
        walk(x);
      }
    }
  };
  walk(sim.store.toJSON().collections);
  return ids;
}

/** Every string (values and member names) inside the items' content, with where it was found. */
function contentStrings(snapshot: Snapshot): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  const walk = (v: unknown, where: string) => {
    if (typeof v === 'string') out.push({ where, text: v });
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}[${i}]`));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        out.push({ where: `${where} (member name)`, text: k });
        walk(x, `${where}.${k}`);
      }
    }
  };
  const items = (tree: unknown, where: string) => {
    for (const [name, node] of Object.entries(tree as Record<string, unknown>)) {
      out.push({ where: `${where} (key)`, text: name });
      if (node && typeof node === 'object' && 'content' in node && 'meta' in node) walk((node as SnapshotItem).content, `${where}/${name}`);
      else items(node, `${where}/${name}`);
    }
  };
  for (const [plural, tree] of Object.entries(snapshot.resources)) items(tree, plural);
  for (const m of snapshot.inventory.machines) walk(m, `inventory ${m.name}`);
  for (const w of snapshot.inventory.workers) walk(w, `inventory ${w.name}`);
  return out;
}

function item(snapshot: Snapshot, plural: string, ...keyPath: string[]): SnapshotItem {
  let node: any = snapshot.resources[plural];
  for (const key of keyPath) {
    if (!node || !Object.prototype.hasOwnProperty.call(node, key)) throw new Error(`no ${plural} ${keyPath.join(' / ')}; have ${Object.keys(node ?? {}).join(', ')}`);
    node = node[key];
  }
  return node as SnapshotItem;
}
/** A snapshot file's text with its one moment-dependent member blanked. */
const withoutTakenAt = (text: string) => text.replace(/"takenAt": "[^"]*"/, '"takenAt": "…"');
const content = (snapshot: Snapshot, plural: string, ...keyPath: string[]): Doc => item(snapshot, plural, ...keyPath).content as Doc;
const actionsOf = (process: Doc): Doc[] => process.Steps.flatMap((s: Doc) => s.Actions);

async function snapshotOf(sim: Sim, out: string, key = API_KEY): Promise<{ result: CliResult; text: string; snapshot: Snapshot }> {
  const result = await runCli(['snapshot', '--server', sim.url, '--api-key', key, '--space', 'Default', '--out', out]);
  if (result.code !== 0) throw new Error(`snapshot failed (${result.code}): ${result.stderr}`);
  return { result, text: readFileSync(out, 'utf8'), snapshot: readSnapshotFile(out) };
}

describe('snapshot of fixtures/source.json', () => {
  let sim: Sim;
  let dir: string;
  let first: Awaited<ReturnType<typeof snapshotOf>>;
  let s: Snapshot;
  beforeAll(async () => {
    sim = await withSimulator({ seed: SOURCE_FIXTURE });
    dir = mkdtempSync(join(tmpdir(), 'octosync-snapshot-'));
    first = await snapshotOf(sim, join(dir, 'source.json'));
    s = first.snapshot;
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fits schemas/snapshot.schema.json and records where it came from', () => {
    const validate = validatorFor('snapshot');
    expect(validate(JSON.parse(first.text))).toBe(true);
    expect(s).toMatchObject({ formatVersion: 2, server: { url: sim.url, version: '2024.3.10989' }, space: { name: 'Default' }, warnings: [] });
    expect(s.requests).toBeGreaterThan(0);
    expect(first.result.stderr).toMatch(/Snapshot written to .*source\.json/);
  });

  it('has a tree for every synced kind of the registry, none empty', () => {
    const synced = KINDS.filter((k) => k.syncClass !== 'never').map((k) => k.plural);
    expect(Object.keys(s.resources).sort()).toEqual([...synced].sort());
    for (const plural of synced) expect(Object.keys(s.resources[plural]).length).toBeGreaterThan(0);
  });

  it('keys items by name, children under their project', () => {
    const keys = (plural: string) => Object.keys(s.resources[plural]).sort();
    expect(keys('environments')).toEqual(['Development', 'Production', 'Staging', 'Test']);
    expect(keys('projects')).toEqual(['Audit Service', 'OctoFX', 'Pet Shop']);
    expect(keys('projectGroups')).toEqual(['Default Project Group', 'Services', 'Web Apps']);
    expect(keys('lifecycles')).toEqual(['Default Lifecycle', 'QA']);
    expect(Object.keys(s.resources.channels.OctoFX).sort()).toEqual(['Default', 'QA']);
    expect(Object.keys(s.resources.channels['Pet Shop'])).toEqual(['Default']);
    expect(Object.keys(s.resources.runbooks.OctoFX).sort()).toEqual(['Backup database', 'Restart web app']);
    expect(Object.keys(s.resources.runbookProcesses.OctoFX).sort()).toEqual(['Backup database', 'Restart web app']);
    expect(keys('deploymentProcesses')).toEqual(['Audit Service', 'OctoFX', 'Pet Shop']);
    expect(keys('projectVariables')).toEqual(['Audit Service', 'OctoFX', 'Pet Shop']);
    expect(keys('libraryVariableSets')).toEqual(['OctoFX Shared', 'OctoFX Tenant Settings']);
    expect(keys('libraryVariables')).toEqual(['OctoFX Shared', 'OctoFX Tenant Settings']);
    expect(keys('scriptModules')).toEqual(['Logging Helpers']);
    expect(keys('scriptModuleVariables')).toEqual(['Logging Helpers']);
    expect(keys('tagSets')).toEqual(['Region', 'Tier']);
    expect(keys('tenants')).toEqual(['Development Team A', 'Internal']);
    expect(keys('tenantVariables')).toEqual(['Development Team A', 'Internal']);
    expect(keys('stepTemplates')).toEqual(['Notify Slack']);
    expect(keys('feeds')).toEqual(['Artifactory', 'Docker Hub', 'Octopus Server (built-in)']);
    expect(keys('accounts')).toEqual(['Azure Dev/Test', 'Deploy User']);
    expect(keys('certificates')).toEqual(['OctoFX Wildcard']);
    expect(keys('workerPools')).toEqual(['Default Worker Pool', 'Ubuntu Worker Pool', 'Windows Worker Pool']);
    expect(keys('machinePolicies')).toEqual(['Default Machine Policy', 'Linux Servers']);
    expect(keys('teams')).toEqual(['OctoFX Developers', 'Space Managers']);
    expect(keys('userRoles')).toEqual(expect.arrayContaining(['Project deployer', 'Release Auditor']));
  });

  it('translates every reference of projects, channels, lifecycles and processes into names', () => {
    expect(content(s, 'projects', 'OctoFX')).toMatchObject({
      ProjectGroupId: 'Web Apps',
      LifecycleId: 'Default Lifecycle',
      IncludedLibraryVariableSetIds: ['OctoFX Shared', 'OctoFX Tenant Settings', 'Logging Helpers'],
    });
    expect(content(s, 'channels', 'OctoFX', 'QA')).toMatchObject({ Name: 'QA', LifecycleId: 'QA', IsDefault: false });
    expect(content(s, 'channels', 'OctoFX', 'QA').Rules[0].ActionPackages).toEqual([{ DeploymentAction: 'Deploy web app', PackageReference: '' }]);
    expect(content(s, 'lifecycles', 'Default Lifecycle').Phases.map((p: Doc) => [p.Name, [...p.AutomaticDeploymentTargets, ...p.OptionalDeploymentTargets]])).toEqual([
      ['Development', ['Development']],
      ['Test', ['Test']],
      ['Staging', ['Staging']],
      ['Production', ['Production']],
    ]);

    const actions = actionsOf(content(s, 'deploymentProcesses', 'OctoFX'));
    const action = (name: string) => actions.find((a) => a.Name === name)!;
    expect(action('Approve deployment')).toMatchObject({ ActionType: 'Octopus.Manual', Environments: ['Test'], Channels: [] });
    expect(action('QA sign-off')).toMatchObject({ Channels: ['QA'], Environments: [] });
    expect(action('Deploy web app').Packages).toEqual([{ AcquisitionLocation: 'Server', FeedId: 'Artifactory', Name: '', PackageId: 'OctoFX.Web', Properties: {} }]);
    expect(action('Deploy web app').Properties['Octopus.Action.Package.FeedId']).toBe('Artifactory');
    expect(action('Run smoke tests')).toMatchObject({ WorkerPoolId: 'Ubuntu Worker Pool', ExcludedEnvironments: ['Development'] });
    expect(action('Notify Slack')).toMatchObject({ WorkerPoolId: 'Windows Worker Pool', TenantTags: ['Tier/Gold'] });
    expect(action('Notify Slack').Properties['Octopus.Action.Template.Id']).toBe('Notify Slack');
    expect(actionsOf(content(s, 'deploymentProcesses', 'Pet Shop'))[0].Container).toEqual({ FeedId: 'Docker Hub', Image: 'octopusdeploy/worker-tools:6.0.0-ubuntu.22.04' });
    // Step ids are instance-owned: left out; step names and target roles stay.
    const step = content(s, 'deploymentProcesses', 'OctoFX').Steps[2];
    expect(step).not.toHaveProperty('Id');
    expect(step.Properties['Octopus.Action.TargetRoles']).toBe('web-server');

    expect(content(s, 'runbooks', 'OctoFX', 'Restart web app')).toMatchObject({ EnvironmentScope: 'Specified', Environments: ['Production', 'Staging'] });
    expect(content(s, 'runbookProcesses', 'OctoFX', 'Restart web app').Steps.map((x: Doc) => x.Name)).toEqual(['Recycle app pool']);
    expect(actionsOf(content(s, 'runbookProcesses', 'OctoFX', 'Backup database'))[0].WorkerPoolId).toBe('Ubuntu Worker Pool');
  });

  it('records variable scopes by name: environments, roles, channels, machines, actions, process owners, tenant tags', () => {
    const vars: Doc[] = content(s, 'projectVariables', 'OctoFX').Variables;
    const scopesOf = (name: string) => vars.filter((v) => v.Name === name).map((v) => [v.Value, v.Scope]);
    expect(scopesOf('Application.Database.Name')).toEqual([
      ['OctoFx-Dev', { Environment: ['Development'] }],
      ['OctoFX-Test', { Environment: ['Test'] }],
      ['OctoFX-Tenant', { Machine: ['Machine1', 'Machine2', 'Machine3'] }],
    ]);
    expect(scopesOf('ConnectionString')).toEqual([['Database=#{Application.Database.Name}', {}]]);
    expect(scopesOf('Database.Provider')).toEqual([
      ['Oracle.ManagedDataAccess', { Role: ['Oracle'] }],
      ['System.Data.SqlClient', { Role: ['SQL-Server'] }],
    ]);
    expect(scopesOf('Web.Port')).toEqual([['8080', { Environment: ['Development', 'Test'], Role: ['web-server'] }]]);
    expect(scopesOf('QA.Tester.Email')).toEqual([['qa-team@octofx.example', { Channel: ['QA'] }]]);
    expect(scopesOf('Smoke.Url')).toEqual([['https://#{Octopus.Environment.Name}.octofx.example', { Action: ['Deployment process / Run smoke tests'] }]]);
    expect(scopesOf('Runbook.Only')).toEqual([['recycle', { ProcessOwner: ['Runbook: Restart web app'] }]]);
    expect(scopesOf('Deployment.Only')).toEqual([['deploy', { ProcessOwner: ['Deployment process'] }]]);
    expect(scopesOf('Feature.PremiumCharts')).toEqual([
      ['true', { TenantTag: ['Tier/Gold'] }],
      ['false', { TenantTag: ['Tier/Silver'] }],
    ]);
    // Account, certificate and worker pool values by name.
    const typed = (type: string) => vars.find((v) => v.Type === type)!.Value;
    expect([typed('AzureAccount'), typed('Certificate'), typed('WorkerPool')]).toEqual(['Azure Dev/Test', 'OctoFX Wildcard', 'Ubuntu Worker Pool']);
    // Sensitive values: recorded as sensitive, never their value.
    const sensitive = vars.filter((v) => v.IsSensitive);
    expect(sensitive.map((v) => [v.Name, v.Value, v.Scope])).toEqual([
      ['DbPassword', null, { Environment: ['Development', 'Test'] }],
      ['DbPassword', null, { Environment: ['Production'] }],
      ['Payment.ApiKey', null, {}],
    ]);
    expect(vars.find((v) => v.Name === 'Release.Approver')!.Prompt).toMatchObject({ Label: 'Approver', Required: true });
    for (const v of vars) expect(v).not.toHaveProperty('Id');
  });

  it('has library variable sets with their variables, and the script module with its body', () => {
    const shared: Doc[] = content(s, 'libraryVariables', 'OctoFX Shared').Variables;
    expect(shared.filter((v) => v.Name === 'Shared.Api.Url').map((v) => v.Scope)).toEqual([{ Environment: ['Development', 'Test'] }, { Environment: ['Production', 'Staging'] }]);
    expect(shared.find((v) => v.Name === 'Shared.Azure.Account')!.Value).toBe('Azure Dev/Test');
    expect(shared.find((v) => v.Name === 'Shared.Smtp.Password')).toMatchObject({ IsSensitive: true, Value: null });
    expect(shared.filter((v) => v.Name === 'Shared.Database.Server').map((v) => v.Scope)).toEqual([{ Role: ['Oracle'] }, { Role: ['SQL-Server'] }]);
    const templates: Doc[] = content(s, 'libraryVariableSets', 'OctoFX Tenant Settings').Templates;
    expect(templates.map((t) => [t.Name, t.DefaultValue])).toEqual([
      ['Tenant.Database.Name', 'OctoFX-#{Octopus.Deployment.Tenant.Name}'],
      ['Tenant.Database.Password', ''],
    ]);
    expect(content(s, 'scriptModules', 'Logging Helpers')).toMatchObject({ Name: 'Logging Helpers', Description: 'Write-Log and friends for PowerShell steps.' });
    const body: Doc[] = content(s, 'scriptModuleVariables', 'Logging Helpers').Variables;
    expect(body.map((v) => v.Name)).toEqual(['Octopus.Script.Module.Language[Logging Helpers]', 'Octopus.Script.Module[Logging Helpers]']);
    expect(body[1].Value).toContain('function Write-Log');
  });

  it('keeps ordinary template defaults and records sensitive ones as "has a value"', () => {
    const projectTemplates: Doc[] = content(s, 'projects', 'OctoFX').Templates;
    expect(projectTemplates.map((t) => [t.Name, t.DefaultValue])).toEqual([
      ['Tenant.Site.Url', 'https://#{Octopus.Deployment.Tenant.Name}.octofx.example'],
      ['Tenant.Api.Key', ''],
    ]);
    const parameters: Doc[] = content(s, 'stepTemplates', 'Notify Slack').Parameters;
    expect(parameters.map((p) => [p.Name, p.DefaultValue])).toEqual([
      ['Slack.Channel', '#deployments'],
      ['Slack.WebhookUrl', { HasValue: true }],
    ]);
    expect(content(s, 'stepTemplates', 'Notify Slack')).toMatchObject({ ActionType: 'Octopus.Script', Name: 'Notify Slack' });
  });

  it('has tag sets, tenants keyed by project name with environment names, and tenant variables by name', () => {
    expect(content(s, 'tagSets', 'Tier').Tags.map((t: Doc) => t.Name)).toEqual(['Gold', 'Silver']);
    expect(content(s, 'tenants', 'Internal')).toMatchObject({
      TenantTags: ['Region/EU', 'Tier/Gold'],
      ProjectEnvironments: { OctoFX: ['Development', 'Production', 'Staging', 'Test'] },
    });
    expect(content(s, 'tenants', 'Development Team A').ProjectEnvironments).toEqual({ OctoFX: ['Development', 'Test'] });
    expect(content(s, 'tenantVariables', 'Internal')).toEqual({
      ProjectVariables: {
        OctoFX: {
          Development: { 'Tenant.Api.Key': { HasValue: true }, 'Tenant.Site.Url': 'https://internal.dev.octofx.example' },
          Production: { 'Tenant.Api.Key': { HasValue: true }, 'Tenant.Site.Url': 'https://internal.octofx.example' },
          Staging: { 'Tenant.Site.Url': 'https://internal.staging.octofx.example' },
          Test: { 'Tenant.Site.Url': 'https://internal.test.octofx.example' },
        },
      },
      LibraryVariables: { 'OctoFX Tenant Settings': { 'Tenant.Database.Name': 'OctoFX-Internal', 'Tenant.Database.Password': { HasValue: true } } },
    });
    expect(Object.keys(content(s, 'tenantVariables', 'Development Team A').ProjectVariables.OctoFX).sort()).toEqual(['Development', 'Test']);
  });

  it('has feeds, accounts, certificates, worker pools, machine policies, teams and user roles, secrets as "has a value"', () => {
    expect(content(s, 'feeds', 'Artifactory')).toMatchObject({ FeedType: 'NuGet', Username: 'octofx-ci', Password: { HasValue: true } });
    expect(content(s, 'accounts', 'Azure Dev/Test')).toMatchObject({ AccountType: 'AzureServicePrincipal', Password: { HasValue: true }, EnvironmentIds: ['Development', 'Test'] });
    expect(content(s, 'accounts', 'Deploy User')).toMatchObject({ Username: 'octofx-deploy', Password: { HasValue: true } });
    const cert = content(s, 'certificates', 'OctoFX Wildcard');
    expect(cert).toMatchObject({ CertificateData: { HasValue: true }, Password: { HasValue: true }, EnvironmentIds: ['Development', 'Production', 'Staging', 'Test'] });
    expect(cert).not.toHaveProperty('Thumbprint');
    expect(content(s, 'workerPools', 'Ubuntu Worker Pool')).toMatchObject({ WorkerPoolType: 'StaticWorkerPool', IsDefault: false });
    expect(content(s, 'machinePolicies', 'Linux Servers').MachineHealthCheckPolicy.HealthCheckInterval).toBe('01:00:00');
    expect(content(s, 'teams', 'OctoFX Developers')).toMatchObject({ Description: 'May deploy OctoFX to Development and Test.' });
    expect(content(s, 'teams', 'OctoFX Developers')).not.toHaveProperty('MemberUserIds');
    expect(content(s, 'userRoles', 'Release Auditor').GrantedSpacePermissions).toEqual(['DeploymentView', 'EnvironmentView', 'ProjectView', 'ReleaseView', 'TaskView']);
  });

  it('has an inventory of targets and workers by name', () => {
    const machine = (name: string) => s.inventory.machines.find((m) => m.name === name);
    expect(s.inventory.machines).toHaveLength(10);
    expect(machine('Machine3')).toEqual({ name: 'Machine3', roles: ['SQL-Server', 'tenant-host'], environments: ['Production'], tenants: [], tenantTags: ['Tier/Gold'] });
    expect(machine('sql-dev-01')!.environments).toEqual(['Development', 'Test']);
    expect(s.inventory.roles).toEqual(['Oracle', 'SQL-Server', 'tenant-host', 'web-server']);
    expect(s.inventory.workers).toEqual([
      { name: 'ubuntu-worker-01', workerPools: ['Ubuntu Worker Pool'] },
      { name: 'ubuntu-worker-02', workerPools: ['Ubuntu Worker Pool'] },
      { name: 'windows-worker-01', workerPools: ['Windows Worker Pool'] },
    ]);
    // Targets and workers are an inventory, never resources.
    expect(s.resources).not.toHaveProperty('machines');
    expect(s.resources).not.toHaveProperty('workers');
  });

  it('carries no ids in any content: ids are only in meta', () => {
    const ids = idsIn(sim);
    expect(ids.size).toBeGreaterThan(100);
    const leaks = contentStrings(s).filter(({ text }) => ids.has(text) || /^[A-Za-z]+-\d+$/.test(text) || /^(feeds|teams|userroles)-[a-z]/.test(text));
    expect(leaks).toEqual([]);
    // meta holds the instance's ids.
    expect(ids.has(item(s, 'projects', 'OctoFX').meta.id)).toBe(true);
    expect(item(s, 'channels', 'OctoFX', 'QA').meta.id).toMatch(/^Channels-\d+$/);
    expect(item(s, 'deploymentProcesses', 'OctoFX').meta).toMatchObject({ id: expect.stringMatching(/^deploymentprocess-Projects-\d+$/), version: expect.any(Number) });
  });

  it('leaves every seeded secret out of the file and the API key out of the file and of what it printed', () => {
    const secrets = fixtureSecrets(SOURCE_FIXTURE);
    expect(secrets.length).toBeGreaterThanOrEqual(15);
    for (const secret of secrets) expect(first.text).not.toContain(secret);
    expect(first.text).not.toContain('Sup3rSecret');
    const certData = JSON.parse(readFileSync(SOURCE_FIXTURE, 'utf8')).spaces[0].collections.certificates[0].CertificateData.NewValue;
    expect(first.text).not.toContain(certData.slice(0, 40));
    expect(first.text).not.toContain('BEGIN CERTIFICATE');
    for (const printed of [first.text, first.result.stdout, first.result.stderr]) {
      expect(printed).not.toContain(API_KEY);
      expect(printed).not.toContain(API_KEY.slice(4));
    }
  });

  it('writes the same bytes for the same state, but for takenAt', async () => {
    const again = await snapshotOf(sim, join(dir, 'again.json'));
    expect(again.text).not.toBe(''); // sanity
    expect(withoutTakenAt(again.text)).toBe(withoutTakenAt(first.text));
    expect(again.snapshot.takenAt).not.toBe('');
    // No temporary files are left beside the output.
    expect(readdirSync(dir).sort()).toEqual(['again.json', 'source.json']);
  });

  it('reads what a listing owns as soon as that listing is in, and writes the same bytes whatever order the answers come in', async () => {
    // Machines answer last: the projects' deployment settings and the tenants' variables need not wait for them.
    const proxy = await startProxy(sim.url, { delay: [{ match: /^\/api\/Spaces-1\/(machines|workers)\?/, ms: 1500 }] });
    try {
      const out = join(dir, 'slow-machines.json');
      const result = await runCli(['snapshot', '--server', proxy.url, '--api-key', API_KEY, '--space', 'Default', '--out', out]);
      expect(result.code).toBe(0);
      const machinesAnswered = proxy.events.findIndex((e) => e.startsWith('answer /api/Spaces-1/machines?'));
      const settingsAsked = proxy.events.findIndex((e) => /^request \/api\/Spaces-1\/projects\/[^/]+\/deploymentsettings/.test(e));
      const tenantVariablesAsked = proxy.events.findIndex((e) => /^request \/api\/Spaces-1\/tenants\/[^/]+\/variables/.test(e));
      expect(machinesAnswered).toBeGreaterThan(0);
      expect(settingsAsked).toBeGreaterThan(0);
      expect(tenantVariablesAsked).toBeGreaterThan(0);
      expect(settingsAsked).toBeLessThan(machinesAnswered);
      expect(tenantVariablesAsked).toBeLessThan(machinesAnswered);
      expect(withoutTakenAt(readFileSync(out, 'utf8')).replaceAll(proxy.url, sim.url)).toBe(withoutTakenAt(first.text));
    } finally {
      rmSync(join(dir, 'slow-machines.json'), { force: true });
      await proxy.close();
    }
  });

  it('reads with a read-only key and never writes', async () => {
    expect((await fetch(`${sim.url}/_sim/reset`, { method: 'POST' })).status).toBe(200);
    const ro = await snapshotOf(sim, join(dir, 'read-only.json'), READ_ONLY_KEY);
    const strip = (text: string) => text.replace(/"takenAt": "[^"]*"/, '');
    expect(strip(ro.text)).toBe(strip(first.text));
    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as { byMethod: Record<string, number>; byPattern: Record<string, number> };
    expect(Object.keys(stats.byMethod)).toEqual(['GET']);
    expect(stats.byMethod.GET).toBe(ro.snapshot.requests);
    for (const pattern of Object.keys(stats.byPattern)) expect(pattern).toMatch(/^GET /);
    rmSync(join(dir, 'read-only.json'));
  });
});

describe('snapshot of fixtures/destination.json', () => {
  let sim: Sim;
  let dir: string;
  let text: string;
  let s: Snapshot;
  beforeAll(async () => {
    sim = await withSimulator({ seed: DESTINATION_FIXTURE });
    dir = mkdtempSync(join(tmpdir(), 'octosync-snapshot-'));
    ({ text, snapshot: s } = await snapshotOf(sim, join(dir, 'destination.json')));
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fits the schema and holds the destination as it is', () => {
    expect(validatorFor('snapshot')(JSON.parse(text))).toBe(true);
    expect(s.warnings).toEqual([]);
    expect(Object.keys(s.resources.environments).sort()).toEqual(['Production', 'Staging']);
    expect(content(s, 'lifecycles', 'Default Lifecycle').Phases.map((p: Doc) => p.Name)).toEqual(['Staging', 'Production']);
    expect(Object.keys(s.resources.projects)).toEqual(['OctoFX']);
    expect(Object.keys(s.resources.channels.OctoFX)).toEqual(['Default']);
    expect(content(s, 'deploymentProcesses', 'OctoFX').Steps.map((x: Doc) => x.Name)).toEqual(['Deploy database', 'Deploy web app', 'Notify change board']);
    expect(actionsOf(content(s, 'deploymentProcesses', 'OctoFX'))[2]).toMatchObject({ Environments: ['Production'], WorkerPoolId: 'Ubuntu Worker Pool' });
    const vars: Doc[] = content(s, 'projectVariables', 'OctoFX').Variables;
    expect(vars.find((v) => v.Name === 'DbPassword')).toMatchObject({ IsSensitive: true, Value: null, Scope: { Environment: ['Production'] } });
    expect(vars.find((v) => v.Name === 'ChangeBoard.Url')!.Value).toBe('https://changes.prod.octofx.example');
    expect(s.inventory.machines.map((m) => m.name)).toEqual(['prod-sql-01', 'prod-web-01', 'prod-web-02', 'stage-sql-01', 'stage-web-01']);
    expect(s.inventory.roles).toEqual(['SQL-Server', 'reporting', 'web-server']);
  });

  it('carries no ids and no secrets', () => {
    const ids = idsIn(sim);
    expect(contentStrings(s).filter(({ text: t }) => ids.has(t) || /^[A-Za-z]+-\d+$/.test(t))).toEqual([]);
    for (const secret of fixtureSecrets(DESTINATION_FIXTURE)) expect(text).not.toContain(secret);
    expect(text).not.toContain(API_KEY);
  });
});
