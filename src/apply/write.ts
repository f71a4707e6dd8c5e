import { ServerError, StalePlanError } from '../errors.js';
import type { OctopusClient } from '../octopus/client.js';
import { operationId } from '../plan-format/operations.js';
import type { Operation } from '../plan-format/types.js';
import { kindDef } from '../registry/kinds.js';
import type { KindDef } from '../registry/types.js';
import { derivedNames } from '../snapshot/modules/derived-names.js';
import { nestedPath, type RawDoc } from '../snapshot/read.js';
import { executeDelete } from './delete.js';
import { APPLY_MODULES } from './modules.js';
import { toApiBody, type BodyContext } from './denormalize.js';
import { desiredContent } from './desired.js';
import type { DestinationState } from './destination.js';
import type { MadeWithParent } from './made-with-parent.js';
import type { OwnedReads } from './owned-reads.js';

/**
 * One operation carried out on the destination: the writes themselves, made safe to repeat (a create looks
 * for its item first; a lost answer is checked before anything is sent again).
 */

/** What writing needs: the body context, and per operation the fingerprints that mean it is done. */
export interface RunContext extends BodyContext {
  results: Map<string, string[]>;
  /** First reads of owned documents, in `ids=` batches (owned-reads.ts). */
  owned: OwnedReads;
  /** Items the server made inside parents this run created (made-with-parent.ts). */
  made: MadeWithParent;
}

/** Whether the plan creates this operation's parent (a channel's or runbook's project, a new project). */
export function parentCreatedByPlan(op: Operation, byId: Map<string, Operation>): boolean {
  const def = kindDef(op.kind);
  if (!def.parent || def.parent.ownedOne) return false;
  return byId.get(operationId(def.parent.kind, op.keyPath.slice(0, -1)))?.action === 'create';
}

/** The API path of an owned document (a project's process or variables). */
function ownedPath(def: KindDef, parent: RawDoc, dest: DestinationState): string {
  if (def.fetch.from === 'nested') return nestedPath(dest.spaceBase, def, parent.Id);
  if (def.fetch.from !== 'owned') throw new Error(`${def.kind} is not an owned document`);
  const id = parent[def.fetch.idField];
  if (!id) throw new ServerError(`${kindDef(def.parent!.kind).label.toLowerCase()} '${parent.Name}' has no ${def.fetch.idField} on the destination`);
  return `${dest.spaceBase}/${def.fetch.path}/${id}`;
}

function collectionPath(def: KindDef, dest: DestinationState): string {
  if (def.fetch.from !== 'collection') throw new Error(`${def.kind} has no collection`);
  return def.scope === 'system' ? `/api/${def.fetch.path}` : `${dest.spaceBase}/${def.fetch.path}`;
}

/**
 * Why an item the plan creates may already be there: an earlier run started this operation and did not
 * finish (`unfinished`), or its parent is one the plan creates (`newParent`), which may have brought it along.
 */
export type MayExist = 'unfinished' | 'newParent' | undefined;

