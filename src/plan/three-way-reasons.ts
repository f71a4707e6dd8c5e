import type { ReasonCode } from '../plan-format/reasons.js';

/** The reasons of three-way decisions (issue 18), in one place, each with its machine reason code (THREE_WAY_CODES). */
export const THREE_WAY_REASONS = {
  drift: 'edited on the destination since the last sync, unchanged on the source: the destination\'s edit is kept (drift)',
  unchangedSinceSync: 'unchanged on both sides since the last sync, which left the destination\'s as it is: still kept',
  deletedOnDestination: 'deleted on the destination since the last sync, unchanged on the source: not created again (drift)',
  conflictSourceWins: 'changed on the source and edited on the destination since the last sync: the source\'s wins (conflicts: source-wins)',
  conflictDestinationWins: 'changed on the source and edited on the destination since the last sync: the destination\'s is kept (conflicts: destination-wins)',
  conflictUnresolved: 'changed on the source and edited on the destination since the last sync: a conflict (conflicts: fail)',
  sourceChanged: 'changed on the source since the last sync, not edited on the destination: overwritten (variables.overwrite: unless-edited-on-destination)',
  keptUnlessEdited: 'different on the destination, and not changed on the source since the last sync (or no baseline): left alone (variables.overwrite: unless-edited-on-destination)',
  deletionReported: 'deleted on the source since the last sync, untouched on the destination: left in place (deletions: report)',
  deletionPropagated: 'deleted on the source since the last sync, untouched on the destination: deleted (deletions: propagate)',
  deletionRefusedEdited: 'deleted on the source since the last sync, but edited on the destination since: not deleted',
  deletionRefusedSensitive: 'deleted on the source since the last sync, but the destination holds a sensitive value of it: never deleted',
  deletionRefusedDefaultChannel: 'deleted on the source since the last sync, but it is the project\'s default channel on the destination, which Octopus does not delete: not deleted',
  deletionRefusedFilter: 'deleted on the source since the last sync, but the policy\'s filters do not select it: not deleted',
} as const;

export type ThreeWayReason = keyof typeof THREE_WAY_REASONS;

/** The machine reason code of each three-way reason (src/plan-format/reasons.ts lists them with the others). */
export const THREE_WAY_CODES = {
  drift: 'drift',
  unchangedSinceSync: 'unchanged-since-sync',
  deletedOnDestination: 'deleted-on-destination',
  conflictSourceWins: 'conflict-source-wins',
  conflictDestinationWins: 'conflict-destination-wins',
  conflictUnresolved: 'conflict-unresolved',
  sourceChanged: 'source-changed',
  keptUnlessEdited: 'kept-unless-edited',
  deletionReported: 'deletion-reported',
  deletionPropagated: 'deletion-propagated',
  deletionRefusedEdited: 'deletion-refused-edited',
  deletionRefusedSensitive: 'deletion-refused-sensitive',
  deletionRefusedDefaultChannel: 'deletion-refused-default-channel',
  deletionRefusedFilter: 'deletion-refused-filter',
} as const satisfies Record<ThreeWayReason, ReasonCode>;

/** A three-way reason as a plan records it: its prose and its code. */
export function threeWayReason(why: ThreeWayReason): { reason: string; reasonCode: ReasonCode } {
  return { reason: THREE_WAY_REASONS[why], reasonCode: THREE_WAY_CODES[why] };
}
