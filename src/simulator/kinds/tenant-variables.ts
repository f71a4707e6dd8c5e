import type { SimRoute } from '../routes.js';
import type { SeedHelpers } from '../seed.js';
import { isSensitiveValue, maskSecrets, mergeSecrets } from '../sensitive.js';
import { badRequest, notFound, type Doc, type SimContext } from '../types.js';
import { asSensitiveIfTemplateIs } from './infra-common.js';

/**
 * Tenant variables, the v1 document (API-FACTS §3.12): `GET|PUT|POST /tenants/{id}/variables` and
 * `GET /tenantvariables/all{?projectId}`.
 *
 * - `ProjectVariables` is keyed by connected project id → `Variables` keyed by connected environment id → keyed by
 *   the project's template id (`Templates[].Id`); `LibraryVariables` is keyed by library variable set id →
 *   `Variables` keyed by the set's template id. `Templates` is a read-only echo of the owner's templates.
 * - The templates come from the `projects` and `libraryvariablesets` collections (another kind family); when a
 *   project or set is absent the entry is simply left out.
 * - Values are strings or write-only SensitiveValues (§2.10); a missing key means "not set, use the default".
 * - `ConcurrencyToken`: a stale token is refused with the real message (§2.11, terraform-provider#907); omitting it
 *   skips the check (DOCGEN: "omitting it skips the check").
 *
 * Stored apart from the tenant in the `tenantvariables` collection (not a CRUD collection of its own).
 */
const COLLECTION = 'tenantvariables';

/** Where the values live, for the secret merge and masking (`{}{}`: environment → template). */
const VALUE_PATHS = ['ProjectVariables{}.Variables{}{}', 'LibraryVariables{}.Variables{}'];
/** Template default values may be SensitiveValues of the owner's document: masked in the echo too. */
const TEMPLATE_PATHS = ['ProjectVariables{}.Templates[].DefaultValue?', 'LibraryVariables{}.Templates[].DefaultValue?'];

/** The document id; `TenantVariables-Tenants-1` follows the §3.12 example, which is marked illustrative (unverified). */
function variablesId(tenantId: string): string {
  return `TenantVariables-${tenantId}`;
}

/** A SQL `rowversion`-like token, base64 of 8 bytes (the §3.12 example shows `"AAAAAAAAsdE="`). */
function tokenOf(revision: number): string {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(revision));
  return b.toString('base64');
}

function tenantOr404(id: string, ctx: SimContext): Doc {
  const tenant = ctx.store.get('tenants', id, ctx.spaceId);
  if (!tenant || tenant.SpaceId !== ctx.spaceId) throw notFound(`The resource '${id}' was not found.`);
  return tenant;
}

function ownerDoc(collection: string, id: string, ctx: SimContext): Doc | undefined {
  const doc = ctx.store.get(collection, id, ctx.spaceId);
  return doc && doc.SpaceId === ctx.spaceId ? doc : undefined;
}

function templatesOf(owner: Doc | undefined): Doc[] {
  return Array.isArray(owner?.Templates) ? owner!.Templates : [];
}

/**
 * Library variable sets a tenant has values for: those included by its connected projects, in first-seen order,
 * and only sets with templates (a set without templates has nothing for a tenant to fill; inference, unverified).
 */
function librarySetsOf(tenant: Doc, ctx: SimContext): Doc[] {
  const ids = new Set<string>();
  for (const pid of Object.keys(tenant.ProjectEnvironments ?? {})) {
    for (const lid of ownerDoc('projects', pid, ctx)?.IncludedLibraryVariableSetIds ?? []) ids.add(lid);
  }
  return [...ids].map((id) => ownerDoc('libraryvariablesets', id, ctx)).filter((s): s is Doc => !!s && templatesOf(s).length > 0);
}

/** The values of `map` whose keys are template ids of `templates`. */
function pick(map: Doc | undefined, templates: Doc[]): Doc {
  const out: Doc = {};
  for (const t of templates) if (map && t.Id in map) out[t.Id] = structuredClone(map[t.Id]);
  return out;
}