/** `mayExist`: see MayExist; such an item, found by exact name, is the plan's own and is filled in. */
export async function execute(op: Operation, client: OctopusClient, dest: DestinationState, ctx: RunContext, mayExist: MayExist): Promise<void> {
  const def = kindDef(op.kind);
  const what = `${def.label.toLowerCase()} '${op.keyPath.join(' / ')}'`;
  if (op.action === 'delete') return executeDelete(op, client, dest, collectionPath(def, dest));
  if (def.parent?.ownedOne) {
    const parent = dest.rawDoc(def.parent.kind, op.keyPath);
    if (!parent) throw new ServerError(`${what}: its ${kindDef(def.parent.kind).label.toLowerCase()} is not on the destination`);
    const io: DocIo = (def.module && APPLY_MODULES[def.module].io?.(parent, client, dest)) || pathIo(ownedPath(def, parent, dest), client, what);
    const ownedId = def.fetch.from === 'owned' ? parent[def.fetch.idField] : undefined;
    if (ownedId) io.first = () => ctx.owned.first(op, String(ownedId), io.read);
    dest.remember(op.kind, op.keyPath, await readModifyWrite(io, op, def, dest, ctx));
    return;
  }
  if (op.action === 'create') {
    // A child of a parent this plan creates may exist already (a project's "Default" channel), and a create
    // that failed ambiguously may have happened: the item of the exact name is the plan's own, and adopted.
    // Another apply (from another machine) may make any other meanwhile: the server refuses the second (below).
    const existing = await lookBeforeCreate(def, op.keyPath, client, dest, ctx, mayExist, what);
    if (existing) {
      await adopt(op, def, existing, client, dest, ctx, !!mayExist, what);
      return ctx.made.parentCreated(dest.idOf(op.kind, op.keyPath));
    }
    const body = toApiBody(def, op.keyPath, op.desired!, undefined, ctx);
    try {
      const made = await createOnce(def, op.keyPath, body, client, dest, what);
      dest.remember(op.kind, op.keyPath, def.nameFrom ? await keepEarliest(def, op.keyPath, made, client, dest, what) : made);
    } catch (err) {
      // Made by someone else between the look and the create: the server refuses a second of the name.
      const taken = err instanceof ServerError && err.status === 400 && /must be unique|already (in use|using|exists)/i.test(err.message);
      const now = taken ? await findByName(def, op.keyPath, client, dest, what) : undefined;
      if (!now) throw err;
      await adopt(op, def, now, client, dest, ctx, !!mayExist, what);
    }
    return ctx.made.parentCreated(dest.idOf(op.kind, op.keyPath));
  }
  const id = op.destination?.id ?? dest.idOf(op.kind, op.keyPath);
  if (!id) throw new ServerError(`${what}: not found on the destination`);
  dest.remember(op.kind, op.keyPath, await readModifyWrite(pathIo(`${collectionPath(def, dest)}/${id}`, client, what), op, def, dest, ctx));
}

/** How a document is read and written: one path by default, or as its module says (modules.ts). */
export interface DocIo {
  read(): Promise<RawDoc>;
  /** The first read, where it may come from a batch (owned-reads.ts); retries use `read`. */
  first?(): Promise<RawDoc>;
  write(body: RawDoc): Promise<RawDoc | undefined>;
}

function pathIo(path: string, client: OctopusClient, what: string): DocIo {
  return { read: () => client.get<RawDoc>(path, what), write: (body) => client.put<RawDoc>(path, body, what) };
}

/**
 * An item of the exact name the plan creates, found on the destination. The plan's own (`mayExist`) is
 * filled in; one that already holds the plan's result was made by another run of this plan (another
 * machine) and is left as it is; anything else was made by someone else since planning and is not touched.
 */
async function adopt(op: Operation, def: KindDef, existing: RawDoc, client: OctopusClient, dest: DestinationState, ctx: RunContext, mayExist: boolean, what: string): Promise<void> {
  if (mayExist) {
    const body = toApiBody(def, op.keyPath, op.desired!, existing, ctx);
    dest.remember(op.kind, op.keyPath, await client.put<RawDoc>(selfPath(def, existing, dest), body, what));
    return;
  }
  if (ctx.results.get(op.id)?.includes(dest.normalize(op.kind, op.keyPath, existing).meta.fingerprint)) {
    dest.remember(op.kind, op.keyPath, existing);
    return;
  }
  throw new StalePlanError(`${what}: created on the destination by someone else while this plan was applied (${existing.Id}); not overwritten: plan again`);
}

/**
 * GET, build, PUT with the document's current `Version`. A PUT whose answer was lost may have been carried
 * out (and its retry then refused as out of date): the document is read again, and if it holds the
 * operation's result the write is done; otherwise it is written again from the fresh document.
 */
async function readModifyWrite(io: DocIo, op: Operation, def: KindDef, dest: DestinationState, ctx: BodyContext): Promise<RawDoc> {
  for (let attempt = 1; ; attempt++) {
    const current = attempt === 1 && io.first ? await io.first() : await io.read();
    if (attempt > 1 && dest.normalize(op.kind, op.keyPath, current).meta.fingerprint === op.result) return current;
    const body = buildBody(op, def, current, dest, ctx);
    try {
      return (await io.write(body)) ?? current;
    } catch (err) {
      const outOfDate = err instanceof ServerError && err.status === 400 && /out of date/i.test(err.message);
      if (!(err instanceof ServerError) || !(err.ambiguous || outOfDate) || attempt >= POST_ATTEMPTS) throw err;
    }
  }
}

