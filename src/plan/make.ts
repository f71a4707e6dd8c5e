import { basename, join } from 'node:path';
import { UsageError } from '../errors.js';
import { readSnapshotFile } from '../snapshot/file.js';
import { writePlanFile } from '../plan-format/file.js';
import { createPlan } from './planner.js';
import type { Plan } from '../plan-format/types.js';
import { defaultPolicy, readPolicyFile, type Policy } from './policy.js';

export interface MakePlansOptions {
  source: string;
  destinations: string[];
  policy?: string;
  /** A file for one destination; a directory for several (one `<destination>.plan.json` each). */
  out: string;
  now?: () => Date;
}

export interface MadePlan {
  destinationFile: string;
  planFile: string;
  plan: Plan;
}

/** `octosync plan`: files in, files out, no network. One plan per destination, all under the same policy. */
export function makePlans(options: MakePlansOptions): MadePlan[] {
  if (options.destinations.length === 0) throw new UsageError('name at least one --destination snapshot');
  const policy: Policy = options.policy ? readPolicyFile(options.policy) : defaultPolicy();
  const source = readSnapshotFile(options.source);
  const createdAt = (options.now?.() ?? new Date()).toISOString();
  const several = options.destinations.length > 1;
  const outFiles = options.destinations.map((d) => (several ? join(options.out, `${basename(d).replace(/\.json$/i, '')}.plan.json`) : options.out));
  if (new Set(outFiles).size !== outFiles.length) throw new UsageError('two destination snapshots have the same file name; their plans would overwrite each other');
  // Read and plan everything before writing anything: a bad destination leaves no plan half-written.
  const made = options.destinations.map((file, i) => ({
    destinationFile: file,
    planFile: outFiles[i],
    plan: createPlan({ source, destination: readSnapshotFile(file), policy, createdAt }),
  }));
  for (const m of made) writePlanFile(m.planFile, m.plan);
  return made;
}

