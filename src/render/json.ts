import type { Plan } from '../plan-format/types.js';
import { canonicalJson } from '../util/canonical.js';

/** `octosync show --format json`: the plan itself, as canonical JSON (the same bytes `plan` writes). */
export function renderJson(plan: Plan): string {
  return canonicalJson(plan);
}
