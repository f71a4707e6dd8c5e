import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { withSimulator } from '../helpers/simulator.js';
import { workDir } from '../helpers/sync.js';
import {
  apply, connection, decisionsOf, defaultSpace, derivedPolicy, editProcess, editVariables, environments, examplePolicyFile, expectNoChanges,
  lifecycle, list, names, neverSynced, octosync, planAll, processOf, rename, scriptStep, secret, stepNames, storedValues, target, tenantLinks,
  valuesOf, worker,
} from './helpers.js';

/**
 * One source feeding a Production instance per region (EU and US), under examples/production-per-region.yaml:
 * every region planned at once (one plan each), the source's changes arriving everywhere, each region's own
 * values, targets, tenants and steps staying as they are.
 */

const POLICY = 'production-per-region.yaml';
const source = defaultSpace({
  environments: environments('Development', 'Test', 'Staging', 'Production'),
  lifecycles: [lifecycle(['Development', 'Test', 'Staging', 'Production'])],
  projectgroups: [{ Name: 'Web Apps' }],
  machines: [target('main-web-01', 'web-server', 'Production'), target('main-sql-01', 'SQL-Server', 'Production')],
  projects: [{
    Name: 'OctoFX',
    ProjectGroupId: 'Web Apps',
    LifecycleId: 'Default Lifecycle',
    $deploymentProcess: {
      Steps: [scriptStep('Deploy database', {}, 'SQL-Server'), scriptStep('Deploy web app', {}, 'web-server'), scriptStep('Run smoke tests', { Environments: ['Test', 'Staging', 'Production'] })],
    },
    $variables: [
      { Name: 'Database.Server', Value: 'sql.main.example', Scope: { Environment: ['Production'] } },
      { Name: 'Database.Server', Value: 'sql-staging.main.example', Scope: { Environment: ['Staging'] } },
      { Name: 'Database.Server', Value: 'sql-dev.main.example', Scope: { Environment: ['Development', 'Test'] } },
      { Name: 'Cdn.Host', Value: 'cdn.octofx.example' },
      { Name: 'Log.Level', Value: 'Information' },
      { Name: 'Warmup.Url', Value: 'https://main-web-01/warmup', Scope: { Machine: ['main-web-01'] } },
      { Name: 'DbPassword', Value: secret('MainDbPassword'), Type: 'Sensitive', IsSensitive: true, Scope: { Environment: ['Production'] } },
    ],
  }],
  tenants: [{ Name: 'Internal', ProjectEnvironments: { OctoFX: ['Development', 'Test', 'Staging', 'Production'] } }],
  releases: [{ ProjectId: 'OctoFX', Version: '3.1.0', $deployments: [{ EnvironmentId: 'Production' }] }],
});

/** What every region has: Staging and Production, and a lifecycle through them. */
const region = (collections: Record<string, Record<string, any>[]>) => defaultSpace({ environments: environments('Staging', 'Production'), lifecycles: [lifecycle(['Staging', 'Production'])], ...collections });

/** The EU region has run OctoFX for a while: its own values, a step of its own, a tenant, releases. */
const eu = region({
  projectgroups: [{ Name: 'Web Apps' }],
  machines: [target('eu-web-01', 'web-server', 'Production'), target('eu-sql-01', 'SQL-Server', 'Production'), target('eu-web-stg-01', 'web-server', 'Staging')],
  workers: [worker('eu-worker-01')],
  projects: [{
    Name: 'OctoFX',
    ProjectGroupId: 'Web Apps',
    LifecycleId: 'Default Lifecycle',
    TenantedDeploymentMode: 'TenantedOrUntenanted',
    $deploymentProcess: { Steps: [scriptStep('Deploy database', {}, 'SQL-Server'), scriptStep('Deploy web app', {}, 'web-server'), scriptStep('Purge EU CDN')] },
    $variables: [
      { Name: 'Database.Server', Value: 'sql.eu.example', Scope: { Environment: ['Production'] } },
      { Name: 'Cdn.Host', Value: 'cdn.eu.octofx.example' },
      { Name: 'Region.Name', Value: 'eu-west-1' },
      { Name: 'Cache.Size', Value: '4096', Scope: { Machine: ['eu-web-01'] } },
      { Name: 'DbPassword', Value: secret('EuDbPassword'), Type: 'Sensitive', IsSensitive: true, Scope: { Environment: ['Production'] } },
    ],
  }],
  tenants: [{ Name: 'Acme GmbH', ProjectEnvironments: { OctoFX: ['Production'] } }],
  releases: [{ ProjectId: 'OctoFX', Version: '3.0.0', $deployments: [{ EnvironmentId: 'Staging' }, { EnvironmentId: 'Production' }] }],
});

/** The US region is new: targets and a worker, nothing else yet. */
const us = region({ machines: [target('us-web-01', 'web-server', 'Production'), target('us-sql-01', 'SQL-Server', 'Production')], workers: [worker('us-worker-01')] });

