import { COMMON_VARIABLE_SCOPING, isEnabled } from '../features.js';
import type { SimRoute } from '../routes.js';
import type { SeedHelpers } from '../seed.js';
import { isSensitiveValue, maskSecrets, mergeSecrets } from '../sensitive.js';
import { ApiError, badRequest, notFound, type Doc, type SimContext } from '../types.js';
import { asSensitiveIfTemplateIs } from './infra-common.js';

/**
 * Tenant variables, in both API generations over one store.
 *
 * v1 (API-FACTS §3.12): `GET|PUT|POST /tenants/{id}/variables`, `GET /tenantvariables/all{?projectId}`.
 * - `ProjectVariables` is keyed by connected project id → `Variables` keyed by connected environment id → keyed by
 *   the project's template id (`Templates[].Id`); `LibraryVariables` is keyed by library variable set id →
 *   `Variables` keyed by the set's template id. `Templates` is a read-only echo of the owner's templates.
 * - `ConcurrencyToken`: a stale token is refused with the real message (§2.11, terraform-provider#907); omitting it
 *   skips the check (DOCGEN: "omitting it skips the check").
 * - With `CommonVariableScopingFeatureToggle` on, the v1 update endpoint is not accessible (OctopusDeploy/cli PR #489:
 *   "When this feature is enabled, the original update endpoint is not accessible"; the status and wording of the
 *   refusal here are the simulator's, unconfirmed). Reading it still works, showing what v1 can express.
 *
 * v2 (2025.1+ behind the toggle, 2025.2 GA): `GET|PUT|POST /tenants/{id}/commonvariables{?includeMissingVariables}`
 * and `/projectvariables` (go-octopusdeploy `pkg/tenants/tenant_service.go`, `pkg/variables/tenant_common_variable.go`,
 * `tenant_project_variable.go`, `tenant_variable_scope.go`; OctopusClients `Model/TenantVariables/*.cs`).
 * - GET answers `{TenantId, Variables: [{Id, LibraryVariableSetId|ProjectId, LibraryVariableSetName|ProjectName,
 *   TemplateId, Template, Value, Scope: {EnvironmentIds}}], MissingVariables?}`.
 * - PUT takes `{Variables: [{Id?, LibraryVariableSetId|ProjectId, TemplateId, Value, Scope: {EnvironmentIds}}]}`
 *   (OctopusClients `ModifyCommonVariablesByTenantIdCommand.cs`, go `ModifyTenantCommonVariablesCommand`, the
 *   Octopus docs' `update-tenant-common-variable-scripts.include.md`) and replaces that generation's whole list:
 *   "All common variables must be included in the request to avoid deletions" (cli
 *   `pkg/cmd/tenant/variables/update/update.go`). A value sent back with its `Id` keeps a stored secret; a
 *   SensitiveValue with `HasValue: false` removes the value (terraform-provider `resource_tenant_common_variable.go`
 *   `deleteV2`). Answers `{TenantId, Variables}`.
 * - Common values may be unscoped (`EnvironmentIds: []`) or scoped to environments (Issues #9414); project values
 *   name their environments (terraform-provider `tenant_project_variable_validator.go`: "Must specify either
 *   'environment_id' or 'scope'"). Two values of one template never share an environment (cli `update.go`: "This
 *   should never happen based on server validation"); one unscoped value per template (inference).
 * - The endpoints exist only with the toggle on ("both of the above endpoints are under
 *   CommonVariableScopingFeatureToggle", go-octopusdeploy PR #301): 404 otherwise.
 *
 * Stored apart from the tenant in the `tenantvariables` collection as one list of values
 * `{Id, Kind: 'Project'|'Common', OwnerId, TemplateId, EnvironmentIds, Value}`; both generations are views of it.
 */
const COLLECTION = 'tenantvariables';

type Kind = 'Project' | 'Common';
interface StoredValue {
  Id: string;
  Kind: Kind;
  OwnerId: string;
  TemplateId: string;
  EnvironmentIds: string[];
  Value: unknown;
}

