import type { KindDef } from '../../registry/types.js';
import { visitPath } from '../../util/docpath.js';
import type { IdIndex, IndexKind } from '../id-index.js';
import { caseKey } from '../tree.js';
import type { RawDoc } from '../read.js';

const targetsOf = (to: IndexKind | readonly IndexKind[]): readonly IndexKind[] => (typeof to === 'string' ? [to] : to);

/**
 * Names for the documents of a kind that has none (registry `nameFrom`): a scoped user role is named by its
 * user role ("Project deployer"), under its team. A team may hold one role several times with different
 * restrictions (the API allows it: nothing in `ScopedUserRoleResource` is unique); such copies are told apart
 * as `Project deployer`, `Project deployer (2)`, … in the order of their restrictions as names, so that both
 * instances name them alike whatever their ids. Returns document id → name.
 */
export function derivedNames(def: KindDef, docs: RawDoc[], index: IdIndex): Map<string, string> {
  const out = new Map<string, string>();
  const from = def.nameFrom;
  if (!from) return out;
  const groups = new Map<string, { id: string; base: string; order: string }[]>();
  for (const doc of docs) {
    const ref = String(doc[from.path] ?? '');
    const base = index.nameOf(ref, targetsOf(from.to)) ?? ref;
    const order = JSON.stringify(def.refs.map((r) => namesAt(doc, r.path, targetsOf(r.to), index)));
    // Under its parent by id: the parent's name is not known here.
    const key = caseKey([def.parent ? String(doc[def.parent.field]) : '', base]);
    const group = groups.get(key) ?? [];
    group.push({ id: String(doc.Id), base, order });
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    group.sort((a, b) => compare(a.order, b.order) || compare(a.id, b.id));
    // Identical copies (same role, same restrictions) grant nothing more: they share a name, so a snapshot keeps
    // one and says the other was left out, and apply can tell a copy it made twice (apply.ts `keepEarliest`).
    let n = 0;
    group.forEach((e, i) => {
      if (i > 0 && e.order !== group[i - 1].order) n++;
      out.set(e.id, n === 0 ? e.base : `${e.base} (${n + 1})`);
    });
  }
  return out;
}

function namesAt(doc: RawDoc, path: string, kinds: readonly IndexKind[], index: IdIndex): string[] {
  const names: string[] = [];
  visitPath(doc, path, (value) => {
    if (typeof value === 'string') names.push(index.nameOf(value, kinds) ?? value);
  });
  return names.sort();
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
