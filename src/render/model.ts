/**
 * What the renderers show, worked out once from the plan file alone (Terraform's split of "differ" and
 * "renderers"): per operation a symbol, a title, the field-level diff as signed lines, its decisions and
 * clean-up; per kind the counts. Text and markdown only lay this out.
 */
import { hasChanges, isLateReferences } from '../plan-format/operations.js';
import type { Operation as PatchOperation } from 'fast-json-patch';
import type { CleanupEntry, Decision, Operation, Plan } from '../plan-format/types.js';
import { KINDS } from '../registry/kinds.js';
import { structuredPatch } from 'diff';
import { pointerTokens } from '../util/pointer.js';
import { layout, MASKED, masked, memberName, memberPath, shorten, summary } from './values.js';
import type { KindName } from '../registry/kinds.js';
import { threeWayCounts } from './sections-three-way.js';

/** `+` added, `-` removed, `~` changed, `=` skipped, ` ` context. */
export type Sign = '+' | '-' | '~' | '=' | ' ';

export interface DiffLine {
  sign: Sign;
  /** Nesting below the operation (0 = a field of the item). */
  depth: number;
  text: string;
  /** A closing bracket or a heredoc line: the sign belongs to the member above (text leaves it out). */
  continued?: boolean;
}

export interface OperationView {
  op: Operation;
  sign: '+' | '~' | '=' | '-';
  /** `Project "OctoFX"`, `Channel "OctoFX" / "Hotfix"`. */
  title: string;
  /** `will be created`, `will be updated in-place`, `is skipped`. */
  verb: string;
  lines: DiffLine[];
  decisions: Decision[];
  cleanup: CleanupEntry[];
}

export interface KindRow {
  label: string;
  create: number;
  update: number;
  /** Late reference updates (`…#references`): not in the plan's update count. */
  references: number;
  skip: number;
}

export const NO_CHANGES = 'No changes. The destination matches the source under this policy.';

/** Items with nothing to write whose source differences are held back: skips that list their decisions. */
export function heldBackItems(plan: Plan): number {
  return plan.operations.filter((o) => o.action === 'skip' && (o.decisions ?? []).length > 0).length;
}

/** The closing line of a plan with nothing to write: it never claims agreement where differences are held back. */
export function noChangesLine(plan: Plan): string {
  const held = heldBackItems(plan);
  if (held === 0) return NO_CHANGES;
  return `No changes to write. ${held} item${held === 1 ? '' : 's'} keep${held === 1 ? 's' : ''} source differences held back under this policy (listed with the skips).`;
}

/** The summary line, from the plan's own counts. */
export function planLine(plan: Plan): string {
  const { create, update, skip } = plan.counts;
  return `Plan: ${create} to create, ${update} to update, ${skip} skipped${threeWayCounts(plan)}.`;
}

export { hasChanges, isLateReferences };

export function lateReferenceCount(plan: Plan): number {
  return plan.operations.filter(isLateReferences).length;
}

const kindIndex = new Map(KINDS.map((k, i) => [k.kind, i]));

export function kindLabel(kind: KindName): string {
  return KINDS.find((k) => k.kind === kind)?.label ?? kind;
}

/** `Channel "OctoFX" / "Hotfix"`: the kind, then the names from the outermost parent down. */
export function itemTitle(kind: KindName, keyPath: string[]): string {
  return `${kindLabel(kind)} ${keyPath.map((n) => JSON.stringify(n)).join(' / ')}`;
}

