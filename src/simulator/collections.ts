import { presentDoc } from './crud.js';
import type { Store } from './store.js';
import type { Doc, KindSpec, SimContext } from './types.js';

/** `int.MaxValue`: what clients send as `take` to mean "all" (API-FACTS §2.5). */
export const TAKE_ALL = 2147483647;

export type Query = URLSearchParams;

function compareIds(a: Doc, b: Doc): number {
  // Natural order of `Prefix-<n>`: Projects-9 before Projects-10.
  const n = (d: Doc) => Number(String(d.Id).match(/(\d+)$/)?.[1] ?? 0);
  return n(a) - n(b) || String(a.Id).localeCompare(String(b.Id));
}

/** A collection's listing order: by name without regard to case (each name lower-cased once per sort), then id. */
export function sortDocs(kind: KindSpec, docs: Doc[]): Doc[] {
  const by = kind.sortBy ?? 'Name';
  if (by === 'Id') return [...docs].sort(compareIds);
  const keyed = docs.map((doc) => ({ doc, name: String(doc.Name ?? '').toLowerCase(), order: by === 'SortOrder' ? (doc.SortOrder ?? 0) : 0 }));
  keyed.sort((a, b) => a.order - b.order || (a.name < b.name ? -1 : a.name > b.name ? 1 : String(a.doc.Id).localeCompare(String(b.doc.Id))));
  return keyed.map((k) => k.doc);
}

/**
 * The documents an `ids=` listing can return, looked up by id rather than by walking the collection (a snapshot
 * of 5,000 projects asks for 25,000 runbook processes in batches of 100); `filterDocs` still applies every filter.
 */
export function docsWithIds(store: Store, collection: string, ids: string, spaceId: string | undefined): Doc[] {
  const out: Doc[] = [];
  for (const id of new Set(ids.split(',').map((x) => x.trim()))) {
    const doc = store.get(collection, id, spaceId);
    if (doc && (spaceId === undefined || doc.SpaceId === spaceId)) out.push(doc);
  }
  return out;
}

/** Filters shared by every collection: `ids`, `partialName` and `name` (both case-insensitive contains). */
export function filterDocs(kind: KindSpec, docs: Doc[], query: Query): Doc[] {
  let out = docs;
  const ids = query.get('ids');
  if (ids !== null && ids !== '') {
    const wanted = new Set(ids.split(',').map((s) => s.trim()));
    out = out.filter((d) => wanted.has(d.Id));
  }
  for (const param of ['partialName', 'name']) {
    const v = query.get(param);
    // A "contains" match, case-insensitive like SQL Server's collation (API-FACTS §2.5, inference).
    if (v) out = out.filter((d) => String(d.Name ?? '').toLowerCase().includes(v.toLowerCase()));
  }
  for (const [param, pred] of Object.entries(kind.filters ?? {})) {
    const v = query.get(param);
    if (v !== null && v !== '') out = out.filter((d) => pred(d, v));
  }
  return out;
}

function intParam(query: Query, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : fallback;
}

/** The paged collection shape (API-FACTS §2.5), with the links of old servers when `legacyPaging`. */
export function pageOf(
  kind: KindSpec,
  docs: Doc[],
  query: Query,
  path: string,
  ctx: SimContext,
  legacyPaging: boolean,
): Doc {
  const skip = intParam(query, 'skip', 0);
  const take = intParam(query, 'take', kind.defaultTake ?? 30);
  const total = docs.length;
  const items = docs.slice(skip, take === 0 ? skip : skip + take).map((d) => presentDoc(kind, d, ctx));
  const pages = take > 0 ? Math.max(1, Math.ceil(total / take)) : 1;
  // Page links keep the request's filters (ids, partialName, contentType…): real servers do
  // (OctopusDeploy/Issues#3417, #4052 quote such links).
  const filters = new URLSearchParams([...query].filter(([k]) => k !== 'skip' && k !== 'take' && k.toLowerCase() !== 'apikey')).toString();
  const page = (s: number) => `${path}?${filters ? `${filters}&` : ''}skip=${s}&take=${take}`;
  const links: Record<string, string> = {
    Self: page(skip),
    Template: `${path}{?skip,take,ids,partialName}`,
    'Page.All': page(0).replace(`take=${take}`, `take=${TAKE_ALL}`),
    'Page.Current': page(skip),
    'Page.Last': page((pages - 1) * take),
  };
  if (skip > 0 && take > 0) links['Page.Previous'] = page(Math.max(0, skip - take));
  if (take > 0 && skip + take < total) links['Page.Next'] = page(skip + take);
  if (legacyPaging) {
    for (let i = 0; i < pages && i < 1000; i++) links[`Page.${i}`] = page(i * take);
    return { ItemType: kind.itemType, IsStale: false, TotalResults: total, ItemsPerPage: take, Items: items, Links: links };
  }
  return {
    ItemType: kind.itemType,
    TotalResults: total,
    ItemsPerPage: take,
    NumberOfPages: pages,
    LastPageNumber: pages - 1,
    Items: items,
    Links: links,
  };
}
