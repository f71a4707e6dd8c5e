/**
 * Three-way planning (issue 18): the baseline (what the last apply synced) is the merge base of the source
 * and the destination, element by element (src/baseline/elements.ts). What changed on the source only is
 * written; what was edited on the destination only is kept and listed as drift; what changed on both sides
 * to different results is a conflict the policy resolves. The two-way planner does the translation; this
 * module only chooses, per element, between its result and the destination's element. Pure, like the planner.
 */
import { elementPrint, elementsOf, keyOf, nestedListsAt, setElement, settleOrders } from '../baseline/elements.js';
import type { Baseline, BaselineItem } from '../baseline/types.js';
import type { ConflictRecord, DeletionRecord, DriftRecord, ThreeWayRecords } from '../plan-format/three-way.js';
import { OctosyncError } from '../errors.js';
import type { Decision, Plan } from '../plan-format/types.js';
import { kindDef, KINDS } from '../registry/kinds.js';
import { itemDeletions } from './three-way-deletes.js';
import type { KindName } from '../registry/kinds.js';
import type { KindDef } from '../registry/types.js';
import { getItem } from '../snapshot/tree.js';
import type { Snapshot } from '../snapshot/types.js';
import { fingerprint, sortKeys } from '../util/canonical.js';
import { pointerTokens } from '../util/pointer.js';
import { fromKeyed, toKeyed } from '../registry/keyed.js';
import { setsOverwrite, type Policy } from './policy.js';
import { containsSecret, withSecretsMasked } from '../util/sensitive.js';
import { threeWayReason, type ThreeWayReason } from './three-way-reasons.js';
import type { Reason, ReasonCode } from '../plan-format/reasons.js';

type Json = Record<string, any>;

/** Per element: changed on the source, edited on the destination, since the baseline. */
interface ElementState {
  source: boolean;
  destination: boolean;
}

export class ThreeWay {
  readonly drift: DriftRecord[] = [];
  readonly conflicts: ConflictRecord[] = [];
  readonly deletions: DeletionRecord[] = [];
  private readonly items = new Map<string, BaselineItem>();
  private readonly states = new Map<string, Map<string, ElementState>>();

  constructor(
    readonly baseline: Baseline,
    private readonly source: Snapshot,
    private readonly destination: Snapshot,
    readonly policy: Policy,
  ) {
    for (const item of baseline.items) this.items.set(itemKey(item.kind, item.keyPath), item);
  }

  get conflictPolicy(): 'source-wins' | 'destination-wins' | 'fail' {
    return this.policy.conflicts ?? 'fail';
  }

  /** Which side a conflict's element takes under the policy's `conflicts`. */
  get resolution(): ConflictRecord['resolution'] {
    return this.conflictPolicy === 'source-wins' ? 'source' : this.conflictPolicy === 'destination-wins' ? 'destination' : 'unresolved';
  }

  get deletionPolicy(): 'report' | 'propagate' {
    return this.policy.deletions ?? 'report';
  }

  item(kind: KindName, keyPath: string[]): BaselineItem | undefined {
    return this.items.get(itemKey(kind, keyPath));
  }

  /** Whether the source's value of an element is written over a different destination value (`variables.overwrite`). */
  overwrites(kind: KindName, keyPath: string[], element: string): boolean {
    const mode = this.policy.variables.overwrite;
    const st = this.statesOf(kind, keyPath)?.get(element);
    // Edited on the destination: the source's value is planned, so that `merge` sees what the source would
    // write and chooses between the two (drift, or a conflict the policy resolves).
    if (st?.destination) return true;
    if (mode !== 'unless-edited-on-destination') return mode === 'always';
    return st?.source === true;
  }

