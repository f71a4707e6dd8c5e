import { OctosyncError, StalePlanError, UsageError } from '../errors.js';
import type { OctopusClient } from '../octopus/client.js';
import { normaliseServerUrl } from '../octopus/url.js';
import { caseAliases } from '../plan-format/case-matches.js';
import { changedFields, fieldPrints } from '../plan-format/field-prints.js';
import { doneFingerprints, isLateReferences } from '../plan-format/operations.js';
import type { Operation, Plan } from '../plan-format/types.js';
import { kindDef } from '../registry/kinds.js';
import { isSpaceId } from '../snapshot/connect.js';
import type { RawDoc } from '../snapshot/read.js';
import { parseVersion } from '../util/version.js';
import { DestinationState } from './destination.js';
import { ApplyLocks } from './lock.js';
import type { LogSink } from './types.js';
import { parentCreatedByPlan } from './write.js';

/**
 * Everything apply checks before its first write: the plan is the approved one, made for this destination
 * and its Octopus version, and every item it touches is as it was when planned (or already as the plan
 * leaves it: a re-run). Nothing is written when a check fails.
 */

/** Whether an operation is still to do, already done (an earlier run), or no longer fits the destination. */
export type Status = 'pending' | 'done' | 'stale';

export interface Preflight {
  dest: DestinationState;
  /** The operations to run (skips left out), in the plan's order. */
  ops: Operation[];
  byId: Map<string, Operation>;
  status: Map<string, Status>;
}

/**
 * One apply at a time per plan (a lock beside its journal) and per destination from this machine; taken
 * before anything is opened. `dir`: the per-destination lock's folder (tests give each "machine" its own).
 */
export function takeApplyLocks(journalFile: string, server: string, space: string, planFile: string, dir?: string): ApplyLocks {
  return ApplyLocks.take([`${journalFile}.lock`, ApplyLocks.destinationLock(normaliseServerUrl(server), space, dir)], planFile);
}

/**
 * Reads the destination and checks the plan against it; throws (nothing written) when it does not fit.
 * `contents: false` (a plan with nothing to write, and no placeholders of earlier runs to report): only the
 * server and space are read, enough for every check such a plan has (destination, space, versions, the key's
 * permissions); the space's items are what the per-operation checks need, and there are none.
 */
export async function preflight(plan: Plan, client: OctopusClient, options: { space: string; source: string; contents?: boolean }, log: LogSink): Promise<Preflight> {
  const file = options.source;
  // A space given by id (`Spaces-1`) is compared by its name once read.
  checkDestination(file, plan, client.baseUrl, isSpaceId(options.space) ? undefined : options.space);
  const dest = await DestinationState.read(client, options.space, caseAliases(plan.caseMatches), options.contents ?? true);
  checkDestination(file, plan, client.baseUrl, dest.space.name);
  checkVersions(plan, dest.space.serverVersion);

  const ops = plan.operations.filter((o) => o.action !== 'skip');
  const byId = new Map(ops.map((o) => [o.id, o]));
  for (const op of ops) {
    if (op.kind === 'stepTemplate' && op.destination?.version !== undefined) {
      dest.plannedTemplates.set(op.keyPath[0], { version: op.destination.version, fingerprint: op.destination.fingerprint });
    }
  }
  const status = new Map<string, Status>();
  const stale: string[] = [];
  for (const op of ops) {
    const s = classify(op, byId, dest);
    status.set(op.id, s.status);
    if (s.status === 'stale') stale.push(s.why);
  }
  for (const op of plan.operations.filter((o) => o.action === 'skip')) log.decision(op.id, 'skip', op.reason);
  if (stale.length) {
    throw new StalePlanError(`the destination changed since this plan was made; nothing was written. Plan again.\n  ${stale.join('\n  ')}`);
  }
  return { dest, ops, byId, status };
}

/** `--expect-checksum`: the plan is the one the reviewer approved, not merely a plan with a valid checksum. */
export function checkApproved(file: string, plan: Plan, expected: string | undefined): void {
  if (expected === undefined) return;
  const want = expected.trim().toLowerCase();
  if (!/^sha256:[0-9a-f]{64}$/.test(want)) {
    throw new UsageError(`--expect-checksum: '${expected}' is not a plan checksum (sha256: and 64 hex digits, as octosync show prints it)`);
  }
  if (plan.checksum !== want) {
    throw new OctosyncError(`${file}: /checksum: this plan's checksum is ${plan.checksum}, not the approved ${want}: it is not the plan that was approved; nothing was written`);
  }
}

function checkDestination(file: string, plan: Plan, url: string, space: string | undefined): void {
  if (normaliseServerUrl(plan.destination.url) !== url || (space !== undefined && plan.destination.space !== space)) {
    throw new OctosyncError(
      `${file}: /destination: this plan was made for ${plan.destination.url} (space '${plan.destination.space}'), not ${url}${space !== undefined ? ` (space '${space}')` : ''}; nothing was written`,
    );
  }
}

