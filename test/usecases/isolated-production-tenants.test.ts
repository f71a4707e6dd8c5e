import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { withSimulator } from '../helpers/simulator.js';
import { snapshotTo, workDir } from '../helpers/sync.js';
import {
  apply, byName, connection, decisionsOf, defaultSpace, derivedPolicy, editDoc, editProcess, editVariables, environments, examplePolicyFile,
  expectNoChanges, lifecycle, list, names, neverSynced, octosync, planOne, processOf, rename, scriptStep, secret, setTenantValues, stepNames,
  target, tenantLinks, tenantValues, valuesOf, worker,
} from './helpers.js';

/**
 * Use case 2 of the guide: a main Dev/Test/Staging/Production instance feeding an isolated Production-only
 * instance for a set of tenants (the contract's "Gov" tenants), under examples/isolated-production-tenants.yaml.
 */

const POLICY = 'isolated-production-tenants.yaml';

const source = defaultSpace({
  environments: environments('Development', 'Test', 'Staging', 'Production'),
  lifecycles: [lifecycle(['Development', 'Test', 'Staging', 'Production'])],
  projectgroups: [{ Name: 'Web Apps' }, { Name: 'Tools' }],
  tagsets: [{ Name: 'Contract', Tags: [{ Name: 'Gov' }, { Name: 'Commercial' }] }],
  libraryvariablesets: [{
    Name: 'Tenant Settings',
    Templates: [
      { Name: 'Tenant.Database.Name', Label: 'Database name', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } },
      { Name: 'Tenant.Database.Password', Label: 'Database password', DisplaySettings: { 'Octopus.ControlType': 'Sensitive' } },
    ],
    $variables: [{ Name: 'Tenant.Database.Server', Value: 'tenants-sql.octofx.example' }],
  }],
  machines: [target('web-prod-01', 'web-server', 'Production')],
  projects: [
    {
      Name: 'OctoFX',
      ProjectGroupId: 'Web Apps',
      LifecycleId: 'Default Lifecycle',
      IncludedLibraryVariableSetIds: ['Tenant Settings'],
      TenantedDeploymentMode: 'Tenanted',
      Templates: [
        { Name: 'Tenant.Site.Url', Label: 'Site URL', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } },
        { Name: 'Tenant.Api.Key', Label: 'API key', DisplaySettings: { 'Octopus.ControlType': 'Sensitive' } },
      ],
      $deploymentProcess: {
        Steps: [
          scriptStep('Deploy web app', {}, 'web-server'),
          scriptStep('Seed test data', { Environments: ['Development', 'Test'] }),
        ],
      },
      $variables: [
        { Name: 'Log.Level', Value: 'Warning', Scope: { Environment: ['Production'] } },
        { Name: 'Log.Level', Value: 'Debug', Scope: { Environment: ['Development', 'Test'] } },
        { Name: 'Api.Url', Value: 'https://api.staging.octofx.example', Scope: { Environment: ['Staging'] } },
        { Name: 'Api.Url', Value: 'https://api.octofx.example', Scope: { Environment: ['Production'] } },
        { Name: 'Feature.Audit', Value: 'strict', Scope: { TenantTag: ['Contract/Gov'] } },
        { Name: 'Feature.Audit', Value: 'basic', Scope: { TenantTag: ['Contract/Commercial'] } },
      ],
    },
    {
      Name: 'Internal Tools',
      ProjectGroupId: 'Tools',
      LifecycleId: 'Default Lifecycle',
      TenantedDeploymentMode: 'TenantedOrUntenanted',
      $deploymentProcess: { Steps: [scriptStep('Deploy tools')] },
    },
  ],
  tenants: [
    {
      Name: 'Gov Agency A',
      TenantTags: ['Contract/Gov'],
      ProjectEnvironments: { OctoFX: ['Staging', 'Production'], 'Internal Tools': ['Production'] },
      $variables: {
        ProjectVariables: {
          OctoFX: { Variables: { Staging: { 'Tenant.Site.Url': 'https://staging.agency-a.example' }, Production: { 'Tenant.Site.Url': 'https://agency-a.example', 'Tenant.Api.Key': secret('AgencyAKey') } } },
        },
        LibraryVariables: { 'Tenant Settings': { Variables: { 'Tenant.Database.Name': 'agency_a', 'Tenant.Database.Password': secret('AgencyADb') } } },
      },
    },
    {
      Name: 'Gov Agency B',
      TenantTags: ['Contract/Gov'],
      ProjectEnvironments: { OctoFX: ['Production'] },
      $variables: { ProjectVariables: { OctoFX: { Variables: { Production: { 'Tenant.Site.Url': 'https://agency-b.example' } } } } },
    },
    { Name: 'Gov Sandbox', TenantTags: ['Contract/Gov'], ProjectEnvironments: { OctoFX: ['Development', 'Test'] } },
    { Name: 'Commercial Co', TenantTags: ['Contract/Commercial'], ProjectEnvironments: { OctoFX: ['Development', 'Test', 'Staging', 'Production'] } },
  ],
  releases: [{ ProjectId: 'OctoFX', Version: '2.0.0', $deployments: [{ EnvironmentId: 'Production', TenantId: 'Commercial Co' }] }],
});

