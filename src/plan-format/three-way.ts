/** What a plan made with a baseline (issue 18) records beside its operations: drift, conflicts, deletions. */
import type { KindName } from '../registry/kinds.js';
import type { ReasonCode } from './reasons.js';

/** An element edited on the destination since the last sync, kept. `element`: a JSON pointer into the keyed content ('' for the whole item). */
export interface DriftRecord {
  kind: KindName;
  keyPath: string[];
  element: string;
  /** Members of the element where the destination now differs from what the source would write. */
  fields: string[];
}

/** An element changed on both sides since the last sync, to different results; secrets masked. */
export interface ConflictRecord {
  kind: KindName;
  keyPath: string[];
  element: string;
  /** What the source would write (destination terms); absent when the source deleted it. */
  source?: unknown;
  /** What the destination holds now; absent when it was deleted there. */
  destination?: unknown;
  /** `source` / `destination`: which side the policy's `conflicts` chose; `unresolved` under `fail`. */
  resolution: 'source' | 'destination' | 'unresolved';
}

/** An item or element gone from the source since the last sync: deleted, reported, or refused with the reason. */
export interface DeletionRecord {
  kind: KindName;
  keyPath: string[];
  element: string;
  action: 'delete' | 'report' | 'refuse';
  reason: string;
  reasonCode: ReasonCode;
}

export interface ThreeWayRecords {
  /** sha256 of the baseline the plan was made against. */
  baseline: string;
  drift: DriftRecord[];
  conflicts: ConflictRecord[];
  deletions: DeletionRecord[];
}
