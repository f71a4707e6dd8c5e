import { afterEach } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApplyResult } from '../../src/apply/types.js';
import { applyPlanFile, type ApplyFileOptions } from '../../src/cli/commands/apply-files.js';
import { makePlans } from '../../src/plan/make.js';
import type { Plan } from '../../src/plan-format/types.js';
import type { SeedFile } from '../../src/simulator/seed.js';
import { API_KEY, withSimulator } from '../helpers/simulator.js';
import { snapshotTo } from '../helpers/sync.js';
import { defaultSpace, environments, lifecycle, scriptStep } from '../usecases/helpers.js';

/**
 * Issue 18's tests: a sync is snapshot, plan (with or without a baseline), apply writing the baseline; the
 * destination is edited through its REST API in between, as an operator would.
 */

export const BASELINE = 'baseline.json';

export interface Round {
  plan: Plan;
  planFile: string;
  sourceFile: string;
}

/** Snapshots both sides into `dir` and plans, with the baseline when `baseline` names a file. */
export async function planRound(dir: string, name: string, srcUrl: string, dstUrl: string, policy: Record<string, unknown> | undefined, baseline?: string): Promise<Round> {
  const sourceFile = join(dir, `${name}.source.json`);
  const destinationFile = join(dir, `${name}.destination.json`);
  await snapshotTo(srcUrl, sourceFile);
  await snapshotTo(dstUrl, destinationFile);
  let policyFile: string | undefined;
  if (policy) {
    policyFile = join(dir, `${name}.policy.json`);
    writeFileSync(policyFile, JSON.stringify(policy));
  }
  const planFile = join(dir, `${name}.json`);
  const [made] = makePlans({ source: sourceFile, destinations: [destinationFile], policy: policyFile, out: planFile, ...(baseline ? { baseline } : {}) });
  return { plan: made.plan, planFile, sourceFile };
}

/** Applies a round's plan and writes (merges into) the baseline at `baseline`. */
export function applyRound(dstUrl: string, round: Round, baseline: string, extra: Partial<ApplyFileOptions> = {}): Promise<ApplyResult> {
  return applyPlanFile({ server: dstUrl, apiKey: API_KEY, space: 'Default', planFile: round.planFile, baseline: { file: baseline, sourceFile: round.sourceFile }, ...extra });
}

/** The guide's first table (the source before its change). */
export const GUIDE_BEFORE = [
  { Name: 'Application.Database.Name', Value: 'OctoFx-Dev', Scope: { Environment: ['Development'] } },
  { Name: 'Application.Database.Name', Value: 'OctoFX-Test', Scope: { Environment: ['Test'] } },
  { Name: 'ConnectionString', Value: 'Database=#{Application.Database.Name}' },
];
/** The guide's "To this" table (the source after its change). Vendored from the guide's "Variable Scoping" section. */
export const GUIDE_AFTER = [
  { Name: 'Application.Database.Name', Value: 'OctoFx-#{Octopus.Environment.Name}' },
  { Name: 'ConnectionString', Value: 'Database=#{Application.Database.Name}', Scope: { Role: ['SQL-Server'] } },
  { Name: 'ConnectionString', Value: 'Data Source=#{Application.Database.Name}', Scope: { Role: ['Oracle'] } },
];

/** One space with the project OctoFX: its variables, steps, channels and runbooks as given. */
export function space(
  envs: string[],
  o: { variables?: unknown[]; steps?: unknown[]; channels?: string[]; runbooks?: string[]; projects?: string[]; tenants?: Record<string, string[]> } = {},
): SeedFile {
  const project = (Name: string) => ({
    Name,
    ProjectGroupId: 'Web Apps',
    LifecycleId: 'Default Lifecycle',
    TenantedDeploymentMode: 'TenantedOrUntenanted',
    ...(Name === 'OctoFX'
      ? {
          $variables: o.variables ?? [],
          $deploymentProcess: { Steps: o.steps ?? [] },
          $channels: (o.channels ?? []).map((c) => ({ Name: c })),
          $runbooks: (o.runbooks ?? []).map((r) => ({ Name: r, $process: { Steps: [scriptStep(`${r} step`)] } })),
        }
      : {}),
  });
  return defaultSpace({
    environments: environments(...envs),
    lifecycles: [lifecycle(envs)],
    projectgroups: [{ Name: 'Web Apps' }],
    projects: ['OctoFX', ...(o.projects ?? [])].map(project),
    // Tenants by name, each linked to the named projects in every environment.
    tenants: Object.entries(o.tenants ?? {}).map(([Name, linked]) => ({ Name, ProjectEnvironments: Object.fromEntries(linked.map((p) => [p, envs])) })),
  });
}

export { scriptStep };

/** Apply options under which every write after the `n`th fails with a 500 (no retries, one at a time): a partial apply. */
export function writesFailAfter(sim: { faults: { configure(o: Record<string, unknown>): void } }, n: number): Partial<ApplyFileOptions> {
  let writes = 0;
  const onRequest: ApplyFileOptions['onRequest'] = (e) => {
    if (e.method !== 'GET' && ++writes === n) sim.faults.configure({ faultRate: 1, faultKinds: ['500'] });
  };
  return { retries: 0, parallelism: 1, onRequest };
}

export type Sim = Awaited<ReturnType<typeof withSimulator>>;

/** Starts simulators for a test file's tests, each closed after its test. */
export function simulators(): (options: Parameters<typeof withSimulator>[0]) => Promise<Sim> {
  let started: Sim[] = [];
  afterEach(async () => {
    await Promise.all(started.map((s) => s.close()));
    started = [];
  });
  return async (options) => {
    const s = await withSimulator(options);
    started.push(s);
    return s;
  };
}
