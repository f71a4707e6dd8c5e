import { KINDS, supersededMembers } from '../registry/kinds.js';
import type { KindDef } from '../registry/types.js';
import { IdIndex } from './id-index.js';
import { finishItem, normalizeDocument, type NormalizeContext } from './normalize.js';
import { derivedNames } from './modules/derived-names.js';
import { indexInner, SNAPSHOT_MODULES } from './modules/index.js';
import type { TemplateState } from './modules/template-usage.js';
import type { RawDoc, RawSpace } from './read.js';
import { variablesAreInGit } from './documents.js';
import type { InventoryMachine, InventoryWorker, ItemTree, Snapshot, SnapshotItem } from './types.js';
import type { KindName } from '../registry/kinds.js';

export interface Assembled {
  resources: Snapshot['resources'];
  inventory: Snapshot['inventory'];
  warnings: string[];
}

/**
 * Turns the raw documents of a space into name-keyed resources: builds the id → name index, places each
 * item under its parents' names, and normalises it (generic rules from the registry, then its module).
 * Pure: no network, no clock.
 */
export function assembleSnapshot(raw: RawSpace): Assembled {
  const { index, keyPaths, warnings } = indexSpace(raw);

  const resources: Snapshot['resources'] = {};
  // Step templates come before processes in the registry's order: usages look their template up here.
  const templates = new Map<string, TemplateState>();
  for (const def of KINDS) {
    if (def.syncClass === 'never') continue;
    const tree: ItemTree = {};
    resources[def.plural] = tree;
    const superseded = supersededMembers(def.kind, (k) => raw.has(k));
    for (const doc of raw.get(def.kind) ?? []) {
      const keyPath = keyPaths.get(def.kind)?.get(doc.Id);
      if (!keyPath) continue;
      const ctx: NormalizeContext = { index, warnings, where: `${def.label.toLowerCase()} '${keyPath.join(' / ')}'`, templates: (name) => templates.get(name), superseded };
      const item = normalizeItem(def, doc, ctx);
      if (def.kind === 'stepTemplate') templates.set(keyPath[0], templateState(doc, item));
      if (!placeItem(tree, keyPath, item)) warnings.push(`${ctx.where} appears twice; the second copy was left out`);
    }
  }
  for (const project of raw.get('project') ?? []) {
    if (project.IsVersionControlled) {
      const variables = variablesAreInGit(project) ? ' and non-sensitive variables' : '';
      warnings.push(`project '${project.Name}' is version-controlled (config as code): its deployment process, deployment settings${variables} live in git and were not read`);
    }
  }
  return { resources, inventory: inventoryOf(raw, index), warnings };
}

export interface SpaceIndex {
  index: IdIndex;
  /** kind → document id → key path (names from the outermost parent down). */
  keyPaths: Map<KindName, Map<string, string[]>>;
  warnings: string[];
}

/**
 * The id → name index of a space's raw documents, and every document's key path. `aliases` (kind and key path
 * as on the server → the name to use instead) key items a plan matched by a case-only difference by the
 * source's name, as the plan does.
 */
export function indexSpace(raw: RawSpace, aliases?: Map<string, string>): SpaceIndex {
  const warnings: string[] = [];
  const index = new IdIndex();
  const keyPaths = new Map<KindName, Map<string, string[]>>();

  for (const def of KINDS) {
    const paths = new Map<string, string[]>();
    keyPaths.set(def.kind, paths);
    // Kinds without names (scoped user roles) are named from what they refer to, indexed before them.
    const derived = def.nameFrom ? derivedNames(def, raw.get(def.kind) ?? [], index) : undefined;
    for (const doc of raw.get(def.kind) ?? []) {
      let keyPath = keyPathOf(def, doc, derived?.get(doc.Id) ?? doc.Name, keyPaths, warnings);
      if (!keyPath) continue;
      const alias = aliases?.get(`${def.kind}\u0000${JSON.stringify(keyPath)}`);
      if (alias !== undefined) keyPath = [...keyPath.slice(0, -1), alias];
      paths.set(doc.Id, keyPath);
      if (!def.parent?.ownedOne) index.add(doc.Id, { kind: def.kind, name: keyPath[keyPath.length - 1], keyPath });
    }
  }
  // Ids inside documents are scoped to by id (a process's actions, by variables): the modules name them.
  for (const def of KINDS.filter((k) => k.module)) {
    for (const doc of raw.get(def.kind) ?? []) {
      const keyPath = keyPaths.get(def.kind)?.get(doc.Id);
      if (keyPath) indexInner(def, index, keyPath, doc);
    }
  }
  return { index, keyPaths, warnings };
}

/** A step template as its usages see it: its save counter and its content's fingerprint. */
export function templateState(doc: RawDoc, item: SnapshotItem): TemplateState {
  return { version: Number(doc.Version ?? 0), fingerprint: item.meta.fingerprint };
}

export function normalizeItem(def: KindDef, doc: RawDoc, ctx: NormalizeContext): SnapshotItem {
  const extra: Partial<SnapshotItem['meta']> = def.kind === 'project' && doc.IsVersionControlled ? { versionControlled: true } : {};
  if (extra.versionControlled && variablesAreInGit(doc)) extra.variablesInGit = true;
  if (def.module) {
    const normalized = SNAPSHOT_MODULES[def.module].normalize(def, doc, ctx);
    return finishItem(normalized.doc, normalized.content, extra);
  }
  return finishItem(doc, normalizeDocument(def, doc, ctx), extra);
}

function keyPathOf(def: KindDef, doc: RawDoc, name: unknown, keyPaths: Map<KindName, Map<string, string[]>>, warnings: string[]): string[] | undefined {
  if (!def.parent) return typeof name === 'string' ? [name] : undefined;
  const parentId = doc[def.parent.field];
  const parentPath = keyPaths.get(def.parent.kind)?.get(parentId);
  if (!parentPath) {
    // A variable set owned by something else (a release snapshot) or an orphan: not part of the space's content.
    if (!def.parent.ownedOne) warnings.push(`${def.label.toLowerCase()} '${name}' belongs to ${parentId}, which was not found; left out`);
    return undefined;
  }
  return def.parent.ownedOne ? parentPath : [...parentPath, name as string];
}

function placeItem(tree: ItemTree, keyPath: string[], item: SnapshotItem): boolean {
  let node = tree;
  for (const key of keyPath.slice(0, -1)) node = (node[key] ??= {}) as ItemTree;
  const last = keyPath[keyPath.length - 1];
  if (last in node) return false;
  node[last] = item;
  return true;
}

/** A list of strings (decoded as such where it was read: documents.ts), copied. */
const strings = (list: unknown): string[] => (Array.isArray(list) ? list.map(String) : []);

function inventoryOf(raw: RawSpace, index: IdIndex): Snapshot['inventory'] {
  const names = (ids: unknown, kind: KindName) =>
    (Array.isArray(ids) ? ids : []).map((id) => index.nameOf(String(id), [kind]) ?? String(id)).sort();
  const machines: InventoryMachine[] = (raw.get('machine') ?? [])
    .map((m) => ({
      name: String(m.Name),
      roles: strings(m.Roles).sort(),
      environments: names(m.EnvironmentIds, 'environment'),
      tenants: names(m.TenantIds, 'tenant'),
      tenantTags: strings(m.TenantTags).sort(),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const workers: InventoryWorker[] = (raw.get('worker') ?? [])
    .map((w) => ({ name: String(w.Name), workerPools: names(w.WorkerPoolIds, 'workerPool') }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const roles = [...new Set(machines.flatMap((m) => m.roles))].sort();
  return { machines, workers, roles };
}

