import type { Operation, Plan } from './plan-types.js';

/** A late-reference operation: sets references to items the plan creates after the item itself. */
export function isLateReferences(op: Operation): boolean {
  return op.id.endsWith('#references');
}

/** Anything for apply to write: creates, updates, or late reference updates (which the counts leave out). */
export function hasChanges(plan: Plan): boolean {
  return plan.counts.create + plan.counts.update > 0 || plan.operations.some(isLateReferences);
}
