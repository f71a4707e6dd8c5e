import type { KindDef } from '../registry/types.js';
import { deleteAtPath, visitPath } from '../util/docpath.js';
import { fingerprintSorted, sortedCopy, sortKeys } from '../util/canonical.js';
import { markInlineRefs } from '../util/inline-refs.js';
import type { IdIndex } from './id-index.js';
import { scrubSecrets } from './secrets.js';
import type { SnapshotItem } from './types.js';
import type { TemplateState } from './modules/template-usage.js';

/** Members every Octopus document has that belong to the instance, not the content (API-FACTS §2.9). */
const SERVER_OWNED = ['Id', 'Links', 'SpaceId', 'LastModifiedOn', 'LastModifiedBy', 'Version'];

export interface NormalizeContext {
  index: IdIndex;
  warnings: string[];
  /** For messages: `project 'OctoFX'`. */
  where: string;
  /** Step templates of the same instance by name (processes record whether a usage is at its template's version). */
  templates?: (name: string) => TemplateState | undefined;
  /** Members left out because a child kind read from the same server holds them (registry `supersedes`). */
  superseded?: string[];
}

/** Replaces every id a registry reference field holds with the referenced item's name. */
export function translateRefs(def: KindDef, content: unknown, ctx: NormalizeContext): void {
  for (const ref of def.refs) {
    const kinds = Array.isArray(ref.to) ? ref.to : [ref.to];
    const translate = (value: string): string => {
      const name = ctx.index.nameOf(value, kinds);
      if (name !== undefined) return name;
      if (looksLikeId(value)) {
        ctx.warnings.push(`${ctx.where}: ${ref.path} refers to ${value}, which is not a ${kinds.join(' or ')} of this space; recorded as "${value}"`);
      }
      // Otherwise the value is not an id at all (a variable expression such as #{Account}): keep it.
      return value;
    };
    visitPath(content, ref.path, (value, set) => {
      if (typeof value !== 'string' || value === '') return;
      set(ref.separator ? value.split(ref.separator).map((v) => translate(v.trim())).join(ref.separator) : translate(value));
    });
  }
}

export function looksLikeId(v: string): boolean {
  return /^[A-Za-z]+-\d+$/.test(v) || /^feeds-builtin$/i.test(v);
}

/** Sorts arrays whose order carries no meaning, so that equal sets compare equal. */
export function sortUnordered(def: KindDef, content: unknown): void {
  for (const { path, by } of def.unordered ?? []) {
    visitPath(content, path, (value, set) => {
      if (!Array.isArray(value)) return;
      set([...value].sort((a, b) => compareBy(a, b, by)));
    });
  }
}

function compareBy(a: unknown, b: unknown, by?: string): number {
  const x = by && a && typeof a === 'object' ? String((a as Record<string, unknown>)[by]) : JSON.stringify(a);
  const y = by && b && typeof b === 'object' ? String((b as Record<string, unknown>)[by]) : JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The registry's generic normalisation: server-owned members to `meta`, ignored members and nested ids
 * dropped, secrets reduced to "has a value", ids to names, unordered lists sorted, keys sorted.
 * Kind modules (processes, variables) run on top of this.
 */
export function normalizeDocument(def: KindDef, doc: Record<string, unknown>, ctx: NormalizeContext): SnapshotItem['content'] {
  // A copy with its keys sorted: the rules below replace values in place, so the content stays sorted and
  // finishItem's sortKeys only checks it. (Unordered lists sorted without `by` hold strings, whose order no key order changes.)
  const content = sortedCopy(doc, droppedMembers(def, ctx.superseded)) as Record<string, unknown>;
  for (const path of def.nestedIds ?? []) deleteAtPath(content, path);
  scrubSecrets(content, def.secrets ?? []);
  translateRefs(def, content, ctx);
  for (const { path, to } of def.inlineRefs ?? []) {
    visitPath(content, path, (value, set) => {
      if (value && typeof value === 'object') {
        set(markInlineRefs(value, (id) => {
          const e = ctx.index.get(id);
          const kind = e && to.find((k) => k === e.kind);
          return e && kind ? { kind, name: e.name } : undefined;
        }));
      }
    });
  }
  // Steps are named; old data may hold an action's id instead (terraform-provider-octopusdeploy PR #548): the
  // action's own name, the last of its key path (the index's `name` is the owner-qualified `Action` scope value).
  for (const path of def.actionRefs ?? []) {
    visitPath(content, path, (value, set) => {
      const entry = typeof value === 'string' ? ctx.index.get(value) : undefined;
      if (entry?.kind === 'action') set(entry.keyPath[entry.keyPath.length - 1]);
    });
  }
  sortUnordered(def, content);
  return content;
}

/** The top-level members a kind's content leaves out; the same set for every document of a kind (made once). */
const dropped = new WeakMap<KindDef, Map<string, ReadonlySet<string>>>();
function droppedMembers(def: KindDef, superseded: string[] = []): ReadonlySet<string> {
  const byKind = dropped.get(def) ?? new Map<string, ReadonlySet<string>>();
  dropped.set(def, byKind);
  const key = superseded.join('\u0000');
  let set = byKind.get(key);
  if (!set) byKind.set(key, (set = new Set([...SERVER_OWNED, ...def.ignore, ...superseded, ...(def.parent ? [def.parent.field] : [])])));
  return set;
}

export function finishItem(doc: Record<string, unknown>, content: Record<string, unknown>, extra: Partial<SnapshotItem['meta']> = {}): SnapshotItem {
  const sorted = sortKeys(content);
  const meta: SnapshotItem['meta'] = { id: String(doc.Id), fingerprint: fingerprintSorted(sorted), ...extra };
  if (typeof doc.Version === 'number') meta.version = doc.Version;
  return { content: sorted, meta };
}
