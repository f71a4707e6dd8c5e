import { ServerError } from '../errors.js';
import { listingSource, type OctopusClient } from '../octopus/client.js';
import { KINDS, kindDef, pluralLabel } from '../registry/kinds.js';
import type { KindDef } from '../registry/types.js';
import { atLeast } from '../util/version.js';
import type { TenantVariablesApi } from '../octopus/capabilities.js';
import { readTenantVariables } from './modules/tenant-variables-read.js';
import type { KindName } from '../registry/kinds.js';
import { decodeKindDoc, decodeKindDocs, type OctopusDoc } from './documents.js';

/** A document apply builds or writes (a loose view; what is read is an `OctopusDoc`, checked where it is read). */
export type RawDoc = Record<string, any>;

/** Documents as the server returned them, per registry kind, their members octosync relies on checked (documents.ts). */
export type RawSpace = Map<KindName, OctopusDoc[]>;

export interface ReadOptions {
  spaceId: string;
  serverVersion: string;
  /** The tenant-variable endpoints to read through (default v1). */
  tenantVariablesApi?: TenantVariablesApi;
  /** Kinds the API key may not read (capabilities.ts): left out, empty. */
  leaveOut?: ReadonlySet<KindName>;
  /** Ids per `ids=` batch (keeps URLs short). */
  batchSize?: number;
  /** Called once with the kinds this server has, before any is read. */
  onKinds?: (defs: KindDef[]) => void;
  /** Called when a kind has been read. */
  onKind?: (def: KindDef, count: number) => void;
}

/**
 * Reads every registry kind of a space with as few requests as the API allows: one complete paged listing
 * per collection, `ids=` batches for documents owned by a parent (processes, variable sets), tenant variables
 * per tenant (never one unbounded request, see modules/tenant-variables-read.ts). Everything is read concurrently
 * (the client bounds the parallelism); owned documents as soon as their parents' listing is in.
 */
export async function readSpace(client: OctopusClient, options: ReadOptions): Promise<RawSpace> {
  const space = `/api/${options.spaceId}`;
  const available = KINDS.filter((k) => (!k.minVersion || atLeast(options.serverVersion, k.minVersion)) && !options.leaveOut?.has(k.kind));
  options.onKinds?.(available);

  // Each kind starts as soon as what it needs is read: owned documents wait for their parent's listing only, not
  // for every collection (issue 17: the deployment settings of 1,000 projects need not wait for the machines).
  const reads = new Map<KindName, Promise<OctopusDoc[]>>();
  const docsOf = (kind: KindName): Promise<OctopusDoc[]> => reads.get(kind) ?? Promise.resolve([]);
  const parentOf = (def: KindDef) => (def.fetch.from !== 'collection' ? def.parent?.kind : undefined);
  const order = [...available.filter((k) => k.fetch.from === 'collection'), ...available.filter((k) => k.fetch.from !== 'collection')];
  // Checked before any request starts: a registry that lists an owned kind before its parent is a bug here.
  order.forEach((def, i) => {
    const parent = order.findIndex((k) => k.kind === parentOf(def));
    if (parent > i) throw new Error(`${def.kind} is read from its parent ${parentOf(def)}, which the registry lists after it`);
  });
  for (const def of order) {
    const parentKind = parentOf(def);
    const parents = parentKind ? docsOf(parentKind) : undefined;
    const read = (async () => {
      const docs =
        def.fetch.from === 'collection'
          ? await readCollection(client, def, space, options.spaceId)
          : def.fetch.from === 'owned'
            ? await readOwned(client, def, (await parents) ?? [], space, options.batchSize ?? 100)
            : def.fetch.from === 'nested'
              ? await readNested(client, def, (await parents) ?? [], space)
              : await readModule(client, def, (await parents) ?? [], space, options.tenantVariablesApi ?? 'v1');
      options.onKind?.(def, docs.length);
      return docs;
    })();
    reads.set(def.kind, read);
  }
  const docs = await Promise.all(available.map((def) => docsOf(def.kind)));
  // In the registry's order whatever order the answers came in: what is built from this map is deterministic.
  return new Map(available.map((def, i) => [def.kind, docs[i]]));
}

async function readCollection(client: OctopusClient, def: KindDef, space: string, spaceId: string): Promise<OctopusDoc[]> {
  if (def.fetch.from !== 'collection') return [];
  const base = def.scope === 'system' ? `/api/${def.fetch.path}` : `${space}/${def.fetch.path}`;
  const what = pluralLabel(def);
  const query = def.fetch.query ?? {};
  const docs = decodeKindDocs(def.kind, await client.listAll(base, query, 1000, what), listingSource(base, query, what));
  // Some collections mix system and space items (teams): keep this space's; system teams are never synced.
  return def.scope === 'space' ? docs.filter((d) => !('SpaceId' in d) || d.SpaceId === spaceId) : docs;
}

