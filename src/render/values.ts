/**
 * Values as people read them in a rendered plan: JSON pointers as member paths, secrets masked, long
 * values laid out over several lines. Pure: no colour, no I/O.
 */
import { escapeToken } from '../util/pointer.js';
import { underSensitive } from '../util/sensitive.js';

/** What is printed in place of any secret. */
export const SENSITIVE = '(sensitive)';

/** A masked secret: formatted as `(sensitive)`, never as its content. */
class Sensitive {}
const MASK = new Sensitive();

/**
 * A copy of a value found at JSON pointer `at`, with what the plan's `sensitivePaths` name replaced by the
 * mask. The renderer does not judge sensitivity itself: the plan says where its secrets are.
 */
export function masked(value: unknown, sensitivePaths: readonly string[], at = ''): unknown {
  if (underSensitive(at, sensitivePaths)) return MASK;
  if (!sensitivePaths.some((p) => p.startsWith(`${at}/`))) return value;
  if (Array.isArray(value)) return value.map((v, i) => masked(v, sensitivePaths, `${at}/${i}`));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = masked(v, sensitivePaths, `${at}/${escapeToken(k)}`);
    return out;
  }
  return value;
}

/** The mask itself, for a value the renderer knows is secret from where it sits. */
export const MASKED: unknown = MASK;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `/Steps/Deploy web/Properties/Octopus.Action.Script.ScriptBody` → `Steps["Deploy web"].Properties["Octopus.Action.Script.ScriptBody"]`. */
export function memberPath(tokens: string[]): string {
  if (tokens.length === 0) return '(the whole item)';
  let out = '';
  for (const t of tokens) {
    if (/^(0|[1-9][0-9]*)$/.test(t)) out += `[${t}]`;
    else if (t === '-') out += '[end]';
    else if (IDENTIFIER.test(t)) out += out ? `.${t}` : t;
    else out += `[${JSON.stringify(t)}]`;
  }
  return out;
}

/** A member name as written inside a value: bare when it is an identifier, else quoted. */
export function memberName(key: string): string {
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}

/** One line: `{ Name = "x", Value = (sensitive) }`, `["a", "b"]`, `"text"`, `42`. Expects a masked value. */
export function inline(value: unknown): string {
  if (value === MASK) return SENSITIVE;
  if (value === undefined) return 'null';
  if (Array.isArray(value)) return value.length ? `[${value.map(inline).join(', ')}]` : '[]';
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length ? `{ ${entries.map(([k, v]) => `${memberName(k)} = ${inline(v)}`).join(', ')} }` : '{}';
  }
  return JSON.stringify(value);
}

/** At most `max` characters, with `…` where it was cut: at a word's end when one is near, not mid-word. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, Math.max(0, max - 1));
  const space = cut.search(/\s\S*$/);
  return `${space >= cut.length * 0.6 ? cut.slice(0, space) : cut}…`;
}

/** A value in a summary: one line, long ones cut, multi-line text as its first line and a line count. */
export function summary(value: unknown, max = 80): string {
  if (typeof value === 'string' && value.includes('\n')) {
    const lines = value.split('\n');
    return `${JSON.stringify(shorten(lines[0], max - 20))}… (${lines.length} lines)`;
  }
  return shorten(inline(value), max);
}

/** A value laid out for a diff: a list of lines, the first to follow `label = `, the rest indented by `depth`. */
export interface Laid {
  depth: number;
  text: string;
  /** A closing bracket or a line of a heredoc: part of the member above it. */
  continued?: boolean;
}

const INLINE_WIDTH = 100;

/**
 * `label = value` over as many lines as it needs (Terraform's layout): short values inline, objects and
 * lists member by member, multi-line text as a heredoc. Expects a masked value.
 */
export function layout(label: string, value: unknown, depth = 0): Laid[] {
  const head = label ? `${label} = ` : '';
  if (typeof value === 'string' && value.includes('\n')) {
    const body = value.split('\n').map((text) => ({ depth: depth + 2, text, continued: true }));
    return [{ depth, text: `${head}<<EOT` }, ...body, { depth: depth + 1, text: 'EOT', continued: true }];
  }
  const one = inline(value);
  const isContainer = value !== MASK && typeof value === 'object' && value !== null;
  if (!isContainer || (head.length + one.length <= INLINE_WIDTH && !hasMultiline(value))) return [{ depth, text: head + one }];
  const out: Laid[] = [];
  if (Array.isArray(value)) {
    out.push({ depth, text: `${head}[` });
    for (const el of value) out.push(...layout('', el, depth + 1));
    out.push({ depth, text: ']', continued: true });
  } else {
    out.push({ depth, text: `${head}{` });
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out.push(...layout(memberName(k), v, depth + 1));
    out.push({ depth, text: '}', continued: true });
  }
  return out;
}

function hasMultiline(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\n');
  if (value && typeof value === 'object' && value !== MASK) return Object.values(value).some(hasMultiline);
  return false;
}
