import { existsSync } from 'node:fs';
import { InputFileError } from '../errors.js';
import type { DestinationState } from '../apply/destination.js';
import { lateReferencesId, operationId } from '../plan-format/operations.js';
import type { Plan } from '../plan-format/types.js';
import { toKeyed } from '../registry/keyed.js';
import { snapshotFingerprint } from '../plan/planner.js';
import { Selection } from '../plan/selection.js';
import { KINDS, type KindName } from '../registry/kinds.js';
import { ancestors } from '../plan/three-way-deletes.js';
import { readSnapshotFile } from '../snapshot/file.js';
import type { Snapshot } from '../snapshot/types.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { canonicalJson } from '../util/canonical.js';
import { TOOL_VERSION } from '../version.js';
import { elementPrints } from './elements.js';
import { readBaselineFile } from './read.js';
import { BASELINE_FORMAT_VERSION, type Baseline, type BaselineItem } from './types.js';

export interface BaselineFiles {
  /** The baseline to write (and to merge into, when it exists). */
  file: string;
  /** The source snapshot the plan was made from. */
  sourceFile: string;
}

/** Where apply writes the baseline when `--baseline` names no file: beside the plan, `plan.json` → `plan.baseline.json`. */
export function defaultBaselineFile(planFile: string): string {
  return `${planFile.replace(/\.json$/i, '')}.baseline.json`;
}

/** Where apply looks for the plan's source snapshot when `--source` is not given: a live plan's `plan.source.json`. */
export function defaultSourceFile(planFile: string): string {
  return `${planFile.replace(/\.json$/i, '')}.source.json`;
}

/**
 * Checked before apply writes anything: the source snapshot is the one the plan was made from, and an
 * existing baseline is one for this destination. Returns what records the baseline once the run ends.
 */
export function prepareBaseline(files: BaselineFiles, plan: Plan): BaselineRecorder {
  if (!existsSync(files.sourceFile)) {
    throw new InputFileError(files.sourceFile, 'not found: apply --baseline needs the source snapshot the plan was made from (--source FILE)');
  }
  const source = readSnapshotFile(files.sourceFile);
  if (snapshotFingerprint(source) !== plan.source.snapshotFingerprint) {
    throw new InputFileError(files.sourceFile, `/resources: not the source snapshot this plan was made from (its fingerprint differs from the plan's /source/snapshotFingerprint); nothing was written`);
  }
  const previous = existsSync(files.file) ? readBaselineFile(files.file) : undefined;
  if (previous && (previous.destination.url !== plan.destination.url || previous.destination.space !== plan.destination.space)) {
    throw new InputFileError(
      files.file,
      `/destination: this baseline is of ${previous.destination.url} (space '${previous.destination.space}'), not this plan's ${plan.destination.url} (space '${plan.destination.space}'); nothing was written`,
    );
  }
  return new BaselineRecorder(files.file, plan, source, previous);
}

/**
 * Records, once apply has run, the items the plan covered: the source's content and the destination's
 * prints as written. An item is recorded only when each of its operations finished (in this run or an
 * earlier one); others keep what the previous baseline said of them, so a partial apply moves the baseline
 * only as far as it got.
 */
export class BaselineRecorder {
  constructor(
    readonly file: string,
    private readonly plan: Plan,
    private readonly source: Snapshot,
    private readonly previous: Baseline | undefined,
  ) {}

  /** `done`: whether an operation of the plan is finished. `deleted`: items this run deleted (gone from the baseline). */
  record(dest: DestinationState, done: (id: string) => boolean, deleted: { kind: KindName; keyPath: string[] }[] = []): Baseline {
    const items = new Map<string, BaselineItem>();
    const key = (kind: string, keyPath: string[]) => JSON.stringify([kind, keyPath]);
    for (const item of this.previous?.items ?? []) items.set(key(item.kind, item.keyPath), item);
    // A deleted item takes what lived in it (a project its channels, process, variables) out of the baseline too.
    const gone = new Set(deleted.map((d) => key(d.kind, d.keyPath)));
    for (const [k, item] of items) {
      if (gone.has(k) || ancestors(item.kind, item.keyPath).some(([kind, path]) => gone.has(key(kind, path)))) items.delete(k);
    }
    const policy = this.plan.policy.content;
    const ops = new Map(this.plan.operations.filter((o) => o.action !== 'skip').map((o) => [o.id, o]));
    const selection = new Selection(this.source, policy);
    for (const def of KINDS) {
      if (def.syncClass === 'never' || def.syncClass === 'environment') continue;
      if (def.kind === 'tenantVariables' && policy.tenants.variables === 'skip') continue;
      for (const { keyPath, item } of selection.items(def.kind)) {
        const id = operationId(def.kind, keyPath);
        if ([id, lateReferencesId(id)].some((o) => ops.has(o) && !done(o))) continue;
        const doc = dest.rawDoc(def.kind, keyPath);
        if (!doc) continue;
        const written = dest.normalize(def.kind, keyPath, doc);
        items.set(key(def.kind, keyPath), {
          kind: def.kind,
          keyPath,
          source: item.content,
          destination: { fingerprint: written.meta.fingerprint, elements: elementPrints(def.kind, toKeyed(def.kind, written.content)) },
        });
      }
    }
    const order = new Map(KINDS.map((k, i) => [k.kind as string, i]));
    const sorted = [...items.entries()].sort(([a, x], [b, y]) => order.get(x.kind)! - order.get(y.kind)! || (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
    const baseline: Baseline = {
      formatVersion: BASELINE_FORMAT_VERSION,
      tool: { name: 'octosync', version: TOOL_VERSION },
      source: { url: this.plan.source.url, space: this.plan.source.space, snapshotFingerprint: this.plan.source.snapshotFingerprint },
      destination: { url: this.plan.destination.url, space: this.plan.destination.space },
      items: sorted,
    };
    writeFileAtomic(this.file, canonicalJson(baseline));
    return baseline;
  }
}
