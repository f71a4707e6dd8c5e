/**
 * The one place that decides what is secret and what happens to a secret, for snapshot, plan, apply and the
 * renderers alike: is this value sensitive, how is it recorded (`{HasValue}`, never the value), keep the
 * destination's stored secret or write a placeholder, what goes on the wire, and where in a document the
 * secrets sit (a plan's `sensitivePaths`). Output scrubbing (API keys in text) is src/util/sanitize.ts's job.
 */
import { pointerOf } from './pointer.js';

/** An Octopus SensitiveValue (`{HasValue, NewValue, Hint}` on the wire; `{HasValue}` in snapshots and plans). */
export function isSensitiveValue(v: unknown): v is { HasValue: boolean; NewValue?: unknown; Hint?: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'HasValue' in v;
}

/** A variable whose value is secret: marked `IsSensitive`, or of type `Sensitive`. */
export function isSensitiveVariable(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as { IsSensitive?: unknown; Type?: unknown };
  return o.IsSensitive === true || o.Type === 'Sensitive';
}

/** A template (a tenant variable template, a step template parameter) whose control type is Sensitive. */
export function isSensitiveTemplate(t: unknown): boolean {
  return (t as { DisplaySettings?: Record<string, unknown> } | undefined)?.DisplaySettings?.['Octopus.ControlType'] === 'Sensitive';
}

/**
 * A secret as snapshots and plans record it: `{HasValue}`. A SensitiveValue keeps only whether it has a value;
 * under a Sensitive template a plain value (a server that sent it in clear) becomes `{HasValue}` too. Anything
 * else is no secret and comes back as it is.
 */
export function recordedSecret(value: unknown, template?: unknown): unknown {
  return recordedValue(value, isSensitiveTemplate(template));
}

/** `recordedSecret` where the caller knows already whether the value's template is sensitive. */
export function recordedValue(value: unknown, sensitiveTemplate: boolean): unknown {
  if (isSensitiveValue(value)) return { HasValue: Boolean(value.HasValue) || value.NewValue != null };
  if (sensitiveTemplate) return { HasValue: value !== null && value !== '' };
  return value;
}

/**
 * What becomes of a secret the plan wants (`{HasValue}`) where the destination stores `stored`:
 * - `keep`: the destination has a value: it stays (octosync cannot know the source's, and never overwrites an
 *   operator's secret);
 * - `placeholder`: the source has a value and the destination none: a placeholder is written, and listed to fill in;
 * - `clear`: neither has a value;
 * - undefined: no secret here at all.
 */
export type SecretOutcome = 'keep' | 'placeholder' | 'clear';

export function settleSecret(wanted: unknown, stored: unknown): SecretOutcome | undefined {
  if (isSensitiveValue(stored) && stored.HasValue) return 'keep';
  if (!isSensitiveValue(wanted)) return undefined;
  return wanted.HasValue ? 'placeholder' : 'clear';
}

/** The SensitiveValue apply sends for an outcome: `NewValue: null` leaves a stored value as it is. */
export function secretToSend(outcome: SecretOutcome, placeholder: string): { HasValue: boolean; NewValue: string | null } {
  if (outcome === 'keep') return { HasValue: true, NewValue: null };
  if (outcome === 'placeholder') return { HasValue: true, NewValue: placeholder };
  return { HasValue: false, NewValue: null };
}

/**
 * JSON pointers to every secret in a document: SensitiveValues (`{HasValue}`) and the `Value` of
 * a sensitive variable. What a plan records as an operation's `sensitivePaths`.
 */
export function sensitivePointers(doc: unknown): string[] {
  const out: string[] = [];
  // The path as tokens, made into a pointer only where a secret is: plans walk every document they write.
  const path: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    if (isSensitiveValue(node)) {
      out.push(pointerOf(path));
      return;
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        path.push(String(i));
        walk(node[i]);
        path.pop();
      }
      return;
    }
    const sensitiveVariable = isSensitiveVariable(node);
    for (const [k, v] of Object.entries(node)) {
      path.push(k);
      if (sensitiveVariable && k === 'Value') out.push(pointerOf(path));
      else walk(v);
      path.pop();
    }
  };
  walk(doc);
  return out;
}

/** Whether `pointer` is one of `paths`, or inside one. */
export function underSensitive(pointer: string, paths: readonly string[]): boolean {
  return paths.some((p) => pointer === p || pointer.startsWith(`${p}/`));
}

/**
 * The secrets an update touches: pointers to secrets of the document before or after its patch that a patch
 * operation writes, tests or moves — the pointer itself, one inside it, or one holding it.
 */
export function patchSensitivePaths(before: unknown, after: unknown, patch: readonly { path: string; from?: string }[]): string[] {
  const touched = patch.flatMap((p) => (p.from !== undefined ? [p.path, p.from] : [p.path]));
  const related = (s: string) => touched.some((t) => t === s || s.startsWith(`${t}/`) || t.startsWith(`${s}/`));
  return [...new Set([...sensitivePointers(before), ...sensitivePointers(after)])].filter(related).sort();
}

/** Whether a value holds a secret anywhere (a sensitive variable's value, a SensitiveValue). */
export function containsSecret(value: unknown): boolean {
  return sensitivePointers(value).length > 0;
}

/**
 * A copy of a value with every secret replaced by `(sensitive)`: for values a plan records as they are, not as a
 * patch with its `sensitivePaths` (a three-way conflict's two sides).
 */
export function withSecretsMasked(value: unknown): unknown {
  if (isSensitiveValue(value)) return '(sensitive)';
  if (Array.isArray(value)) return value.map(withSecretsMasked);
  if (!value || typeof value !== 'object') return value;
  const sensitiveVariable = isSensitiveVariable(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = sensitiveVariable && k === 'Value' ? '(sensitive)' : withSecretsMasked(v);
  return out;
}