/** Counts per kind, in the registry's dependency order. */
export function kindRows(plan: Plan): KindRow[] {
  const rows = new Map<KindName, KindRow>();
  for (const op of plan.operations) {
    let row = rows.get(op.kind);
    if (!row) rows.set(op.kind, (row = { label: kindLabel(op.kind), create: 0, update: 0, references: 0, skip: 0 }));
    if (op.action === 'update' && isLateReferences(op)) row.references++;
    else if (op.action !== 'delete') row[op.action]++; // deletes: counted and listed in their own section (sections-three-way.ts)
  }
  const order = (kind: KindName) => kindIndex.get(kind) ?? KINDS.length;
  return [...rows.entries()].sort(([a], [b]) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

export function operationView(op: Operation): OperationView {
  const base = { op, title: itemTitle(op.kind, op.keyPath), decisions: op.decisions ?? [], cleanup: op.cleanup ?? [] };
  if (op.action === 'create') return { ...base, sign: '+', verb: 'will be created', lines: createLines(op.desired ?? {}, op.sensitivePaths ?? []) };
  if (op.action === 'skip') return { ...base, sign: '=', verb: 'is skipped', lines: [] };
  if (op.action === 'delete') return { ...base, sign: '-', verb: 'will be deleted', lines: [] };
  const verb = isLateReferences(op) ? 'will have its references set' : 'will be updated in-place';
  return { ...base, sign: '~', verb, lines: patchLines(op.patch ?? [], op.sensitivePaths ?? []) };
}

type Json = Record<string, unknown>;

const isEmpty = (v: unknown) =>
  v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

const named = (v: unknown): v is Json[] => Array.isArray(v) && v.every((el) => el && typeof el === 'object' && typeof (el as Json).Name === 'string');

/**
 * A create, summarised: top-level fields (empty ones left out), steps with their actions, variables by
 * name with their scope, other named lists by their names. Secrets (the plan's `sensitivePaths`) are masked first.
 */
function createLines(desired: Json, sensitivePaths: readonly string[]): DiffLine[] {
  const content = masked(desired, sensitivePaths) as Json;
  const simple: [string, string][] = [];
  const blocks: DiffLine[][] = [];
  for (const key of Object.keys(content).sort()) {
    const value = content[key];
    if (isEmpty(value)) continue;
    const label = memberName(key);
    if (key === 'Steps' && named(value)) blocks.push([line('+', 0, `${label} (${value.length}):`), ...value.flatMap(stepLines)]);
    else if (key === 'Variables' && named(value)) blocks.push([line('+', 0, `${label} (${value.length}):`), ...value.map(variableLine)]);
    else if (named(value)) simple.push([`${label} (${value.length})`, shorten(value.map((el) => JSON.stringify(el.Name)).join(', '), 100)]);
    else if (hasText(value)) blocks.push(textLines(label, value, 0));
    else simple.push([label, summary(value)]);
  }
  const width = Math.max(0, ...simple.map(([k]) => k.length));
  return [...simple.map(([k, v]) => line('+', 0, `${k.padEnd(width)} = ${v}`)), ...blocks.flat()];
}

/** Whether a value is, or holds, multi-line text (a script, a template). */
function hasText(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\n');
  return !!value && typeof value === 'object' && value !== MASKED && !Array.isArray(value) && Object.values(value).some(hasText);
}

/** Lines of a created script shown; the rest is counted. */
const CREATED_TEXT_LINES = 5;

/**
 * Multi-line text in a create: its size and its first lines (each cut at a word), not one line cut short;
 * an object holding such text (a step template's Properties) member by member.
 */
function textLines(label: string, value: unknown, depth: number): DiffLine[] {
  if (typeof value !== 'string') {
    const entries = Object.entries(value as Json).filter(([, v]) => !isEmpty(v));
    return [
      line('+', depth, `${label}:`),
      ...entries.flatMap(([k, v]) => (hasText(v) ? textLines(memberName(k), v, depth + 1) : [line('+', depth + 1, `${memberName(k)} = ${summary(v)}`)])),
    ];
  }
  const lines = value.replace(/\n$/, '').split('\n');
  const shown = lines.slice(0, CREATED_TEXT_LINES).map((l) => line('+', depth + 1, shorten(l, 100)));
  const more = lines.length - shown.length;
  return [
    line('+', depth, `${label} (${lines.length} lines, ${value.length.toLocaleString('en-US')} characters):`),
    ...shown,
    ...(more > 0 ? [{ ...line('+', depth + 1, `… ${more} more line${more === 1 ? '' : 's'}`), continued: true }] : []),
  ];
}

function stepLines(step: Json): DiffLine[] {
  const actions = Array.isArray(step.Actions) ? (step.Actions as Json[]) : [];
  return [
    line('+', 1, `step ${JSON.stringify(step.Name)}`),
    ...actions.map((a) => line('+', 2, `action ${JSON.stringify(a.Name)}${a.ActionType ? ` (${a.ActionType})` : ''}`)),
  ];
}

function variableLine(v: Json): DiffLine {
  const scope = scopeText(v.Scope);
  return line('+', 1, `${v.Name} = ${summary(v.Value, 60)}${scope ? ` ${scope}` : ''}`);
}

function scopeText(scope: unknown): string {
  if (!scope || typeof scope !== 'object') return '';
  const parts = Object.entries(scope as Record<string, unknown>).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`);
  return parts.length ? `(${parts.join('; ')})` : '';
}

/**
 * An update: one entry per RFC 6902 operation, paths as member paths. The old value shows only where the
 * plan has it (a `test` operation just before, on the same path). A change at or inside a secret the plan
 * names is shown as the secret's member, masked; secrets inside a written value are masked in it.
 */
function patchLines(patch: PatchOperation[], sensitivePaths: readonly string[]): DiffLine[] {
  const out: DiffLine[] = [];
  patch.forEach((p, i) => {
    const next = patch[i + 1];
    if (p.op === 'test' && next && next.op !== 'test' && next.path === p.path) return; // read as the next one's old value
    const prev = patch[i - 1];
    const old = prev && prev.op === 'test' && prev.path === p.path ? { value: prev.value } : undefined;
    const holder = sensitivePaths.find((s) => p.path === s || p.path.startsWith(`${s}/`));
    const secret = holder !== undefined;
    const label = memberPath(pointerTokens(holder ?? p.path));
    // Under a sensitive path, masked() gives the mask itself.
    const shown = (v: unknown) => masked(v, sensitivePaths, p.path);
    switch (p.op) {
      case 'add':
        out.push(...laid('+', label, shown(p.value)));
        break;
      case 'remove':
        out.push(...(old ? laid('-', label, shown(old.value)) : [line('-', 0, label)]));
        break;
      case 'replace':
        out.push(...replaced(label, old ? shown(old.value) : undefined, shown(p.value), secret));
        break;
      case 'move':
        out.push(line('~', 0, `${label} (moved from ${memberPath(pointerTokens(p.from))})`));
        break;
      case 'copy':
        out.push(line('+', 0, `${label} (copied from ${memberPath(pointerTokens(p.from))})`));
        break;
      case 'test':
        out.push(...laid(' ', `${label} (must still be)`, shown(p.value)));
        break;
      default:
        break;
    }
  });
  return out;
}

function replaced(label: string, old: unknown, value: unknown, secret: boolean): DiffLine[] {
  if (!secret && typeof old === 'string' && typeof value === 'string' && (old.includes('\n') || value.includes('\n'))) return textDiff(label, old, value);
  const now = laid('~', label, value);
  if (old === undefined || secret) return now;
  const before = laid('-', label, old);
  if (now.length === 1 && before.length === 1) {
    const text = `${before[0].text} -> ${now[0].text.slice(label.length + 3)}`;
    if (text.length <= 120) return [line('~', 0, text)];
  }
  return [...before, ...laid('+', label, value)];
}

/** Lines of context around each change of a script. */
const TEXT_DIFF_CONTEXT = 3;

/**
 * A change to multi-line text (a script, a template) as a line-level diff in unified hunks (jsdiff), so a
 * reviewer reads the lines that changed instead of the whole script twice.
 */
function textDiff(label: string, old: string, value: string): DiffLine[] {
  const patch = structuredPatch('', '', old, value, '', '', { context: TEXT_DIFF_CONTEXT });
  const count = (t: string) => t.replace(/\n$/, '').split('\n').length;
  const added = patch.hunks.reduce((n, h) => n + h.lines.filter((l) => l.startsWith('+')).length, 0);
  const removed = patch.hunks.reduce((n, h) => n + h.lines.filter((l) => l.startsWith('-')).length, 0);
  const out = [line('~', 0, `${label}: ${count(old)} → ${count(value)} lines (+${added} -${removed})`)];
  for (const h of patch.hunks) {
    out.push({ ...line(' ', 1, `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`), continued: true });
    for (const l of h.lines) {
      if (l.startsWith('\\')) continue; // "\ No newline at end of file"
      const sign = l[0] === '+' ? '+' : l[0] === '-' ? '-' : ' ';
      out.push(line(sign, 1, l.slice(1)));
    }
  }
  return out;
}

function laid(sign: Sign, label: string, value: unknown): DiffLine[] {
  return layout(label, value).map((l) => (l.continued ? { ...line(sign, l.depth, l.text), continued: true } : line(sign, l.depth, l.text)));
}

function line(sign: Sign, depth: number, text: string): DiffLine {
  return { sign, depth, text };
}
