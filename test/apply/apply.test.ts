import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PartialApplyError, StalePlanError, OctosyncError, InputFileError } from '../../src/errors.js';
import type { SeedFile } from '../../src/simulator/seed.js';
import { API_KEY, withSimulator } from '../helpers/simulator.js';
import { applyTo, planSync, workDir } from '../helpers/sync.js';

const SECRET = 'Sup3rSecret-DbPassword!';
const DEST_SECRET = 'Dest-Only-Secret-42';

const source: SeedFile = {
  spaces: [
    {
      Name: 'Default',
      collections: {
        environments: [{ Name: 'Development' }, { Name: 'Test' }, { Name: 'Staging' }, { Name: 'Production' }],
        projectgroups: [{ Name: 'Web Apps' }],
        tagsets: [{ Name: 'Tier', Tags: [{ Name: 'Gold' }, { Name: 'Silver' }] }],
        lifecycles: [{ Name: 'QA', Phases: [{ Name: 'QA', AutomaticDeploymentTargets: ['Development', 'Test'] }] }],
        projects: [
          {
            Name: 'OctoFX',
            ProjectGroupId: 'Web Apps',
            LifecycleId: 'Default Lifecycle',
            $channels: [{ Name: 'QA', LifecycleId: 'QA' }],
            $deploymentProcess: {
              Steps: [
                { Name: 'Deploy web', Properties: { 'Octopus.Action.TargetRoles': 'web-server' }, Actions: [{ Name: 'Deploy web', ActionType: 'Octopus.Script', Properties: { 'Octopus.Action.Script.ScriptBody': 'deploy' } }] },
                { Name: 'QA sign-off', Actions: [{ Name: 'QA sign-off', ActionType: 'Octopus.Manual', Channels: ['QA'], Properties: { 'Octopus.Action.Manual.Instructions': 'check' } }] },
                { Name: 'Approve', Actions: [{ Name: 'Approve', ActionType: 'Octopus.Manual', Environments: ['Test', 'Production'], Properties: {} }] },
              ],
            },
            $variables: [
              { Name: 'ConnectionString', Value: 'Database=#{Application.Database.Name}' },
              { Name: 'Url', Value: 'https://prod', Scope: { Environment: ['Production'] } },
              { Name: 'QaOnly', Value: 'qa', Scope: { Channel: ['QA'] } },
              { Name: 'DbPassword', Value: SECRET, Type: 'Sensitive', IsSensitive: true },
              { Name: 'ApiToken', Value: 'Source-Token-Secret-7', Type: 'Sensitive', IsSensitive: true },
            ],
          },
        ],
        tenants: [
          { Name: 'Internal', ProjectEnvironments: { OctoFX: ['Development', 'Test', 'Staging', 'Production'] }, TenantTags: ['Tier/Gold'] },
          { Name: 'Development Team A', ProjectEnvironments: { OctoFX: ['Development', 'Test'] } },
        ],
      },
    },
  ],
};

const destination: SeedFile = {
  spaces: [
    {
      Name: 'Default',
      collections: {
        environments: [{ Name: 'Staging' }, { Name: 'Production' }],
        projectgroups: [{ Name: 'Web Apps' }],
        machines: [{ Name: 'prod-web-1', Roles: ['web-server'], EnvironmentIds: ['Production'], Endpoint: { CommunicationStyle: 'None' } }],
        projects: [
          {
            Name: 'OctoFX',
            ProjectGroupId: 'Web Apps',
            LifecycleId: 'Default Lifecycle',
            $deploymentProcess: {
              Steps: [{ Name: 'Prod-only check', Actions: [{ Name: 'Prod-only check', ActionType: 'Octopus.Script', Properties: { 'Octopus.Action.Script.ScriptBody': 'dest only' } }] }],
            },
            $variables: [
              { Name: 'DbPassword', Value: DEST_SECRET, Type: 'Sensitive', IsSensitive: true },
              { Name: 'DestOnly', Value: 'kept' },
            ],
          },
        ],
        releases: [{ ProjectId: 'OctoFX', Version: '1.0.0' }],
      },
    },
  ],
};