  /**
   * The desired content once each element is judged against the baseline: the two-way result where the
   * destination was not edited since, the destination's element where it was (drift, or a conflict the
   * destination wins). `skip`: an item deleted on the destination since the last sync is not created again.
   * Undefined: nothing to change (no baseline of the item, or nothing edited on the destination).
   */
  merge(def: KindDef, keyPath: string[], desired: Json, dest: Json | undefined, decisions: Decision[]): { desired: Json } | { skip: Reason } | undefined {
    const kind = def.kind;
    const base = this.item(kind, keyPath);
    const src = getItem(this.source, kind, keyPath)?.content;
    if (!base || !src) return undefined;
    if (!dest) return this.deletedOnDestination(kind, keyPath, src, base, decisions);
    const states = this.statesOf(kind, keyPath)!;
    const want = toKeyed(kind, desired);
    const have = toKeyed(kind, dest);
    const wantEls = elementsOf(kind, want);
    const haveEls = elementsOf(kind, have);
    const sourceEls = elementsOf(kind, toKeyed(kind, src));
    let changed = false;
    const removed: string[][] = [];
    const put = (path: string[], value: unknown) => {
      setElement(want, path, value, (p) => nestedListsAt(kind, p));
      changed = true;
      if (value === undefined) removed.push(path);
    };
    for (const [key, st] of states) {
      const w = wantEls.get(key);
      const h = haveEls.get(key);
      const path = (h ?? w ?? sourceEls.get(key))?.path ?? pointerTokens(key);
      if (removed.some((r) => startsWith(path, r))) continue;
      const subject = describeElement(kind, path);
      // Gone from the source since the last sync, still on the destination, and kept by the two-way rules (a
      // destination-only step, a variable's values): deleted only where the destination did not touch it since.
      if (st.source && !sourceEls.has(key) && h && same(w?.value, h.value)) {
        // A step is edited where any of its actions is.
        const edited = st.destination || [...states].some(([k, x]) => k.startsWith(`${key}/`) && x.destination);
        const d = edited ? this.record(kind, keyPath, key, 'refuse', 'deletionRefusedEdited') : this.deleteElement(kind, keyPath, key, h.value);
        decisions.push({ subject, action: d.action === 'delete' ? 'remove' : 'keep', reason: d.reason, reasonCode: d.reasonCode });
        if (d.action === 'delete') put(path, undefined);
        continue;
      }
      if (st.source && !st.destination && path[0] === 'Variables' && Array.isArray(w?.value) && Array.isArray(h?.value)) {
        const kept = this.withoutDeletedValues(kind, keyPath, key, subject, w.value, h.value, base.source, src, decisions);
        if (kept) put(path, kept);
      }
      if (st.destination && !st.source && same(w?.value, h?.value)) {
        // Edited on the destination since the last sync, and the two-way rules keep it anyway: drift all the same.
        this.drift.push({ kind, keyPath, element: key, fields: [h ? '(edited; kept as the two-way rules keep it)' : '(deleted on the destination)'] });
        continue;
      }
      if (same(w?.value, h?.value)) continue;
      // The destination's element is kept: decisions the two-way rules made for it no longer happen.
      const keep = (why: ThreeWayReason) => {
        dropDecisions(decisions, subject);
        decisions.push({ subject, action: 'keep', ...threeWayReason(why) });
        put(path, h?.value);
      };
      if (!st.source && !st.destination) {
        // Neither side changed since the last sync, which left it so (an edit kept then): still kept.
        keep('unchangedSinceSync');
        continue;
      }
      if (!st.destination) continue;
      if (!st.source) {
        this.drift.push({ kind, keyPath, element: key, fields: differing(w?.value, h?.value) });
        keep('drift');
        continue;
      }
      const resolution = this.resolution;
      this.conflicts.push({ kind, keyPath, element: key, ...(w ? { source: withSecretsMasked(w.value) } : {}), ...(h ? { destination: withSecretsMasked(h.value) } : {}), resolution });
      if (resolution === 'source') {
        decisions.push({ subject, action: 'update', ...threeWayReason('conflictSourceWins') });
        continue;
      }
      keep(resolution === 'destination' ? 'conflictDestinationWins' : 'conflictUnresolved');
    }
    if (!changed) return undefined;
    settleOrders(kind, want, have);
    return { desired: fromKeyed(kind, want) };
  }

