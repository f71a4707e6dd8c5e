import { visitPath } from '../util/docpath.js';
import { isSensitiveTemplate, isSensitiveValue, recordedSecret } from '../util/sensitive.js';

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
        const p = el as { DefaultValue: unknown };
        // A plain default stays one unless the parameter is Sensitive (an empty default is no secret to hide).
        if (isSensitiveValue(p.DefaultValue) || (isSensitiveTemplate(p) && typeof p.DefaultValue === 'string' && p.DefaultValue !== '')) {
          p.DefaultValue = recordedSecret(p.DefaultValue, p);
        }
      });
      continue;
    }
    visitPath(doc, path, (value, set) => {
      if (isSensitiveValue(value)) set(recordedSecret(value));
      else if (!path.endsWith('{}') && typeof value === 'string' && value !== '') {
        // A server that leaked a secret as a plain string: record only that it has a value.
        set({ HasValue: true });
      }
    });
  }
}

