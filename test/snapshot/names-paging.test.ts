/**
 * Snapshots of spaces that are awkward to read: more items than one page holds, names that are prefixes of each
 * other or differ only in case, and names with `/`, quotes and non-ASCII letters.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SeedFile } from '../../src/simulator/seed.js';
import { readSnapshotFile } from '../../src/snapshot/file.js';
import type { Snapshot, SnapshotItem } from '../../src/snapshot/types.js';
import { runCli } from '../helpers/cli.js';
import { startProxy, type RunningProxy } from '../helpers/proxy.js';
import { API_KEY, withSimulator } from '../helpers/simulator.js';

type Sim = Awaited<ReturnType<typeof withSimulator>>;
type Doc = Record<string, any>;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'octosync-names-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function snapshot(server: string, space: string, file: string): Promise<{ snapshot: Snapshot; text: string }> {
  const out = join(dir, file);
  const res = await runCli(['snapshot', '--server', server, '--api-key', API_KEY, '--space', space, '--out', out]);
  if (res.code !== 0) throw new Error(`snapshot failed (${res.code}): ${res.stderr}`);
  return { snapshot: readSnapshotFile(out), text: readFileSync(out, 'utf8') };
}

function content(s: Snapshot, plural: string, ...keyPath: string[]): Doc {
  let node: any = s.resources[plural];
  for (const key of keyPath) {
    if (!node || !Object.prototype.hasOwnProperty.call(node, key)) throw new Error(`no ${plural} ${JSON.stringify(keyPath)}; have ${JSON.stringify(Object.keys(node ?? {}))}`);
    node = node[key];
  }
  return (node as SnapshotItem).content;
}

const RUNBOOKS = Array.from({ length: 35 }, (_, i) => `Runbook ${String(i + 1).padStart(2, '0')}`);

const pagingSeed: SeedFile = {
  spaces: [
    {
      Name: 'Default',
      IsDefault: true,
      collections: {
        environments: [{ Name: 'Production' }],
        projects: [
          {
            Name: 'Operations',
            ProjectGroupId: 'Default Project Group',
            LifecycleId: 'Default Lifecycle',
            $runbooks: RUNBOOKS.map((name) => ({
              Name: name,
              EnvironmentScope: 'Specified',
              Environments: ['Production'],
              $process: [{ Name: `Step of ${name}`, Actions: [{ Name: `Action of ${name}`, ActionType: 'Octopus.Script', Properties: { 'Octopus.Action.Script.ScriptBody': `echo ${name}` } }] }],
            })),
            $variables: [{ Name: 'Only.In.Runbook 35', Value: 'x', Scope: { ProcessOwner: ['Runbook 35'], Action: ['Action of Runbook 35'] } }],
          },
        ],
      },
    },
  ],
};

describe('a project with 35 runbooks, read page by page', () => {
  let sim: Sim;
  let direct: Snapshot;
  beforeAll(async () => {
    sim = await withSimulator({ seed: pagingSeed });
    direct = (await snapshot(sim.url, 'Default', 'paging-direct.json')).snapshot;
  });
  afterAll(() => sim.close());

  const check = (s: Snapshot) => {
    expect(Object.keys(s.resources.runbooks.Operations).sort()).toEqual(RUNBOOKS);
    expect(Object.keys(s.resources.runbookProcesses.Operations).sort()).toEqual(RUNBOOKS);
    expect(content(s, 'runbookProcesses', 'Operations', 'Runbook 35').Steps[0].Actions[0].Name).toBe('Action of Runbook 35');
    expect(content(s, 'projectVariables', 'Operations').Variables[0].Scope).toEqual({ Action: ['Runbook: Runbook 35 / Action of Runbook 35'], ProcessOwner: ['Runbook: Runbook 35'] });
    expect(s.warnings).toEqual([]);
  };

  it('has all 35 runbooks and their processes', () => {
    check(direct);
  });

  it('follows Page.Next when the server answers fewer items than asked for', async () => {
    const proxy = await startProxy(sim.url, { maxTake: 10 });
    try {
      const paged = (await snapshot(proxy.url, 'Default', 'paging-10.json')).snapshot;
      check(paged);
      const runbookPages = proxy.requests.filter((p) => /\/runbooks\?/.test(p)).map((p) => new URL(p, 'http://x').searchParams.get('skip'));
      expect(runbookPages).toEqual(['0', '10', '20', '30']);
      expect(JSON.stringify(paged.resources)).toBe(JSON.stringify(direct.resources));
    } finally {
      await proxy.close();
    }
  });

  it('reads every page when the server leaves Page.Next out (OctopusDeploy/Issues#8112), going by TotalResults', async () => {
    const proxy: RunningProxy = await startProxy(sim.url, { maxTake: 10, dropPageNext: true });
    try {
      const paged = (await snapshot(proxy.url, 'Default', 'paging-no-next.json')).snapshot;
      check(paged);
      expect(JSON.stringify(paged.resources)).toBe(JSON.stringify(direct.resources));
    } finally {
      await proxy.close();
    }
  });
});

const ZURICH = 'Ops/Infra "Core" – Zürich';
const RESTART = 'Restart "Core" / Zürich';
const PROD_EU = 'Prod/EU "Zürich"';

const namesSeed: SeedFile = {
  spaces: [
    {
      Name: 'Default',
      IsDefault: true,
      collections: {
        environments: [{ Name: 'Dev' }, { Name: 'Development' }, { Name: PROD_EU }],
        lifecycles: [
          { Name: 'Dev', Phases: [{ Name: 'Dev', OptionalDeploymentTargets: ['Dev'] }] },
          { Name: 'Development', Phases: [{ Name: 'Development', OptionalDeploymentTargets: ['Development'] }, { Name: 'Zürich', OptionalDeploymentTargets: [PROD_EU] }] },
        ],
        projectgroups: [{ Name: 'Ops / Infra' }],
        tagsets: [
          { Name: 'Tier', Tags: [{ Name: 'Gold' }] },
          { Name: 'Metal', Tags: [{ Name: 'gold' }, { Name: 'Grüngold "18k"' }] },
        ],
        workerpools: [{ Name: 'Dev' }, { Name: 'Development' }],
        feeds: [{ Name: 'Feed "A/B"', FeedType: 'NuGet', FeedUri: 'https://a-b.example/nuget' }],
        libraryvariablesets: [
          { Name: 'Shared: "Core" / Zürich', $variables: [{ Name: 'Greeting', Value: 'Grüezi', Scope: { Environment: ['Dev'] } }, { Name: 'Greeting', Value: 'Hello', Scope: { Environment: ['Development'] } }] },
        ],
        machines: [
          { Name: 'web-dev', Roles: ['web'], EnvironmentIds: ['Dev'], Endpoint: { CommunicationStyle: 'None' } },
          { Name: 'web-development', Roles: ['Web'], EnvironmentIds: ['Development'], Endpoint: { CommunicationStyle: 'None' } },
        ],
        projects: [
          {
            Name: 'OctoFX',
            ProjectGroupId: 'Default Project Group',
            LifecycleId: 'Development',
            $channels: [{ Name: 'QA', LifecycleId: 'Development' }],
            $deploymentProcess: [{ Name: 'Deploy', Actions: [{ Name: 'Deploy', ActionType: 'Octopus.Script', Channels: ['QA'], Environments: ['Development'], WorkerPoolId: 'Development' }] }],
            $runbooks: [{ Name: 'Backup', $process: [] }],
            $variables: [
              { Name: 'Channel.Name', Value: 'upper', Scope: { Channel: ['QA'] } },
              { Name: 'Backup.Only', Value: 'B', Scope: { ProcessOwner: ['Backup'] } },
            ],
          },
          {
            Name: ZURICH,
            Description: 'Ops "core" infrastructure in Zürich',
            ProjectGroupId: 'Ops / Infra',
            LifecycleId: 'Dev',
            IncludedLibraryVariableSetIds: ['Shared: "Core" / Zürich'],
            Templates: [{ Name: 'Tenant.Größe', Label: 'Größe', DefaultValue: 'groß', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } }],
            $channels: [{ Name: 'qa', LifecycleId: 'Dev' }, { Name: 'Hotfix / "urgent"' }],
            $deploymentProcess: [
              {
                Name: "Déployer l'application",
                Actions: [
                  {
                    Name: "Déployer l'application",
                    ActionType: 'Octopus.Script',
                    Environments: ['Dev'],
                    ExcludedEnvironments: [PROD_EU],
                    Channels: ['qa', 'Hotfix / "urgent"'],
                    WorkerPoolId: 'Dev',
                    TenantTags: ['Metal/gold', 'Metal/Grüngold "18k"'],
                    Packages: [{ Name: '', PackageId: 'Core.Zürich', FeedId: 'Feed "A/B"' }],
                  },
                ],
              },
            ],
            $runbooks: [{ Name: RESTART, EnvironmentScope: 'Specified', Environments: ['Dev', PROD_EU], $process: [{ Name: 'Neustart', Actions: [{ Name: 'Neustart', ActionType: 'Octopus.Script' }] }] }, { Name: 'backup', $process: [] }],
            $variables: [
              { Name: 'Database.Name', Value: 'core-dev', Scope: { Environment: ['Dev'] } },
              { Name: 'Database.Name', Value: 'core-development', Scope: { Environment: ['Development'] } },
              { Name: 'Database.Name', Value: 'core-zürich', Scope: { Environment: [PROD_EU] } },
              { Name: 'Channel.Name', Value: 'lower', Scope: { Channel: ['qa'] } },
              { Name: 'Host', Value: 'dev-only', Scope: { Machine: ['web-dev'] } },
              { Name: 'Host', Value: 'development-only', Scope: { Machine: ['web-development'] } },
              { Name: 'Role.Case', Value: 'lower', Scope: { Role: ['web'] } },
              { Name: 'Role.Case', Value: 'upper', Scope: { Role: ['Web'] } },
              { Name: 'Restart.Only', Value: 'R', Scope: { ProcessOwner: [RESTART], Action: ['Neustart'] } },
              { Name: 'backup.only', Value: 'b', Scope: { ProcessOwner: ['backup'] } },
              { Name: 'Tag.Case', Value: 'metal', Scope: { TenantTag: ['Metal/gold'] } },
              { Name: 'Tag.Case', Value: 'tier', Scope: { TenantTag: ['Tier/Gold'] } },
            ],
          },
        ],
        tenants: [
          { Name: 'Dev', TenantTags: ['Metal/gold'], ProjectEnvironments: { [ZURICH]: ['Dev'] }, $variables: { ProjectVariables: { [ZURICH]: { Variables: { Dev: { 'Tenant.Größe': 'klein' } } } } } },
          { Name: 'Development', TenantTags: ['Tier/Gold'], ProjectEnvironments: { [ZURICH]: ['Development', PROD_EU], OctoFX: ['Development'] } },
        ],
      },
    },
    { Name: 'Development', collections: { environments: [{ Name: 'Only in the Development space' }] } },
    { Name: 'Dev', collections: { environments: [{ Name: 'Only in the Dev space' }] } },
  ],
};

describe('names: "Dev" next to "Development", case, "/", quotes and non-ASCII letters', () => {
  let sim: Sim;
  let s: Snapshot;
  beforeAll(async () => {
    sim = await withSimulator({ seed: namesSeed });
    s = (await snapshot(sim.url, 'Default', 'names.json')).snapshot;
  });
  afterAll(() => sim.close());

  it('keeps exact names as keys', () => {
    expect(s.warnings).toEqual([]);
    expect(Object.keys(s.resources.environments).sort()).toEqual(['Dev', 'Development', PROD_EU]);
    expect(Object.keys(s.resources.projects).sort()).toEqual(['OctoFX', ZURICH]);
    expect(Object.keys(s.resources.channels[ZURICH]).sort()).toEqual(['Default', 'Hotfix / "urgent"', 'qa']);
    expect(Object.keys(s.resources.channels.OctoFX).sort()).toEqual(['Default', 'QA']);
    expect(Object.keys(s.resources.runbooks[ZURICH]).sort()).toEqual([RESTART, 'backup']);
    expect(Object.keys(s.resources.runbooks.OctoFX)).toEqual(['Backup']);
    expect(Object.keys(s.resources.runbookProcesses[ZURICH]).sort()).toEqual([RESTART, 'backup']);
    expect(content(s, 'projects', ZURICH)).toMatchObject({ Name: ZURICH, Description: 'Ops "core" infrastructure in Zürich', ProjectGroupId: 'Ops / Infra', LifecycleId: 'Dev' });
    expect(content(s, 'projects', ZURICH).IncludedLibraryVariableSetIds).toEqual(['Shared: "Core" / Zürich']);
    expect(content(s, 'projects', ZURICH).Templates[0]).toMatchObject({ Name: 'Tenant.Größe', DefaultValue: 'groß' });
    expect(Object.keys(s.resources.tagSets).sort()).toEqual(['Metal', 'Tier']);
    expect(content(s, 'tagSets', 'Metal').Tags.map((t: Doc) => t.Name)).toEqual(['gold', 'Grüngold "18k"']);
    expect(Object.keys(s.resources.feeds)).toContain('Feed "A/B"');
  });

  it('resolves references to "Dev" and "Development" to the right one', () => {
    expect(content(s, 'lifecycles', 'Dev').Phases[0].OptionalDeploymentTargets).toEqual(['Dev']);
    expect(content(s, 'lifecycles', 'Development').Phases.map((p: Doc) => p.OptionalDeploymentTargets)).toEqual([['Development'], [PROD_EU]]);
    expect(content(s, 'channels', ZURICH, 'qa').LifecycleId).toBe('Dev');
    expect(content(s, 'channels', 'OctoFX', 'QA').LifecycleId).toBe('Development');

    const zurich = content(s, 'deploymentProcesses', ZURICH).Steps[0];
    expect(zurich.Name).toBe("Déployer l'application");
    expect(zurich.Actions[0]).toMatchObject({
      Environments: ['Dev'],
      ExcludedEnvironments: [PROD_EU],
      Channels: ['Hotfix / "urgent"', 'qa'],
      WorkerPoolId: 'Dev',
      TenantTags: ['Metal/Grüngold "18k"', 'Metal/gold'],
    });
    expect(zurich.Actions[0].Packages[0]).toMatchObject({ PackageId: 'Core.Zürich', FeedId: 'Feed "A/B"' });
    expect(content(s, 'deploymentProcesses', 'OctoFX').Steps[0].Actions[0]).toMatchObject({ Environments: ['Development'], Channels: ['QA'], WorkerPoolId: 'Development' });
    expect(content(s, 'runbooks', ZURICH, RESTART).Environments).toEqual(['Dev', PROD_EU]);
  });

  it('names variable scopes exactly: environments, channels, machines, roles, process owners and tags that differ by a prefix or by case', () => {
    const vars: Doc[] = content(s, 'projectVariables', ZURICH).Variables;
    const scopes = (name: string) => vars.filter((v) => v.Name === name).map((v) => [v.Value, v.Scope]);
    expect(scopes('Database.Name')).toEqual([
      ['core-dev', { Environment: ['Dev'] }],
      ['core-development', { Environment: ['Development'] }],
      ['core-zürich', { Environment: [PROD_EU] }],
    ]);
    expect(scopes('Channel.Name')).toEqual([['lower', { Channel: ['qa'] }]]);
    expect(scopes('Host')).toEqual([
      ['dev-only', { Machine: ['web-dev'] }],
      ['development-only', { Machine: ['web-development'] }],
    ]);
    // Roles are case-sensitive strings: both kept, in code-unit order.
    expect(scopes('Role.Case')).toEqual([
      ['upper', { Role: ['Web'] }],
      ['lower', { Role: ['web'] }],
    ]);
    expect(scopes('Restart.Only')).toEqual([['R', { Action: [`Runbook: ${RESTART} / Neustart`], ProcessOwner: [`Runbook: ${RESTART}`] }]]);
    expect(scopes('backup.only')).toEqual([['b', { ProcessOwner: ['Runbook: backup'] }]]);
    expect(scopes('Tag.Case')).toEqual([
      ['metal', { TenantTag: ['Metal/gold'] }],
      ['tier', { TenantTag: ['Tier/Gold'] }],
    ]);
    const octofx: Doc[] = content(s, 'projectVariables', 'OctoFX').Variables;
    expect(octofx.map((v) => [v.Name, v.Scope])).toEqual([
      ['Backup.Only', { ProcessOwner: ['Runbook: Backup'] }],
      ['Channel.Name', { Channel: ['QA'] }],
    ]);
    const shared: Doc[] = content(s, 'libraryVariables', 'Shared: "Core" / Zürich').Variables;
    expect(shared.map((v) => [v.Value, v.Scope])).toEqual([
      ['Grüezi', { Environment: ['Dev'] }],
      ['Hello', { Environment: ['Development'] }],
    ]);
  });

  it('keys tenants and their variables by exact project and environment names', () => {
    expect(content(s, 'tenants', 'Dev')).toMatchObject({ ProjectEnvironments: { [ZURICH]: ['Dev'] }, TenantTags: ['Metal/gold'] });
    expect(content(s, 'tenants', 'Development').ProjectEnvironments).toEqual({ OctoFX: ['Development'], [ZURICH]: ['Development', PROD_EU] });
    expect(content(s, 'tenantVariables', 'Dev').ProjectVariables).toEqual({ [ZURICH]: { Dev: { 'Tenant.Größe': 'klein' } } });
    expect(s.inventory.machines.map((m) => [m.name, m.environments, m.roles])).toEqual([
      ['web-dev', ['Dev'], ['web']],
      ['web-development', ['Development'], ['Web']],
    ]);
    expect(s.inventory.roles).toEqual(['Web', 'web']);
  });

  it('reads the space named exactly, not one whose name starts the same', async () => {
    const dev = (await snapshot(sim.url, 'Dev', 'space-dev.json')).snapshot;
    expect(dev.space.name).toBe('Dev');
    expect(Object.keys(dev.resources.environments)).toEqual(['Only in the Dev space']);
    const development = (await snapshot(sim.url, 'Development', 'space-development.json')).snapshot;
    expect(Object.keys(development.resources.environments)).toEqual(['Only in the Development space']);
  });
});
