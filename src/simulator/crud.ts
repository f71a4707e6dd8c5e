import { maskSecrets, mergeSecrets, stripClientSecrets } from './sensitive.js';
import { walkPath } from './paths.js';
import { ApiError, badRequest, notFound, type Doc, type KindSpec, type SimContext } from './types.js';

/** Members every resource has that clients cannot set (API-FACTS §2.9). */
const ALWAYS_READ_ONLY = ['Id', 'SpaceId', 'Links', 'LastModifiedOn', 'LastModifiedBy'];

/** Lower-kebab slug of a name, as the server generates it when none is sent. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function writableBody(kind: KindSpec, body: unknown): Doc {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object.');
  }
  const copy = structuredClone(body) as Doc;
  stripClientSecrets(copy);
  for (const k of [...ALWAYS_READ_ONLY, ...(kind.readOnly ?? [])]) delete copy[k];
  return copy;
}

/**
 * The kind's default document overlaid with the members the client sent. Members the model does not have
 * are dropped, as the server's typed deserialisation drops them (API-FACTS §2.7: no 400 for unknown members).
 */
function withDefaults(kind: KindSpec, input: Doc, ctx: SimContext): Doc {
  const doc = kind.defaults(ctx);
  for (const [k, v] of Object.entries(input)) if (k in doc) doc[k] = v;
  return doc;
}

function checkRequired(kind: KindSpec, doc: Doc): void {
  const missing = kind.required.filter((f) => doc[f] === undefined || doc[f] === null || doc[f] === '');
  if (missing.length) throw badRequest(...missing.map((f) => `The ${f} field is required.`));
}

function checkUniqueName(kind: KindSpec, doc: Doc, ctx: SimContext): void {
  const rule = kind.uniqueName ?? 'space';
  if (rule === false || typeof doc.Name !== 'string') return;
  const name = doc.Name.toLowerCase();
  // SQL Server's default collation compares names case-insensitively (inference, API-FACTS §2.5). Candidates
  // come from the store's indexes: the parent's children where names are unique per parent (a project's
  // runbooks), else the documents whose name matches without regard to case.
  const space = kind.scope === 'space' ? ctx.spaceId : undefined;
  const parent = rule === 'space' ? undefined : doc[rule.withinField];
  const candidates =
    rule !== 'space' && typeof parent === 'string'
      ? ctx.store.matching(kind.collection, rule.withinField, parent, space).filter((other) => String(other.Name).toLowerCase() === name)
      : ctx.store.matching(kind.collection, 'Name', doc.Name, space);
  const clash = candidates.find((other) => other.Id !== doc.Id && (rule === 'space' || other[rule.withinField] === parent));
  if (clash) {
    // Exact wording unverified (API-FACTS §5 item 6); Octopus reports duplicates as a 400 naming the item.
    throw badRequest(`${kind.itemType} names must be unique. Another ${kind.itemType.toLowerCase()} is already using the name '${doc.Name}'.`);
  }
}

/** 400 for a reference to an id that does not exist in this space (or at system scope). */
export function checkRefs(kind: KindSpec, doc: Doc, ctx: SimContext): void {
  const errors: string[] = [];
  for (const ref of kind.refs ?? []) {
    walkPath(doc, undefined, ref.path, (container, key) => {
      const value = (container as any)[key];
      if (value === null || value === undefined || value === '') return;
      if (typeof value !== 'string' || !refExists(ref.to, value, ctx)) {
        errors.push(`${ref.path.replace(/\[\]|\{(key)?\}/g, '')} refers to '${String(value)}', which does not exist in this space.`);
      }
    });
  }
  if (errors.length) throw badRequest(...errors);
}

/** Whether `value` names an existing document of collection `to` visible from the request's space. */
export function refExists(to: string, value: string, ctx: SimContext): boolean {
  if (to === 'tags') return tagExists(value, ctx);
  const doc = ctx.store.get(to, value, ctx.spaceId);
  if (!doc) return false;
  return doc.SpaceId === undefined || doc.SpaceId === null || doc.SpaceId === ctx.spaceId;
}

/** Tags are referenced by canonical name `TagSet/Tag` (API-FACTS §2.8). */
function tagExists(canonical: string, ctx: SimContext): boolean {
  const slash = canonical.indexOf('/');
  if (slash < 0) return false;
  const setName = canonical.slice(0, slash);
  const tagName = canonical.slice(slash + 1);
  return ctx.store
    .all('tagsets', ctx.spaceId)
    .some((s) => s.Name === setName && (s.Tags ?? []).some((t: Doc) => t.Name === tagName));
}

