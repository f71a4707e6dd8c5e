import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Doc } from './types.js';

/** The simulator's in-memory database: documents per collection, and id counters per prefix. */
export interface StoreData {
  formatVersion: 1;
  /** Ids are `<Prefix>-<n>`, counted per prefix from this offset, so two instances never share ids. */
  idOffset: number;
  counters: Record<string, number>;
  collections: Record<string, Record<string, Doc>>;
}

export class Store {
  private changes = 0;
  private data: StoreData;
  /**
   * Lists of `all()`, per collection and per space (`''`: every space), kept in insertion order as documents
   * are put and removed, so that a listing does not walk the collection's object each time (the benchmark's
   * spaces hold thousands of documents per collection).
   */
  private lists = new Map<string, Map<string, Doc[]>>();
  /**
   * Documents by a field's value, lower-cased (`Name`, `Slug`, `ProjectId`, …), per collection and field across
   * spaces: name checks, a project's children and seed lookups find their candidates without walking the
   * collection (a 5,000-project space seeds 25,000 runbooks, each checked against its project's). Built on first
   * use, kept up to date by put and remove; each group keeps the order `all()` has (a document put again keeps
   * its place). `keys`: the key each document is indexed under, so a document changed in place is re-indexed.
   */
  private indexes = new Map<string, Map<string, { groups: Map<string, Doc[]>; keys: WeakMap<Doc, string> }>>();

  constructor(data?: StoreData, idOffset?: number) {
    this.data = data ?? {
      formatVersion: 1,
      // Real instances allocate ids from their own history; a random base keeps two fresh simulators apart.
      idOffset: idOffset ?? randomInt(1, 90) * 100,
      counters: {},
      collections: {},
    };
  }

  /** `Environments-101`, `Projects-2301`: per-prefix counters starting after the instance's offset. */
  allocateId(prefix: string): string {
    const base = prefix === 'Spaces' ? 0 : this.data.idOffset;
    const next = (this.data.counters[prefix] ?? base) + 1;
    this.data.counters[prefix] = next;
    return `${prefix}-${next}`;
  }

  guid(): string {
    return randomUUID();
  }

  /**
   * The document with this id; with `spaceId`, that space's copy of a fixed per-space id. Ids are unique per
   * instance (API-FACTS §2.8) except a few the server gives the same value in every space, such as the built-in
   * feed `feeds-builtin` (§3.17): a second space's copy is stored under the key `<SpaceId>/<Id>`.
   */
  get(collection: string, id: string, spaceId?: string): Doc | undefined {
    const coll = this.data.collections[collection];
    if (!coll) return undefined;
    return (spaceId !== undefined ? coll[`${spaceId}/${id}`] : undefined) ?? coll[id];
  }

  /** Every document of a collection, in insertion order, optionally only those of one space. */
  all(collection: string, spaceId?: string): Doc[] {
    let lists = this.lists.get(collection);
    if (!lists) this.lists.set(collection, (lists = new Map()));
    const key = spaceId ?? '';
    let list = lists.get(key);
    if (!list) {
      const docs = Object.values(this.data.collections[collection] ?? {});
      list = spaceId === undefined ? docs : docs.filter((d) => d.SpaceId === spaceId);
      lists.set(key, list);
    }
    return list.slice();
  }

  /**
   * The documents of a collection whose `field` equals `value` without regard to case (as Octopus compares
   * names), optionally only those of one space; callers that need an exact match filter these.
   */
  matching(collection: string, field: string, value: string, spaceId?: string): Doc[] {
    const found = this.index(collection, field).groups.get(value.toLowerCase());
    if (!found) return [];
    return found.filter((d) => spaceId === undefined || d.SpaceId === spaceId);
  }

  private index(collection: string, field: string): { groups: Map<string, Doc[]>; keys: WeakMap<Doc, string> } {
    let byField = this.indexes.get(collection);
    if (!byField) this.indexes.set(collection, (byField = new Map()));
    let index = byField.get(field);
    if (!index) {
      index = { groups: new Map(), keys: new WeakMap() };
      byField.set(field, index);
      for (const doc of Object.values(this.data.collections[collection] ?? {})) reindexOne(index, field, undefined, doc);
    }
    return index;
  }

