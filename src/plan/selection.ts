import { KINDS, kindDef, variableValueKind, ownerProject } from '../registry/kinds.js';
import type { KindDef } from '../registry/types.js';
import { getItem, itemsOf, type Located } from '../snapshot/tree.js';
import type { Snapshot } from '../snapshot/types.js';
import { visitPath } from '../util/docpath.js';
import { inlineRefsOf } from '../util/inline-refs.js';
import { matchesAny } from './glob.js';
import type { Policy } from './policy-types.js';
import type { KindName } from '../registry/kinds.js';

export const pathKey = (keyPath: string[]) => JSON.stringify(keyPath);

/** Kinds that exist to serve projects: with a project include filter, only those the projects need are synced. */
const SCAFFOLDING = KINDS.filter((k) => k.scaffolding).map((k) => k.kind);

/** Kinds whose items live in a project: they follow their project's selection. */
const PROJECT_FAMILY = KINDS.filter((k) => ownerProject(k.kind, ['']) !== undefined).map((k) => k.kind);

export interface Exclusion {
  kind: KindName;
  keyPath: string[];
  reason: string;
}

/**
 * Which source items are in scope, under the policy's filters: include/exclude by exact name or glob per
 * kind; children follow their parents; selecting projects pulls in what they reference (group, lifecycles,
 * library variable sets, step templates, script modules, feeds, worker pools, accounts, certificates,
 * tag sets, tenants) as requirements.
 */
export class Selection {
  private readonly selected = new Map<string, Set<string>>();
  readonly exclusions: Exclusion[] = [];

  constructor(private readonly source: Snapshot, private readonly policy: Policy) {
    for (const def of KINDS) {
      if (def.syncClass === 'never') continue;
      const set = new Set<string>();
      this.selected.set(def.kind, set);
      for (const { keyPath } of itemsOf(source, def.kind)) {
        if (this.passesOwnFilter(def, keyPath) && this.parentSelected(def, keyPath)) set.add(pathKey(keyPath));
      }
    }
    if (policy.filters.projects?.include?.length) this.limitToRequirements();
  }

  has(kind: KindName, keyPath: string[]): boolean {
    return this.selected.get(kind)?.has(pathKey(keyPath)) ?? false;
  }

  items(kind: KindName): Located[] {
    return itemsOf(this.source, kind).filter(({ keyPath }) => this.has(kind, keyPath));
  }

  private filterOf(def: KindDef) {
    return def.filterable ? this.policy.filters[def.plural] : undefined;
  }

  /** Names a filter pattern may match: the name, and for children `Parent/Name`. */
  private namesFor(keyPath: string[]): string[] {
    return keyPath.length > 1 ? [keyPath[keyPath.length - 1], keyPath.join('/')] : keyPath;
  }

  private passesOwnFilter(def: KindDef, keyPath: string[]): boolean {
    const filter = this.filterOf(def);
    if (!filter) return true;
    const names = this.namesFor(keyPath);
    if (matchesAny(filter.exclude, names)) {
      this.exclusions.push({ kind: def.kind, keyPath, reason: `excluded by the policy (filters.${def.plural}.exclude)` });
      return false;
    }
    return !filter.include?.length || matchesAny(filter.include, names);
  }

  private parentSelected(def: KindDef, keyPath: string[]): boolean {
    if (!def.parent) return true;
    const parentDef = kindDef(def.parent.kind);
    const parentPath = def.parent.ownedOne ? keyPath : keyPath.slice(0, -1);
    const set = this.selected.get(parentDef.kind);
    return set ? set.has(pathKey(parentPath)) : true;
  }