  /** The records for the plan; conflicts left unresolved under `conflicts: fail` are the caller's to refuse. */
  records(): ThreeWayRecords {
    const order = (a: { kind: string; keyPath: string[]; element: string }, b: typeof a) => {
      const x = JSON.stringify([a.kind, a.keyPath, a.element]);
      const y = JSON.stringify([b.kind, b.keyPath, b.element]);
      return x < y ? -1 : x > y ? 1 : 0;
    };
    return {
      baseline: fingerprint(this.baseline),
      drift: [...this.drift].sort(order),
      conflicts: [...this.conflicts].sort(order),
      deletions: [...this.deletions].sort(order),
    };
  }

  /** Element states of an item both sides and the baseline hold; undefined without all three. */
  private statesOf(kind: KindName, keyPath: string[]): Map<string, ElementState> | undefined {
    const key = itemKey(kind, keyPath);
    const cached = this.states.get(key);
    if (cached) return cached;
    const base = this.item(kind, keyPath);
    const src = getItem(this.source, kind, keyPath)?.content;
    const dest = getItem(this.destination, kind, keyPath)?.content;
    if (!base || !src || !dest) return undefined;
    const sourceEls = elementsOf(kind, toKeyed(kind, src));
    const baseEls = elementsOf(kind, toKeyed(kind, base.source));
    const destEls = elementsOf(kind, toKeyed(kind, dest));
    const keys = new Set([...sourceEls.keys(), ...baseEls.keys(), ...destEls.keys(), ...Object.keys(base.destination.elements)]);
    const out = new Map<string, ElementState>();
    for (const k of [...keys].sort()) {
      out.set(k, {
        source: elementPrint(sourceEls.get(k)?.value) !== elementPrint(baseEls.get(k)?.value),
        destination: elementPrint(destEls.get(k)?.value) !== (base.destination.elements[k] ?? 'absent'),
      });
    }
    this.states.set(key, out);
    return out;
  }

  private deletedOnDestination(kind: KindName, keyPath: string[], src: Json, base: BaselineItem, decisions: Decision[]): { skip: Reason } | undefined {
    const sourceChanged = fingerprint(src) !== fingerprint(base.source);
    if (!sourceChanged) {
      this.drift.push({ kind, keyPath, element: '', fields: ['(deleted on the destination)'] });
      return { skip: skipReason('deletedOnDestination') };
    }
    const resolution = this.resolution;
    this.conflicts.push({ kind, keyPath, element: '', source: '(changed on the source)', resolution });
    if (resolution === 'source') {
      decisions.push({ subject: 'the item', action: 'create', ...threeWayReason('conflictSourceWins') });
      return undefined;
    }
    return { skip: skipReason(resolution === 'destination' ? 'conflictDestinationWins' : 'conflictUnresolved') };
  }

