import { kindDef } from '../registry/kinds.js';
import type { KindDef } from '../registry/types.js';
import { parsePath, visitPath } from '../util/docpath.js';
import { inlineRefsOf } from '../util/inline-refs.js';
import type { PlanContext } from './context.js';
import type { KindName } from '../registry/kinds.js';

export interface Translated {
  content: Record<string, any>;
  /** Required references that will not exist on the destination: the item cannot be written. */
  missing: string[];
  /** Values dropped from lists because they do not exist on the destination. */
  dropped: string[];
}

/** The key path of a referenced item: children of a project are named within the referring item's project. */
export function targetPath(to: KindName, name: string, ownerProject: string | undefined): string[] {
  const def = kindDef(to);
  return def.parent && !def.parent.ownedOne && ownerProject !== undefined ? [ownerProject, name] : [name];
}

/**
 * Source content in destination terms: environments through the map, references checked against what
 * will exist on the destination (dropped from lists, or reported missing when the item needs them), and
 * tags checked against the destination's tag sets. `skipPaths` are left to a kind module.
 */
export function translateContent(
  def: KindDef,
  content: Record<string, any>,
  ctx: PlanContext,
  ownerProject: string | undefined,
  skipPaths: string[] = [],
): Translated {
  const out = structuredClone(content);
  const missing: string[] = [];
  const dropped: string[] = [];
  for (const ref of def.refs) {
    if (skipPaths.includes(ref.path)) continue;
    const targets = Array.isArray(ref.to) ? ref.to : [ref.to];
    const exists = (name: string): string | undefined => {
      if (targets.includes('environment')) return ctx.environments.map(name);
      if (ref.passUnknown && !targets.some((t) => ctx.sourceItem(t, targetPath(t, name, ownerProject)))) return name;
      return targets.some((t) => ctx.willExist(t, targetPath(t, name, ownerProject))) ? name : undefined;
    };
    const label = targets.map((t) => kindDef(t).label.toLowerCase()).join(' or ');
    editRefs(out, ref.path, (value) => {
      const mapped = exists(value);
      if (mapped === undefined) return undefined;
      return mapped;
    }, (value, inList) => {
      const why = targets.includes('environment') ? ctx.environments.whyDropped(value) : `${label} '${value}' is not on the destination and not synced`;
      (inList ? dropped : missing).push(why);
    }, ref.separator);
  }
  for (const { path } of def.inlineRefs ?? []) {
    visitPath(out, path, (value) => {
      for (const r of inlineRefsOf(value)) {
        if (!ctx.willExist(r.$ref, [r.name])) missing.push(`${kindDef(r.$ref).label.toLowerCase()} '${r.name}' is not on the destination and not synced`);
      }
    });
  }
  for (const path of def.tags ?? []) {
    if (skipPaths.includes(path)) continue;
    editRefs(out, path, (tag) => (ctx.tagWillExist(tag) ? tag : undefined), (tag) => dropped.push(`tag '${tag}' is not on the destination`));
  }
  return { content: out, missing, dropped };
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
