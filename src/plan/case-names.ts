import { KINDS, kindDef, ownerProject } from '../registry/kinds.js';
import { sortUnordered } from '../snapshot/normalize.js';
import { caseKey, itemsOf, keyDepth } from '../snapshot/tree.js';
import type { ItemTree, Snapshot } from '../snapshot/types.js';
import { fingerprint } from '../util/canonical.js';
import type { CaseMatch } from '../plan-format/types.js';
import { caseAliases } from '../plan-format/case-matches.js';
import type { Policy } from './policy-types.js';
import { Selection } from './selection.js';
import { editRefs, targetPath } from '../registry/refs.js';
import type { KindName } from '../registry/kinds.js';

/**
 * Octopus keeps names unique without regard to case (a second "services" beside "Services" is refused with a
 * 400), while octosync matches by exact name. A selected source item with no destination item of its exact
 * name, but one whose name differs only in case, would be planned as a create the server refuses: it is a
 * match problem, found here, and the policy (`names.caseOnly`) decides. Exact matching stays exact elsewhere.
 */
export function caseOnlyMatches(source: Snapshot, destination: Snapshot, policy: Policy): CaseMatch[] {
  const selection = new Selection(source, policy);
  const matches: CaseMatch[] = [];
  // Destination key paths in the source's names, parents first: a matched project's channels are looked for under it.
  const renamed = new Map<string, string[]>();
  const destPath = (kind: KindName, keyPath: string[]) => renamed.get(`${kind}\u0000${JSON.stringify(keyPath)}`) ?? keyPath;
  for (const def of KINDS) {
    if (def.syncClass === 'never' || def.syncClass === 'environment' || def.parent?.ownedOne) continue;
    const parentKind = def.parent?.kind;
    const destNames = new Map(itemsOf(destination, def.kind).map(({ keyPath }) => [caseKey(keyPath), keyPath[keyPath.length - 1]]));
    for (const { keyPath } of itemsOf(source, def.kind)) {
      if (!selection.has(def.kind, keyPath)) continue;
      const parent = parentKind ? destPath(parentKind, keyPath.slice(0, -1)) : [];
      const name = keyPath[keyPath.length - 1];
      const other = destNames.get(caseKey([...parent, name]));
      if (other === undefined || other === name) continue;
      matches.push({ kind: def.kind, keyPath, destinationName: other });
      renamed.set(`${def.kind}\u0000${JSON.stringify(keyPath)}`, [...parent, other]);
    }
  }
  return matches;
}

export function describeCaseMatch(m: CaseMatch): string {
  const label = kindDef(m.kind).label.toLowerCase();
  const parent = m.keyPath.slice(0, -1);
  const where = parent.length ? ` (in '${parent.join(' / ')}')` : '';
  return `${label} '${m.keyPath[m.keyPath.length - 1]}' on the source and '${m.destinationName}' on the destination${where} differ only in case`;
}

/**
 * The destination snapshot with matched items keyed by the source's names (their own items and owned
 * documents move with them) and references to them spelt so: the planner then matches them as it matches
 * any item, and the difference in the name itself shows as an update of `Name`.
 */
export function adoptCaseMatches(destination: Snapshot, matches: CaseMatch[]): Snapshot {
  if (!matches.length) return destination;
  const out = structuredClone(destination);
  // The aliases apply reads the destination with: plan and apply name matched items alike.
  const sourceName = caseAliases(matches)!;
  for (const m of matches) {
    const depth = m.keyPath.length - 1;
    for (const def of KINDS) {
      if (!descendsFrom(def.kind, m.kind) || keyDepth(def.kind) <= depth) continue;
      let node = out.resources[def.plural] as ItemTree | undefined;
      for (const key of m.keyPath.slice(0, depth)) node = node?.[key] as ItemTree | undefined;
      if (!node || !Object.prototype.hasOwnProperty.call(node, m.destinationName)) continue;
      node[m.keyPath[depth]] = node[m.destinationName];
      delete node[m.destinationName];
    }
  }
  for (const def of KINDS) {
    for (const { keyPath, item } of itemsOf(out, def.kind)) {
      const before = JSON.stringify(item.content);
      const project = ownerProject(def.kind, keyPath);
      for (const ref of def.refs) {
        const targets = Array.isArray(ref.to) ? ref.to : [ref.to];
        const rename = (name: string) => {
          for (const t of targets) {
            const path = targetPath(t, name, project);
            const alias = sourceName.get(`${t}\u0000${JSON.stringify(path)}`);
            if (alias !== undefined) return alias;
          }
          return name;
        };
        editRefs(item.content, ref.path, rename, () => {}, ref.separator);
      }
      if (JSON.stringify(item.content) !== before) {
        sortUnordered(def, item.content);
        item.meta.fingerprint = fingerprint(item.content);
      }
    }
  }
  return out;
}

function descendsFrom(kind: KindName, ancestor: KindName): boolean {
  for (let def = kindDef(kind); ; def = kindDef(def.parent!.kind)) {
    if (def.kind === ancestor) return true;
    if (!def.parent) return false;
  }
}
