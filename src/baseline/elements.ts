/**
 * The elements of an item that a three-way comparison judges one by one: its top-level members, and the
 * entries of its name-keyed lists (steps, each step's actions, phases, tags, a variable set's values per name,
 * a tenant's values per project or library set). Order lists (`StepsOrder`) are no element: an element added
 * on either side must not make every neighbour a conflict (see `settleOrders`).
 */
import { kindDef, type KindName } from '../registry/kinds.js';
import type { KeyedList } from '../registry/types.js';
import { fingerprint } from '../util/canonical.js';
import { escapeToken } from '../util/pointer.js';

type Json = Record<string, any>;

export interface Element {
  /** Members from the item down: `['Steps', 'Deploy', 'Actions', 'Deploy']`. */
  path: string[];
  /** The element's value, without the keyed lists nested in it (those are elements of their own). */
  value: unknown;
}

/**
 * Maps whose entries are elements: a tenant's variables per project and per library set, a tenant's project links
 * (these contents have no keyed lists).
 */
const MAPS: Partial<Record<KindName, string[]>> = {
  tenantVariables: ['ProjectVariables', 'LibraryVariables', 'LibraryVariablesByEnvironment'],
  tenant: ['ProjectEnvironments'],
};

/** Elements of an item's content in keyed form (src/registry/keyed.ts), by their JSON-pointer key (`/Steps/Deploy`). */
export function elementsOf(kind: KindName, keyed: Json): Map<string, Element> {
  const def = kindDef(kind);
  const out = new Map<string, Element>();
  const maps = MAPS[kind];
  const lists: readonly KeyedList[] = def.module === 'variables' ? [{ member: 'Variables', by: 'Name' }] : maps ? maps.map((member) => ({ member, by: 'Name' })) : (def.keyed ?? []);
  walk(keyed, lists, [], out, def.module === 'variables' || maps !== undefined);
  return out;
}

function walk(obj: Json, lists: readonly KeyedList[], at: string[], out: Map<string, Element>, leafEntries: boolean): void {
  const nested = new Set(lists.map((l) => l.member));
  const own: Json = {};
  for (const [member, value] of Object.entries(obj)) {
    if (lists.some((l) => `${l.member}Order` === member)) continue;
    if (!nested.has(member)) {
      if (at.length === 0) add(out, [member], value);
      else own[member] = value;
      continue;
    }
    const list = lists.find((l) => l.member === member)!;
    for (const [name, entry] of Object.entries<Json>(value ?? {})) {
      if (leafEntries || !list.nested?.length) add(out, [...at, member, name], leafEntries ? entry : without(entry, list.nested ?? []));
      else walk(entry, list.nested, [...at, member, name], out, false);
    }
  }
  if (at.length) add(out, at, own);
}

function without(entry: Json, lists: readonly KeyedList[]): Json {
  const out: Json = { ...entry };
  for (const l of lists) {
    delete out[l.member];
    delete out[`${l.member}Order`];
  }
  return out;
}

function add(out: Map<string, Element>, path: string[], value: unknown): void {
  out.set(keyOf(path), { path, value });
}

export function keyOf(path: string[]): string {
  return '/' + path.map(escapeToken).join('/');
}

/** A short print of an element's value (`absent` for none): what a baseline keeps of the destination. */
export function elementPrint(value: unknown): string {
  if (value === undefined) return 'absent';
  return fingerprint(value).slice('sha256:'.length, 'sha256:'.length + 16);
}

/** Short prints of every element of an item's keyed content. */
export function elementPrints(kind: KindName, keyed: Json): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, el] of [...elementsOf(kind, keyed)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out[key] = elementPrint(el.value);
  return out;
}

/**
 * Sets one element in keyed content (`value` undefined: removes it). An entry's own members are replaced and
 * the keyed lists nested in it kept; an element whose parent entry is gone is not set (there is nothing to hold it).
 */
export function setElement(keyed: Json, path: string[], value: unknown, nestedLists: (path: string[]) => string[]): void {
  let container: Json | undefined = keyed;
  for (const p of path.slice(0, -1)) {
    container = container?.[p];
    if (!container || typeof container !== 'object') return;
  }
  const last = path[path.length - 1];
  if (value === undefined) {
    delete container![last];
    return;
  }
  const keep = nestedLists(path);
  if (!keep.length || typeof value !== 'object' || value === null) {
    container![last] = structuredClone(value);
    return;
  }
  const before: Json = container![last] ?? {};
  const next: Json = structuredClone(value);
  for (const member of keep) {
    next[member] = before[member] ?? {};
    next[`${member}Order`] = before[`${member}Order`] ?? [];
  }
  container![last] = next;
}

/** The keyed lists nested in the entry at `path` (a step's `Actions`), from the registry. */
export function nestedListsAt(kind: KindName, path: string[]): string[] {
  let lists: readonly KeyedList[] = kindDef(kind).keyed ?? [];
  for (let i = 0; i + 1 < path.length; i += 2) {
    const list = lists.find((l) => l.member === path[i]);
    if (!list) return [];
    lists = list.nested ?? [];
  }
  return path.length % 2 === 0 ? lists.map((l) => l.member) : [];
}

/**
 * After elements were set: every keyed map's `…Order` lists its entries once, in the order it had, entries it
 * did not name appended in `fallback`'s order (the destination's), then by name.
 */
export function settleOrders(kind: KindName, keyed: Json, fallback: Json | undefined): void {
  settle(keyed, kindDef(kind).keyed ?? [], fallback);
}

function settle(obj: Json, lists: readonly KeyedList[], fallback: Json | undefined): void {
  for (const list of lists) {
    const map: Json = obj[list.member] ?? {};
    const orderKey = `${list.member}Order`;
    const had: string[] = (obj[orderKey] ?? []).filter((n: string) => n in map);
    const hint: string[] = fallback?.[orderKey] ?? [];
    const missing = Object.keys(map).filter((n) => !had.includes(n)).sort((a, b) => rank(hint, a) - rank(hint, b) || (a < b ? -1 : a > b ? 1 : 0));
    obj[orderKey] = [...had, ...missing];
    for (const name of Object.keys(map)) settle(map[name], list.nested ?? [], fallback?.[list.member]?.[name]);
  }
}

const rank = (order: string[], name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