  /** Keeps the collection's indexes (those built so far) up to date with a document put or removed. */
  private reindex(collection: string, prev: Doc | undefined, doc: Doc | undefined): void {
    for (const [field, index] of this.indexes.get(collection) ?? []) reindexOne(index, field, prev, doc);
  }

  /** Counts every put and remove: what a cache of listings compares to know it is still current. */
  get generation(): number {
    return this.changes;
  }

  put(collection: string, doc: Doc): void {
    this.changes++;
    const coll = (this.data.collections[collection] ??= {});
    const key = keyFor(coll, doc);
    const prev = coll[key];
    coll[key] = doc;
    this.reindex(collection, prev, doc);
    const lists = this.lists.get(collection);
    if (!lists) return;
    for (const [space, list] of lists) {
      const belongs = space === '' || doc.SpaceId === space;
      if (!prev) {
        if (belongs) list.push(doc);
        continue;
      }
      const i = list.indexOf(prev);
      if (i >= 0 && belongs) list[i] = doc;
      else if (i >= 0 || belongs) lists.delete(space); // moved into or out of the list: list it again when asked
    }
  }

  remove(collection: string, id: string, spaceId?: string): boolean {
    this.changes++;
    const coll = this.data.collections[collection];
    const key = spaceId !== undefined && coll && `${spaceId}/${id}` in coll ? `${spaceId}/${id}` : id;
    if (!coll || !(key in coll)) return false;
    const doc = coll[key];
    delete coll[key];
    this.reindex(collection, doc, undefined);
    for (const list of this.lists.get(collection)?.values() ?? []) {
      const i = list.indexOf(doc);
      if (i >= 0) list.splice(i, 1);
    }
    return true;
  }

  toJSON(): StoreData {
    return this.data;
  }

  static load(file: string): Store {
    const data = JSON.parse(readFileSync(file, 'utf8')) as StoreData;
    if (data?.formatVersion !== 1 || typeof data.collections !== 'object') {
      throw new Error(`${file}: not a simulator state file (formatVersion 1 expected)`);
    }
    return new Store(data);
  }

  /** Atomic save: write a temporary file beside the target, then rename over it. */
  save(file: string): void {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data));
    renameSync(tmp, file);
  }
}

/** The storage key: the id, or `<SpaceId>/<Id>` when another space already holds a document with that id. */
function keyFor(coll: Record<string, Doc>, doc: Doc): string {
  if (!doc.SpaceId) return doc.Id;
  const scoped = `${doc.SpaceId}/${doc.Id}`;
  if (scoped in coll) return scoped;
  const holder = coll[doc.Id];
  return holder && holder.SpaceId && holder.SpaceId !== doc.SpaceId ? scoped : doc.Id;
}

/** `prev` out of an index, `doc` in; in `prev`'s place when both have the same key. */
function reindexOne(index: { groups: Map<string, Doc[]>; keys: WeakMap<Doc, string> }, field: string, prev: Doc | undefined, doc: Doc | undefined): void {
  const { groups, keys } = index;
  const prevKey = prev ? keys.get(prev) : undefined;
  const value = doc?.[field];
  const key = typeof value === 'string' ? value.toLowerCase() : undefined;
  if (prev && prevKey !== undefined) {
    const group = groups.get(prevKey)!;
    const at = group.indexOf(prev);
    keys.delete(prev);
    if (doc && key === prevKey) {
      group[at] = doc;
      keys.set(doc, key);
      return;
    }
    group.splice(at, 1);
    if (group.length === 0) groups.delete(prevKey);
  }
  if (!doc || key === undefined) return;
  const group = groups.get(key);
  if (group) group.push(doc);
  else groups.set(key, [doc]);
  keys.set(doc, key);
}
