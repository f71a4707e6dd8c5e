import { deleteDoc, getDoc, slugify } from '../crud.js';
import type { SimRoute } from '../routes.js';
import { badRequest, type Doc, type KindSpec, type RefSpec, type SimContext } from '../types.js';

/** Helpers shared by the infrastructure kinds (tenants, feeds, accounts, targets, teams…). */

/**
 * The tenancy members of accounts, certificates and deployment targets (API-FACTS §3.18, §3.19, §3.22):
 * restrictions to environments, tenants and tenant tags (canonical `TagSet/Tag` names, §3.13).
 */
export function tenancyDefaults(): Doc {
  return { EnvironmentIds: [], TenantedDeploymentParticipation: 'Untenanted', TenantIds: [], TenantTags: [] };
}

export const tenancyRefs: RefSpec[] = [
  { path: 'EnvironmentIds[]', to: 'environments' },
  { path: 'TenantIds[]', to: 'tenants' },
  { path: 'TenantTags[]', to: 'tags' },
];

const TENANTED_MODES = ['Untenanted', 'TenantedOrUntenanted', 'Tenanted'];

/** Normalises the tenancy members in place: arrays present and de-duplicated, a known participation mode. */
export function normaliseTenancy(doc: Doc): void {
  for (const f of ['EnvironmentIds', 'TenantIds', 'TenantTags']) doc[f] = uniqueStrings(doc[f], f);
  if (!TENANTED_MODES.includes(doc.TenantedDeploymentParticipation)) {
    throw badRequest(`TenantedDeploymentParticipation must be one of ${TENANTED_MODES.join(', ')}.`);
  }
}

/** A string array, de-duplicated in order; 400 for anything else (null becomes empty). */
export function uniqueStrings(value: unknown, field: string): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw badRequest(`${field} must be an array of strings.`);
  return [...new Set(value as string[])];
}

/** Values of a list query parameter: URI-template list expansion joins them with commas (API-FACTS §2.5). */
export function listParam(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Filter: the document's array member shares at least one value with the parameter's list. */
export function anyOf(field: string, caseInsensitive = false): (doc: Doc, value: string) => boolean {
  const norm = (s: string) => (caseInsensitive ? s.toLowerCase() : s);
  return (doc, value) => {
    const wanted = new Set(listParam(value).map(norm));
    const have: unknown[] = Array.isArray(doc[field]) ? doc[field] : [doc[field]];
    return have.some((v) => typeof v === 'string' && wanted.has(norm(v)));
  };
}

/** Filter: a boolean member equals `true`/`false`. */
export function isFlag(field: string): (doc: Doc, value: string) => boolean {
  return (doc, value) => Boolean(doc[field]) === (value.toLowerCase() === 'true');
}

/** Filter: a string member equals the value (case-insensitive, as SQL Server's collation compares). */
export function equalsField(field: string): (doc: Doc, value: string) => boolean {
  return (doc, value) => listParam(value).some((v) => String(doc[field] ?? '').toLowerCase() === v.toLowerCase());
}

/**
 * Tenant tag matching: "an OR within each tag set and then AND across the tag sets themselves. In other words,
 * a tenant matches if they have 1 or more tag matches within each tagset in the filter" (OctopusDeploy/Issues#8088,
 * the `/tenants?tags=` filter, e.g. `tags=Continent/Australia,Ring/Beta`).
 */
export function matchesTags(docTags: unknown, wanted: string[]): boolean {
  const have = new Set(Array.isArray(docTags) ? (docTags as string[]) : []);
  const bySet = new Map<string, string[]>();
  for (const tag of wanted) {
    const set = tag.includes('/') ? tag.slice(0, tag.indexOf('/')) : tag;
    bySet.set(set, [...(bySet.get(set) ?? []), tag]);
  }
  return [...bySet.values()].every((tags) => tags.some((t) => have.has(t)));
}

/** .NET TimeSpan text `[d.]hh:mm:ss[.fffffff]` (API-FACTS §3.16); 400 for anything else. */
export function checkTimeSpan(value: unknown, field: string): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'string' || !/^-?(\d+\.)?\d{1,2}:\d{2}:\d{2}(\.\d{1,7})?$/.test(value)) {
    throw badRequest(`${field} must be a TimeSpan such as "00:05:00" or "1.00:00:00", not ${JSON.stringify(value)}.`);
  }
}

