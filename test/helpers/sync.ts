import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApplyResult } from '../../src/apply/apply.js';
import { applyPlanFile, type ApplyFileOptions } from '../../src/cli/commands/apply-files.js';
import { makePlans } from '../../src/plan/make.js';
import type { Plan } from '../../src/plan-format/types.js';
import { writeSnapshotFile } from '../../src/snapshot/file.js';
import { takeSnapshot } from '../../src/snapshot/take.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { API_KEY } from './simulator.js';

export { workDir } from './workdir.js';

/** `octosync snapshot` of a simulator's default space into `file`. */
export async function snapshotTo(url: string, file: string, key = API_KEY): Promise<Snapshot> {
  const { snapshot } = await takeSnapshot({ server: url, apiKey: key, space: 'Default' });
  writeSnapshotFile(file, snapshot);
  return snapshot;
}

/** Snapshots both sides and plans: returns the plan and its file. */
export async function planSync(dir: string, sourceUrl: string, destUrl: string, policy?: unknown, name = 'plan'): Promise<{ plan: Plan; file: string }> {
  const src = join(dir, `${name}-source.json`);
  const dst = join(dir, `${name}-destination.json`);
  await snapshotTo(sourceUrl, src);
  await snapshotTo(destUrl, dst);
  let policyFile: string | undefined;
  if (policy) {
    policyFile = join(dir, `${name}-policy.json`);
    writeFileSync(policyFile, JSON.stringify(policy));
  }
  const out = join(dir, `${name}.json`);
  const [made] = makePlans({ source: src, destinations: [dst], policy: policyFile, out });
  return { plan: made.plan, file: out };
}

export function applyTo(destUrl: string, planFile: string, extra: Partial<ApplyFileOptions> = {}): Promise<ApplyResult> {
  return applyPlanFile({ server: destUrl, apiKey: API_KEY, space: 'Default', planFile, ...extra });
}