/** Where the values live in a v1 document, for masking (`{}{}`: environment → template). */
const VALUE_PATHS = ['ProjectVariables{}.Variables{}{}', 'LibraryVariables{}.Variables{}'];
/** Template default values may be SensitiveValues of the owner's document: masked in the echo too. */
const TEMPLATE_PATHS = ['ProjectVariables{}.Templates[].DefaultValue?', 'LibraryVariables{}.Templates[].DefaultValue?'];
const V2_PATHS = ['Variables[].Value?', 'Variables[].Template.DefaultValue?', 'MissingVariables[].Template.DefaultValue?'];

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

function connectedProjects(tenant: Doc, ctx: SimContext): { project: Doc; envs: string[] }[] {
  return Object.entries<string[]>(tenant.ProjectEnvironments ?? {})
    .map(([pid, envs]) => ({ project: ownerDoc('projects', pid, ctx)!, envs }))
    .filter((p) => p.project);
}

/** Every environment the tenant is connected to, for any project. */
function tenantEnvironments(tenant: Doc): string[] {
  return [...new Set(Object.values<string[]>(tenant.ProjectEnvironments ?? {}).flat())];
}

function storedValues(tenant: Doc, ctx: SimContext): StoredValue[] {
  return ctx.store.get(COLLECTION, variablesId(tenant.Id))?.Values ?? [];
}

/** Values still valid for the tenant: owner connected, template present (a value for a removed template is not shown). */
function liveValues(tenant: Doc, ctx: SimContext, kind: Kind): { value: StoredValue; owner: Doc; template: Doc }[] {
  const owners = new Map<string, Doc>(
    kind === 'Project' ? connectedProjects(tenant, ctx).map((p) => [p.project.Id, p.project]) : librarySetsOf(tenant, ctx).map((s) => [s.Id, s]),
  );
  const out: { value: StoredValue; owner: Doc; template: Doc }[] = [];
  for (const value of storedValues(tenant, ctx)) {
    if (value.Kind !== kind) continue;
    const owner = owners.get(value.OwnerId);
    const template = templatesOf(owner).find((t) => t.Id === value.TemplateId);
    if (owner && template) out.push({ value, owner, template });
  }
  return out;
}

