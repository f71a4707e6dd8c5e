import { randomInt } from 'node:crypto';
import { filterDocs, pageOf, sortDocs } from '../collections.js';
import { createDoc, deleteDoc, getDoc, modifyDoc, presentDoc, slugify } from '../crud.js';
import type { RouteRequest, SimRoute } from '../routes.js';
import { badRequest, notFound, type Doc, type KindSpec, type SimContext } from '../types.js';
import { atLeast } from '../../util/version.js';

/** Helpers shared by the project family of kinds (projects, channels, processes, runbooks, variables, releases). */

function isPlainObject(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A nested object (step, action, package, variable, rule, template) as the server's typed deserialiser reads
 * it: the members of `template` with the client's values, unknown members dropped, and a null sent for a
 * collection or object member read as its empty default.
 */
export function shaped(template: Doc, input: unknown): Doc {
  const src = isPlainObject(input) ? input : {};
  const out: Doc = {};
  for (const [k, def] of Object.entries(template)) {
    const v = src[k];
    out[k] = v === undefined || (v === null && def !== null && typeof def === 'object') ? structuredClone(def) : v;
  }
  return out;
}

/** A GUID for members the server assigns when the client sends none (API-FACTS §2.8, §5 item 5). */
export function withGuid(el: Doc, ctx: SimContext): Doc {
  if (typeof el.Id !== 'string' || el.Id === '') el.Id = ctx.store.guid();
  return el;
}

/** CS `[WriteableOnCreate]` members (a channel's `ProjectId`, a library set's `ContentType`): a PUT keeps the stored value. */
export function keepOnModify(doc: Doc, prev: Doc | undefined, ...fields: string[]): void {
  if (prev) for (const f of fields) doc[f] = prev[f];
}

/** A slug unique among the documents of `collection` sharing `doc[withinField]` (channels and runbooks: per project). */
export function slugWithin(collection: string, withinField: string, doc: Doc, prev: Doc | undefined, ctx: SimContext): void {
  if (typeof doc.Slug === 'string' && doc.Slug !== '') return;
  if (prev?.Slug) {
    doc.Slug = prev.Slug; // "PUT without it keeps current slug" (DOCGEN, API-FACTS §3.5)
    return;
  }
  const within = doc[withinField];
  const siblings =
    typeof within === 'string' ? ctx.store.matching(collection, withinField, within, ctx.spaceId) : ctx.store.all(collection, ctx.spaceId);
  const taken = new Set(siblings.filter((d) => d[withinField] === within && d.Id !== doc.Id).map((d) => d.Slug));
  const base = slugify(String(doc.Name ?? '')) || collection;
  let slug = base;
  for (let n = 1; taken.has(slug); n++) slug = `${base}-${n}`;
  doc.Slug = slug;
}

/** 400 unless `value` is one of `allowed` (an enum member the typed deserialiser could not read). */
export function checkEnum(field: string, value: unknown, allowed: readonly string[]): void {
  if (!allowed.includes(value as string)) {
    throw badRequest(`The value '${String(value)}' is not valid for ${field}. Valid values are: ${allowed.join(', ')}.`);
  }
}

/** Servers before 2020.1 page the old way (`IsStale`, `Page.N` links), as the generic collection routes do. */
export function legacyPaging(ctx: SimContext): boolean {
  return !atLeast(ctx.version, '2020.1');
}

/** A paged collection of `docs` answered on a custom route (`projects/Projects-1/runbooks`, API-FACTS §2.5). */
export function listPage(kind: KindSpec, docs: Doc[], req: RouteRequest, compare?: (a: Doc, b: Doc) => number): Doc {
  const filtered = filterDocs(kind, docs, req.query);
  const sorted = compare ? [...filtered].sort(compare) : sortDocs(kind, filtered);
  return pageOf(kind, sorted, req.query, req.path, req.ctx, legacyPaging(req.ctx));
}

/** The bare array of a custom `/all` route (API-FACTS §2.5). */
export function listAll(kind: KindSpec, docs: Doc[], req: RouteRequest): Doc[] {
  return sortDocs(kind, filterDocs(kind, docs, req.query)).map((d) => presentDoc(kind, d, req.ctx));
}

/** The document `id` of `collection` when it lives in the request's space (ids of this family are unique per instance). */
export function inSpace(ctx: SimContext, collection: string, id: string): Doc | undefined {
  const doc = ctx.store.get(collection, id);
  return doc && doc.SpaceId === ctx.spaceId ? doc : undefined;
}

/** The project a nested route names, by id or slug (DOCGEN "Get a Project by ID or slug", API-FACTS §3.5). */
export function projectOr404(ctx: SimContext, idOrSlug: string): Doc {
  const project =
    inSpace(ctx, 'projects', idOrSlug) ??
    ctx.store.all('projects', ctx.spaceId).find((p) => typeof p.Slug === 'string' && p.Slug.toLowerCase() === idOrSlug.toLowerCase());
  if (!project) throw notFound(`The resource '${idOrSlug}' was not found.`);
  return project;
}

/** Documents of `collection` in the request's space belonging to a project. */
export function ofProject(ctx: SimContext, collection: string, projectId: string): Doc[] {
  return ctx.store.matching(collection, 'ProjectId', projectId, ctx.spaceId).filter((d) => d.ProjectId === projectId);
}

/** Removes documents straight from the store (cascades: they go with their owner, without their own rules). */
export function removeAll(ctx: SimContext, collection: string, docs: Doc[]): void {
  for (const d of docs) ctx.store.remove(collection, d.Id);
}

/**
 * Snapshot ids: `deploymentprocess-Projects-41-s-1-QXLY2`, `variableset-Projects-41-s-0-S6LJL` (PORT 2024.3,
 * API-FACTS §2.8): the live id, `-s-`, a per-document counter and five random capital letters.
 */
export function snapshotId(liveId: string, ctx: SimContext, collection: string): string {
  const n = ctx.store.all(collection).filter((d) => typeof d.Id === 'string' && d.Id.startsWith(`${liveId}-s-`)).length;
  const letters = Array.from({ length: 5 }, () => String.fromCharCode(65 + randomInt(26))).join('');
  return `${liveId}-s-${n}-${letters}`;
}

export function isSnapshotId(id: string): boolean {
  return /-s-\d+-[A-Z]{5}$/.test(id);
}

/** An ActionTemplateParameter (API-FACTS §3.14): project and library variable set `Templates`. */
const TEMPLATE_PARAMETER = { Id: null, Name: null, Label: null, HelpText: null, DefaultValue: null, DisplaySettings: {} };

export function normaliseTemplates(doc: Doc, ctx: SimContext): void {
  if (!Array.isArray(doc.Templates)) doc.Templates = [];
  doc.Templates = doc.Templates.map((t: unknown) => withGuid(shaped(TEMPLATE_PARAMETER, t), ctx));
  const missing = doc.Templates.filter((t: Doc) => !t.Name);
  if (missing.length) throw badRequest('The Name field is required.');
  const names = new Set<string>();
  for (const t of doc.Templates) {
    // Template names are variable names and must be distinct (inference: the UI refuses duplicates).
    if (names.has(String(t.Name).toLowerCase())) throw badRequest(`Template names must be unique. '${t.Name}' is used more than once.`);
    names.add(String(t.Name).toLowerCase());
  }
}

/** Where a PropertyValue may be a SensitiveValue in `Templates` (API-FACTS §1.3). */
export const TEMPLATE_SECRETS = 'Templates[].DefaultValue?';

/** `Web` link of a document in the portal. */
export function webLink(doc: Doc, path: string): string {
  return `/app#/${doc.SpaceId}/${path}`;
}

/** The document `id` of `kind` when it belongs to the project a nested route names (404 otherwise). */
export function ofProjectOr404(kind: KindSpec, ctx: SimContext, projectIdOrSlug: string, id: string): Doc {
  const project = projectOr404(ctx, projectIdOrSlug);
  const doc = getDoc(kind, id, ctx);
  if (doc.ProjectId !== project.Id) throw notFound(`The resource '${id}' was not found.`);
  return doc;
}

/**
 * The project-nested routes of a kind that lives in a project (SW21): `projects/{projectId}/<collection>` (paged,
 * optionally POST), `…/<collection>/all` when `all`, and `…/<collection>/{id}` with the given verbs.
 */
export function projectNestedRoutes(
  kind: KindSpec,
  opts: { verbs: ('GET' | 'PUT' | 'DELETE')[]; create?: boolean; all?: boolean; beforeDelete?: (doc: Doc) => void },
): SimRoute[] {
  const list = `projects/:projectId/${kind.collection}`;
  const one = `${list}/:id`;
  const routes: SimRoute[] = [
    { method: 'GET', pattern: list, scope: 'space', handle: (req) => listPage(kind, ofProject(req.ctx, kind.collection, projectOr404(req.ctx, req.params.projectId).Id), req) },
  ];
  if (opts.create) {
    routes.push({
      method: 'POST',
      pattern: list,
      scope: 'space',
      handle: ({ params, ctx, body }) => {
        const project = projectOr404(ctx, params.projectId);
        return { status: 201, body: presentDoc(kind, createDoc(kind, { ...(body as Doc), ProjectId: project.Id }, ctx), ctx) };
      },
    });
  }
  for (const method of opts.verbs) {
    routes.push({
      method,
      pattern: one,
      scope: 'space',
      handle: (req) => {
        const { params, ctx, body } = req;
        if (method === 'GET' && opts.all && params.id.toLowerCase() === 'all') {
          return { body: listAll(kind, ofProject(ctx, kind.collection, projectOr404(ctx, params.projectId).Id), req) };
        }
        const doc = ofProjectOr404(kind, ctx, params.projectId, params.id);
        if (method === 'GET') return presentDoc(kind, doc, ctx);
        if (method === 'PUT') return presentDoc(kind, modifyDoc(kind, doc.Id, body, ctx), ctx);
        opts.beforeDelete?.(doc);
        deleteDoc(kind, doc.Id, ctx);
        return { status: 200 };
      },
    });
  }
  return routes;
}
