/**
 * The one output sanitizer (Renovate's approach: scrub at the point of output). Everything octosync prints or
 * writes (stdout, stderr, the log, the journal, reports, JSON output) passes through it, by way of the writers
 * in util/write-out.ts. Two kinds of scrubbing:
 * - by registered secret: every value registered at run time (the API keys and access tokens read from flags,
 *   the environment and key files; sensitive values seen in the server's documents) is replaced wherever it
 *   appears, in any text;
 * - by field name: in a document written as JSON, the values of sensitive fields (a SensitiveValue's
 *   `NewValue`, a sensitive variable's `Value`, passwords, keys, tokens, secrets) are replaced. What octosync
 *   writes itself (a placeholder in a request body) is not registered: only what a server sends is
 *   (`registerSecretsIn`), so that a report reads the same whatever the log level.
 * API keys are also recognised by their form (`API-` and 16 or more capitals and digits).
 */

import { isSensitiveVariable } from './sensitive.js';

const secrets = new Set<string>();
/** The registered secrets, longest first (a secret that contains another is replaced whole); kept as they change. */
let ordered: string[] = [];

/** What replaces a registered secret in text. */
export const SECRET_MARK = '***';
/** What replaces the value of a sensitive field. */
export const FIELD_MARK = '(redacted)';

// Shorter values would blank out ordinary words; API keys and real secrets are longer.
const MIN_SECRET_LENGTH = 6;

/** Field names whose string values are secrets wherever they appear (compared without case, `-` and `_`). */
const SENSITIVE_FIELDS = new Set([
  'password',
  'passphrase',
  'privatekeypassphrase',
  'apikey',
  'xoctopusapikey',
  'accesstoken',
  'token',
  'secret',
  'secretkey',
  'clientsecret',
  'authorization',
]);

export function registerSecret(value: string | undefined | null): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
  secrets.add(value);
  ordered = [...secrets].sort((a, b) => b.length - a.length);
}

/** Forgets every registered secret (tests; each run of the CLI starts with none). */
export function resetSanitizer(): void {
  secrets.clear();
  ordered = [];
}

/** Text with every registered secret, and anything shaped like an API key, replaced. */
export function sanitizeText(text: string): string {
  let out = text;
  for (const s of ordered) if (out.includes(s)) out = out.split(s).join(SECRET_MARK);
  return out.replace(/(API-[A-Z0-9]{4})[A-Z0-9]{12,}/g, `$1${SECRET_MARK}`);
}

/** Whether `key`'s value in `parent` is a secret by its name (a variable's `Value` only when the variable is sensitive). */
export function isSensitiveField(key: string, parent: Record<string, unknown>): boolean {
  if (key === 'NewValue') return true;
  if (key === 'Value') return isSensitiveVariable(parent);
  return SENSITIVE_FIELDS.has(key.toLowerCase().replace(/[-_]/g, ''));
}

/**
 * A copy of a document fit for output: the string values of sensitive fields replaced, every other string
 * scrubbed of registered secrets. Objects under a sensitive name (a snapshot's `{HasValue}`) are walked like
 * any other.
 */
export function sanitizeValue<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown): unknown {
  if (typeof value === 'string') return sanitizeText(value);
  if (Array.isArray(value)) return value.map(walk);
  if (!value || typeof value !== 'object') return value;
  const parent = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parent)) {
    out[k] = typeof v === 'string' && v !== '' && isSensitiveField(k, parent) ? FIELD_MARK : walk(v);
  }
  return out;
}

/** Registers the values of sensitive fields in a document read from a server, without changing it. */
export function registerSecretsIn(doc: unknown): void {
  if (Array.isArray(doc)) return doc.forEach(registerSecretsIn);
  if (!doc || typeof doc !== 'object') return;
  const parent = doc as Record<string, unknown>;
  for (const [k, v] of Object.entries(parent)) {
    if (typeof v === 'string') {
      if (isSensitiveField(k, parent)) registerSecret(v);
    } else if (v && typeof v === 'object') registerSecretsIn(v);
  }
}

/** A document as JSON text, sanitized by field name and by registered secret. */
export function sanitizeJson(value: unknown, indent?: number): string {
  return sanitizeText(JSON.stringify(sanitizeValue(value), null, indent));
}