/** The v1 document as the API returns it, secrets masked. */
function presentV1(tenant: Doc, ctx: SimContext, base: string): Doc {
  const stored = ctx.store.get(COLLECTION, variablesId(tenant.Id)) ?? {};
  const projectValues = liveValues(tenant, ctx, 'Project');
  const projectVariables: Doc = {};
  for (const { project, envs } of connectedProjects(tenant, ctx)) {
    const variables: Doc = {};
    // Every connected environment is listed, with the values set for it (inference: the portal edits per environment).
    for (const env of envs) {
      variables[env] = {};
      for (const { value } of projectValues) {
        if (value.OwnerId === project.Id && value.EnvironmentIds.includes(env)) variables[env][value.TemplateId] = structuredClone(value.Value);
      }
    }
    projectVariables[project.Id] = {
      ProjectId: project.Id,
      ProjectName: project.Name,
      Templates: structuredClone(templatesOf(project)),
      Variables: variables,
      Links: { Project: `${base}/projects/${project.Id}` },
    };
  }
  const commonValues = liveValues(tenant, ctx, 'Common');
  const libraryVariables: Doc = {};
  for (const set of librarySetsOf(tenant, ctx)) {
    const variables: Doc = {};
    // v1 holds one value per template: the unscoped one (environment-scoped values have no place in it).
    for (const { value } of commonValues) if (value.OwnerId === set.Id && value.EnvironmentIds.length === 0) variables[value.TemplateId] = structuredClone(value.Value);
    libraryVariables[set.Id] = {
      LibraryVariableSetId: set.Id,
      LibraryVariableSetName: set.Name,
      Templates: structuredClone(templatesOf(set)),
      Variables: variables,
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

/** A value checked against its template: a string or a SensitiveValue; a string for a sensitive template is a secret. */
function takeValue(value: unknown, template: Doc, where: string, errors: string[]): unknown {
  if (typeof value !== 'string' && !isSensitiveValue(value)) {
    errors.push(`The value for template '${template.Name}' in ${where} must be a string or a SensitiveValue.`);
    return undefined;
  }
  return asSensitiveIfTemplateIs(value, template);
}

/** Merges an incoming SensitiveValue with the stored value it replaces (Octopus.Client `SensitiveValue.cs` rules). */
function withSecret(value: unknown, prev: unknown): unknown {
  const box: Doc = { v: value };
  mergeSecrets(box, { v: prev }, ['v?']);
  return box.v;
}

/** A cleared secret (`HasValue: false`) is "not set": no value is kept. */
function isUnset(value: unknown): boolean {
  return isSensitiveValue(value) && !value.HasValue;
}

function save(tenant: Doc, values: StoredValue[], ctx: SimContext): void {
  ctx.store.put(COLLECTION, {
    Id: variablesId(tenant.Id),
    TenantId: tenant.Id,
    SpaceId: tenant.SpaceId,
    Revision: Number(ctx.store.allocateId('TenantVariablesRevision').split('-').pop()),
    Values: values.filter((v) => !isUnset(v.Value)),
    LastModifiedOn: ctx.now(),
    LastModifiedBy: ctx.user,
  });
}

function newValueId(ctx: SimContext): string {
  return ctx.store.allocateId('TenantVariables');
}

/**
 * v1 PUT/POST: replaces the tenant's values. Values may only be given for connected projects and environments,
 * for library variable sets those projects include, and for templates the owners have (the server validates
 * connections — e.g. "…is invalid as they are not connected to the project or they do not exist", Issues#9487;
 * the wording here is the simulator's). A SensitiveValue with `HasValue: true` and no `NewValue` keeps the stored secret.
 */
function modifyV1(tenant: Doc, body: unknown, ctx: SimContext, base: string, seeding = false): Doc {
  if (!seeding && isEnabled(ctx, COMMON_VARIABLE_SCOPING)) {
    throw badRequest(`The tenant variables of '${tenant.Name}' cannot be modified through /tenants/{id}/variables while ${COMMON_VARIABLE_SCOPING} is enabled: use /tenants/{id}/commonvariables and /tenants/{id}/projectvariables.`);
  }
  if (!isPlainObject(body)) throw badRequest('The request body must be a JSON object.');
  const stored = ctx.store.get(COLLECTION, variablesId(tenant.Id));
  const token = body.ConcurrencyToken;
  if (token !== undefined && token !== null && token !== '' && token !== tokenOf(stored?.Revision ?? 0)) {
    throw badRequest(`Modification failed for 'TenantVariable' document with '${variablesId(tenant.Id)}' Id because submitted data was out of date. Refresh the document and try again.`);
  }
  const prev = storedValues(tenant, ctx);
  const errors: string[] = [];
  const next: StoredValue[] = [];
  const projectVariables = body.ProjectVariables ?? {};
  const libraryVariables = body.LibraryVariables ?? {};
  if (!isPlainObject(projectVariables) || !isPlainObject(libraryVariables)) throw badRequest('ProjectVariables and LibraryVariables must be objects.');

  const put = (kind: Kind, owner: Doc, values: unknown, env: string | undefined, where: string) => {
    if (values === null || values === undefined) return;
    if (!isPlainObject(values)) {
      errors.push(`The values for ${where} must be an object keyed by template id.`);
      return;
    }
    const byId = new Map(templatesOf(owner).map((t) => [t.Id, t]));
    for (const [templateId, raw] of Object.entries(values)) {
      const template = byId.get(templateId);
      if (!template) {
        errors.push(`The template '${templateId}' does not exist in ${where}.`);
        continue;
      }
      if (raw === null || raw === undefined) continue;
      const value = takeValue(raw, template, where, errors);
      if (value === undefined) continue;
      const environmentIds = env ? [env] : [];
      const old = prev.find((p) => p.Kind === kind && p.OwnerId === owner.Id && p.TemplateId === templateId && (env ? p.EnvironmentIds.includes(env) : p.EnvironmentIds.length === 0));
      next.push({ Id: old && !next.some((n) => n.Id === old.Id) ? old.Id : newValueId(ctx), Kind: kind, OwnerId: owner.Id, TemplateId: templateId, EnvironmentIds: environmentIds, Value: withSecret(value, old?.Value) });
    }
  };
  for (const [pid, entry] of Object.entries(projectVariables)) {
    const envs: string[] | undefined = tenant.ProjectEnvironments?.[pid];
    const project = ownerDoc('projects', pid, ctx);
    if (!envs || !project) {
      errors.push(`ProjectVariables refers to '${pid}', which is not a project connected to the tenant.`);
      continue;
    }
    for (const [env, values] of Object.entries(isPlainObject(entry) && isPlainObject(entry.Variables) ? entry.Variables : {})) {
      if (!envs.includes(env)) errors.push(`ProjectVariables of '${pid}' refers to '${env}', which is not an environment the tenant is connected to for that project.`);
      else put('Project', project, values, env, `project '${pid}'`);
    }
  }
  const sets = new Map(librarySetsOf(tenant, ctx).map((s) => [s.Id, s]));
  for (const [lid, entry] of Object.entries(libraryVariables)) {
    const set = sets.get(lid);
    if (!set) errors.push(`LibraryVariables refers to '${lid}', which is not a library variable set with templates included by a project connected to the tenant.`);
    else put('Common', set, isPlainObject(entry) ? entry.Variables : undefined, undefined, `library variable set '${lid}'`);
  }
  if (errors.length) throw badRequest(...errors);
  // Environment-scoped common values have no place in v1: a v1 write leaves them as they are.
  const kept = prev.filter((p) => p.Kind === 'Common' && p.EnvironmentIds.length > 0);
  save(tenant, [...next, ...kept], ctx);
  return presentV1(tenant, ctx, base);
}

/** The v2 endpoints exist only with the toggle on. */
function requireV2(ctx: SimContext): void {
  if (!isEnabled(ctx, COMMON_VARIABLE_SCOPING)) throw notFound('The resource you requested was not found.');
}

const OWNER_FIELDS: Record<Kind, { id: string; name: string }> = {
  Common: { id: 'LibraryVariableSetId', name: 'LibraryVariableSetName' },
  Project: { id: 'ProjectId', name: 'ProjectName' },
};

/** Owners of a kind with the environments a value for them may be scoped to. */
function ownersOf(tenant: Doc, kind: Kind, ctx: SimContext): Map<string, { owner: Doc; envs: string[] }> {
  if (kind === 'Project') return new Map(connectedProjects(tenant, ctx).map((p) => [p.project.Id, { owner: p.project, envs: p.envs }]));
  const envs = tenantEnvironments(tenant);
  return new Map(librarySetsOf(tenant, ctx).map((s) => [s.Id, { owner: s, envs }]));
}

/** `GET …/commonvariables` or `…/projectvariables`, secrets masked; `MissingVariables` when asked for. */
function presentV2(tenant: Doc, kind: Kind, ctx: SimContext, includeMissing: boolean): Doc {
  const f = OWNER_FIELDS[kind];
  const entry = (owner: Doc, template: Doc, value: unknown, environmentIds: string[], id?: string): Doc => ({
    ...(id ? { Id: id } : {}),
    [f.id]: owner.Id,
    [f.name]: owner.Name,
    TemplateId: template.Id,
    Template: structuredClone(template),
    Value: structuredClone(value),
    Scope: { EnvironmentIds: [...environmentIds] },
  });
  const variables = liveValues(tenant, ctx, kind).map(({ value, owner, template }) => entry(owner, template, value.Value, value.EnvironmentIds, value.Id));
  const out: Doc = { TenantId: tenant.Id, Variables: variables };
  if (includeMissing) {
    // What has no value yet: per template, the environments no value covers (all of them, unscoped, for a
    // common template without any value). The shape follows cli `update.go`, which matches on these scopes.
    const missing: Doc[] = [];
    for (const { owner, envs } of ownersOf(tenant, kind, ctx).values()) {
      for (const template of templatesOf(owner)) {
        const mine = variables.filter((v) => v[f.id] === owner.Id && v.TemplateId === template.Id);
        if (kind === 'Common' && mine.some((v) => v.Scope.EnvironmentIds.length === 0)) continue;
        const covered = new Set(mine.flatMap((v) => v.Scope.EnvironmentIds));
        const uncovered = envs.filter((e) => !covered.has(e));
        if (kind === 'Common' && mine.length === 0) missing.push(entry(owner, template, '', []));
        else if (uncovered.length) missing.push(entry(owner, template, '', uncovered));
      }
    }
    out.MissingVariables = missing;
  }
  maskSecrets(out, V2_PATHS);
  return out;
}

/** `PUT|POST …/commonvariables` or `…/projectvariables`: replaces that kind's values (see the module comment). */
function modifyV2(tenant: Doc, kind: Kind, body: unknown, ctx: SimContext): Doc {
  const f = OWNER_FIELDS[kind];
  if (!isPlainObject(body) || !Array.isArray(body.Variables)) {
    // A bare array (what api-client.ts 3.11.0 `modifyCommonVariables` sends) is not the command the server binds:
    // OctopusClients `ModifyCommonVariablesByTenantIdCommand.cs` and go-octopusdeploy send `{Variables: [...]}`.
    throw badRequest('The request body must be a JSON object with a Variables array.');
  }
  const owners = ownersOf(tenant, kind, ctx);
  const prev = storedValues(tenant, ctx);
  const errors: string[] = [];
  const next: StoredValue[] = [];
  body.Variables.forEach((item: unknown, i: number) => {
    const where = `Variables[${i}]`;
    if (!isPlainObject(item)) return void errors.push(`${where} must be an object.`);
    const ownerId = item[f.id];
    const found = typeof ownerId === 'string' ? owners.get(ownerId) : undefined;
    if (!found) {
      const what = kind === 'Common' ? 'variable set' : 'project';
      return void errors.push(`The ${what} value provided for ${item.TemplateId ?? '(no template)'} is invalid as they are not connected to the project or they do not exist: ${ownerId ?? '(none)'}`);
    }
    const template = templatesOf(found.owner).find((t) => t.Id === item.TemplateId);
    if (!template) return void errors.push(`${where}: the template '${item.TemplateId}' does not exist in ${found.owner.Name}.`);
    const scope = item.Scope ?? {};
    const envs: unknown = isPlainObject(scope) ? (scope.EnvironmentIds ?? []) : undefined;
    if (!Array.isArray(envs) || envs.some((e) => typeof e !== 'string')) return void errors.push(`${where}: Scope.EnvironmentIds must be an array of environment ids.`);
    const environmentIds = [...new Set(envs as string[])];
    const outside = environmentIds.filter((e) => !found.envs.includes(e));
    if (outside.length) return void errors.push(`${where}: the tenant is not connected to ${outside.join(', ')}${kind === 'Project' ? ` for ${found.owner.Name}` : ''}.`);
    if (kind === 'Project' && environmentIds.length === 0) return void errors.push(`${where}: a project variable value must be scoped to at least one environment.`);
    let old: StoredValue | undefined;
    if (typeof item.Id === 'string' && item.Id !== '') {
      old = prev.find((p) => p.Id === item.Id && p.Kind === kind);
      if (!old) return void errors.push(`${where}: there is no ${kind.toLowerCase()} variable '${item.Id}' for this tenant.`);
      if (next.some((n) => n.Id === old!.Id)) return void errors.push(`${where}: the variable '${item.Id}' is given twice.`);
    }
    const value = takeValue(item.Value, template, `${where}`, errors);
    if (value === undefined) return;
    next.push({ Id: old?.Id ?? newValueId(ctx), Kind: kind, OwnerId: found.owner.Id, TemplateId: template.Id, EnvironmentIds: environmentIds, Value: withSecret(value, old?.Value) });
  });
  // One value per template and environment; at most one unscoped value per template.
  const seen = new Map<string, string>();
  for (const v of next.filter((n) => !isUnset(n.Value))) {
    for (const env of v.EnvironmentIds.length ? v.EnvironmentIds : ['(unscoped)']) {
      const key = `${v.OwnerId}\u0000${v.TemplateId}\u0000${env}`;
      const name = templatesOf(owners.get(v.OwnerId)!.owner).find((t) => t.Id === v.TemplateId)?.Name;
      if (seen.has(key)) errors.push(`More than one value of '${name}' is scoped to ${env}.`);
      seen.set(key, v.Id);
    }
  }
  if (errors.length) throw badRequest(...errors);
  save(tenant, [...prev.filter((p) => p.Kind !== kind), ...next], ctx);
  const presented = presentV2(tenant, kind, ctx, false);
  return { TenantId: tenant.Id, Variables: presented.Variables };
}

/** A deleted tenant takes its values with it. */
export function deleteTenantVariables(tenantId: string, ctx: SimContext): void {
  ctx.store.remove(COLLECTION, variablesId(tenantId));
}

type Req = Parameters<SimRoute['handle']>[0];
const writeV1 = (req: Req) => ({ body: modifyV1(tenantOr404(req.params.id, req.ctx), req.body, req.ctx, req.base) });
const readV2 = (kind: Kind) => (req: Req) => {
  requireV2(req.ctx);
  const include = /^true$/i.test(req.query.get('includeMissingVariables') ?? req.query.get('IncludeMissingVariables') ?? '');
  return { body: presentV2(tenantOr404(req.params.id, req.ctx), kind, req.ctx, include) };
};
const writeV2 = (kind: Kind) => (req: Req) => {
  requireV2(req.ctx);
  return { body: modifyV2(tenantOr404(req.params.id, req.ctx), kind, req.body, req.ctx) };
};

export const tenantVariableRoutes: SimRoute[] = [
  { method: 'GET', pattern: 'tenants/:id/variables', scope: 'space', handle: (req) => ({ body: presentV1(tenantOr404(req.params.id, req.ctx), req.ctx, req.base) }) },
  // PUT and POST both replace, answering 200 (§2.6).
  { method: 'PUT', pattern: 'tenants/:id/variables', scope: 'space', handle: writeV1 },
  { method: 'POST', pattern: 'tenants/:id/variables', scope: 'space', handle: writeV1 },
  // go-octopusdeploy PR #301: "(GET/PUT/POST)" on both v2 endpoints.
  { method: 'GET', pattern: 'tenants/:id/commonvariables', scope: 'space', handle: readV2('Common') },
  { method: 'PUT', pattern: 'tenants/:id/commonvariables', scope: 'space', handle: writeV2('Common') },
  { method: 'POST', pattern: 'tenants/:id/commonvariables', scope: 'space', handle: writeV2('Common') },
  { method: 'GET', pattern: 'tenants/:id/projectvariables', scope: 'space', handle: readV2('Project') },
  { method: 'PUT', pattern: 'tenants/:id/projectvariables', scope: 'space', handle: writeV2('Project') },
  { method: 'POST', pattern: 'tenants/:id/projectvariables', scope: 'space', handle: writeV2('Project') },
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
      return { body: tenants.map((t) => presentV1(t, ctx, base)) };
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
 * Environment-scoped common values (v2) go in `ScopedCommonVariables`, a list by name.
 * ```json
 * "$variables": { "ProjectVariables": { "OctoFX": { "Variables": { "Production": { "Site.Url": "https://…" } } } },
 *                 "LibraryVariables": { "Shared DB": { "Variables": { "DB.Password": "s3cret" } } },
 *                 "ScopedCommonVariables": [ { "LibraryVariableSet": "Shared DB", "Template": "DB.Host",
 *                                              "Environments": ["Production"], "Value": "prod-db" } ] }
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
  modifyV1(tenant, body, ctx, `/api/${ctx.spaceId}`, true);
  const scoped = Array.isArray(v.ScopedCommonVariables) ? v.ScopedCommonVariables : [];
  if (scoped.length) {
    // Unscoped values seeded above are sent back by id (secrets kept), as a client would.
    const existing = storedValues(tenant, ctx)
      .filter((s) => s.Kind === 'Common')
      .map((s) => ({ Id: s.Id, LibraryVariableSetId: s.OwnerId, TemplateId: s.TemplateId, Value: s.Value, Scope: { EnvironmentIds: s.EnvironmentIds } }));
    const added = scoped.map((s: Doc) => {
      const lid = helpers.idOf('libraryvariablesets', s.LibraryVariableSet);
      const templates = templatesOf(ownerDoc('libraryvariablesets', lid, ctx));
      return { LibraryVariableSetId: lid, TemplateId: templateIdOf(templates, s.Template, `library variable set '${s.LibraryVariableSet}'`), Value: s.Value, Scope: { EnvironmentIds: (s.Environments ?? []).map((e: string) => helpers.idOf('environments', e)) } };
    });
    try {
      modifyV2(tenant, 'Common', { Variables: [...existing, ...added] }, ctx);
    } catch (err) {
      throw new Error(`seed: tenant '${tenant.Name}': ${err instanceof ApiError ? err.errors.join('; ') || err.errorMessage : String(err)}`);
    }
  }
}