function stamp(doc: Doc, kind: KindSpec, ctx: SimContext): void {
  if (kind.scope === 'space') doc.SpaceId = ctx.spaceId;
  doc.LastModifiedOn = ctx.now();
  doc.LastModifiedBy = ctx.user;
}

export function createDoc(kind: KindSpec, body: unknown, ctx: SimContext): Doc {
  const doc = withDefaults(kind, writableBody(kind, body), ctx);
  checkRequired(kind, doc);
  if (kind.slug && !doc.Slug && typeof doc.Name === 'string') doc.Slug = uniqueSlug(kind, slugify(doc.Name), ctx);
  checkUniqueName(kind, doc, ctx);
  kind.onWrite?.(doc, undefined, ctx);
  checkRefs(kind, doc, ctx);
  mergeSecrets(doc, undefined, kind.sensitive ?? []);
  if (kind.versioned) doc.Version = 0; // starting value unverified (API-FACTS §5 item 7)
  doc.Id = kind.deriveId ? kind.deriveId(doc, ctx) : ctx.store.allocateId(kind.idPrefix);
  stamp(doc, kind, ctx);
  ctx.store.put(kind.collection, doc);
  kind.afterCreate?.(doc, ctx);
  return doc;
}

function uniqueSlug(kind: KindSpec, base: string, ctx: SimContext): string {
  const taken = (slug: string) => ctx.store.matching(kind.collection, 'Slug', slug, ctx.spaceId).some((d) => d.Slug === slug);
  let slug = base || kind.idPrefix.toLowerCase();
  for (let n = 1; taken(slug); n++) slug = `${base}-${n}`;
  return slug;
}

export function getDoc(kind: KindSpec, id: string, ctx: SimContext): Doc {
  const doc = ctx.store.get(kind.collection, id, kind.scope === 'space' ? ctx.spaceId : undefined);
  if (!doc || (kind.scope === 'space' && doc.SpaceId !== ctx.spaceId)) {
    throw notFound(`The resource '${id}' was not found.`);
  }
  return doc;
}

/** PUT: a full replacement of the writable members (API-FACTS §2.6). */
export function modifyDoc(kind: KindSpec, id: string, body: unknown, ctx: SimContext): Doc {
  const prev = getDoc(kind, id, ctx);
  const input = writableBody(kind, body);
  if (kind.versioned) {
    if (input.Version === undefined || input.Version === null) throw badRequest('The Version field is required.');
    if (input.Version !== prev.Version) {
      throw badRequest(
        `Modification failed for '${kind.versioned}' document with '${prev.Id}' Id because submitted data was out of date. Refresh the document and try again.`,
      );
    }
  }
  const doc = withDefaults(kind, input, ctx);
  for (const k of kind.readOnly ?? []) if (k in prev) doc[k] = prev[k];
  if (kind.slug && !doc.Slug) doc.Slug = prev.Slug; // "PUT without it keeps current slug" (DOCGEN)
  doc.Id = prev.Id;
  checkRequired(kind, doc);
  checkUniqueName(kind, doc, ctx);
  kind.onWrite?.(doc, prev, ctx);
  checkRefs(kind, doc, ctx);
  mergeSecrets(doc, prev, kind.sensitive ?? []);
  if (kind.versioned) doc.Version = prev.Version + 1;
  stamp(doc, kind, ctx);
  ctx.store.put(kind.collection, doc);
  return doc;
}

export function deleteDoc(kind: KindSpec, id: string, ctx: SimContext): void {
  const doc = getDoc(kind, id, ctx);
  ctx.store.remove(kind.collection, id, doc.SpaceId ?? undefined);
  kind.afterDelete?.(doc, ctx);
}

/** The document as the API returns it: secrets masked, computed members, `Links`. */
export function presentDoc(kind: KindSpec, doc: Doc, ctx: SimContext): Doc {
  let out = structuredClone(doc);
  maskSecrets(out, kind.sensitive ?? []);
  if (kind.present) out = kind.present(out, ctx);
  out.Links = kind.links(out, ctx.spaceId ? `/api/${ctx.spaceId}` : '/api', ctx);
  return out;
}

export function assertVerb(kind: KindSpec, verb: 'create' | 'modify' | 'delete'): void {
  if (kind.verbs && kind.verbs[verb] === false) {
    throw new ApiError(405, `The ${verb === 'create' ? 'POST' : verb === 'modify' ? 'PUT' : 'DELETE'} method is not allowed on this resource.`);
  }
}