/** The isolated instance before the first sync: Production, its own targets and worker, nothing else. */
const destination = defaultSpace({
  environments: environments('Production'),
  lifecycles: [lifecycle(['Production'])],
  machines: [target('gov-web-01', 'web-server', 'Production')],
  workers: [worker('gov-worker-01')],
});

describe('use case 2: a main instance feeding an isolated Production instance for a set of tenants', () => {
  let src: Awaited<ReturnType<typeof withSimulator>>;
  let dst: Awaited<ReturnType<typeof withSimulator>>;
  let dir: string;
  const octofx = { project: 'OctoFX' };

  beforeAll(async () => {
    src = await withSimulator({ seed: source });
    dst = await withSimulator({ seed: destination });
    dir = workDir();
  });
  afterAll(async () => {
    await src.close();
    await dst.close();
  });

  it('first sync with the CLI into an empty Production-only instance, then a plan without changes', async () => {
    const before = await neverSynced(dst.api);
    const files = { source: join(dir, 'source.json'), destination: join(dir, 'destination.json'), plan: join(dir, 'plan.json') };
    expect((await octosync('snapshot', ...connection(src.url), '--out', files.source)).code).toBe(0);
    expect((await octosync('snapshot', ...connection(dst.url), '--out', files.destination)).code).toBe(0);
    const plan = await octosync('plan', '--source', files.source, '--destination', files.destination, '--policy', examplePolicyFile(POLICY), '--out', files.plan, '--detailed-exitcode', '--no-color');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/Tenant "Gov Sandbox" is skipped: none of its project links carries over: its environments \('Development', 'Test'\)/);
    expect(plan.stdout).not.toMatch(/Commercial Co|Project group "Tools"/); // not selected, and nothing is synced on their account
    const applied = await octosync('apply', files.plan, ...connection(dst.url));
    expect(applied.code).toBe(0);
    expect(applied.stderr).toMatch(/2 placeholder\(s\) to fill in/); // the two tenant secrets
    await snapshotTo(dst.url, files.destination);
    const again = await octosync('plan', '--source', files.source, '--destination', files.destination, '--policy', examplePolicyFile(POLICY), '--out', join(dir, 'again.json'), '--detailed-exitcode', '--quiet');
    expect(again.code).toBe(0);
    expect(await neverSynced(dst.api)).toEqual(before);
  });

  it('the isolated instance after the first sync: the selected project and what it needs, the Gov tenants on Production, their values', async () => {
    expect(names(await list(dst.api, 'environments'))).toEqual(['Production']);
    expect(names(await list(dst.api, 'projects'))).toEqual(['OctoFX']);
    expect(names(await list(dst.api, 'projectgroups'))).toEqual(['Default Project Group', 'Web Apps']);
    expect(names(await list(dst.api, 'tagsets'))).toEqual(['Contract']);
    expect(names(await list(dst.api, 'libraryvariablesets'))).toEqual(['Tenant Settings']);
    expect(stepNames(await processOf(dst.api, 'OctoFX'))).toEqual(['Deploy web app']); // Seed test data: Development and Test only
    expect(await valuesOf(dst.api, octofx, 'Log.Level')).toEqual(['Warning @ Environment: Production']);
    expect(await valuesOf(dst.api, octofx, 'Api.Url')).toEqual(['https://api.octofx.example @ Environment: Production']);
    expect(await valuesOf(dst.api, octofx, 'Feature.Audit')).toEqual(['basic @ TenantTag: Contract/Commercial', 'strict @ TenantTag: Contract/Gov']);
    expect(await valuesOf(dst.api, { librarySet: 'Tenant Settings' }, 'Tenant.Database.Server')).toEqual(['tenants-sql.octofx.example @ unscoped']);

    // Only the contract's tenants, linked through the map: Staging and the unsynced project fall away.
    expect(await tenantLinks(dst.api)).toEqual({ 'Gov Agency A': { OctoFX: ['Production'] }, 'Gov Agency B': { OctoFX: ['Production'] } });
    // Their Production values copied; Staging's dropped; secrets are placeholders to fill in.
    expect(await tenantValues(dst.api, 'Gov Agency A')).toEqual({
      'OctoFX/Production/Tenant.Site.Url': 'https://agency-a.example',
      'OctoFX/Production/Tenant.Api.Key': '(sensitive)',
      'Tenant Settings/Tenant.Database.Name': 'agency_a',
      'Tenant Settings/Tenant.Database.Password': '(sensitive)',
    });
    expect(await tenantValues(dst.api, 'Gov Agency B')).toEqual({ 'OctoFX/Production/Tenant.Site.Url': 'https://agency-b.example' });
  });

  it('a recurring sync after changes on both sides: the source\'s arrive, the isolated instance\'s own stay', async () => {
    // The isolated instance's own additions: a compliance step, a value of its own, a tenant value set there, a release.
    await editProcess(dst.api, 'OctoFX', (p) => p.Steps.push(scriptStep('Gov compliance scan')));
    await editVariables(dst.api, octofx, (vars) => [
      ...vars.map((v) => (v.Name === 'Api.Url' ? { ...v, Value: 'https://api.gov.octofx.example' } : v)),
      { Name: 'Gov.AuditEndpoint', Value: 'https://audit.gov.example' },
    ]);
    await setTenantValues(dst.api, 'Gov Agency A', { 'OctoFX/Production/Tenant.Site.Url': 'https://agency-a.gov.example' });
    const project = await byName(dst.api, 'projects', 'OctoFX');
    const release = (await dst.api('POST', '/api/Spaces-1/releases', { ProjectId: project.Id, Version: '2.0.0' })).body;
    const production = await byName(dst.api, 'environments', 'Production');
    expect((await dst.api('POST', '/api/Spaces-1/deployments', { ReleaseId: release.Id, EnvironmentId: production.Id })).status).toBe(201);
    const untouched = await neverSynced(dst.api);

    // The source's changes.
    await editProcess(src.api, 'OctoFX', (p) => p.Steps.push(scriptStep('Notify agency')));
    await editVariables(src.api, octofx, (vars) => [
      ...vars.map((v) => (v.Name === 'Log.Level' && v.Value === 'Warning' ? { ...v, Scope: { Environment: ['Production'], Role: ['web-server'] } } : v)),
      { Name: 'Support.Email', Value: 'support@octofx.example' },
      { Name: 'Signing.Key', Value: secret('SigningKey'), Type: 'Sensitive', IsSensitive: true },
    ]);
    await editDoc(src.api, 'projects', 'OctoFX', (p) => {
      p.Templates.push({ Name: 'Tenant.Support.Phone', Label: 'Support phone', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } });
    });
    await setTenantValues(src.api, 'Gov Agency A', { 'OctoFX/Production/Tenant.Support.Phone': '+1 555 0100' });
    await setTenantValues(src.api, 'Gov Agency B', { 'OctoFX/Production/Tenant.Site.Url': 'https://new.agency-b.example' });
    const octofxId = (await byName(src.api, 'projects', 'OctoFX')).Id;
    const envIds = Object.fromEntries((await list(src.api, 'environments')).map((e) => [e.Name, e.Id]));
    const contractTags = ['Contract/Gov'];
    expect((await src.api('POST', '/api/Spaces-1/tenants', { Name: 'Gov Agency C', TenantTags: contractTags, ProjectEnvironments: { [octofxId]: [envIds.Staging, envIds.Production] } })).status).toBe(201);
    await setTenantValues(src.api, 'Gov Agency C', { 'OctoFX/Production/Tenant.Site.Url': 'https://agency-c.example', 'OctoFX/Production/Tenant.Api.Key': { HasValue: true, NewValue: secret('AgencyCKey') } });
    await rename(src.api, 'environments', 'Production', 'Prod');

    const policy = derivedPolicy(dir, POLICY, 'renamed', (p) => (p.environments.map.Prod = 'Production'));
    const made = await planOne(dir, 'recurring', src.url, dst.url, policy);
    expect(made.plan.operations.filter((o) => o.action !== 'skip').map((o) => `${o.action} ${o.id}`).sort()).toEqual([
      'create tenant/Gov Agency C',
      'create tenantVariables/Gov Agency C',
      'update deploymentProcess/OctoFX',
      'update project/OctoFX',
      'update projectVariables/OctoFX',
      'update tenantVariables/Gov Agency A',
    ]);
    expect(decisionsOf(made.plan, 'tenantVariables/Gov Agency A')).toEqual([
      "keep project 'OctoFX' (Production) 'Tenant.Site.Url'", // set on the isolated instance: held back, and said so
      "create project 'OctoFX' (Production) 'Tenant.Support.Phone'",
      "skip project 'OctoFX' values for Staging",
    ]);
    const result = await apply(dst.url, made);
    expect(result.cleanup.map((c) => `${c.operation}: ${c.field}`).sort()).toEqual([
      "projectVariables/OctoFX: variable 'Signing.Key' (unscoped)",
      "tenantVariables/Gov Agency C: project 'OctoFX' (Production) 'Tenant.Api.Key'",
    ]);

    expect(stepNames(await processOf(dst.api, 'OctoFX'))).toEqual(['Deploy web app', 'Gov compliance scan', 'Notify agency']);
    expect(await valuesOf(dst.api, octofx, 'Log.Level')).toEqual(['Warning @ Environment: Production; Role: web-server']);
    expect(await valuesOf(dst.api, octofx, 'Support.Email')).toEqual(['support@octofx.example @ unscoped']);
    expect(await valuesOf(dst.api, octofx, 'Signing.Key')).toEqual(['(sensitive) @ unscoped']);
    expect(await valuesOf(dst.api, octofx, 'Api.Url')).toEqual(['https://api.gov.octofx.example @ Environment: Production']);
    expect(await valuesOf(dst.api, octofx, 'Gov.AuditEndpoint')).toEqual(['https://audit.gov.example @ unscoped']);
    expect(await tenantLinks(dst.api)).toEqual({
      'Gov Agency A': { OctoFX: ['Production'] },
      'Gov Agency B': { OctoFX: ['Production'] },
      'Gov Agency C': { OctoFX: ['Production'] },
    });
    expect(await tenantValues(dst.api, 'Gov Agency A')).toEqual({
      'OctoFX/Production/Tenant.Site.Url': 'https://agency-a.gov.example', // set on the isolated instance: kept
      'OctoFX/Production/Tenant.Api.Key': '(sensitive)',
      'OctoFX/Production/Tenant.Support.Phone': '+1 555 0100',
      'Tenant Settings/Tenant.Database.Name': 'agency_a',
      'Tenant Settings/Tenant.Database.Password': '(sensitive)',
    });
    expect(await tenantValues(dst.api, 'Gov Agency B')).toEqual({ 'OctoFX/Production/Tenant.Site.Url': 'https://agency-b.example' }); // overwrite: never
    expect(await tenantValues(dst.api, 'Gov Agency C')).toEqual({ 'OctoFX/Production/Tenant.Site.Url': 'https://agency-c.example', 'OctoFX/Production/Tenant.Api.Key': '(sensitive)' });
    expect(names(await list(dst.api, 'environments'))).toEqual(['Production']);
    expect(await neverSynced(dst.api)).toEqual(untouched);

    expectNoChanges((await planOne(dir, 'converged', src.url, dst.url, policy)).plan);
  });

  it('tenants.variables: placeholder writes a placeholder for every tenant value, each listed for clean-up', async () => {
    const main = await withSimulator({ seed: source });
    const fresh = await withSimulator({ seed: destination });
    try {
      const policy = derivedPolicy(dir, POLICY, 'placeholders', (p) => (p.tenants.variables = 'placeholder'));
      const made = await planOne(dir, 'placeholders', main.url, fresh.url, policy);
      const result = await apply(fresh.url, made);
      const placeholder = made.plan.policy.content.variables.placeholder;
      expect(await tenantValues(fresh.api, 'Gov Agency B')).toEqual({ 'OctoFX/Production/Tenant.Site.Url': placeholder });
      expect(result.cleanup.filter((c) => c.operation === 'tenantVariables/Gov Agency B').map((c) => c.field)).toEqual(["project 'OctoFX' (Production) 'Tenant.Site.Url'"]);
      expectNoChanges((await planOne(dir, 'placeholders-again', main.url, fresh.url, policy)).plan);
    } finally {
      await main.close();
      await fresh.close();
    }
  });
});
