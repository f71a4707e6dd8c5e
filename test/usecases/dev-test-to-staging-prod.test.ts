import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withSimulator } from '../helpers/simulator.js';
import { snapshotTo, workDir } from '../helpers/sync.js';
import {
  apply, byName, connection, decisionsOf, defaultSpace, derivedPolicy, editProcess, editVariables, environments, examplePolicyFile, expectNoChanges,
  lifecycle, list, names, neverSynced, octosync, planOne, processOf, rename, scriptStep, secret, stepNames, storedValues, target, tenantLinks,
  valuesOf, worker,
} from './helpers.js';

/**
 * Use case 1 of the guide ("Suitable Scenarios"): a Dev/Test instance where developers change anything,
 * feeding a Staging/Production instance locked down by contract, under examples/dev-test-to-staging-prod.yaml.
 * The guide's own examples: the QA lifecycle and channel ("Lifecycles and Channels"), Application.Database.Name
 * ("Variable Scoping"), the Internal and Development Team A tenants ("Tenants"), Machine1 ("Deployment Targets").
 */

const POLICY = 'dev-test-to-staging-prod.yaml';
const manual = (Name: string, scope: Record<string, string[]>) => scriptStep(Name, { ActionType: 'Octopus.Manual', ...scope, Properties: { 'Octopus.Action.Manual.Instructions': Name } });

const source = defaultSpace({
  environments: environments('Development', 'Test', 'Staging', 'Production'),
  lifecycles: [lifecycle(['Development', 'Test', 'Staging', 'Production']), { Name: 'QA', Phases: [{ Name: 'QA', AutomaticDeploymentTargets: ['Development', 'Test'] }] }],
  projectgroups: [{ Name: 'Web Apps' }],
  tagsets: [{ Name: 'Tier', Tags: [{ Name: 'Gold' }, { Name: 'Silver' }] }],
  machines: [target('web-test-01', 'web-server', 'Test'), target('Machine1', 'web-server', 'Test')],
  projects: [{
    Name: 'OctoFX',
    ProjectGroupId: 'Web Apps',
    LifecycleId: 'Default Lifecycle',
    TenantedDeploymentMode: 'TenantedOrUntenanted',
    $channels: [{ Name: 'QA', LifecycleId: 'QA' }],
    $deploymentProcess: {
      Steps: [
        manual('Approve deployment', { Environments: ['Test'] }), // QA reviews in Test only (the guide's "No" option)
        scriptStep('Deploy web app', {}, 'web-server'),
        manual('QA sign-off', { Channels: ['QA'] }),
        scriptStep('Smoke test', { Environments: ['Test', 'Production'] }),
      ],
    },
    $variables: [
      { Name: 'Application.Database.Name', Value: 'OctoFx-Dev', Scope: { Environment: ['Development'] } },
      { Name: 'Application.Database.Name', Value: 'OctoFX-Test', Scope: { Environment: ['Test'] } },
      { Name: 'Application.Database.Name', Value: 'OctoFX-Tenant', Scope: { Machine: ['Machine1'] } },
      { Name: 'ConnectionString', Value: 'Database=#{Application.Database.Name}' },
      { Name: 'Site.Url', Value: 'https://#{Octopus.Environment.Name}.octofx.example', Scope: { Environment: ['Test', 'Production'] } },
      { Name: 'Staging.Banner', Value: 'This is Staging', Scope: { Environment: ['Staging'] } },
      { Name: 'QA.Tester.Email', Value: 'qa@octofx.example', Scope: { Channel: ['QA'] } },
      { Name: 'DbPassword', Value: secret('DevDbPassword'), Type: 'Sensitive', IsSensitive: true },
    ],
  }],
  tenants: [
    { Name: 'Internal', TenantTags: ['Tier/Gold'], ProjectEnvironments: { OctoFX: ['Development', 'Test', 'Staging', 'Production'] } },
    { Name: 'Development Team A', ProjectEnvironments: { OctoFX: ['Development', 'Test'] } },
  ],
  releases: [{ ProjectId: 'OctoFX', Version: '1.4.0', $deployments: [{ EnvironmentId: 'Development' }, { EnvironmentId: 'Test' }] }],
});

