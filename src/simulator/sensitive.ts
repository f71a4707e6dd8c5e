import { walkPath } from './paths.js';
import type { Doc, DocPath } from './types.js';

/**
 * Write-only secrets (API-FACTS §2.10). Stored as a SensitiveValue with a hidden `$secret` member that
 * never leaves the simulator; presented as `{HasValue, NewValue: null, Hint}`.
 *
 * Write rules (Octopus.Client `Model/SensitiveValue.cs`): a non-null `NewValue` sets the value; `HasValue`
 * left as it was keeps the stored value; `HasValue: false` clears it.
 */
const SECRET = '$secret';

export function isSensitiveValue(v: unknown): v is Doc {
  // `{NewValue: "…"}` without HasValue is a SensitiveValue too (the typed deserialiser defaults HasValue):
  // treating it as anything else would store and echo the secret.
  return typeof v === 'object' && v !== null && !Array.isArray(v) && ('HasValue' in v || 'NewValue' in v);
}

/**
 * A path ending in `?` names a PropertyValue (API-FACTS §1.3: a plain string or a SensitiveValue, e.g. a
 * template parameter's `DefaultValue`). There, as in a property bag (`Properties{}`), a plain string is an
 * ordinary non-sensitive value; elsewhere a plain string is the secret itself.
 */
function parseSecretPath(path: DocPath): { walk: DocPath; plainIsPublic: boolean } {
  if (path.endsWith('?')) return { walk: path.slice(0, -1), plainIsPublic: true };
  return { walk: path, plainIsPublic: path.endsWith('{}') };
}

/** Merges incoming SensitiveValue members at `paths` with the stored ones, in place. */
export function mergeSecrets(doc: Doc, prev: Doc | undefined, paths: DocPath[]): void {
  for (const path of paths) {
    const { walk, plainIsPublic } = parseSecretPath(path);
    walkPath(doc, prev, walk, (container, key, prevValue) => {
      const c = container as any;
      const incoming = c[key];
      if (incoming === undefined) return;
      if (typeof incoming === 'string' && !plainIsPublic) {
        // A plain string where a SensitiveValue belongs: clients of old servers send the secret itself.
        c[key] = stored(incoming, null);
        return;
      }
      if (!isSensitiveValue(incoming)) return; // property bags: a plain string is a non-sensitive property
      if (incoming.NewValue !== null && incoming.NewValue !== undefined) {
        c[key] = stored(String(incoming.NewValue), incoming.Hint ?? null);
      } else if (incoming.HasValue === false) {
        c[key] = { HasValue: false, NewValue: null, Hint: null };
      } else if (isSensitiveValue(prevValue) && prevValue.HasValue) {
        c[key] = { ...prevValue, Hint: incoming.Hint ?? prevValue.Hint ?? null };
      } else {
        c[key] = { HasValue: false, NewValue: null, Hint: incoming.Hint ?? null };
      }
    });
  }
}

function stored(secret: string, hint: string | null): Doc {
  return { HasValue: true, NewValue: null, Hint: hint, [SECRET]: secret };
}

/** Removes the hidden secrets from a copy of the document for output. */
export function maskSecrets(doc: Doc, paths: DocPath[]): void {
  for (const path of paths) {
    walkPath(doc, undefined, parseSecretPath(path).walk, (container, key) => {
      const v = (container as any)[key];
      if (isSensitiveValue(v)) {
        const { [SECRET]: _hidden, ...rest } = v;
        (container as any)[key] = { ...rest, NewValue: null };
      }
    });
  }
}

/** Strips any `$secret` a client tried to send. */
export function stripClientSecrets(body: unknown): void {
  if (Array.isArray(body)) body.forEach(stripClientSecrets);
  else if (typeof body === 'object' && body !== null) {
    delete (body as Doc)[SECRET];
    Object.values(body).forEach(stripClientSecrets);
  }
}

/** The stored secret, for tests that prove a value survived (never served over /api). */
export function secretOf(v: unknown): string | undefined {
  return isSensitiveValue(v) ? (v as Doc)[SECRET] : undefined;
}
