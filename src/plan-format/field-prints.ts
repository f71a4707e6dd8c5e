import { fingerprint } from '../util/canonical.js';
import { KEYED_MEMBERS, toKeyed } from '../registry/keyed.js';
import type { KindName } from '../registry/kinds.js';

/**
 * A short hash per member of an item's keyed content, and one level deeper for keyed maps (each step,
 * each variable name, each phase): enough for apply to say which fields changed since planning.
 */
export function fieldPrints(kind: KindName, content: Record<string, unknown>): Record<string, string> {
  return keyedFieldPrints(toKeyed(kind, content));
}

/**
 * `fieldPrints` of content already in keyed form (`toKeyed`), for a caller that has it. A member is split one
 * level deeper when it is any kind's keyed member, not only this kind's: so the list written out by hand before
 * (`Steps`, `Variables`, `Phases`, `Tags`) worked, and plans store these prints, so a kind whose document holds
 * such a member as an object must print as it did.
 */
export function keyedFieldPrints(keyed: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [member, value] of Object.entries(keyed)) {
    if (value && typeof value === 'object' && !Array.isArray(value) && KEYED_MEMBERS.includes(member)) {
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
