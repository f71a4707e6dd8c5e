import { fingerprint } from '../util/canonical.js';
import { toKeyed } from '../registry/keyed.js';
import type { KindName } from '../registry/kinds.js';

/**
 * A short hash per member of an item's keyed content, and one level deeper for keyed maps (each step,
 * each variable name, each phase): enough for apply to say which fields changed since planning.
 */
export function fieldPrints(kind: KindName, content: Record<string, unknown>): Record<string, string> {
  const keyed = toKeyed(kind, content);
  const out: Record<string, string> = {};
  for (const [member, value] of Object.entries(keyed)) {
    if (value && typeof value === 'object' && !Array.isArray(value) && ['Steps', 'Variables', 'Phases', 'Tags'].includes(member)) {
      for (const [name, inner] of Object.entries(value)) out[`${member}/${name}`] = short(inner);
    } else out[member] = short(value);
  }
  return out;
}

function short(value: unknown): string {
  return fingerprint(value ?? null).slice('sha256:'.length, 'sha256:'.length + 12);
}

/** Names of the fields whose hashes differ between two `fieldPrints`. */
export function changedFields(before: Record<string, string>, now: Record<string, string>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(now)]);
  return [...names].filter((n) => before[n] !== now[n]).sort();
}
