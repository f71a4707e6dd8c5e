import { kindDef } from '../registry/kinds.js';
import type { KindDef } from '../registry/types.js';
import { editRefs, targetPath } from '../registry/refs.js';
import { visitPath } from '../util/docpath.js';
import { inlineRefsOf } from '../util/inline-refs.js';
import type { PlanContext } from './context.js';

export interface Translated {
  content: Record<string, any>;
  /** Required references that will not exist on the destination: the item cannot be written. */
  missing: string[];
  /** Values dropped from lists because they do not exist on the destination. */
  dropped: string[];
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