  /**
   * A variable's values the source had at the last sync and no longer has (by value), still on the destination
   * as written: reported, or left out of the desired list under `propagate`. Never where the destination holds a
   * sensitive value of the name (apply keeps each value's id by its place in the name's list).
   */
  private withoutDeletedValues(kind: KindName, keyPath: string[], key: string, subject: string, want: Json[], have: Json[], baseSource: Json, source: Json, decisions: Decision[]): Json[] | undefined {
    const valuesOf = (content: Json) => new Set(((elementsOf(kind, toKeyed(kind, content)).get(key)?.value as Json[] | undefined) ?? []).filter((v) => !v.IsSensitive).map((v) => JSON.stringify(v.Value)));
    const before = valuesOf(baseSource);
    const now = valuesOf(source);
    const onDest = new Set(have.map((v) => JSON.stringify(sortKeys(v))));
    const gone = want.filter((v) => !v.IsSensitive && onDest.has(JSON.stringify(sortKeys(v))) && before.has(JSON.stringify(v.Value)) && !now.has(JSON.stringify(v.Value)));
    if (!gone.length) return undefined;
    const scoped = (v: Json) => `${subject} (value ${JSON.stringify(v.Value)})`;
    if (this.deletionPolicy === 'report' || have.some((v) => v.IsSensitive)) {
      const why = this.deletionPolicy === 'report' ? 'deletionReported' : 'deletionRefusedSensitive';
      for (const v of gone) {
        this.record(kind, keyPath, key, this.deletionPolicy === 'report' ? 'report' : 'refuse', why, `value ${JSON.stringify(v.Value)}`);
        decisions.push({ subject: scoped(v), action: 'keep', ...threeWayReason(why) });
      }
      return undefined;
    }
    for (const v of gone) {
      this.record(kind, keyPath, key, 'delete', 'deletionPropagated', `value ${JSON.stringify(v.Value)}`);
      decisions.push({ subject: scoped(v), action: 'remove', ...threeWayReason('deletionPropagated') });
    }
    return want.filter((v) => !gone.includes(v));
  }

  /** An element gone from the source and untouched on the destination: deleted under `propagate`, where that is safe. */
  private deleteElement(kind: KindName, keyPath: string[], element: string, value: unknown): DeletionRecord {
    if (this.deletionPolicy === 'report') return this.record(kind, keyPath, element, 'report', 'deletionReported');
    if (containsSecret(value)) return this.record(kind, keyPath, element, 'refuse', 'deletionRefusedSensitive');
    return this.record(kind, keyPath, element, 'delete', 'deletionPropagated');
  }

  /** Records a deletion: deleted, reported, or refused with the reason (and what it concerns: `detail`). */
  record(kind: KindName, keyPath: string[], element: string, action: DeletionRecord['action'], why: ThreeWayReason, detail?: string): DeletionRecord {
    const { reason, reasonCode } = threeWayReason(why);
    const d = { kind, keyPath, element, action, reason: detail ? `${reason}: ${detail}` : reason, reasonCode };
    this.deletions.push(d);
    return d;
  }
}

/** `variables.overwrite` for one element (a variable name, a tenant's project or set): the baseline decides where there is one. */
export function overwrites(ctx: { policy: Policy; threeWay?: ThreeWay }, kind: KindName, keyPath: string[], element: string[]): boolean {
  return ctx.threeWay ? ctx.threeWay.overwrites(kind, keyPath, keyOf(element)) : ctx.policy.variables.overwrite === 'always';
}

/** Why a differing value was left alone, in the words of the policy that did it. */
export function keepReason(policy: Policy, never: string): { reason: string; reasonCode: ReasonCode } {
  return policy.variables.overwrite === 'unless-edited-on-destination' ? threeWayReason('keptUnlessEdited') : { reason: never, reasonCode: 'overwrite-never' };
}

/** Why a value was overwritten, in the words of the policy that did it. */
export function overwriteReason(policy: Policy, always: string): { reason: string; reasonCode: ReasonCode } {
  return policy.variables.overwrite === 'always' ? { reason: always, reasonCode: 'overwrite-always' } : threeWayReason('sourceChanged');
}

/** Removes the decisions about one element (`variable 'X'`, and its values `variable 'X' (scope)`). */
function dropDecisions(decisions: Decision[], subject: string): void {
  for (let i = decisions.length - 1; i >= 0; i--) {
    const d = decisions[i].subject;
    if (d === subject || d.startsWith(`${subject} (`)) decisions.splice(i, 1);
  }
}

const KIND_ORDER = new Map(KINDS.map((k, i) => [k.kind as string, i]));

const itemKey = (kind: string, keyPath: string[]) => JSON.stringify([kind, keyPath]);