/** The v1 document as the API returns it, secrets masked. */
function presentTenantVariables(tenant: Doc, ctx: SimContext, base: string): Doc {
  const stored = ctx.store.get(COLLECTION, variablesId(tenant.Id)) ?? {};
  const projectVariables: Doc = {};
  for (const [pid, envs] of Object.entries<string[]>(tenant.ProjectEnvironments ?? {})) {
    const project = ownerDoc('projects', pid, ctx);
    if (!project) continue;
    const templates = templatesOf(project);
    const variables: Doc = {};
    // Every connected environment is listed, with the values set for it (inference: the portal edits per environment).
    for (const env of envs) variables[env] = pick(stored.ProjectVariables?.[pid]?.Variables?.[env], templates);
    projectVariables[pid] = {
      ProjectId: pid,
      ProjectName: project.Name,
      Templates: structuredClone(templates),
      Variables: variables,
      Links: { Project: `${base}/projects/${pid}` },
    };
  }
  const libraryVariables: Doc = {};
  for (const set of librarySetsOf(tenant, ctx)) {
    libraryVariables[set.Id] = {
      LibraryVariableSetId: set.Id,
      LibraryVariableSetName: set.Name,
      Templates: structuredClone(templatesOf(set)),
      Variables: pick(stored.LibraryVariables?.[set.Id]?.Variables, templatesOf(set)),
      Links: { LibraryVariableSet: `${base}/libraryvariablesets/${set.Id}` },
    };
  }
  const out: Doc = {
    Id: variablesId(tenant.Id),
    TenantId: tenant.Id,
    TenantName: tenant.Name,
    SpaceId: tenant.SpaceId,
    ConcurrencyToken: tokenOf(stored.Revision ?? 0),
    ProjectVariables: projectVariables,
    LibraryVariables: libraryVariables,
    LastModifiedOn: stored.LastModifiedOn ?? null,
    LastModifiedBy: stored.LastModifiedBy ?? null,
    Links: { Self: `${base}/tenants/${tenant.Id}/variables` },
  };
  maskSecrets(out, [...VALUE_PATHS, ...TEMPLATE_PATHS]);
  return out;
}