const POST_ATTEMPTS = 4;

/**
 * POST is never retried blindly: after an ambiguous failure (no answer, 5xx, 429) the item is looked up by
 * exact name and adopted if the POST did create it; only when it is not there is the POST sent again.
 */
async function createOnce(def: KindDef, keyPath: string[], body: RawDoc, client: OctopusClient, dest: DestinationState, what: string): Promise<RawDoc> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.post<RawDoc>(collectionPath(def, dest), body, what);
    } catch (err) {
      if (!(err instanceof ServerError) || !err.ambiguous) throw err;
      const adopted = await findByName(def, keyPath, client, dest, what);
      if (adopted) return adopted;
      if (attempt >= POST_ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
    }
  }
}

function selfPath(def: KindDef, doc: RawDoc, dest: DestinationState): string {
  return `${collectionPath(def, dest)}/${doc.Id}`;
}

async function findByName(def: KindDef, keyPath: string[], client: OctopusClient, dest: DestinationState, what: string): Promise<RawDoc | undefined> {
  const parentId = parentIdOf(def, keyPath, dest);
  // partialName is a "contains" match: filter exactly here. A child is searched for among its parent's
  // items only ("Hotfix" would otherwise find every project's Hotfix channel).
  const path = def.parent && parentId ? childrenPath(def, parentId, dest) : collectionPath(def, dest);
  // Kinds without names (scoped user roles) cannot be searched by name: their parent's items are listed.
  const search: Record<string, string> = def.nameFrom ? {} : { partialName: keyPath[keyPath.length - 1] };
  const found = await client.listAll<RawDoc>(path, { ...search, ...(def.fetch.from === 'collection' ? def.fetch.query : {}) }, 1000, what);
  return named(def, found, keyPath, parentId, dest);
}

/** `/api/Spaces-1/projects/Projects-1/channels`: a parent's items of a kind. */
function childrenPath(def: KindDef, parentId: string, dest: DestinationState): string {
  if (def.fetch.from !== 'collection' || !def.parent) throw new Error(`${def.kind} has no collection within a parent`);
  return `${collectionPath(kindDef(def.parent.kind), dest)}/${parentId}/${def.fetch.path}`;
}

/** Per run: a parent's items of a kind (`channel\0Projects-1`), listed before this run created any of them. */
const listedChildren = new WeakMap<DestinationState, Map<string, Promise<RawDoc[]>>>();

/**
 * The item of this exact name the destination may hold before a POST (issue 17.4: no lookup where nothing
 * can be there). After an unfinished start (the journal), the create may have happened: looked up. A kind
 * without names (scoped user roles) has no server-side uniqueness: always looked up (and keepEarliest after).
 * In a parent this plan creates, what the server makes with a parent (`createdWithParent`: a project's
 * "Default" channel) is listed across the space once (made-with-parent.ts). Anything else was absent when
 * apply read the destination (preflight refuses a create whose name is there), and if another apply (another
 * machine) makes it meanwhile, the server refuses the second of the name with a 400 ("names must be unique":
 * names are unique per space and kind, per parent for channels and runbooks, API-FACTS §2.8; OctopusDeploy/Issues
 * #1283 (a project group name re-used) and #181 (a machine name, even in another environment); the simulator's
 * checkUniqueName), which execute answers with a lookup and the same adoption rules.
 */
async function lookBeforeCreate(def: KindDef, keyPath: string[], client: OctopusClient, dest: DestinationState, ctx: RunContext, mayExist: MayExist, what: string): Promise<RawDoc | undefined> {
  if (mayExist === 'unfinished' || (def.nameFrom && mayExist)) return findExisting(def, keyPath, client, dest, what);
  if (def.nameFrom) return findByName(def, keyPath, client, dest, what);
  if (mayExist !== 'newParent' || !def.parent?.createdWithParent) return undefined;
  const parentId = parentIdOf(def, keyPath, dest);
  if (!parentId) return findExisting(def, keyPath, client, dest, what);
  const query = def.fetch.from === 'collection' ? (def.fetch.query ?? {}) : {};
  // Listed across the space: `named` keeps the parent's own.
  const listed = await ctx.made.itemsAfter(def.kind, parentId, () => client.listAll<RawDoc>(collectionPath(def, dest), query, 1000, what));
  return named(def, listed, keyPath, parentId, dest);
}

