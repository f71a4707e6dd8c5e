import type { KindName } from '../registry/kinds.js';
import { escapeToken } from '../util/pointer.js';
import type { Operation, Plan } from './types.js';

/** An operation's stable id: kind and names, `/`-separated, names escaped as JSON pointer tokens. */
export function operationId(kind: KindName, keyPath: string[]): string {
  return [kind, ...keyPath.map(escapeToken)].join('/');
}

const LATE = '#references';

/** The id of the operation that sets an item's late references (to items the plan creates after it). */
export function lateReferencesId(id: string): string {
  return id + LATE;
}

/**
 * The fingerprints an operation's item may have once it is done: its own result, or its late-reference
 * operation's (which completes the same item after it, so a re-run may find that one already there).
 */
export function doneFingerprints(op: Operation, byId: ReadonlyMap<string, Operation>): string[] {
  return [op.result, byId.get(lateReferencesId(op.id))?.result].filter((r): r is string => !!r);
}

/**
 * A late-reference operation: sets references to items the plan creates after the item itself. Told by its
 * `lateReferencesOf` field alone (plans of format 1, which may lack it, are refused when read).
 */
export function isLateReferences(op: Operation): boolean {
  return op.lateReferencesOf !== undefined;
}

/** Anything for apply to write: creates, updates, or late reference updates (which the counts leave out). */
export function hasChanges(plan: Plan): boolean {
  return plan.counts.create + plan.counts.update > 0 || plan.operations.some((o) => isLateReferences(o) || o.action === 'delete');
}