async function readOwned(client: OctopusClient, def: KindDef, parents: OctopusDoc[], space: string, batchSize: number): Promise<OctopusDoc[]> {
  if (def.fetch.from !== 'owned' || !def.parent) return [];
  const fetch = def.fetch;
  // Config-as-code projects keep their process and settings in git (registry `inGit`): not read here. Their
  // variable sets are: the database holds their sensitive variables.
  const ids = parents
    .filter((p) => !(def.inGit && p.IsVersionControlled))
    .map((p) => p[fetch.idField])
    .filter((id): id is string => typeof id === 'string' && id !== '');
  return readOwnedByIds(client, def, space, ids, batchSize);
}

/**
 * Owned documents (processes, variable sets) by id, in `ids=` batches of `batchSize`: the snapshot reads a
 * space's this way, and apply the documents of parents it has just created (their ids from the create answers).
 */
export async function readOwnedByIds(client: OctopusClient, def: KindDef, space: string, ids: string[], batchSize: number): Promise<OctopusDoc[]> {
  if (def.fetch.from !== 'owned') throw new Error(`${def.kind} is not an owned document`);
  const fetch = def.fetch;
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += batchSize) batches.push(ids.slice(i, i + batchSize));
  const results = await Promise.all(
    batches.map(async (batch) => {
      const what = pluralLabel(def);
      if (fetch.list === 'all') {
        return getArray(client, def.kind, `${space}/${fetch.path}/all?ids=${batch.map(encodeURIComponent).join(',')}`, what);
      }
      const [path, query] = [`${space}/${fetch.path}`, { ids: batch.join(',') }];
      return decodeKindDocs(def.kind, await client.listAll(path, query, batchSize, what), listingSource(path, query, what));
    }),
  );
  const docs = results.flat();
  const returned = new Set(docs.map((d) => d.Id));
  const missing = ids.filter((id) => !returned.has(id));
  if (missing.length) {
    throw new ServerError(`the server did not return ${missing.length} ${def.label.toLowerCase()}(s) it lists, e.g. ${missing[0]}; the space may be changing: try again`);
  }
  return docs;
}

/** One document per parent (`projects/{id}/deploymentsettings`); config-as-code parents keep theirs in git. */
async function readNested(client: OctopusClient, def: KindDef, parentDocs: OctopusDoc[], space: string): Promise<OctopusDoc[]> {
  if (def.fetch.from !== 'nested' || !def.parent) return [];
  const parents = parentDocs.filter((p) => !p.IsVersionControlled);
  const what = `${def.label.toLowerCase()} of ${kindDef(def.parent.kind).label.toLowerCase()}`;
  return Promise.all(
    parents.map(async (p) => {
      const path = nestedPath(space, def, p.Id);
      const answer = await client.get(path, `${what} '${p.Name}'`);
      return decodeKindDoc(def.kind, answer, { source: `GET ${path} (${what} '${p.Name}')` });
    }),
  );
}

/** `/api/Spaces-1/projects/Projects-1/deploymentsettings`: where a nested document is read and written. */
export function nestedPath(space: string, def: KindDef, parentId: string): string {
  const parent = def.parent ? kindDef(def.parent.kind).fetch : undefined;
  if (def.fetch.from !== 'nested' || parent?.from !== 'collection') throw new Error(`${def.kind} is not a nested document`);
  return `${space}/${parent.path}/${encodeURIComponent(parentId)}/${def.fetch.path}`;
}

async function readModule(client: OctopusClient, def: KindDef, parents: OctopusDoc[], space: string, api: TenantVariablesApi): Promise<OctopusDoc[]> {
  if (def.module === 'tenantVariables') {
    return Promise.all(parents.map((tenant) => readTenantVariables(client, space, tenant, api)));
  }
  throw new Error(`no reader for kind ${def.kind}`);
}

/** An `/all` endpoint: a bare array (API-FACTS §2.5); anything else is a clear error naming the request. */
async function getArray(client: OctopusClient, kind: KindName, path: string, what: string): Promise<OctopusDoc[]> {
  const docs = await client.get(path, what);
  const source = `GET ${path.split('?')[0]} (${what})`;
  if (!Array.isArray(docs)) throw new ServerError(`unexpected response from ${source}: not an array`);
  return decodeKindDocs(kind, docs, source);
}