/**
 * The item of this exact name already on the destination, looked for before a POST. The children of a
 * parent (a new project's channels and runbooks) are listed once for all siblings, one request per parent
 * and kind rather than a search per item; siblings never look for each other, so the list stays valid.
 */
async function findExisting(def: KindDef, keyPath: string[], client: OctopusClient, dest: DestinationState, what: string): Promise<RawDoc | undefined> {
  const parentId = parentIdOf(def, keyPath, dest);
  if (!def.parent || !parentId) return findByName(def, keyPath, client, dest, what);
  let lists = listedChildren.get(dest);
  if (!lists) listedChildren.set(dest, (lists = new Map()));
  const key = `${def.kind}\u0000${parentId}`;
  let list = lists.get(key);
  if (!list) lists.set(key, (list = client.listAll<RawDoc>(childrenPath(def, parentId, dest), {}, 1000, what)));
  return named(def, await list, keyPath, parentId, dest);
}

/**
 * A kind without names has no server-side uniqueness to stop two applies creating the same item at once (two
 * machines without a shared lock): after a create, the parent's items of the same name are listed, and the one
 * created first (lowest id number) is kept. A later copy is this run's own POST of a moment ago, and is deleted:
 * both runs settle on one item, as a second POST of a named item is refused.
 */
async function keepEarliest(def: KindDef, keyPath: string[], made: RawDoc, client: OctopusClient, dest: DestinationState, what: string): Promise<RawDoc> {
  const parentId = parentIdOf(def, keyPath, dest);
  const listed = await client.listAll<RawDoc>(def.parent && parentId ? childrenPath(def, parentId, dest) : collectionPath(def, dest), {}, 1000, what);
  const nameOf = docNames(def, listed, dest);
  const number = (d: RawDoc) => Number(String(d.Id).replace(/^\D+/, '')) || 0;
  const first = listed.filter((d) => nameOf(d) === keyPath[keyPath.length - 1]).sort((a, b) => number(a) - number(b))[0];
  if (!first || first.Id === made.Id || number(first) >= number(made)) return made;
  await client.delete(selfPath(def, made, dest), what);
  return first;
}

/** The id of the item's parent on the destination (none for a kind without parents, or a parent not there yet). */
function parentIdOf(def: KindDef, keyPath: string[], dest: DestinationState): string | undefined {
  return def.parent ? dest.idOf(def.parent.kind, keyPath.slice(0, -1)) : undefined;
}

/** The first of `docs` with the item's exact name (as the kind names them), and for a kind with parents, in its parent. */
function named(def: KindDef, docs: RawDoc[], keyPath: string[], parentId: string | undefined, dest: DestinationState): RawDoc | undefined {
  const nameOf = docNames(def, docs, dest);
  const name = keyPath[keyPath.length - 1];
  return docs.find((d) => nameOf(d) === name && (!def.parent || d[def.parent.field] === parentId));
}

/** How the documents of a kind are named: `Name`, or for kinds without one (registry `nameFrom`) as a snapshot names them. */
function docNames(def: KindDef, docs: RawDoc[], dest: DestinationState): (doc: RawDoc) => unknown {
  if (!def.nameFrom) return (d) => d.Name;
  const names = derivedNames(def, docs, dest.index);
  return (d) => names.get(String(d.Id));
}

/** The document to PUT: the plan's desired content (a create) or the current content with the plan's patch. */
function buildBody(op: Operation, def: KindDef, current: RawDoc, dest: DestinationState, ctx: BodyContext): RawDoc {
  const desired = () => desiredContent(op, () => dest.normalize(op.kind, op.keyPath, current, true).content);
  const own = def.module ? APPLY_MODULES[def.module].body : undefined;
  if (own) return own(op, current, dest, ctx, desired);
  return toApiBody(def, op.keyPath, desired(), current, ctx);
}
