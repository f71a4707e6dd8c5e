import { visitPath } from '../util/docpath.js';

/**
 * Secrets never reach a snapshot. A SensitiveValue (`{HasValue, NewValue, Hint}`) becomes `{HasValue}`;
 * in property bags (`Properties{}`) only the sensitive entries are objects, plain strings stay.
 */
export function scrubSecrets(doc: unknown, paths: string[]): void {
  for (const path of paths) {
    visitPath(doc, path, (value, set) => {
      if (isSensitiveValue(value)) set({ HasValue: Boolean(value.HasValue) || value.NewValue != null });
      else if (!path.endsWith('{}') && typeof value === 'string' && value !== '') {
        // A server that leaked a secret as a plain string: record only that it has a value.
        set({ HasValue: true });
      }
    });
  }
}

export function isSensitiveValue(v: unknown): v is { HasValue?: boolean; NewValue?: unknown; Hint?: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'HasValue' in v;
}
