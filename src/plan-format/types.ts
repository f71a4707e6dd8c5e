import type { Operation as PatchOperation } from 'fast-json-patch';
import type { Policy } from '../plan/policy-types.js';
import type { KindName } from '../registry/kinds.js';
import type { ReasonCode } from './reasons.js';
import type { ThreeWayRecords } from './three-way.js';

/** 2: every reason has a `reasonCode`, every written operation its `sensitivePaths`, late references only by `lateReferencesOf`. */
export const PLAN_FORMAT_VERSION = 2;

/** `delete`: only in a plan made with a baseline under `deletions: propagate` (issue 18); apply runs deletes last. */
export type Action = 'create' | 'update' | 'skip' | 'delete';

/** Something a person must fill in after apply: a placeholder octosync wrote because it could not copy a secret. */
export interface CleanupEntry {
  /** Operation that writes the placeholder. */
  operation: string;
  kind: KindName;
  keyPath: string[];
  /** Where in the item: `variable 'DbPassword' (Environment: Production)`, `account secret Password`. */
  field: string;
  /** What to do: "set the sensitive value", "fill in the value copied as a placeholder". */
  instruction: string;
}

/** One decision within an item (a variable value, a step), with its reason: what reviewers read. */
export interface Decision {
  subject: string;
  action: 'create' | 'update' | 'skip' | 'keep' | 'remove';
  reason: string;
  /** The reason as a code (src/plan-format/reasons.ts). */
  reasonCode: ReasonCode;
}

export interface Operation {
  /** Stable id: kind and names, `/`-separated, names escaped as JSON pointer tokens (`~1` for `/`). */
  id: string;
  action: Action;
  kind: KindName;
  /** Names from the outermost parent down to the item. */
  keyPath: string[];
  dependsOn: string[];
  reason: string;
  /** The reason as a code (src/plan-format/reasons.ts). */
  reasonCode: ReasonCode;
  /** create: the full desired content (normalised, by name). */
  desired?: Record<string, unknown>;
  /** update: RFC 6902 patch against the destination's normalised content in keyed form. */
  patch?: PatchOperation[];
  /**
   * update: the destination item as it was when planned; apply refuses if it changed since. `fields` holds a
   * short hash per member (and per step or variable name), so a refusal can name what changed.
   */
  destination?: { id: string; fingerprint: string; version?: number; fields?: Record<string, string> };
  /** create/update: fingerprint of the item once applied; a re-run recognises finished operations by it. */
  result?: string;
  decisions?: Decision[];
  cleanup?: CleanupEntry[];
  /**
   * create/update: JSON pointers to the secrets this operation carries — into `desired` for a create, into the
   * patched (keyed) document for an update. Renderers mask what these name, and only that (src/util/sensitive.ts).
   */
  sensitivePaths?: string[];
  /**
   * A late-reference update: the id of the operation whose item it completes, setting its references to items
   * the plan creates after it. This field, not the id (`<id>#references`), says an operation is one.
   */
  lateReferencesOf?: string;
}

/** A source item and the destination item of the same name but for case, matched (keyPath: the source's names). */
export interface CaseMatch {
  kind: KindName;
  keyPath: string[];
  destinationName: string;
}

export interface PlanEndpoint {
  url: string;
  space: string;
  serverVersion: string;
  /** sha256 of the snapshot's resources and inventory (not its takenAt). */
  snapshotFingerprint: string;
}

export interface PlanCounts {
  create: number;
  update: number;
  skip: number;
  /** Items that already agree: no operation. */
  unchanged: number;
  /** With a baseline (issue 18): elements kept as edited on the destination, conflicts, deletions (records in `threeWay`). */
  drift?: number;
  conflicts?: number;
  deletions?: number;
}

export interface Plan {
  formatVersion: number;
  tool: { name: 'octosync'; version: string };
  createdAt: string;
  source: PlanEndpoint;
  destination: PlanEndpoint;
  policy: { hash: string; content: Policy };
  operations: Operation[];
  counts: PlanCounts;
  warnings: string[];
  /** Items matched although their names differ only in case (policy `names.caseOnly: adopt`). */
  caseMatches?: CaseMatch[];
  /** Made with a baseline (issue 18): the three-way records. */
  threeWay?: ThreeWayRecords;
  /** sha256 over `operations`: a hand-edited plan is refused. */
  checksum: string;
}
