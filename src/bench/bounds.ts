import { isLateReferences, operationId } from '../plan-format/operations.js';
import { KINDS, kindDef } from '../registry/kinds.js';
import type { KindDef } from '../registry/types.js';
import type { Plan } from '../plan-format/types.js';
import { atLeast } from '../util/version.js';

/**
 * Lower bounds of the benchmark: the fewest requests the API allows for a phase, and the time those take at
 * the link's latency with the client's parallelism. Counted from the server's own totals (`take=0` probes)
 * and from the plan, never from octosync's request log, so that a wasteful octosync cannot lower its bound.
 */

/** Items per page a client can ask for in one request (what the bound assumes; octosync asks for as many). */
export const PAGE_SIZE = 1000;
/** Ids per `ids=` request: 100 ids of ~30 characters keep a URL near 3 KB, under common 8 KB request-line limits. */
export const IDS_PER_REQUEST = 100;
/** The root document, the space lookup, the feature toggles (tenant-variable API) and the key's user and permissions. */
export const CONNECT_REQUESTS = 5;

export interface ReadBound {
  /** Minimum requests to read the space: connect + collections × pages + owned documents in `ids=` batches + modules. */
  requests: number;
  /** Per kind: documents and the requests they need. */
  kinds: Record<string, { documents: number; requests: number }>;
}

type Probe = (path: string, query: Record<string, string>) => Promise<number>;

/** A probe of a simulator (or any Octopus server): the `TotalResults` of a collection, one `take=0` request. */
export function httpProbe(url: string, apiKey: string): Probe {
  return async (path, query) => {
    const qs = new URLSearchParams({ ...query, skip: '0', take: '0' });
    const res = await fetch(`${url}${path}?${qs}`, { headers: { 'X-Octopus-ApiKey': apiKey } });
    if (!res.ok) throw new Error(`bench: GET ${path} answered ${res.status}`);
    const body = (await res.json()) as { TotalResults?: number };
    if (typeof body.TotalResults !== 'number') throw new Error(`bench: GET ${path} has no TotalResults`);
    return body.TotalResults;
  };
}

/**
 * The fewest requests that read every registry kind of a space: each collection needs ⌈n / page⌉ pages
 * (at least one, to learn that it is empty), each owned document is read in `ids=` batches (none when there
 * are no parents), a nested one (deployment settings) one per parent, tenant variables one request per tenant (two through the v2 endpoints, 2025.2+): reading them
 * all in one request (`tenantvariables/all`) does not finish in time on large instances (Issues #7310, #5607).
 */
export async function readBound(probe: Probe, spaceId: string, serverVersion: string): Promise<ReadBound> {
  const available = KINDS.filter((k) => !k.minVersion || atLeast(serverVersion, k.minVersion));
  const documents = new Map<string, number>();
  const kinds: ReadBound['kinds'] = {};
  for (const def of available) {
    if (def.fetch.from !== 'collection') continue;
    const base = def.scope === 'system' ? `/api/${def.fetch.path}` : `/api/${spaceId}/${def.fetch.path}`;
    const n = await probe(base, def.fetch.query ?? {});
    documents.set(def.kind, n);
    kinds[def.kind] = { documents: n, requests: Math.max(1, Math.ceil(n / PAGE_SIZE)) };
  }
  for (const def of available) {
    if (def.fetch.from === 'collection') continue;
    const n = def.parent ? (documents.get(def.parent.kind) ?? 0) : 0;
    const perTenant = atLeast(serverVersion, '2025.2') ? 2 : 1;
    // A nested document (deployment settings) has no batch read in the API: one request per parent.
    const requests = def.fetch.from === 'module' ? n * perTenant : def.fetch.from === 'nested' ? n : Math.ceil(n / IDS_PER_REQUEST);
    kinds[def.kind] = { documents: n, requests };
  }
  const requests = CONNECT_REQUESTS + Object.values(kinds).reduce((sum, k) => sum + k.requests, 0);
  return { requests, kinds };
}

export interface WriteBound {
  /** One write per created or changed document. */
  documents: number;
  /** Second writes of documents whose references point at items created later in the run (`#references`). */
  lateReferences: number;
  creates: number;
  updates: number;
  skips: number;
}

/** The writes a plan needs: one request per created or changed document. */
export function writeBound(plan: Plan): WriteBound {
  const ops = plan.operations.filter((o) => o.action !== 'skip');
  const late = ops.filter(isLateReferences).length;
  return {
    documents: ops.length - late,
    lateReferences: late,
    creates: ops.filter((o) => o.action === 'create').length,
    updates: ops.filter((o) => o.action === 'update' && !isLateReferences(o)).length,
    skips: plan.operations.length - ops.length,
  };
}

/** Seconds that `requests` take at least: ⌈requests ÷ parallelism⌉ round trips of `latencyMs`. */
export function latencyBound(requests: number, parallelism: number, latencyMs: number): number {
  return (Math.ceil(requests / parallelism) * latencyMs) / 1000;
}

/**
 * The fewest reads an apply needs (issue 17.4): the destination's read bound, then what a parent the plan creates
 * brings along, read in bulk, not one request per item: its owned documents (a process, a variable set, whose
 * ids the create response holds) in `ids=` batches, a nested one (deployment settings) one per parent, tenant
 * variables one per created tenant (two through the v2 endpoints), and the items the server makes inside a new
 * parent (a project's "Default" channel) in one listing of the kind per page.
 */
export function applyReadBound(destination: ReadBound, plan: Plan, serverVersion: string): number {
  // A plan with nothing to write needs none of the destination's items: only the server, the space and the key.
  if (plan.operations.every((o) => o.action === 'skip')) return CONNECT_REQUESTS;
  const created = new Set(plan.operations.filter((o) => o.action === 'create').map((o) => o.id));
  const perKind = new Map<KindDef, number>();
  for (const op of plan.operations) {
    if (op.action !== 'create') continue;
    const def = kindDef(op.kind);
    if (!def.parent) continue;
    const parentPath = def.parent.ownedOne ? op.keyPath : op.keyPath.slice(0, -1);
    if (created.has(operationId(def.parent.kind, parentPath))) perKind.set(def, (perKind.get(def) ?? 0) + 1);
  }
  let requests = destination.requests;
  for (const [def, n] of perKind) {
    if (def.fetch.from === 'owned') requests += Math.ceil(n / IDS_PER_REQUEST);
    else if (def.fetch.from === 'nested') requests += n;
    else if (def.fetch.from === 'module') requests += n * (atLeast(serverVersion, '2025.2') ? 2 : 1);
    else requests += Math.ceil(n / PAGE_SIZE);
  }
  return requests;
}
