// fast-json-patch is CommonJS without an exports map: under plain Node only the default import works
// (a named import passes jest and fails in node, plan-apply-reference.md §3.2). Wrapped here so it can be swapped.
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';

export type PatchOperation = Operation;

/**
 * RFC 6902 operations turning `from` into `to` (arrays are compared by index). With `withTests`, each change
 * is preceded by a `test` of the old value: reviewers see old → new, and applying the patch to anything
 * else fails.
 */
export function diff(from: unknown, to: unknown, withTests = false): PatchOperation[] {
  return jsonpatch.compare(from as object, to as object, withTests);
}

/** `doc` with `patch` applied, leaving `doc` untouched; throws on a patch that does not fit. */
export function patched<T>(doc: T, patch: PatchOperation[]): T {
  return jsonpatch.applyPatch(structuredClone(doc), structuredClone(patch), true, false, true).newDocument as T;
}
