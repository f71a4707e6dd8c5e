import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyPlanFile } from '../../src/cli/commands/apply-files.js';
import { API_KEY, withSimulator } from '../helpers/simulator.js';
import { workDir } from '../helpers/sync.js';
import { byName, decisionsOf, defaultSpace, editDoc, environments, examplePolicyFile, expectNoChanges, lifecycle, planOne, scriptStep, secret } from '../usecases/helpers.js';

/**
 * Issue 13 point 3, end to end over HTTP: config-as-code projects. A real server refuses deployment-settings
 * fields on `PUT /projects/{id}` for a version-controlled project (terraform-provider-octopusdeploy commit
 * 2405d788) and converts one way only (`POST …/git/convert`). octosync syncs the database part (the project's
 * own members, channels, sensitive variables), never sends PersistenceSettings, and says what it leaves.
 * Against the lenient simulator octosync sent the source's settings on the project PUT and "passed".
 */

const POLICY = examplePolicyFile('dev-test-to-staging-prod.yaml');
const git = (name: string) => ({ Url: `https://git.example/${name}.git`, DefaultBranch: 'main', BasePath: `.octopus/${name}`, Credentials: { Type: 'Anonymous' } });
const variables = (plain: string) => [
  { Name: 'Plain', Value: plain },
  { Name: 'DbPassword', Value: secret('db'), Type: 'Sensitive', IsSensitive: true },
];
const base = {
  environments: environments('Development', 'Test', 'Staging', 'Production'),
  lifecycles: [lifecycle(['Development', 'Test', 'Staging', 'Production'])],
  projectgroups: [{ Name: 'Web Apps' }],
};
const project = (Name: string, extra: Record<string, unknown>) => ({ Name, ProjectGroupId: 'Web Apps', LifecycleId: 'Default Lifecycle', ...extra });