describe('use case 3: one source feeding a Production instance per region', () => {
  let src: Awaited<ReturnType<typeof withSimulator>>;
  const regions: Record<'eu' | 'us', Awaited<ReturnType<typeof withSimulator>>> = {} as any;
  let dir: string;
  const octofx = { project: 'OctoFX' };
  const urls = () => ({ eu: regions.eu.url, us: regions.us.url });

  beforeAll(async () => {
    src = await withSimulator({ seed: source });
    regions.eu = await withSimulator({ seed: eu });
    regions.us = await withSimulator({ seed: us });
    dir = workDir();
  });
  afterAll(async () => {
    await Promise.all([src.close(), regions.eu.close(), regions.us.close()]);
  });

  /** `octosync snapshot` of the source and both regions, then one `octosync plan` for both. */
  async function cliPlan(name: string): Promise<{ code: number; stderr: string; plans: Record<'eu' | 'us', string> }> {
    const files = { source: join(dir, `${name}-main.json`), eu: join(dir, `${name}-eu`, 'eu.json'), us: join(dir, `${name}-us`, 'us.json') };
    for (const [file, url] of [[files.source, src.url], [files.eu, regions.eu.url], [files.us, regions.us.url]]) {
      expect((await octosync('snapshot', ...connection(url), '--out', file)).code).toBe(0);
    }
    const out = join(dir, name);
    const r = await octosync('plan', '--source', files.source, '--destination', files.eu, '--destination', files.us, '--policy', examplePolicyFile(POLICY), '--out', out, '--detailed-exitcode', '--quiet');
    return { code: r.code, stderr: r.stderr, plans: { eu: join(out, 'eu.plan.json'), us: join(out, 'us.plan.json') } };
  }

  it('first sync with the CLI: one plan per region from one command, each applied to its region, then no changes', async () => {
    const before = { eu: await neverSynced(regions.eu.api), us: await neverSynced(regions.us.api) };
    const first = await cliPlan('first');
    expect(first.code).toBe(2);
    // The summary lists every destination with its counts and plan file.
    expect(first.stderr).toMatch(/eu\.json: \d+ to create, \d+ to update, \d+ skipped, \d+ unchanged; plan saved to .*eu\.plan\.json/);
    expect(first.stderr).toMatch(/us\.json: \d+ to create, \d+ to update, \d+ skipped, \d+ unchanged; plan saved to .*us\.plan\.json/);
    expect(existsSync(first.plans.eu) && existsSync(first.plans.us)).toBe(true);
    for (const region of ['eu', 'us'] as const) {
      expect((await octosync('apply', first.plans[region], ...connection(regions[region].url))).code).toBe(0);
    }
    const again = await cliPlan('again');
    expect(again.stderr).toMatch(/eu\.json: 0 to create, 0 to update/);
    expect(again.stderr).toMatch(/us\.json: 0 to create, 0 to update/);
    expect(again.code).toBe(0);
    expect({ eu: await neverSynced(regions.eu.api), us: await neverSynced(regions.us.api) }).toEqual(before);
  });

  it('each region after the first sync: the source\'s process and new values, the region\'s own values, steps and tenants kept', async () => {
    const { eu: euApi, us: usApi } = { eu: regions.eu.api, us: regions.us.api };
    expect(stepNames(await processOf(euApi, 'OctoFX'))).toEqual(['Deploy database', 'Deploy web app', 'Purge EU CDN', 'Run smoke tests']);
    expect(stepNames(await processOf(usApi, 'OctoFX'))).toEqual(['Deploy database', 'Deploy web app', 'Run smoke tests']);
    // EU: its values stay (overwrite: never); the source's Staging value was new there, so it arrived.
    expect(await valuesOf(euApi, octofx, 'Database.Server')).toEqual(['sql-staging.main.example @ Environment: Staging', 'sql.eu.example @ Environment: Production']);
    expect(await valuesOf(euApi, octofx, 'Cdn.Host')).toEqual(['cdn.eu.octofx.example @ unscoped']);
    expect(await valuesOf(euApi, octofx, 'Region.Name')).toEqual(['eu-west-1 @ unscoped']);
    expect(await valuesOf(euApi, octofx, 'Cache.Size')).toEqual(['4096 @ Machine: eu-web-01']);
    expect(storedValues(regions.eu, 'OctoFX', 'DbPassword')).toEqual([secret('EuDbPassword')]);
    // US: a first copy of everything, the secret as a placeholder.
    expect(await valuesOf(usApi, octofx, 'Database.Server')).toEqual(['sql-staging.main.example @ Environment: Staging', 'sql.main.example @ Environment: Production']);
    expect(await valuesOf(usApi, octofx, 'Cdn.Host')).toEqual(['cdn.octofx.example @ unscoped']);
    expect(storedValues(regions.us, 'OctoFX', 'DbPassword')).toEqual(['REPLACE ME (octosync placeholder)']);
    for (const api of [euApi, usApi]) {
      expect(await valuesOf(api, octofx, 'Log.Level')).toEqual(['Information @ unscoped']);
      expect(await valuesOf(api, octofx, 'Warmup.Url')).toEqual([]); // scoped to a target of the main instance
      expect(names(await list(api, 'environments'))).toEqual(['Production', 'Staging']);
    }
    // Tenants are each region's own: the source's Internal goes nowhere, EU's Acme GmbH stays.
    expect(await tenantLinks(euApi)).toEqual({ 'Acme GmbH': { OctoFX: ['Production'] } });
    expect(await tenantLinks(usApi)).toEqual({});
  });

  it('a recurring sync after changes on the source reaches every region and overwrites none of their values', async () => {
    // The US team sets its region's values now that the project is there.
    await editVariables(regions.us.api, octofx, (vars) => vars.map((v) => {
      if (v.Name === 'Database.Server' && v.Value === 'sql.main.example') return { ...v, Value: 'sql.us.example' };
      if (v.Name === 'Cdn.Host') return { ...v, Value: 'cdn.us.octofx.example' };
      return v;
    }));
    const untouched = { eu: await neverSynced(regions.eu.api), us: await neverSynced(regions.us.api) };

    await editProcess(src.api, 'OctoFX', (p) => {
      p.Steps.splice(2, 0, scriptStep('Warm up cache', {}, 'web-server'));
    });
    await editVariables(src.api, octofx, (vars) => [
      ...vars.map((v) => {
        if (v.Name === 'Log.Level') return { ...v, Scope: { Environment: ['Staging', 'Production'] } };
        if (v.Name === 'Database.Server' && v.Value === 'sql.main.example') return { ...v, Value: 'sql2.main.example' };
        return v;
      }),
      { Name: 'Feature.Search', Value: 'elastic' },
      { Name: 'Search.ApiKey', Value: secret('SearchKey'), Type: 'Sensitive', IsSensitive: true },
    ]);
    await rename(src.api, 'environments', 'Production', 'Live');

    const policy = derivedPolicy(dir, POLICY, 'renamed', (p) => (p.environments.map.Live = 'Production'));
    const made = await planAll(dir, 'recurring', src.url, urls(), policy);
    for (const region of ['eu', 'us'] as const) {
      const plan = made[region].plan;
      expect(plan.operations.filter((o) => o.action !== 'skip').map((o) => `${o.action} ${o.id}`)).toEqual(['update deploymentProcess/OctoFX', 'update projectVariables/OctoFX']);
      expect(decisionsOf(plan, 'projectVariables/OctoFX')).toEqual(expect.arrayContaining([
        "create variable 'Feature.Search' (unscoped)",
        "update variable 'Log.Level' (Environment: Live, Staging)",
        "create variable 'Search.ApiKey' (unscoped) (sensitive)",
        "keep variable 'Database.Server' (Environment: Live)",
      ]));
      await apply(regions[region].url, made[region]);
    }

    for (const region of ['eu', 'us'] as const) {
      const api = regions[region].api;
      // EU's own step stays right after the step it followed there.
      expect(stepNames(await processOf(api, 'OctoFX'))).toEqual(
        region === 'eu' ? ['Deploy database', 'Deploy web app', 'Purge EU CDN', 'Warm up cache', 'Run smoke tests'] : ['Deploy database', 'Deploy web app', 'Warm up cache', 'Run smoke tests'],
      );
      expect(await valuesOf(api, octofx, 'Log.Level')).toEqual(['Information @ Environment: Production, Staging']);
      expect(await valuesOf(api, octofx, 'Feature.Search')).toEqual(['elastic @ unscoped']);
      expect(await valuesOf(api, octofx, 'Search.ApiKey')).toEqual(['(sensitive) @ unscoped']);
      expect(storedValues(regions[region], 'OctoFX', 'Search.ApiKey')).toEqual(['REPLACE ME (octosync placeholder)']);
      expect(await neverSynced(api)).toEqual(untouched[region]);
    }
    // The regions' own values: not overwritten by the source's new Production value.
    expect(await valuesOf(regions.eu.api, octofx, 'Database.Server')).toEqual(['sql-staging.main.example @ Environment: Staging', 'sql.eu.example @ Environment: Production']);
    expect(await valuesOf(regions.us.api, octofx, 'Database.Server')).toEqual(['sql-staging.main.example @ Environment: Staging', 'sql.us.example @ Environment: Production']);
    expect(await valuesOf(regions.eu.api, octofx, 'Cdn.Host')).toEqual(['cdn.eu.octofx.example @ unscoped']);
    expect(await valuesOf(regions.us.api, octofx, 'Cdn.Host')).toEqual(['cdn.us.octofx.example @ unscoped']);
    expect(await valuesOf(regions.eu.api, octofx, 'Region.Name')).toEqual(['eu-west-1 @ unscoped']);
    expect(await valuesOf(regions.eu.api, octofx, 'Cache.Size')).toEqual(['4096 @ Machine: eu-web-01']);
    expect(storedValues(regions.eu, 'OctoFX', 'DbPassword')).toEqual([secret('EuDbPassword')]);
    expect(await tenantLinks(regions.eu.api)).toEqual({ 'Acme GmbH': { OctoFX: ['Production'] } });

    const converged = await planAll(dir, 'converged', src.url, urls(), policy);
    expectNoChanges(converged.eu.plan);
    expectNoChanges(converged.us.plan);
  });
});