const PROD_DB_PASSWORD = secret('ProdDbPassword');
const destination = defaultSpace({
  environments: environments('Staging', 'Production'),
  lifecycles: [lifecycle(['Staging', 'Production'])],
  projectgroups: [{ Name: 'Web Apps' }],
  machines: [target('staging-web-01', 'web-server', 'Staging'), target('prod-web-01', 'web-server', 'Production')],
  workers: [worker('prod-worker-01')],
  projects: [{
    Name: 'OctoFX',
    ProjectGroupId: 'Web Apps',
    LifecycleId: 'Default Lifecycle',
    $deploymentProcess: { Steps: [scriptStep('Change board check')] },
    $variables: [
      { Name: 'Application.Database.Name', Value: 'OctoFX-Staging', Scope: { Environment: ['Staging'] } },
      { Name: 'Application.Database.Name', Value: 'OctoFX-Prod', Scope: { Environment: ['Production'] } },
      { Name: 'DbPassword', Value: PROD_DB_PASSWORD, Type: 'Sensitive', IsSensitive: true },
      { Name: 'ChangeBoard.Url', Value: 'https://cab.octofx.example', Scope: { Environment: ['Production'] } },
    ],
  }],
  releases: [{ ProjectId: 'OctoFX', Version: '1.3.0', $deployments: [{ EnvironmentId: 'Staging' }, { EnvironmentId: 'Production' }] }],
});