function checkVersions(plan: Plan, current: string): void {
  const planned = parseVersion(plan.destination.serverVersion);
  const now = parseVersion(current);
  const source = parseVersion(plan.source.serverVersion);
  if (!planned || !now || !source) return;
  if (planned.major !== now.major || planned.minor !== now.minor) {
    throw new StalePlanError(`the destination runs Octopus ${current} now, ${plan.destination.serverVersion} when planned: plan again; nothing was written`);
  }
  if (!plan.policy.content.versions.allowSkew && (source.major !== now.major || Math.abs(source.minor - now.minor) > 1)) {
    throw new OctosyncError(`source ${plan.source.serverVersion} and destination ${current} are more than one minor version apart; nothing was written`);
  }
}

/** Whether an operation is still to do, already done, or no longer fits the destination. */
function classify(op: Operation, byId: Map<string, Operation>, dest: DestinationState): { status: Status; why: string } {
  const def = kindDef(op.kind);
  const doc = dest.rawDoc(op.kind, op.keyPath);
  const name = `${def.label.toLowerCase()} '${op.keyPath.join(' / ')}'`;
  if (op.action === 'delete') return classifyDelete(op, doc, dest, name);
  // The item checked is the item written: the name must still belong to the id the plan recorded.
  const replaced = identityProblem(op, doc, dest, name);
  if (replaced) return { status: 'stale', why: replaced };
  const current = doc ? dest.normalize(op.kind, op.keyPath, doc) : undefined;
  const done = current && doneFingerprints(op, byId).includes(current.meta.fingerprint);
  if (isLateReferences(op)) return { status: done ? 'done' : 'pending', why: '' };
  if (done) return { status: 'done', why: '' };
  if (op.action === 'create') {
    // A process or variable set is created with its parent: filling it in is this operation's job. So is an
    // item the server made inside a parent this plan creates (a new project's "Default" channel): that parent
    // did not exist when the plan was made, so whatever is in it now came from a run of this plan.
    if (!current || def.parent?.ownedOne || parentCreatedByPlan(op, byId)) return { status: 'pending', why: '' };
    return { status: 'stale', why: `${name}: created on the destination since planning` };
  }
  if (!current) return { status: 'stale', why: `${name}: deleted from the destination since planning` };
  // Usages are compared with their templates as planned: an earlier run may have updated a template already.
  const asPlanned = def.module === 'process' ? dest.normalize(op.kind, op.keyPath, doc!, true) : current;
  if (asPlanned.meta.fingerprint === op.destination?.fingerprint) return { status: 'pending', why: '' };
  return { status: 'stale', why: changedSincePlanning(op, asPlanned.content, name) };
}

/** `<name>: changed since planning (the fields that differ from what the plan recorded)`. */
function changedSincePlanning(op: Operation, content: Record<string, unknown>, name: string): string {
  const fields = op.destination?.fields ? changedFields(op.destination.fields, fieldPrints(op.kind, content)) : [];
  return `${name}: changed since planning${fields.length ? ` (${fields.join(', ')})` : ''}`;
}

/**
 * A delete (issue 18) is pending while the item is as planned, done once it is gone, stale when it changed.
 */
function classifyDelete(op: Operation, doc: RawDoc | undefined, dest: DestinationState, name: string): { status: Status; why: string } {
  if (!doc) return { status: 'done', why: '' };
  if (op.destination?.id && doc.Id !== op.destination.id) return { status: 'stale', why: `${name}: the name now belongs to ${doc.Id}, not to ${op.destination.id} as when planned; not deleted` };
  const now = dest.normalize(op.kind, op.keyPath, doc);
  if (now.meta.fingerprint === op.destination?.fingerprint) return { status: 'pending', why: '' };
  return { status: 'stale', why: `${changedSincePlanning(op, now.content, name)}; a delete is refused` };
}

/**
 * An update whose recorded destination id no longer goes with its name (the item was renamed and another
 * took its name, or the destination was rebuilt or restored): both sides named.
 */
function identityProblem(op: Operation, doc: RawDoc | undefined, dest: DestinationState, name: string): string | undefined {
  const recorded = op.destination?.id;
  if (!recorded) return undefined;
  const { idMember } = kindDef(op.kind);
  const idNow = doc ? String(doc[idMember ?? 'Id']) : undefined;
  if (idNow === recorded) return undefined;
  // An id that is another item's (a tenant's, for its variables) tells no rename.
  const renamed = idMember ? undefined : dest.keyPathOfId(op.kind, recorded);
  const parts: string[] = [];
  if (idNow) parts.push(`the name now belongs to ${idNow}, not to ${recorded} as when planned`);
  if (renamed) parts.push(`${recorded} is now named '${renamed.join(' / ')}'`);
  return parts.length ? `${name}: replaced since planning (${parts.join('; ')})` : undefined;
}

