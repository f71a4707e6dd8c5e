import { basename, join } from 'node:path';
import { UsageError } from '../errors.js';
import { readSnapshotFile } from '../snapshot/file.js';
import type { Snapshot } from '../snapshot/types.js';
import { sortKeys } from '../util/canonical.js';
import { writePlanFile } from '../plan-format/file.js';
import { createPlan } from './planner.js';
import type { Plan } from '../plan-format/types.js';
import { defaultPolicy, readPolicyFile, type Policy } from './policy.js';
import { checkBaselineFor, loadBaseline } from '../baseline/read.js';
import { withBaselineDefaults } from './three-way.js';

/** A snapshot file, or one in memory already with the file it was written to (a live plan's). */
export type SnapshotInput = string | { file: string; snapshot: Snapshot };

export interface MakePlansOptions {
  source: SnapshotInput;
  destinations: SnapshotInput[];
  /** A policy file, or a policy read already; defaults apply without one. */
  policy?: string | Policy;
  /** A file for one destination; a directory for several (one `<destination>.plan.json` each). */
  out: string;
  now?: () => Date;
  /** The last apply's baseline (`apply --baseline`): a three-way plan (issue 18). One destination only. */
  baseline?: string;
}

export interface MadePlan {
  destinationFile: string;
  planFile: string;
  plan: Plan;
}

/** `octosync plan`: files in, files out, no network. One plan per destination, all under the same policy. */
export function makePlans(options: MakePlansOptions): MadePlan[] {
  if (options.destinations.length === 0) throw new UsageError('name at least one --destination snapshot');
  const read: Policy = typeof options.policy === 'string' ? readPolicyFile(options.policy) : (options.policy ?? defaultPolicy());
  const baseline = options.baseline !== undefined ? loadBaseline(options.baseline, options.destinations.length) : undefined;
  const policy = baseline ? withBaselineDefaults(read) : read;
  const source = load(options.source);
  const createdAt = (options.now?.() ?? new Date()).toISOString();
  const several = options.destinations.length > 1;
  const files = options.destinations.map(fileOf);
  const outFiles = files.map((d) => (several ? join(options.out, `${basename(d).replace(/\.json$/i, '')}.plan.json`) : options.out));
  if (new Set(outFiles).size !== outFiles.length) throw new UsageError('two destination snapshots have the same file name; their plans would overwrite each other');
  // Read and plan everything before writing anything: a bad destination leaves no plan half-written.
  const made = options.destinations.map((input, i) => ({
    destinationFile: files[i],
    planFile: outFiles[i],
    plan: createPlan({ source, destination: checkBaselineFor(options.baseline, baseline, load(input)), policy, createdAt, ...(baseline ? { baseline } : {}) }),
  }));
  for (const m of made) writePlanFile(m.planFile, m.plan);
  return made;
}

function fileOf(input: SnapshotInput): string {
  return typeof input === 'string' ? input : input.file;
}

/**
 * A snapshot as the planner sees it from its file: keys sorted, undefined members left out (what its canonical
 * JSON holds), so that a live plan is byte for byte the plan of the files it wrote.
 */
function load(input: SnapshotInput): Snapshot {
  return typeof input === 'string' ? readSnapshotFile(input) : sortKeys(input.snapshot);
}