describe('use case 1: a Dev/Test instance feeding a Staging/Production instance', () => {
  let src: Awaited<ReturnType<typeof withSimulator>>;
  let dst: Awaited<ReturnType<typeof withSimulator>>;
  let dir: string;
  let untouched: Awaited<ReturnType<typeof neverSynced>>;
  const octofx = { project: 'OctoFX' };

  beforeAll(async () => {
    src = await withSimulator({ seed: source });
    dst = await withSimulator({ seed: destination });
    dir = workDir();
    untouched = await neverSynced(dst.api);
  });
  afterAll(async () => {
    await src.close();
    await dst.close();
  });

  it('first sync with the CLI: snapshot, plan (exit 2: changes), apply, plan again (exit 0)', async () => {
    const files = { source: join(dir, 'source.json'), destination: join(dir, 'destination.json'), plan: join(dir, 'plan.json') };
    expect((await octosync('snapshot', ...connection(src.url), '--out', files.source)).code).toBe(0);
    expect((await octosync('snapshot', ...connection(dst.url), '--out', files.destination)).code).toBe(0);
    const plan = await octosync('plan', '--source', files.source, '--destination', files.destination, '--policy', examplePolicyFile(POLICY), '--out', files.plan, '--detailed-exitcode', '--no-color');
    expect(plan.code).toBe(2);
    // The rendered plan says what is skipped and why: the reviewer sees the QA cascade and the tenant left out.
    expect(plan.stdout).toMatch(/Lifecycle "QA" is skipped: excluded by the policy/);
    expect(plan.stdout).toMatch(/Channel "OctoFX" \/ "QA" is skipped: excluded by the policy/);
    expect(plan.stdout).toMatch(/Tenant "Development Team A" is skipped: none of its project links carries over/);
    const saved = JSON.parse(readFileSync(files.plan, 'utf8'));
    expect(decisionsOf(saved, 'deploymentProcess/OctoFX')).toEqual([
      "skip step 'Approve deployment', action 'Approve deployment'",
      "create step 'Deploy web app'",
      "skip step 'QA sign-off', action 'QA sign-off'",
      "skip step 'Smoke test', action 'Smoke test'", // its Test scope: dropped, Production kept (partial)
      "create step 'Smoke test'",
      "keep step 'Change board check'",
    ]);
    const applied = await octosync('apply', files.plan, ...connection(dst.url));
    expect(applied.code).toBe(0);
    expect(applied.stderr).toMatch(/Apply complete: \d+ created, \d+ updated, 0 failed/);

    await snapshotTo(dst.url, files.destination);
    const again = await octosync('plan', '--source', files.source, '--destination', files.destination, '--policy', examplePolicyFile(POLICY), '--out', join(dir, 'again.json'), '--detailed-exitcode', '--quiet');
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/0 to create, 0 to update/);
  });

  it('the destination after the first sync: environment map, QA cascade, scope mismatches, tenants', async () => {
    // Its environments are its own: nothing created, Development and Test dropped by the map.
    expect(names(await list(dst.api, 'environments'))).toEqual(['Production', 'Staging']);
    // The QA lifecycle and channel are excluded, and so is everything scoped only to them.
    expect(names(await list(dst.api, 'lifecycles'))).toEqual(['Default Lifecycle']);
    const project = await byName(dst.api, 'projects', 'OctoFX');
    expect(names((await dst.api('GET', `/api/Spaces-1/projects/${project.Id}/channels`)).body.Items)).toEqual(['Default']);
    const process = await processOf(dst.api, 'OctoFX');
    // Approve deployment ran only in Test and QA sign-off only in the QA channel: skipped. The destination's own step stays first.
    expect(stepNames(process)).toEqual(['Change board check', 'Deploy web app', 'Smoke test']);
    const smoke = process.Steps[2].Actions[0];
    expect(smoke.Environments).toEqual([(await byName(dst.api, 'environments', 'Production')).Id]); // Test dropped, Production kept (partial)

    // Variables: Dev, Test and Machine1 values skipped (no match there); the destination's values stay.
    expect(await valuesOf(dst.api, octofx, 'Application.Database.Name')).toEqual(['OctoFX-Prod @ Environment: Production', 'OctoFX-Staging @ Environment: Staging']);
    expect(await valuesOf(dst.api, octofx, 'ConnectionString')).toEqual(['Database=#{Application.Database.Name} @ unscoped']);
    expect(await valuesOf(dst.api, octofx, 'Site.Url')).toEqual(['https://#{Octopus.Environment.Name}.octofx.example @ Environment: Production']);
    expect(await valuesOf(dst.api, octofx, 'Staging.Banner')).toEqual(['This is Staging @ Environment: Staging']);
    expect(await valuesOf(dst.api, octofx, 'QA.Tester.Email')).toEqual([]);
    expect(await valuesOf(dst.api, octofx, 'ChangeBoard.Url')).toEqual(['https://cab.octofx.example @ Environment: Production']);
    // The destination's secret is untouched (the source's cannot be read, and is not wanted there).
    expect(storedValues(dst, 'OctoFX', 'DbPassword')).toEqual([PROD_DB_PASSWORD]);

    // Tenants: Internal on Staging and Production; Development Team A (Development and Test) not at all.
    expect(await tenantLinks(dst.api)).toEqual({ Internal: { OctoFX: ['Production', 'Staging'] } });
    expect(await neverSynced(dst.api)).toEqual(untouched);
  });

  it('a recurring sync after changes on the source: new step, changed scoping, new variable, new secret, renamed environment', async () => {
    await editProcess(src.api, 'OctoFX', (p) => p.Steps.push(scriptStep('Notify team')));
    await editVariables(src.api, octofx, (vars) => [
      ...vars.map((v) => (v.Name === 'Site.Url' ? { ...v, Scope: { Environment: ['Staging', 'Production'] } } : v)),
      { Name: 'Feature.NewCheckout', Value: 'true', Scope: { Environment: ['Production'] } },
      { Name: 'Payment.ApiKey', Value: 'Sup3rSecret-PaymentKey!', Type: 'Sensitive', IsSensitive: true },
    ]);
    await rename(src.api, 'environments', 'Staging', 'Pre-Production');

    // Unmapped, the renamed environment is a stranger to the destination: values scoped only to it are
    // skipped (and the destination's stay as they are); the plan says so.
    const unmapped = await planOne(dir, 'unmapped', src.url, dst.url, examplePolicyFile(POLICY));
    const variables = unmapped.plan.operations.find((o) => o.id === 'projectVariables/OctoFX')!;
    expect(variables.decisions).toContainEqual({
      subject: "variable 'Staging.Banner' (Environment: Pre-Production)",
      action: 'skip',
      reason: "environment 'Pre-Production' is not on the destination, so no environment scope matches (skip-unless-partial)",
      reasonCode: 'scope-mismatch-skip',
    });

    // Mapped back to Staging in the policy, the rename changes nothing on the destination.
    const policy = derivedPolicy(dir, POLICY, 'renamed', (p) => (p.environments.map['Pre-Production'] = 'Staging'));
    const made = await planOne(dir, 'recurring', src.url, dst.url, policy);
    expect(made.plan.operations.filter((o) => o.action !== 'skip').map((o) => `${o.action} ${o.id}`)).toEqual([
      'update deploymentProcess/OctoFX',
      'update projectVariables/OctoFX',
    ]);
    expect(decisionsOf(made.plan, 'projectVariables/OctoFX')).toEqual(expect.arrayContaining([
      "create variable 'Feature.NewCheckout' (Environment: Production)",
      "create variable 'Payment.ApiKey' (unscoped) (sensitive)",
      "update variable 'Site.Url' (Environment: Pre-Production, Production)",
    ]));
    const result = await apply(dst.url, made);
    expect(result.cleanup.map((c) => c.field)).toEqual(["variable 'Payment.ApiKey' (unscoped)"]);

    expect(stepNames(await processOf(dst.api, 'OctoFX'))).toEqual(['Change board check', 'Deploy web app', 'Smoke test', 'Notify team']);
    expect(await valuesOf(dst.api, octofx, 'Site.Url')).toEqual(['https://#{Octopus.Environment.Name}.octofx.example @ Environment: Production, Staging']);
    expect(await valuesOf(dst.api, octofx, 'Feature.NewCheckout')).toEqual(['true @ Environment: Production']);
    expect(await valuesOf(dst.api, octofx, 'Payment.ApiKey')).toEqual(['(sensitive) @ unscoped']);
    expect(storedValues(dst, 'OctoFX', 'Payment.ApiKey')).toEqual([made.plan.policy.content.variables.placeholder]);
    // What only the destination has survives a recurring sync too.
    expect(await valuesOf(dst.api, octofx, 'Application.Database.Name')).toEqual(['OctoFX-Prod @ Environment: Production', 'OctoFX-Staging @ Environment: Staging']);
    expect(await valuesOf(dst.api, octofx, 'Staging.Banner')).toEqual(['This is Staging @ Environment: Staging']);
    expect(storedValues(dst, 'OctoFX', 'DbPassword')).toEqual([PROD_DB_PASSWORD]);
    expect(await tenantLinks(dst.api)).toEqual({ Internal: { OctoFX: ['Production', 'Staging'] } });
    expect(names(await list(dst.api, 'environments'))).toEqual(['Production', 'Staging']);
    expect(await neverSynced(dst.api)).toEqual(untouched);

    expectNoChanges((await planOne(dir, 'converged', src.url, dst.url, policy)).plan);
  });
});