describe('config-as-code projects (issue 13, point 3)', () => {
  let source: Awaited<ReturnType<typeof withSimulator>>;
  let dest: Awaited<ReturnType<typeof withSimulator>>;
  let empty: Awaited<ReturnType<typeof withSimulator>>;
  const dir = workDir();
  beforeAll(async () => {
    source = await withSimulator({
      seed: defaultSpace({
        ...base,
        projects: [
          // Version-controlled on both sides.
          project('Web', { Description: 'web v2', $deploymentProcess: { Steps: [scriptStep('Deploy web')] }, $variables: variables('source'), $settings: { DefaultGuidedFailureMode: 'On' }, $git: git('web') }),
          // A database project on the source, version-controlled on the destination.
          project('Api', { Description: 'api v2', $channels: [{ Name: 'Hotfix' }], $deploymentProcess: { Steps: [scriptStep('Deploy api')] }, $variables: variables('source'), $settings: { DefaultGuidedFailureMode: 'On', ReleaseNotesTemplate: 'notes' } }),
        ],
      }),
    });
    dest = await withSimulator({
      seed: defaultSpace({
        ...base,
        projects: [
          project('Web', { $deploymentProcess: { Steps: [scriptStep('Deploy old web')] }, $variables: [{ Name: 'Plain', Value: 'destination' }], $git: git('web-dest') }),
          project('Api', { $deploymentProcess: { Steps: [scriptStep('Deploy old api')] }, $variables: [{ Name: 'Plain', Value: 'destination' }], $git: git('api-dest') }),
        ],
      }),
    });
    empty = await withSimulator({ seed: defaultSpace(base) });
  });
  afterAll(async () => {
    await source.close();
    await dest.close();
    await empty.close();
  });

  it('recurring sync: syncs the database part, leaves what lives in git, and never converts or sends PersistenceSettings', async () => {
    const made = await planOne(dir, 'cac', source.url, dest.url, POLICY);
    const op = (id: string) => made.plan.operations.find((o) => o.id === id);
    expect(op('deploymentProcess/Web')).toMatchObject({ action: 'skip', reason: expect.stringMatching(/version-controlled on the source and destination: its deployment process lives in git/) });
    expect(op('deploymentProcess/Api')).toMatchObject({ action: 'skip', reason: expect.stringMatching(/version-controlled on the destination/) });
    // The source's deployment settings of Api (guided failure, release notes) are not synced: this server serves
    // them as deployment settings (2021.2+), which live in git on the destination. The plan says so on that item;
    // the project document holds no copy of them to keep (the 2021.1 preview's do: below).
    expect(op('deploymentSettings/Api')).toMatchObject({ action: 'skip', reason: expect.stringMatching(/project 'Api' is version-controlled on the destination: its deployment settings live in git, which octosync does not sync/) });
    expect(op('deploymentSettings/Web')).toMatchObject({ action: 'skip', reason: expect.stringMatching(/version-controlled on the source and destination: its deployment settings live in git/) });
    expect(decisionsOf(made.plan, 'project/Api')).not.toEqual(expect.arrayContaining(['keep DefaultGuidedFailureMode']));
    expect(decisionsOf(made.plan, 'projectVariables/Api')).toContain('keep non-sensitive variables');
    expect(made.plan.warnings.join('\n')).toMatch(/project 'Web' is version-controlled .*deployment settings and non-sensitive variables live in git/);

    const log = join(dir, 'cac.log.jsonl');
    const result = await applyPlanFile({ server: dest.url, apiKey: API_KEY, space: 'Default', planFile: made.planFile, logFile: log, logLevel: 'debug' });
    expect(result.failed).toEqual([]);
    const writes = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.type === 'request' && e.method !== 'GET');
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) expect(JSON.stringify(w.body ?? {})).not.toContain('PersistenceSettings');

    for (const name of ['Web', 'Api']) {
      const p = await byName(dest.api, 'projects', name);
      expect(p).toMatchObject({ IsVersionControlled: true, Description: `${name.toLowerCase()} v2` });
      // The sensitive variable arrived (as a placeholder: values cannot be read); the git-held one is untouched.
      const db = (await dest.api('GET', `/api/Spaces-1/projects/${p.Id}/variables`)).body.Variables.map((v: any) => v.Name);
      expect(db).toEqual(['DbPassword']);
      const inGit = (await dest.api('GET', `/api/Spaces-1/projects/${p.Id}/main/variables`)).body.Variables.map((v: any) => `${v.Name}=${v.Value}`);
      expect(inGit).toEqual(['Plain=destination']);
      const process = (await dest.api('GET', `/api/Spaces-1/projects/${p.Id}/main/deploymentprocesses`)).body;
      expect(process.Steps.map((s: any) => s.Name)).toEqual([`Deploy old ${name.toLowerCase()}`]);
      const settings = (await dest.api('GET', `/api/Spaces-1/projects/${p.Id}/main/deploymentsettings`)).body;
      expect(settings).toMatchObject({ DefaultGuidedFailureMode: 'EnvironmentDefault', ReleaseNotesTemplate: null });
    }
    const api = await byName(dest.api, 'projects', 'Api');
    expect((await dest.api('GET', `/api/Spaces-1/projects/${api.Id}/channels`)).body.Items.map((c: any) => c.Name).sort()).toEqual(['Default', 'Hotfix']);

    expectNoChanges((await planOne(dir, 'cac-again', source.url, dest.url, POLICY)).plan);
    // A change to a database member on the source comes through on the next run.
    await editDoc(source.api, 'projects', 'Web', (p) => (p.Description = 'web v3'));
    const next = await planOne(dir, 'cac-next', source.url, dest.url, POLICY);
    expect(next.plan.operations.find((o) => o.id === 'project/Web')).toMatchObject({ action: 'update' });
    const nextResult = await applyPlanFile({ server: dest.url, apiKey: API_KEY, space: 'Default', planFile: next.planFile });
    expect(nextResult.failed).toEqual([]);
    expect((await byName(dest.api, 'projects', 'Web')).Description).toBe('web v3');
  });

  it('first sync: a version-controlled source project is not created as a database project, and the plan says why', async () => {
    const made = await planOne(dir, 'cac-first', source.url, empty.url, POLICY);
    expect(made.plan.operations.find((o) => o.id === 'project/Web')).toMatchObject({ action: 'skip', reason: expect.stringMatching(/version-controlled \(config as code\) on the source and not on the destination/) });
    expect(made.plan.operations.find((o) => o.id === 'projectVariables/Web')).toMatchObject({ action: 'skip' });
    const result = await applyPlanFile({ server: empty.url, apiKey: API_KEY, space: 'Default', planFile: made.planFile });
    expect(result.failed).toEqual([]);
    const projects = (await empty.api('GET', '/api/Spaces-1/projects/all')).body.map((p: any) => p.Name);
    expect(projects).toEqual(['Api']);
    expectNoChanges((await planOne(dir, 'cac-first-again', source.url, empty.url, POLICY)).plan);
  });
});