function startsWith(path: string[], prefix: string[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a ?? null)) === JSON.stringify(sortKeys(b ?? null)) && (a === undefined) === (b === undefined);
}

/** Members where two values of an element differ (the element itself when they are not objects). */
function differing(a: unknown, b: unknown): string[] {
  if (Array.isArray(a) || Array.isArray(b)) return ['(values)'];
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return [b === undefined ? '(deleted on the destination)' : a === undefined ? '(added on the destination)' : '(value)'];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !same((a as Json)[k], (b as Json)[k])).sort();
}

/** A step, an action, a variable, a member: how a reviewer names the element. */
export function describeElement(kind: KindName, path: string[]): string {
  const [member, name, inner, innerName] = path;
  if (path.length === 1) return `member ${member}`;
  if (member === 'Variables') return `variable '${name}'`;
  if (member === 'Steps' && inner === 'Actions') return `step '${name}', action '${innerName}'`;
  if (member === 'Steps') return `step '${name}'`;
  if (member === 'ProjectEnvironments') return `link to project '${name}'`;
  if (member === 'ProjectVariables') return `project '${name}' values`;
  if (member === 'LibraryVariables' || member === 'LibraryVariablesByEnvironment') return `library set '${name}' values`;
  void kind;
  return `${member.replace(/s$/, '').toLowerCase()} '${path.slice(1).filter((_, i) => i % 2 === 0).join(' / ')}'`;
}

/** The plan's conflicts under `conflicts: fail`: every one named; no plan is written. */
export class ConflictError extends OctosyncError {}

/**
 * Once the plan is assembled: items the baseline holds and the source no longer does (deletions), the
 * records and their counts, and the checksum over them. Refuses the plan when a conflict is left unresolved.
 */
export function attachThreeWay(plan: Plan, tw: ThreeWay, source: Snapshot, destination: Snapshot): void {
  const deletes = itemDeletions(tw, source, destination, tw.policy);
  const records = tw.records();
  const unresolved = records.conflicts.filter((c) => c.resolution === 'unresolved');
  if (unresolved.length) {
    throw new ConflictError(
      `${unresolved.length} conflict${unresolved.length === 1 ? '' : 's'}: changed on the source and edited on the destination since the last sync (baseline). Settle each on one side, or set conflicts: source-wins or destination-wins in the policy:\n  ${unresolved.map(describeConflict).join('\n  ')}`,
    );
  }
  // Deletes come last, after every other write (apply runs them so too), in the plan's order of kinds reversed.
  plan.operations.push(...deletes.sort((a, b) => KIND_ORDER.get(b.kind)! - KIND_ORDER.get(a.kind)! || (a.id < b.id ? -1 : 1)));
  plan.threeWay = records;
  plan.counts.drift = records.drift.length;
  plan.counts.conflicts = records.conflicts.length;
  plan.counts.deletions = records.deletions.length;
}

/** `project variables 'OctoFX', variable 'X': source "a", destination "b"` (secrets masked already). */
function describeConflict(c: ConflictRecord): string {
  const where = `${kindDef(c.kind).label.toLowerCase()} '${c.keyPath.join(' / ')}'${c.element ? `, ${describeElement(c.kind, pointerTokens(c.element))}` : ''}`;
  const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
  return `${where}: source ${show(c.source)}, destination ${show(c.destination)}`;
}

/** The policy a plan with a baseline runs under: `variables.overwrite` defaults to `unless-edited-on-destination`. */
export function withBaselineDefaults(policy: Policy): Policy {
  if (setsOverwrite(policy)) return policy;
  return { ...policy, variables: { ...policy.variables, overwrite: 'unless-edited-on-destination' } };
}

/** A three-way reason as the planner's skip takes it. */
function skipReason(why: ThreeWayReason): Reason {
  const { reason, reasonCode } = threeWayReason(why);
  return { code: reasonCode, text: reason };
}