/**
 * The guide's "Variable Scoping" walk-through, step by step: Dev/Test on the source, Staging/Production on the
 * destination. The first sync clones the values "as-is with no environment scoping" (environment: ignore);
 * the recurring sync after the source's change must leave Application.Database.Name alone, add the SQL-Server
 * scope to the existing ConnectionString value, and add the Oracle one.
 */
describe('use case 1: the guide\'s variable scoping walk-through', () => {
  const project = (variables: unknown[]) => ({ Name: 'OctoFX', ProjectGroupId: 'Web Apps', LifecycleId: 'Default Lifecycle', $variables: variables });
  const seed = (envs: string[], extra: Record<string, Record<string, any>[]>) => defaultSpace({ environments: environments(...envs), projectgroups: [{ Name: 'Web Apps' }], ...extra });

  it('first sync clones values without scope; the recurring one leaves the first alone and rescopes the second', async () => {
    const src = await withSimulator({
      seed: seed(['Development', 'Test'], {
        projects: [project([
          { Name: 'Application.Database.Name', Value: 'OctoFx-Dev', Scope: { Environment: ['Development'] } },
          { Name: 'Application.Database.Name', Value: 'OctoFX-Test', Scope: { Environment: ['Test'] } },
          { Name: 'ConnectionString', Value: 'Database=#{Application.Database.Name}' },
        ])],
      }),
    });
    const dst = await withSimulator({ seed: seed(['Staging', 'Production'], { machines: [target('prod-sql-01', 'SQL-Server', 'Production'), target('prod-ora-01', 'Oracle', 'Production')], projects: [project([])] }) });
    try {
      const dir = workDir();
      const policy = derivedPolicy(dir, POLICY, 'as-is', (p) => (p.scopeMismatch.variables.environment = 'ignore'));
      await apply(dst.url, await planOne(dir, 'first', src.url, dst.url, policy));
      expect(await valuesOf(dst.api, { project: 'OctoFX' }, 'Application.Database.Name')).toEqual(['OctoFX-Test @ unscoped', 'OctoFx-Dev @ unscoped']);
      expect(await valuesOf(dst.api, { project: 'OctoFX' }, 'ConnectionString')).toEqual(['Database=#{Application.Database.Name} @ unscoped']);

      await editVariables(src.api, { project: 'OctoFX' }, () => [
        { Name: 'Application.Database.Name', Value: 'OctoFx-#{Octopus.Environment.Name}' },
        { Name: 'ConnectionString', Value: 'Database=#{Application.Database.Name}', Scope: { Role: ['SQL-Server'] } },
        { Name: 'ConnectionString', Value: 'Data Source=#{Application.Database.Name}', Scope: { Role: ['Oracle'] } },
      ]);
      const recurring = await planOne(dir, 'recurring', src.url, dst.url, policy);
      expect(decisionsOf(recurring.plan, 'projectVariables/OctoFX')).toEqual([
        "keep variable 'Application.Database.Name' (unscoped)",
        "update variable 'ConnectionString' (Role: SQL-Server)",
        "create variable 'ConnectionString' (Role: Oracle)",
      ]);
      await apply(dst.url, recurring);
      expect(await valuesOf(dst.api, { project: 'OctoFX' }, 'Application.Database.Name')).toEqual(['OctoFX-Test @ unscoped', 'OctoFx-Dev @ unscoped']);
      expect(await valuesOf(dst.api, { project: 'OctoFX' }, 'ConnectionString')).toEqual([
        'Data Source=#{Application.Database.Name} @ Role: Oracle',
        'Database=#{Application.Database.Name} @ Role: SQL-Server',
      ]);
      expectNoChanges((await planOne(dir, 'converged', src.url, dst.url, policy)).plan);
    } finally {
      await src.close();
      await dst.close();
    }
  });
});
