import { createHash } from 'node:crypto';

/**
 * A JSON value with object keys sorted (arrays keep their order) and undefined members left out. Parts that
 * are sorted already are returned as they are, not copied: plans and snapshots run to tens of megabytes and
 * are mostly sorted by the time they are hashed or written.
 */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const sorted = sortKeys(value[i]);
      if (sorted !== value[i]) (copy ??= value.slice())[i] = sorted;
    }
    return (copy ?? value) as T;
  }
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    let inOrder = true;
    for (let i = 0; i < keys.length; i++) {
      if ((i > 0 && keys[i - 1] > keys[i]) || record[keys[i]] === undefined) {
        inOrder = false;
        break;
      }
    }
    let children: Map<string, unknown> | undefined;
    for (const key of keys) {
      const v = record[key];
      if (v === undefined || typeof v !== 'object' || v === null) continue;
      const sorted = sortKeys(v);
      if (sorted !== v) (children ??= new Map()).set(key, sorted);
    }
    if (inOrder && !children) return value;
    const out: Record<string, unknown> = {};
    for (const key of inOrder ? keys : [...keys].sort()) {
      const v = record[key];
      if (v !== undefined) out[key] = children?.has(key) ? children.get(key) : v;
    }
    return out as T;
  }
  return value;
}

/** Deterministic JSON text: sorted keys, two-space indent, trailing newline. Same value, same bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2) + '\n';
}

/** `sha256:<hex>` of the canonical (compact) JSON of a value. */
export function fingerprint(value: unknown): string {
  return fingerprintSorted(sortKeys(value));
}

/** `fingerprint` of a value whose keys are sorted already (what `sortKeys` returned): no second walk. */
export function fingerprintSorted(sorted: unknown): string {
  return 'sha256:' + createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/**
 * A copy of a JSON value (as parsed from a response) with object keys sorted, leaving out the top-level members
 * `omit` names and undefined members: one pass where a clone, deletes and `sortKeys` took three (issue 17.3).
 */
export function sortedCopy(value: unknown, omit?: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = sortedCopy(value[i]);
    return out;
  }
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (v !== undefined && !omit?.has(key)) out[key] = sortedCopy(v);
  }
  return out;
}