describe('config-as-code projects on a server without deployment settings (2021.1, the config-as-code preview)', () => {
  // Version control came with 2021.1; `…/deploymentsettings` with 2021.2 (API-FACTS §4): in between the
  // settings are members of the project document, and a version-controlled project's are in git.
  const VERSION = '2021.1.7500';
  let source: Awaited<ReturnType<typeof withSimulator>>;
  let dest: Awaited<ReturnType<typeof withSimulator>>;
  const dir = workDir();
  beforeAll(async () => {
    source = await withSimulator({
      version: VERSION,
      seed: defaultSpace({ ...base, projects: [project('Api', { Description: 'api v2', $deploymentProcess: { Steps: [scriptStep('Deploy api')] }, $settings: { DefaultGuidedFailureMode: 'On', ReleaseNotesTemplate: 'notes' } })] }),
    });
    dest = await withSimulator({
      version: VERSION,
      seed: defaultSpace({ ...base, projects: [project('Api', { $deploymentProcess: { Steps: [scriptStep('Deploy old api')] }, $git: git('api-dest') })] }),
    });
  });
  afterAll(async () => {
    await source.close();
    await dest.close();
  });

  it('recurring sync: the project\'s own settings members are kept as the destination has them, each saying why', async () => {
    const made = await planOne(dir, 'cac-2021.1', source.url, dest.url, POLICY);
    expect(made.plan.operations.filter((o) => o.kind === 'deploymentSettings')).toEqual([]);
    const api = made.plan.operations.find((o) => o.id === 'project/Api')!;
    expect(api.action).toBe('update');
    expect(decisionsOf(made.plan, 'project/Api')).toEqual(expect.arrayContaining(['keep DefaultGuidedFailureMode', 'keep ReleaseNotesTemplate']));
    expect(api.decisions!.find((d) => d.subject === 'ReleaseNotesTemplate')!.reason).toMatch(/deployment settings and the steps they name live in git \(version-controlled on the destination\)/);
    const result = await applyPlanFile({ server: dest.url, apiKey: API_KEY, space: 'Default', planFile: made.planFile });
    expect(result.failed).toEqual([]);
    expect(await byName(dest.api, 'projects', 'Api')).toMatchObject({ Description: 'api v2', IsVersionControlled: true, DefaultGuidedFailureMode: 'EnvironmentDefault', ReleaseNotesTemplate: null });
    // Still held back on the next run: listed, not counted unchanged.
    const again = await planOne(dir, 'cac-2021.1-again', source.url, dest.url, POLICY);
    expectNoChanges(again.plan);
    expect(again.plan.operations.find((o) => o.id === 'project/Api')).toMatchObject({ action: 'skip' });
    expect(decisionsOf(again.plan, 'project/Api')).toEqual(expect.arrayContaining(['keep DefaultGuidedFailureMode', 'keep ReleaseNotesTemplate']));
  });
});
