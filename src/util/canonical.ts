import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

/** A copy of a JSON value with object keys sorted (arrays keep their order). */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
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
  return 'sha256:' + createHash('sha256').update(JSON.stringify(sortKeys(value))).digest('hex');
}

/** Writes a file atomically: a temporary file beside it, then a rename. A failure leaves no partial file. */
export function writeFileAtomic(file: string, text: string): void {
  mkdirSync(dirname(file) || '.', { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
