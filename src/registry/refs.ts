import { kindDef, type KindName } from './kinds.js';
import { parsePath, visitPath } from '../util/docpath.js';

/**
 * Reference fields as the registry describes them (`refs`: a path and the kinds it points to): where a named
 * item lives, and rewriting the names along a path. The planner translates source names through these, and
 * apply turns names into the destination's ids through the same.
 */

/** The key path of a referenced item: children of a project are named within the referring item's project. */
export function targetPath(to: KindName, name: string, ownerProject: string | undefined): string[] {
  const def = kindDef(to);
  return def.parent && !def.parent.ownedOne && ownerProject !== undefined ? [ownerProject, name] : [name];
}

/**
 * Rewrites reference values along a path: `map` returns the new value or undefined to remove it (from a
 * list, or as an object key); a single value that cannot be mapped is reported with inList = false.
 */
export function editRefs(
  doc: unknown,
  path: string,
  map: (value: string) => string | undefined,
  onDropped: (value: string, inList: boolean) => void,
  separator?: string,
): void {
  if (separator) {
    // Several values in one string: edited as a list, dropped values leave no empty entries.
    visitPath(doc, path, (value, set) => {
      if (typeof value !== 'string' || value === '') return;
      const kept: string[] = [];
      for (const v of value.split(separator).map((x) => x.trim()).filter(Boolean)) {
        const m = map(v);
        if (m === undefined) onDropped(v, true);
        else kept.push(m);
      }
      set(kept.join(separator));
    });
    return;
  }
  const segs = parsePath(path);
  const last = segs[segs.length - 1];
  if (last.mode === '[]') {
    // Edit the list as a whole so that dropped values leave no holes.
    const listPath = renderPath([...segs.slice(0, -1), { name: last.name, mode: '' }]);
    visitPath(doc, listPath, (list, set) => {
      if (!Array.isArray(list)) return;
      const next: unknown[] = [];
      for (const v of list) {
        if (typeof v !== 'string') {
          next.push(v);
          continue;
        }
        const m = map(v);
        if (m === undefined) onDropped(v, true);
        else if (!next.includes(m)) next.push(m);
      }
      set(next);
    });
    return;
  }
  if (last.mode === '{key}') {
    const mapPath = renderPath([...segs.slice(0, -1), { name: last.name, mode: '' }]);
    visitPath(doc, mapPath, (obj, set) => {
      if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return;
      const next: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(obj)) {
        const m = map(k);
        if (m === undefined) onDropped(k, true);
        else next[m] = v;
      }
      set(next);
    });
    return;
  }
  visitPath(doc, path, (value, set) => {
    if (typeof value !== 'string' || value === '') return;
    const m = map(value);
    if (m === undefined) {
      onDropped(value, false);
      set(null);
    } else set(m);
  });
}

function renderPath(segs: { name: string; mode: string }[]): string {
  return segs.map((s) => (s.name.includes('.') ? `"${s.name}"` : s.name) + s.mode).join('.');
}