function isPlainObject(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validated values for one owner: keys must be the owner's template ids; null means "not set". */
function takeValues(values: unknown, templates: Doc[], where: string, errors: string[]): Doc {
  const out: Doc = {};
  if (values === null || values === undefined) return out;
  if (!isPlainObject(values)) {
    errors.push(`The values for ${where} must be an object keyed by template id.`);
    return out;
  }
  const byId = new Map(templates.map((t) => [t.Id, t]));
  for (const [templateId, value] of Object.entries(values)) {
    const template = byId.get(templateId);
    if (!template) errors.push(`The template '${templateId}' does not exist in ${where}.`);
    else if (value === null || value === undefined) continue;
    else if (typeof value !== 'string' && !isSensitiveValue(value)) errors.push(`The value for template '${template.Name}' in ${where} must be a string or a SensitiveValue.`);
    else out[templateId] = asSensitiveIfTemplateIs(value, template);
  }
  return out;
}

/** Drops values a SensitiveValue merge left unset (`HasValue: false`): a cleared secret is "not set". */
function dropUnset(map: Doc): void {
  for (const [k, v] of Object.entries(map)) if (isSensitiveValue(v) && !v.HasValue) delete map[k];
}

/**
 * PUT/POST: replaces the tenant's values. Values may only be given for connected projects and environments,
 * for library variable sets those projects include, and for templates the owners have (the server validates
 * connections — e.g. "…is invalid as they are not connected to the project or they do not exist", Issues#9487;
 * the wording here is the simulator's). A SensitiveValue with `HasValue: true` and no `NewValue` keeps the stored secret.
 */
function modifyTenantVariables(tenant: Doc, body: unknown, ctx: SimContext, base: string): Doc {
  if (!isPlainObject(body)) throw badRequest('The request body must be a JSON object.');
  const id = variablesId(tenant.Id);
  const stored = ctx.store.get(COLLECTION, id);
  const token = body.ConcurrencyToken;
  if (token !== undefined && token !== null && token !== '' && token !== tokenOf(stored?.Revision ?? 0)) {
    throw badRequest(`Modification failed for 'TenantVariable' document with '${id}' Id because submitted data was out of date. Refresh the document and try again.`);
  }
  const errors: string[] = [];
  const next: Doc = { ProjectVariables: {}, LibraryVariables: {} };
  const projectVariables = body.ProjectVariables ?? {};
  const libraryVariables = body.LibraryVariables ?? {};
  if (!isPlainObject(projectVariables) || !isPlainObject(libraryVariables)) throw badRequest('ProjectVariables and LibraryVariables must be objects.');

  for (const [pid, entry] of Object.entries(projectVariables)) {
    const envs: string[] | undefined = tenant.ProjectEnvironments?.[pid];
    const project = ownerDoc('projects', pid, ctx);
    if (!envs || !project) {
      errors.push(`ProjectVariables refers to '${pid}', which is not a project connected to the tenant.`);
      continue;
    }
    const variables: Doc = {};
    for (const [env, values] of Object.entries(isPlainObject(entry) && isPlainObject(entry.Variables) ? entry.Variables : {})) {
      if (!envs.includes(env)) errors.push(`ProjectVariables of '${pid}' refers to '${env}', which is not an environment the tenant is connected to for that project.`);
      else variables[env] = takeValues(values, templatesOf(project), `project '${pid}'`, errors);
    }
    next.ProjectVariables[pid] = { Variables: variables };
  }
  const sets = new Map(librarySetsOf(tenant, ctx).map((s) => [s.Id, s]));
  for (const [lid, entry] of Object.entries(libraryVariables)) {
    const set = sets.get(lid);
    if (!set) {
      errors.push(`LibraryVariables refers to '${lid}', which is not a library variable set with templates included by a project connected to the tenant.`);
      continue;
    }
    next.LibraryVariables[lid] = { Variables: takeValues(isPlainObject(entry) ? entry.Variables : undefined, templatesOf(set), `library variable set '${lid}'`, errors) };
  }
  if (errors.length) throw badRequest(...errors);

  mergeSecrets(next, stored, VALUE_PATHS);
  for (const p of Object.values<Doc>(next.ProjectVariables)) for (const env of Object.values<Doc>(p.Variables)) dropUnset(env);
  for (const l of Object.values<Doc>(next.LibraryVariables)) dropUnset(l.Variables);
  ctx.store.put(COLLECTION, {
    Id: id,
    TenantId: tenant.Id,
    SpaceId: tenant.SpaceId,
    Revision: Number(ctx.store.allocateId('TenantVariablesRevision').split('-').pop()),
    ...next,
    LastModifiedOn: ctx.now(),
    LastModifiedBy: ctx.user,
  });
  return presentTenantVariables(tenant, ctx, base);
}

/** A deleted tenant takes its values with it. */
export function deleteTenantVariables(tenantId: string, ctx: SimContext): void {
  ctx.store.remove(COLLECTION, variablesId(tenantId));
}

const write = (req: Parameters<SimRoute['handle']>[0]) => ({
  body: modifyTenantVariables(tenantOr404(req.params.id, req.ctx), req.body, req.ctx, req.base),
});

export const tenantVariableRoutes: SimRoute[] = [
  { method: 'GET', pattern: 'tenants/:id/variables', scope: 'space', handle: (req) => ({ body: presentTenantVariables(tenantOr404(req.params.id, req.ctx), req.ctx, req.base) }) },
  // PUT and POST both replace, answering 200 (§2.6).
  { method: 'PUT', pattern: 'tenants/:id/variables', scope: 'space', handle: write },
  { method: 'POST', pattern: 'tenants/:id/variables', scope: 'space', handle: write },
  // A bare array; `projectId` keeps the tenants connected to that project, each with all its values (Issues#8331).
  {
    method: 'GET',
    pattern: 'tenantvariables/all',
    scope: 'space',
    handle: ({ query, ctx, base }) => {
      const projectId = query.get('projectId');
      const tenants = ctx.store
        .all('tenants', ctx.spaceId)
        .filter((t) => !projectId || projectId in (t.ProjectEnvironments ?? {}))
        .sort((a, b) => String(a.Name).localeCompare(String(b.Name)));
      return { body: tenants.map((t) => presentTenantVariables(t, ctx, base)) };
    },
  },
];

/** Looks a template up by name (fixtures are written by name) or id. */
function templateIdOf(templates: Doc[], nameOrId: string, where: string): string {
  const t = templates.find((x) => x.Name === nameOrId) ?? templates.find((x) => x.Id === nameOrId);
  if (!t) throw new Error(`seed: no template '${nameOrId}' in ${where}`);
  return t.Id;
}

function byTemplateName(values: unknown, templates: Doc[], where: string): Doc {
  const out: Doc = {};
  for (const [name, value] of Object.entries(isPlainObject(values) ? values : {})) out[templateIdOf(templates, name, where)] = value;
  return out;
}

/**
 * Seeds a tenant's `$variables`, written in the v1 shape by name: project, environment, library variable set and
 * template names instead of ids; secrets in clear (a string for a sensitive template is stored write-only).
 * ```json
 * "$variables": { "ProjectVariables": { "OctoFX": { "Variables": { "Production": { "Site.Url": "https://…" } } } },
 *                 "LibraryVariables": { "Shared DB": { "Variables": { "DB.Password": "s3cret" } } } }
 * ```
 */
export function seedTenantVariables(tenant: Doc, children: Record<string, unknown>, helpers: SeedHelpers): void {
  const unknown = Object.keys(children).filter((k) => k !== 'variables');
  if (unknown.length) throw new Error(`seed: tenant '${tenant.Name}' has unknown child documents: ${unknown.join(', ')}`);
  const v = children.variables;
  if (!isPlainObject(v)) throw new Error(`seed: tenant '${tenant.Name}': $variables must be an object`);
  const { ctx } = helpers;
  const body: Doc = { ProjectVariables: {}, LibraryVariables: {} };
  for (const [projectName, entry] of Object.entries(isPlainObject(v.ProjectVariables) ? v.ProjectVariables : {})) {
    const pid = helpers.idOf('projects', projectName);
    const templates = templatesOf(ownerDoc('projects', pid, ctx));
    const variables: Doc = {};
    for (const [envName, values] of Object.entries(isPlainObject(entry?.Variables) ? entry.Variables : {})) {
      variables[helpers.idOf('environments', envName)] = byTemplateName(values, templates, `project '${projectName}'`);
    }
    body.ProjectVariables[pid] = { Variables: variables };
  }
  for (const [setName, entry] of Object.entries(isPlainObject(v.LibraryVariables) ? v.LibraryVariables : {})) {
    const lid = helpers.idOf('libraryvariablesets', setName);
    const templates = templatesOf(ownerDoc('libraryvariablesets', lid, ctx));
    body.LibraryVariables[lid] = { Variables: byTemplateName(entry?.Variables, templates, `library variable set '${setName}'`) };
  }
  modifyTenantVariables(tenant, body, ctx, `/api/${ctx.spaceId}`);
}
