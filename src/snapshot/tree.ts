import { kindDef } from '../registry/kinds.js';
import type { ItemTree, Snapshot, SnapshotItem } from './types.js';
import type { KindName } from '../registry/kinds.js';

/** How many names key an item of `kind`: 1, plus one per parent level (owned documents share their parent's). */
export function keyDepth(kind: KindName): number {
  const def = kindDef(kind);
  if (!def.parent) return 1;
  return keyDepth(def.parent.kind) + (def.parent.ownedOne ? 0 : 1);
}

/**
 * Where names that differ only in case meet: the parent's key path and the last name in lower case. Octopus
 * keeps sibling names unique without regard to case (a second "services" beside "Services" is refused).
 */
export function caseKey(keyPath: readonly string[]): string {
  return JSON.stringify([...keyPath.slice(0, -1), keyPath[keyPath.length - 1].toLowerCase()]);
}

export interface Located {
  keyPath: string[];
  item: SnapshotItem;
}

/** Every item of a kind with its key path, in key order (sorted, so output is deterministic). */
export function itemsOf(snapshot: Snapshot, kind: KindName): Located[] {
  const tree = snapshot.resources[kindDef(kind).plural] ?? {};
  const depth = keyDepth(kind);
  const out: Located[] = [];
  const walk = (node: ItemTree, path: string[]) => {
    for (const key of Object.keys(node).sort()) {
      const child = node[key];
      if (path.length + 1 === depth) out.push({ keyPath: [...path, key], item: child as SnapshotItem });
      else walk(child as ItemTree, [...path, key]);
    }
  };
  walk(tree, []);
  return out;
}

export function getItem(snapshot: Snapshot, kind: KindName, keyPath: string[]): SnapshotItem | undefined {
  let node: ItemTree | SnapshotItem | undefined = snapshot.resources[kindDef(kind).plural];
  for (const key of keyPath) {
    if (!node || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = (node as ItemTree)[key];
  }
  return node && 'content' in node && 'meta' in node ? (node as SnapshotItem) : undefined;
}