  /** With a project include filter, scaffolding is synced only where projects need it (or where its own include names it). */
  private limitToRequirements(): void {
    const required = new Map<KindName, Set<string>>();
    const require = (kind: KindName, keyPath: string[]) => {
      const set = required.get(kind) ?? new Set<string>();
      required.set(kind, set);
      const key = pathKey(keyPath);
      if (set.has(key)) return false;
      set.add(key);
      return true;
    };
    let frontier: { kind: KindName; keyPath: string[] }[] = [];
    for (const kind of PROJECT_FAMILY) for (const { keyPath } of this.items(kind)) frontier.push({ kind, keyPath });
    // Tenants connected to a selected project come along.
    const projects = new Set(this.items('project').map((p) => p.keyPath[0]));
    for (const { keyPath, item } of itemsOf(this.source, 'tenant')) {
      if (Object.keys((item.content.ProjectEnvironments as object) ?? {}).some((p) => projects.has(p))) frontier.push({ kind: 'tenant', keyPath });
    }
    while (frontier.length) {
      const next: typeof frontier = [];
      for (const { kind, keyPath } of frontier) {
        // An item its own filter leaves out (a tenant not included, a project not selected) is not synced,
        // so what it refers to is not needed on its account.
        if (!this.has(kind, keyPath)) continue;
        if (!require(kind, keyPath)) continue;
        for (const ref of referencesOf(this.source, kind, keyPath)) next.push(ref);
      }
      frontier = next;
    }
    for (const kind of SCAFFOLDING) {
      const def = kindDef(kind);
      const own = this.filterOf(def);
      const set = this.selected.get(kind)!;
      for (const key of [...set]) {
        const explicitlyIncluded = own?.include?.length && matchesAny(own.include, this.namesFor(JSON.parse(key)));
        if (!required.get(kind)?.has(key) && !explicitlyIncluded) set.delete(key);
      }
    }
    // Children of scaffolding follow it (library variables their set, tenant variables their tenant, scoped user
    // roles their team).
    for (const def of KINDS) {
      if (!def.parent || !SCAFFOLDING.includes(def.parent.kind)) continue;
      const set = this.selected.get(def.kind)!;
      for (const key of [...set]) if (!this.parentSelected(def, JSON.parse(key))) set.delete(key);
    }
  }
}

/** The items an item refers to (by the registry's references and tag fields), as kind and key path. */
export function referencesOf(snapshot: Snapshot, kind: KindName, keyPath: string[]): { kind: KindName; keyPath: string[] }[] {
  const def = kindDef(kind);
  const item = getItem(snapshot, kind, keyPath);
  if (!item) return [];
  const content = item.content;
  const out: { kind: KindName; keyPath: string[] }[] = [];
  const project = ownerProject(kind, keyPath);
  for (const ref of def.refs) {
    const targets = Array.isArray(ref.to) ? ref.to : [ref.to];
    visitPath(content, ref.path, (value) => {
      if (typeof value !== 'string') return;
      for (const name of ref.separator ? value.split(ref.separator).map((v) => v.trim()).filter(Boolean) : [value]) {
        for (const to of targets) {
          const toDef = kindDef(to);
          const path = toDef.parent && !toDef.parent.ownedOne && project ? [project, name] : [name];
          out.push({ kind: to, keyPath: path });
        }
      }
    });
  }
  for (const { path } of def.inlineRefs ?? []) {
    visitPath(content, path, (value) => {
      for (const r of inlineRefsOf(value)) out.push({ kind: r.$ref, keyPath: [r.name] });
    });
  }
  for (const path of def.tags ?? []) {
    visitPath(content, path, (value) => {
      if (typeof value === 'string' && value.includes('/')) out.push({ kind: 'tagSet', keyPath: [value.slice(0, value.indexOf('/'))] });
    });
  }
  if (def.module === 'variables') {
    const variables = (content.Variables as Record<string, any>[]) ?? [];
    for (const v of variables) {
      const to = variableValueKind(v.Type);
      if (to && typeof v.Value === 'string') out.push({ kind: to, keyPath: [v.Value] });
      for (const tag of v.Scope?.TenantTag ?? []) out.push({ kind: 'tagSet', keyPath: [String(tag).slice(0, String(tag).indexOf('/'))] });
    }
  }
  return out;
}
