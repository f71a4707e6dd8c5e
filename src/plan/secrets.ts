import type { KindDef } from '../registry/types.js';
import { parsePath } from '../util/docpath.js';
import type { CleanupEntry } from '../plan-format/types.js';

type Json = Record<string, any>;
import { settleSecret } from '../util/sensitive.js';

/**
 * Secrets in the desired content of a generic kind (`{HasValue}` in snapshots): where the destination has a
 * value, it stays (octosync cannot know the source's); where the source has one and the destination does not,
 * apply writes a placeholder and the plan lists a clean-up entry. Never clears a destination secret.
 * Handles the registry's secret path shapes: `Member`, `Bag{}`, `List[].Member` (elements matched by Name).
 */
export function reconcileSecrets(def: KindDef, desired: Json, dest: Json | undefined, keyPath: string[]): Omit<CleanupEntry, 'operation'>[] {
  const cleanup: Omit<CleanupEntry, 'operation'>[] = [];
  const settle = (container: Json, key: string, destValue: unknown, label: string) => {
    const outcome = settleSecret(container[key], destValue);
    if (outcome === 'keep') container[key] = destValue;
    else if (outcome === 'placeholder') {
      cleanup.push({ kind: def.kind, keyPath, field: label, instruction: 'written as a placeholder: set the real secret on the destination' });
    }
  };
  for (const path of def.secrets ?? []) {
    const segs = parsePath(path);
    if (segs.length === 1 && segs[0].mode === '') {
      settle(desired, segs[0].name, dest?.[segs[0].name], `secret ${segs[0].name}`);
    } else if (segs.length === 1 && segs[0].mode === '{}') {
      const bag = desired[segs[0].name];
      if (!bag || typeof bag !== 'object') continue;
      for (const key of Object.keys(bag)) settle(bag, key, dest?.[segs[0].name]?.[key], `sensitive ${segs[0].name} '${key}'`);
    } else if (segs.length === 2 && segs[0].mode === '[]' && segs[1].mode === '') {
      const list: Json[] = Array.isArray(desired[segs[0].name]) ? desired[segs[0].name] : [];
      const destList: Json[] = Array.isArray(dest?.[segs[0].name]) ? dest![segs[0].name] : [];
      for (const el of list) {
        const match = destList.find((d) => d.Name === el.Name);
        settle(el, segs[1].name, match?.[segs[1].name], `${segs[0].name} '${el.Name}' ${segs[1].name}`);
      }
    }
  }
  return cleanup;
}
