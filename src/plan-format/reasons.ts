/**
 * Reason codes: the machine-readable twin of every prose reason in a plan (an operation's `reasonCode`, a
 * decision's `reasonCode`). This table is the one source: the plan schema's `reasonCode` enum and the table in
 * docs/plan-format.md are tested against it. A new code is one line here (then the schema's enum and the docs).
 */
export const REASON_CODES = {
  // Operations: why an item is created, updated or skipped.
  'excluded-by-policy': 'a policy filter (`filters.<kind>.exclude`) excludes the item',
  'environment-created': 'an environment the destination lacks, created under `environments.create`',
  'destination-unread': 'the destination snapshot could not read the kind (its key lacked the permission)',
  'version-controlled': 'the item lives in git for a version-controlled project: not synced',
  'parent-skipped': 'the item\'s parent is skipped, so it has nothing to be written into',
  'needs-missing-item': 'the item needs something the destination will not have',
  'restriction-would-widen': 'every value of a scoped user role\'s restriction is dropped: an empty one would grant more',
  'tenant-links-lost': 'none of a new tenant\'s project links carries over',
  'lifecycle-phases-lost': 'none of a new lifecycle\'s phases has an environment on the destination',
  'certificate-unreadable': 'certificate data cannot be read from the source: import it by hand',
  'missing-on-destination': 'not on the destination: created',
  'missing-on-destination-by-name': 'not on the destination: created, its details then the destination\'s',
  'held-back': 'nothing to write: every source difference is held back (see the decisions)',
  'differs-must-match': 'differs from the source and must match it exactly',
  'lifecycle-phases-differ': 'phases differ (`lifecycles.syncPhases` is on)',
  'differs': 'differs from the source',
  'step-names-unavailable': 'its only differences name steps the destination\'s process will not have',
  'late-references': 'sets references to items this plan creates after the item',
  // Decisions: per field, step, value or element.
  'reference-dropped': 'a reference, tag or restriction value not on the destination, dropped from a list',
  'scope-mismatch-skip': 'a scope the destination lacks: skipped under the scope-mismatch policy',
  'scope-mismatch-leave-existing': 'a scope the destination lacks: the existing one left as it is (ignore-on-new-leave-existing)',
  'scope-value-dropped': 'part of a scope is not on the destination: dropped from the scope',
  'scope-untranslatable': 'scoped to a dimension octosync does not translate between instances',
  'environment-dropped': 'values for an environment the destination will not have (or the policy drops)',
  'step-needs-missing-item': 'a step needs something the destination will not have',
  'step-all-actions-skipped': 'every action of the source step was skipped: the destination step is left as it is',
  'step-matched': 'a step matched by name',
  'step-new': 'a step new on the source',
  'destination-only-removed': 'only on the destination: removed (`processes.destinationOnlySteps: remove`)',
  'destination-only-kept': 'only on the destination: kept',
  'template-version-own': 'a step template usage records the destination template\'s own version',
  'step-name-unavailable': 'names a step the destination\'s deployment process will not have',
  'phase-environments-lost': 'none of the phase\'s environments is on the destination',
  'version-controlled-kept': 'lives in git for a version-controlled project: left as the destination has it',
  'value-copied': 'not on the destination: copied',
  'value-placeholder': 'not on the destination: written as a placeholder',
  'sensitive-placeholder': 'a new sensitive value: written as a placeholder to fill in',
  'sensitive-kept': 'a sensitive value on the destination: never touched, nothing added or re-scoped beside it',
  'overwrite-never': 'set differently on the destination: left alone (`variables.overwrite: never`)',
  'overwrite-always': 'set differently on the destination: overwritten (`variables.overwrite: always`)',
  'value-duplicate': 'once translated, the same value and scope as another value, or as one already on the destination',
  'value-reference-missing': 'the value refers to an item (certificate, account, worker pool) the destination will not have',
  'details-follow-source': 'same value and scope: its description, prompt or editability follows the source',
  'scope-follows-source': 'same value: its scope follows the source',
  'scoped-common-unsupported': 'the destination has no environment-scoped common tenant variables',
  // Three-way plans (a baseline given): drift, conflicts and deletions (src/plan/three-way-reasons.ts).
  'drift': 'edited on the destination since the last sync, unchanged on the source: the destination\'s edit kept',
  'unchanged-since-sync': 'unchanged on both sides since the last sync, which left the destination\'s as it is: still kept',
  'deleted-on-destination': 'deleted on the destination since the last sync, unchanged on the source: not created again',
  'conflict-source-wins': 'changed on both sides since the last sync: the source\'s wins (`conflicts: source-wins`)',
  'conflict-destination-wins': 'changed on both sides since the last sync: the destination\'s kept (`conflicts: destination-wins`)',
  'conflict-unresolved': 'changed on both sides since the last sync: a conflict that stops the plan (`conflicts: fail`)',
  'source-changed': 'changed on the source since the last sync, not on the destination: overwritten (`unless-edited-on-destination`)',
  'kept-unless-edited': 'different on the destination, not changed on the source since the last sync: left alone (`unless-edited-on-destination`)',
  'deletion-reported': 'deleted on the source since the last sync, untouched on the destination: left in place (`deletions: report`)',
  'deletion-propagated': 'deleted on the source since the last sync, untouched on the destination: deleted (`deletions: propagate`)',
  'deletion-refused-edited': 'deleted on the source, but edited on the destination since the last sync: not deleted',
  'deletion-refused-sensitive': 'deleted on the source, but the destination holds a sensitive value of it: never deleted',
  'deletion-refused-default-channel': 'deleted on the source, but it is the project\'s default channel on the destination: not deleted',
  'deletion-refused-filter': 'deleted on the source, but the policy\'s filters do not select it: not deleted',
} as const;

export type ReasonCode = keyof typeof REASON_CODES;

/** Every code, in the table's order (the schema's enum lists them so). */
export const REASON_CODE_LIST = Object.keys(REASON_CODES) as ReasonCode[];

/** A prose reason with its code: what a planning step hands on. */
export interface Reason {
  code: ReasonCode;
  text: string;
}
