import { visitPath } from '../util/docpath.js';
import { isSensitiveValue } from '../util/sensitive.js';

/**
 * Secrets never reach a snapshot. A SensitiveValue (`{HasValue, NewValue, Hint}`) becomes `{HasValue}`;
 * in property bags (`Properties{}`) only the sensitive entries are objects, plain strings stay.
 * A template parameter's `DefaultValue` (`Templates[].DefaultValue`, `Parameters[].DefaultValue`) is a
 * PropertyValue like a bag entry: a plain string is an ordinary default (`#deployments`) and stays, unless the
 * parameter's control type is Sensitive.
 */
export function scrubSecrets(doc: unknown, paths: string[]): void {
  for (const path of paths) {
    const parameter = /^(.*\[\])\.DefaultValue$/.exec(path);
    if (parameter) {
      visitPath(doc, parameter[1], (el) => {
        if (typeof el !== 'object' || el === null || !('DefaultValue' in el)) return;
        const p = el as { DefaultValue: unknown; DisplaySettings?: Record<string, unknown> };
        if (isSensitiveValue(p.DefaultValue)) p.DefaultValue = { HasValue: Boolean(p.DefaultValue.HasValue) || p.DefaultValue.NewValue != null };
        else if (p.DisplaySettings?.['Octopus.ControlType'] === 'Sensitive' && typeof p.DefaultValue === 'string' && p.DefaultValue !== '') {
          p.DefaultValue = { HasValue: true };
        }
      });
      continue;
    }
    visitPath(doc, path, (value, set) => {
      if (isSensitiveValue(value)) set({ HasValue: Boolean(value.HasValue) || value.NewValue != null });
      else if (!path.endsWith('{}') && typeof value === 'string' && value !== '') {
        // A server that leaked a secret as a plain string: record only that it has a value.
        set({ HasValue: true });
      }
    });
  }
}

export { isSensitiveValue };