describe('apply', () => {
  let src: Awaited<ReturnType<typeof withSimulator>>;
  let dst: Awaited<ReturnType<typeof withSimulator>>;
  let dir: string;
  beforeEach(async () => {
    src = await withSimulator({ seed: source });
    dst = await withSimulator({ seed: destination });
    dir = workDir();
  });
  afterEach(async () => {
    await src.close();
    await dst.close();
  });

  const destVariables = () => dst.store.all('variables', 'Spaces-1').find((v) => v.OwnerId === dst.store.all('projects', 'Spaces-1')[0].Id)!;

  it('applies a first sync, keeps what only the destination has, and converges (a new plan has no changes)', async () => {
    const before = { machines: dst.store.all('machines'), releases: dst.store.all('releases') };
    const { plan, file } = await planSync(dir, src.url, dst.url);
    expect(plan.counts.create).toBeGreaterThan(0);
    const result = await applyTo(dst.url, file, { logFile: join(dir, 'apply.log') });
    expect(result.failed).toEqual([]);

    // Never-synced kinds untouched.
    expect(dst.store.all('machines')).toEqual(before.machines);
    expect(dst.store.all('releases')).toEqual(before.releases);
    // Destination-only step and value survive; the destination's secret is untouched; the new one is a placeholder.
    const process = dst.store.all('deploymentprocesses', 'Spaces-1')[0];
    expect(process.Steps.map((s: any) => s.Name)).toEqual(['Prod-only check', 'Deploy web', 'Approve']);
    expect(process.Steps[2].Actions[0].Environments).toHaveLength(1); // Test dropped, Production kept
    const vars = destVariables().Variables;
    expect(vars.find((v: any) => v.Name === 'DestOnly').Value).toBe('kept');
    expect(vars.find((v: any) => v.Name === 'DbPassword').Value).toBe(DEST_SECRET);
    expect(vars.find((v: any) => v.Name === 'ApiToken').Value).toBe(plan.policy.content.variables.placeholder);
    expect(vars.some((v: any) => v.Name === 'QaOnly')).toBe(false); // scoped only to the excluded QA channel
    // Tenants: Internal synced on Staging and Production; Development Team A not.
    const tenants = dst.store.all('tenants', 'Spaces-1');
    expect(tenants.map((t) => t.Name)).toEqual(['Internal']);
    expect(Object.values(tenants[0].ProjectEnvironments)[0]).toHaveLength(2);
    // Clean-up report names the placeholder; the log has requests with operation ids and no key.
    expect(readFileSync(result.files.cleanupMarkdown, 'utf8')).toMatch(/ApiToken/);
    const log = readFileSync(join(dir, 'apply.log'), 'utf8');
    expect(log).toMatch(/"operation":"deploymentProcess\/OctoFX"/);
    expect(log).not.toContain(API_KEY);
    for (const secret of [SECRET, DEST_SECRET, 'Source-Token-Secret-7']) {
      for (const f of [file, join(dir, 'apply.log'), result.files.journal, result.files.cleanupJson]) expect(readFileSync(f, 'utf8')).not.toContain(secret);
    }

    const again = await planSync(dir, src.url, dst.url, undefined, 'again');
    expect(again.plan.counts).toMatchObject({ create: 0, update: 0 });
    expect(again.plan.operations.filter((o) => o.action !== 'skip')).toEqual([]);
  });

  it('running the same plan again after it finished writes nothing', async () => {
    const { file } = await planSync(dir, src.url, dst.url);
    await applyTo(dst.url, file);
    dst.stats.reset();
    const second = await applyTo(dst.url, file);
    expect(second.created + second.updated).toBe(0);
    expect(second.alreadyApplied).toBeGreaterThan(0);
    expect(dst.stats.writes).toBe(0);
  });

  it('refuses a stale plan, naming the resource and the field, and writes nothing', async () => {
    const { file } = await planSync(dir, src.url, dst.url);
    // Someone edits the destination's variables between plan and apply.
    const res = await dst.api('GET', `/api/Spaces-1/variables/${destVariables().Id}`);
    res.body.Variables.find((v: any) => v.Name === 'DestOnly').Value = 'edited by hand';
    expect((await dst.api('PUT', `/api/Spaces-1/variables/${res.body.Id}`, res.body)).status).toBe(200);
    dst.stats.reset();
    const err = await applyTo(dst.url, file).catch((e) => e);
    expect(err).toBeInstanceOf(StalePlanError);
    expect(err.message).toMatch(/project variables 'OctoFX': changed since planning \(Variables\/DestOnly\)/);
    expect(dst.stats.writes).toBe(0);
  });

  it('refuses an edited plan and a plan made for another destination', async () => {
    const { file } = await planSync(dir, src.url, dst.url);
    const plan = JSON.parse(readFileSync(file, 'utf8'));
    plan.operations[0].reason = 'tampered';
    const tampered = join(dir, 'tampered.json');
    writeFileSync(tampered, JSON.stringify(plan));
    await expect(applyTo(dst.url, tampered)).rejects.toThrow(InputFileError);
    await expect(applyTo(dst.url, tampered)).rejects.toThrow(/checksum/);
    const other = await withSimulator({ seed: destination });
    try {
      other.stats.reset();
      await expect(applyTo(other.url, file)).rejects.toThrow(/this plan was made for/);
      expect(other.stats.writes).toBe(0);
    } finally {
      await other.close();
    }
    await expect(applyTo(dst.url, file, { space: 'Other' })).rejects.toThrow(OctosyncError);
  });

  it('a partial apply exits with its own error, and running the same plan again finishes it', async () => {
    const { file } = await planSync(dir, src.url, dst.url);
    let writes = 0;
    const err = await applyTo(dst.url, file, {
      retries: 0,
      parallelism: 1,
      onRequest: (e) => {
        if (e.method !== 'GET' && ++writes === 2) dst.faults.configure({ faultRate: 1, faultKinds: ['500'] });
      },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(PartialApplyError);
    expect(err.exitCode).toBe(3);
    expect(err.message).toMatch(/run the same plan again/);
    dst.faults.configure({ faultRate: 0 });
    const second = await applyTo(dst.url, file);
    expect(second.failed).toEqual([]);
    expect(second.alreadyApplied).toBeGreaterThan(0);
    const again = await planSync(dir, src.url, dst.url, undefined, 'again');
    expect(again.plan.operations.filter((o) => o.action !== 'skip')).toEqual([]);
    expect(dst.store.all('projects', 'Spaces-1')).toHaveLength(1);
    expect(dst.store.all('tenants', 'Spaces-1')).toHaveLength(1);
  });

  it('a debug log holds the bodies of writes, with sensitive values redacted', async () => {
    const { file } = await planSync(dir, src.url, dst.url);
    await applyTo(dst.url, file, { logFile: join(dir, 'debug.log'), logLevel: 'debug' });
    const lines = readFileSync(join(dir, 'debug.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const variablesPut = lines.find((l) => l.type === 'request' && l.method === 'PUT' && l.path.includes('/variables/'));
    expect(variablesPut.body.Variables.find((v: any) => v.Name === 'ApiToken').Value).toBe('(redacted)');
    expect(variablesPut.body.Variables.find((v: any) => v.Name === 'ConnectionString').Value).toBe('Database=#{Application.Database.Name}');
    expect(lines.some((l) => l.type === 'request' && l.method === 'GET' && 'body' in l)).toBe(false);
  });

  it('removes destination-only steps when the policy says so', async () => {
    const { file } = await planSync(dir, src.url, dst.url, { processes: { destinationOnlySteps: 'remove' } });
    await applyTo(dst.url, file);
    const process = dst.store.all('deploymentprocesses', 'Spaces-1')[0];
    expect(process.Steps.map((s: any) => s.Name)).toEqual(['Deploy web', 'Approve']);
  });
});
