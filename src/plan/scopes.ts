import type { MismatchPolicy } from './policy-types.js';

/** What to do with one scope dimension of a step or a variable value. */
export type ScopeOutcome =
  | { outcome: 'keep'; values: string[]; dropped: string[]; /** Why values were dropped, when some were: for the plan's decisions. */ note?: string }
  | { outcome: 'skip'; reason: string }
  | { outcome: 'error'; reason: string }
  | { outcome: 'leave-existing'; reason: string };

/** A source scope value and what it is on the destination (undefined: it has no counterpart there). */
export type Translation = [source: string, target: string | undefined];

/**
 * Applies a scope-mismatch policy (the guide's "How to handle scoping mismatches") to one dimension.
 * Partial keeps the matching values and drops the rest; `ignore` with nothing left removes the scope
 * ("clone the value regardless of the scoping").
 */
export function applyMismatch(policy: MismatchPolicy, dimension: string, translations: Translation[], isNew: boolean): ScopeOutcome {
  const values = [...new Set(translations.map(([, t]) => t).filter((t): t is string => t !== undefined))].sort();
  const dropped = translations.filter(([, t]) => t === undefined).map(([s]) => s);
  if (dropped.length === 0) return { outcome: 'keep', values, dropped };
  const none = values.length === 0;
  const missing = `${dimension} ${dropped.map((d) => `'${d}'`).join(', ')} ${dropped.length === 1 ? 'is' : 'are'} not on the destination`;
  const kept = { outcome: 'keep' as const, values, dropped, note: `${missing} (${policy})` };
  switch (policy) {
    case 'skip-unless-exact':
      return { outcome: 'skip', reason: `${missing} (skip-unless-exact)` };
    case 'skip-unless-partial':
      return none ? { outcome: 'skip', reason: `${missing}, so no ${dimension} scope matches (skip-unless-partial)` } : kept;
    case 'error-unless-exact':
      return { outcome: 'error', reason: `${missing} (error-unless-exact)` };
    case 'error-unless-partial':
      return none ? { outcome: 'error', reason: `${missing}, so no ${dimension} scope matches (error-unless-partial)` } : kept;
    case 'ignore':
      return kept;
    case 'ignore-on-new-leave-existing':
      return isNew ? kept : { outcome: 'leave-existing', reason: `${missing}; the existing one is left as it is (ignore-on-new-leave-existing)` };
  }
}
