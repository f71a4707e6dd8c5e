import type { Doc } from '../types.js';

/** `Self` plus `Web` links of a space-scoped document (API-FACTS §2.4). */
export function selfLinks(base: string, collection: string, doc: Doc, extra: Record<string, string> = {}): Record<string, string> {
  const self = `${base}/${collection}/${doc.Id}`;
  const out: Record<string, string> = { Self: self };
  for (const [k, v] of Object.entries(extra)) out[k] = v.startsWith('/') ? v : `${self}/${v}`;
  return out;
}

/** A RetentionPeriod (API-FACTS §3.4). */
export function retention(unit: 'Days' | 'Items', quantity: number): Doc {
  return {
    Unit: unit,
    QuantityToKeep: quantity,
    ShouldKeepForever: quantity === 0,
    Strategy: quantity === 0 ? 'Forever' : 'Count',
  };
}
