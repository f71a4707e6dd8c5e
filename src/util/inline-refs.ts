import type { KindName } from '../registry/kinds.js';
/**
 * References inside free-form objects (a step-package action's `Inputs`, whose shape each step package
 * defines: `{"authentication": {"credentials": {"account": "Accounts-1"}}}`, `{"feedId": "Feeds-2"}`). No path
 * names where the ids are, so a snapshot replaces each string that is the id of an item of the given kinds with
 * a marker `{"$ref": "<kind>", "name": "<name>"}`, and apply puts the destination's id back in its place.
 */
export interface InlineRef {
  $ref: KindName;
  name: string;
}

type Json = unknown;

export function isInlineRef(v: unknown): v is InlineRef {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as InlineRef).$ref === 'string' && typeof (v as InlineRef).name === 'string' && Object.keys(v).length === 2;
}

/** The value with every string `lookup` knows replaced by its marker (a copy; the input is not changed). */
export function markInlineRefs(value: Json, lookup: (id: string) => { kind: KindName; name: string } | undefined): Json {
  if (typeof value === 'string') {
    const hit = lookup(value);
    return hit ? { $ref: hit.kind, name: hit.name } : value;
  }
  if (Array.isArray(value)) return value.map((v) => markInlineRefs(v, lookup));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, markInlineRefs(v, lookup)]));
  return value;
}

/** Every marker in a value. */
export function inlineRefsOf(value: Json): InlineRef[] {
  if (isInlineRef(value)) return [value];
  if (Array.isArray(value)) return value.flatMap(inlineRefsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(inlineRefsOf);
  return [];
}

/** The value with each marker replaced by `resolve`'s answer (a copy). */
export function resolveInlineRefs(value: Json, resolve: (ref: InlineRef) => string): Json {
  if (isInlineRef(value)) return resolve(value);
  if (Array.isArray(value)) return value.map((v) => resolveInlineRefs(v, resolve));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveInlineRefs(v, resolve)]));
  return value;
}