/** Makes `doc` the only one of its collection and space with `IsDefault: true` when it claims it. */
export function soleDefault(collection: string, doc: Doc, ctx: SimContext): void {
  if (!doc.IsDefault) return;
  for (const other of ctx.store.all(collection, ctx.spaceId)) {
    if (other.Id !== doc.Id && other.IsDefault) other.IsDefault = false;
  }
}

/** The id of the space's default document of a collection (default machine policy, default worker pool). */
export function defaultIdOf(collection: string, ctx: SimContext): string | null {
  return ctx.store.all(collection, ctx.spaceId).find((d) => d.IsDefault)?.Id ?? null;
}

/**
 * Writes a built-in document with a fixed id (`feeds-builtin`, `teams-everyone`, `userroles-spacemanager`),
 * which the generic create cannot do since it allocates ids. Idempotent: an existing one is kept.
 * `spaceId` undefined writes a system document.
 */
export function insertBuiltIn(kind: KindSpec, ctx: SimContext, id: string, fields: Doc, spaceId: string | undefined): Doc {
  const existing = ctx.store.get(kind.collection, id, spaceId);
  if (existing && (existing.SpaceId ?? undefined) === spaceId) return existing;
  const wctx = { ...ctx, spaceId };
  const doc: Doc = { ...kind.defaults(wctx), ...structuredClone(fields) };
  if (kind.slug && !doc.Slug && typeof doc.Name === 'string') doc.Slug = slugify(doc.Name);
  doc.Id = id;
  kind.onWrite?.(doc, undefined, wctx);
  if (spaceId !== undefined) doc.SpaceId = spaceId;
  doc.LastModifiedOn = ctx.now();
  doc.LastModifiedBy = ctx.user;
  ctx.store.put(kind.collection, doc);
  return doc;
}

/**
 * `DELETE <collection>/{id}` that refuses documents the server will not delete (built-in feed, default
 * machine policy and worker pool, built-in teams and roles) with a 400, then deletes as usual.
 */
export function guardedDelete(kind: KindSpec, refuse: (doc: Doc, ctx: SimContext) => string | undefined): SimRoute {
  return {
    method: 'DELETE',
    pattern: `${kind.collection}/:id`,
    scope: kind.scope,
    handle({ params, ctx }) {
      const reason = refuse(getDoc(kind, params.id, ctx), ctx);
      if (reason) throw badRequest(reason);
      deleteDoc(kind, params.id, ctx);
      return { status: 200 };
    },
  };
}

/** `PUT <collection>/sortorder` with the ids in their new order (API-FACTS §2.6: environments, tag sets, worker pools). */
export function sortOrderRoute(kind: KindSpec): SimRoute {
  return {
    method: 'PUT',
    pattern: `${kind.collection}/sortorder`,
    scope: 'space',
    handle({ body, ctx }) {
      if (!Array.isArray(body) || body.some((id) => typeof id !== 'string')) throw badRequest('The request body must be an array of ids.');
      const docs = (body as string[]).map((id) => getDoc(kind, id, ctx));
      docs.forEach((d, i) => {
        d.SortOrder = i;
        d.LastModifiedOn = ctx.now();
        d.LastModifiedBy = ctx.user;
        // Through the store, as every write: its indexes and the server's sorted listings follow its puts.
        ctx.store.put(kind.collection, d);
      });
      return { status: 200 };
    },
  };
}

/** Whether a template parameter (ActionTemplateParameter, API-FACTS §3.14) holds a sensitive value. */
function isSensitiveTemplate(template: Doc | undefined): boolean {
  return template?.DisplaySettings?.['Octopus.ControlType'] === 'Sensitive';
}

/**
 * A plain string given for a sensitive template becomes a SensitiveValue, so it is stored write-only and
 * never echoed (inference: the server knows the template is sensitive, API-FACTS §2.10, §3.12).
 */
export function asSensitiveIfTemplateIs(value: unknown, template: Doc | undefined): unknown {
  return typeof value === 'string' && isSensitiveTemplate(template) ? { HasValue: true, NewValue: value, Hint: null } : value;
}
