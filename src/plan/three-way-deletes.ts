/**
 * Whole items gone from the source since the last sync (issue 18, `deletions: propagate`): a delete operation
 * only for a channel, a runbook or a project (the latter only where the policy's project filter names it) that
 * the baseline holds, that the destination still has exactly as written — it and everything in it — and that
 * holds nothing octosync did not sync. Everything else gone from the source is listed (reported or refused).
 */
import type { Operation } from '../plan-format/types.js';
import { operationId } from '../plan-format/operations.js';
import { kindDef, KINDS, type KindName } from '../registry/kinds.js';
import { getItem, itemsOf } from '../snapshot/tree.js';
import type { Snapshot } from '../snapshot/types.js';
import { fieldPrints } from '../plan-format/field-prints.js';
import { matchesAny } from './glob.js';
import type { Policy } from './policy-types.js';
import type { ThreeWayReason } from './three-way-reasons.js';
import type { ThreeWay } from './three-way.js';

/** Deletes of whole items, for kinds the registry marks `deletable`; their owned documents go with them on the server. */
export function itemDeletions(tw: ThreeWay, source: Snapshot, destination: Snapshot, policy: Policy): Operation[] {
  const ops: Operation[] = [];
  const gone = tw.baseline.items.filter((b) => !getItem(source, b.kind, b.keyPath) && getItem(destination, b.kind, b.keyPath));
  const goneKeys = new Set(gone.map((b) => JSON.stringify([b.kind, b.keyPath])));
  for (const b of gone) {
    // What lives in an item that is itself gone (a deleted project's channels) goes with it: one record, the item's.
    if (ancestors(b.kind, b.keyPath).some(([k, p]) => goneKeys.has(JSON.stringify([k, p])))) continue;
    const dest = getItem(destination, b.kind, b.keyPath)!;
    const refuse = (why: ThreeWayReason, detail?: string) => tw.record(b.kind, b.keyPath, '', 'refuse', why, detail);
    if (tw.deletionPolicy === 'report' || !kindDef(b.kind).deletable) {
      tw.record(b.kind, b.keyPath, '', 'report', 'deletionReported');
      continue;
    }
    if (!selectedByFilters(b.kind, b.keyPath, policy)) {
      refuse('deletionRefusedFilter');
      continue;
    }
    if (b.kind === 'channel' && dest.content.IsDefault === true) {
      refuse('deletionRefusedDefaultChannel');
      continue;
    }
    const edited = editedWithin(tw, destination, b.kind, b.keyPath);
    if (edited) {
      refuse('deletionRefusedEdited', edited);
      continue;
    }
    const { reason, reasonCode } = tw.record(b.kind, b.keyPath, '', 'delete', 'deletionPropagated');
    ops.push({
      id: operationId(b.kind, b.keyPath),
      action: 'delete',
      kind: b.kind,
      keyPath: b.keyPath,
      dependsOn: [],
      reason,
      reasonCode,
      destination: { id: dest.meta.id, fingerprint: dest.meta.fingerprint, fields: fieldPrints(b.kind, dest.content) },
    });
  }
  return ops;
}

/** Kinds and names of the items an item lives in: a runbook's project. */
export function ancestors(kind: KindName, keyPath: string[]): [KindName, string[]][] {
  const out: [KindName, string[]][] = [];
  let def = kindDef(kind);
  let path = keyPath;
  while (def.parent) {
    path = def.parent.ownedOne ? path : path.slice(0, -1);
    out.push([def.parent.kind, path]);
    def = kindDef(def.parent.kind);
  }
  return out;
}

/**
 * Whether the destination's item, or anything in it, differs from what the last sync wrote, or is something
 * the last sync did not write: says what, or undefined.
 */
function editedWithin(tw: ThreeWay, destination: Snapshot, kind: KindName, keyPath: string[]): string | undefined {
  const same = (p: string[]) => JSON.stringify(p) === JSON.stringify(keyPath);
  for (const def of KINDS) {
    for (const { keyPath: path, item } of itemsOf(destination, def.kind)) {
      const within = (def.kind === kind && same(path)) || ancestors(def.kind, path).some(([k, p]) => k === kind && same(p));
      if (!within) continue;
      const base = tw.item(def.kind, path);
      const what = `${def.label.toLowerCase()} '${path.join(' / ')}'`;
      if (!base) return `${what} was not synced by octosync`;
      if (base.destination.fingerprint !== item.meta.fingerprint) return `${what} changed since the last sync`;
    }
  }
  return undefined;
}

/** A project only where the policy's project filter names it; a project's channel or runbook where its filters let it through. */
function selectedByFilters(kind: KindName, keyPath: string[], policy: Policy): boolean {
  const projects = policy.filters.projects;
  const project = keyPath[0];
  if (matchesAny(projects?.exclude, [project])) return false;
  if (kind === 'project') return matchesAny(projects?.include, [project]);
  if (projects?.include?.length && !matchesAny(projects.include, [project])) return false;
  const own = policy.filters[kindDef(kind).plural];
  const names = [keyPath[keyPath.length - 1], keyPath.join('/')];
  if (matchesAny(own?.exclude, names)) return false;
  return !own?.include?.length || matchesAny(own.include, names);
}
