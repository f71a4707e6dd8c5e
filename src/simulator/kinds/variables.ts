import { getDoc, modifyDoc, presentDoc } from '../crud.js';
import type { SimRoute } from '../routes.js';
import type { SeedHelpers } from '../seed.js';
import { ApiError, badRequest, notFound, type Doc, type KindSpec, type SimContext } from '../types.js';
import { atLeast } from '../../util/version.js';
import { mergeDatabaseVariables, variablesView } from './git-projects.js';
import { allActions, processRoles } from './processes.js';
import { inSpace, isSnapshotId, keepOnModify, ofProject, projectOr404, shaped, withGuid } from './project-common.js';

/**
 * Variable sets (API-FACTS §3.9): `variableset-<OwnerId>` of a project or library variable set, `Version`
 * concurrency, write-only sensitive values (§2.10) and the computed `ScopeValues`.
 */

const VARIABLE = {
  Id: null,
  Name: null,
  Value: null,
  Description: null,
  Scope: {},
  IsEditable: true,
  Prompt: null,
  Type: null,
  IsSensitive: false,
};

const PROMPT = { Label: null, Description: null, Required: false, DisplaySettings: {} };

export const VARIABLE_TYPES = [
  'String',
  'Sensitive',
  'Certificate',
  'AmazonWebServicesAccount',
  'AzureAccount',
  'GoogleCloudAccount',
  'WorkerPool',
  'UsernamePasswordAccount',
  'GenericOidcAccount',
] as const;

/** Scope keys (GO `variable_scope.go`) and the `ScopeValues` list whose ids a value must be among. `Role` is free text. */
const SCOPE_KEYS: Record<string, keyof ScopeValues | undefined> = {
  Environment: 'Environments',
  Machine: 'Machines',
  Role: undefined,
  Action: 'Actions',
  Channel: 'Channels',
  TenantTag: 'TenantTags',
  ProcessOwner: 'Processes',
};

interface RefItem {
  Id: string;
  Name: string;
  ProcessType?: 'Deployment' | 'Runbook';
}
export interface ScopeValues {
  Environments: RefItem[];
  Machines: RefItem[];
  Actions: RefItem[];
  Roles: RefItem[];
  Channels: RefItem[];
  TenantTags: RefItem[];
  Processes: RefItem[];
}

// One collator, as String.prototype.localeCompare with these options compares (and builds one per call).
const NAME_ORDER = new Intl.Collator(undefined, { sensitivity: 'base' });
const byName = (a: Doc, b: Doc) => NAME_ORDER.compare(String(a.Name), String(b.Name));
const ref = (d: Doc): RefItem => ({ Id: d.Id, Name: d.Name });

/** The project owning a variable set (a project's live or snapshot set), or undefined for a library set. */
function owningProject(set: Doc, ctx: SimContext): Doc | undefined {
  return typeof set.OwnerId === 'string' ? inSpace(ctx, 'projects', set.OwnerId) : undefined;
}

/** The live processes of a project: its deployment process, then its runbooks' processes. */
export function projectProcesses(project: Doc, ctx: SimContext): { owner: Doc; process: Doc | undefined; type: 'Deployment' | 'Runbook' }[] {
  const out: { owner: Doc; process: Doc | undefined; type: 'Deployment' | 'Runbook' }[] = [
    { owner: project, process: inSpace(ctx, 'deploymentprocesses', project.DeploymentProcessId ?? ''), type: 'Deployment' },
  ];
  for (const runbook of ofProject(ctx, 'runbooks', project.Id).sort(byName)) {
    out.push({ owner: runbook, process: inSpace(ctx, 'runbookProcesses', runbook.RunbookProcessId ?? ''), type: 'Runbook' });
  }
  return out;
}

/**
 * What can scope this set's variables (API-FACTS §3.9): every environment, deployment target, target role and
 * tenant tag of the space — octopus.com/blog/creating-variables-with-the-api shows `ScopeValues.Environments`
 * listing all the space's environments (by name), not only those in use — plus, for a project's set, its
 * channels, the actions of its deployment and runbook processes, and those processes (`ProcessOwner`). A
 * library variable set has no channels, actions or processes. Tenant tags are `{Id, Name}` with the canonical
 * name in both (inference: the scope value is the canonical name).
 */
export function scopeValues(set: Doc, ctx: SimContext): ScopeValues {
  const space = ctx.spaceId;
  const project = owningProject(set, ctx);
  const machines = ctx.store.all('machines', space).sort(byName);
  const processes = project ? projectProcesses(project, ctx) : [];
  const roles = new Set<string>([
    ...machines.flatMap((m) => m.Roles ?? []),
    ...processes.flatMap((p) => processRoles(p.process)),
    ...(set.Variables ?? []).flatMap((v: Doc) => v.Scope?.Role ?? []),
  ]);
  const tags = ctx.store
    .all('tagsets', space)
    .sort((a, b) => (a.SortOrder ?? 0) - (b.SortOrder ?? 0) || byName(a, b))
    .flatMap((s) => (s.Tags ?? []).map((t: Doc) => `${s.Name}/${t.Name}`));
  return {
    Environments: ctx.store.all('environments', space).sort(byName).map(ref),
    Machines: machines.map(ref),
    Actions: processes.flatMap((p) => allActions(p.process).map(ref)),
    Roles: [...roles].sort((a, b) => a.localeCompare(b)).map((r) => ({ Id: r, Name: r })),
    Channels: project ? ofProject(ctx, 'channels', project.Id).sort(byName).map(ref) : [],
    TenantTags: tags.map((t) => ({ Id: t, Name: t })),
    // The deployment process is named as in the API-FACTS §3.9 example (its exact label is unverified).
    Processes: processes.map((p) =>
      p.type === 'Deployment' ? { Id: p.owner.Id, Name: 'Deployment process', ProcessType: p.type } : { Id: p.owner.Id, Name: p.owner.Name, ProcessType: p.type },
    ),
  };
}

function normaliseScope(scope: unknown, errors: string[]): Doc {
  const out: Doc = {};
  if (typeof scope !== 'object' || scope === null || Array.isArray(scope)) return out;
  for (const [key, values] of Object.entries(scope)) {
    // Scope is a dictionary keyed by the ScopeField enum: an unknown key cannot be read (inference).
    if (!(key in SCOPE_KEYS)) {
      errors.push(`'${key}' is not a valid variable scope.`);
      continue;
    }
    const list = (Array.isArray(values) ? values : [values]).filter((v) => v !== null && v !== undefined && v !== '').map(String);
    if (list.length) out[key] = [...new Set(list)]; // the server returns only the scopes in use
  }
  return out;
}

/**
 * Normalises the variables of a PUT and applies the sensitive-value rules of API-FACTS §2.10 (go-octopusdeploy
 * #449/#450, measured on 2026.x): "The `Id` is the sole determinant" — an existing `Id` with `""`/`null` keeps
 * the stored secret, no (or an unknown) `Id` with `""`/`null` stores an empty value, a non-empty value replaces it.
 */
function normaliseVariables(doc: Doc, prev: Doc | undefined, ctx: SimContext): void {
  if (!Array.isArray(doc.Variables)) throw badRequest('The Variables field is required.');
  const before = new Map<string, Doc>((prev?.Variables ?? []).map((v: Doc) => [v.Id, v]));
  const errors: string[] = [];
  const ids = new Set<string>();
  doc.Variables = doc.Variables.map((input: unknown) => {
    const v = shaped(VARIABLE, input);
    const old = typeof v.Id === 'string' && v.Id !== '' ? before.get(v.Id) : undefined;
    if (v.Type === null || v.Type === undefined) {
      // Issues#8817 (2024.3): a variable without `Type` fails with a NullReferenceException (API-FACTS §2.7).
      throw new ApiError(500, 'Object reference not set to an instance of an object.');
    }
    if (!(VARIABLE_TYPES as readonly string[]).includes(v.Type)) errors.push(`'${v.Type}' is not a valid variable type.`);
    if (!v.Name) errors.push('The Name field is required.');
    // `IsSensitive` is true iff `Type` is Sensitive (API-FACTS §3.9); an old client's `IsSensitive: true` on a
    // String variable makes it sensitive (inference).
    if (v.IsSensitive === true && v.Type === 'String') v.Type = 'Sensitive';
    v.IsSensitive = v.Type === 'Sensitive';
    if (v.IsSensitive && (v.Value === null || v.Value === '')) v.Value = old ? (old.Value ?? '') : '';
    else if (v.Value !== null && typeof v.Value !== 'string') v.Value = String(v.Value);
    v.Scope = normaliseScope(v.Scope, errors);
    v.Prompt = v.Prompt === null || typeof v.Prompt !== 'object' ? null : shaped(PROMPT, v.Prompt);
    withGuid(v, ctx);
    if (ids.has(v.Id)) errors.push(`The variable id '${v.Id}' is used more than once.`);
    ids.add(v.Id);
    return v;
  });
  if (errors.length) throw badRequest(...errors);
}

/**
 * 400 for a scope value that cannot scope this set (an environment, machine, channel, action, process or tag that
 * does not exist, or belongs elsewhere). Values the stored set already held are accepted as they are (a client
 * round-trips what it read; whether the server prunes them when, e.g., an action is removed is unverified).
 */
function checkScopes(doc: Doc, prev: Doc | undefined, ctx: SimContext): void {
  const values = scopeValues(doc, ctx);
  const held = new Set<string>((prev?.Variables ?? []).flatMap((v: Doc) => Object.entries(v.Scope ?? {}).flatMap(([k, ids]) => (ids as string[]).map((id) => `${k}:${id}`))));
  const errors: string[] = [];
  for (const v of doc.Variables) {
    for (const [key, ids] of Object.entries(v.Scope as Record<string, string[]>)) {
      const list = SCOPE_KEYS[key];
      if (!list) continue;
      const known = new Set(values[list].map((r) => r.Id));
      for (const id of ids) {
        if (!known.has(id) && !held.has(`${key}:${id}`)) {
          errors.push(`The variable '${v.Name}' is scoped to ${key} '${id}', which does not exist in this space or cannot scope this variable set.`);
        }
      }
    }
  }
  if (errors.length) throw badRequest(...errors);
}

export const variableSets: KindSpec = {
  collection: 'variables',
  itemType: 'VariableSet',
  linkName: 'Variables',
  idPrefix: 'variableset',
  scope: 'space',
  uniqueName: false,
  required: ['Variables'],
  sortBy: 'Id',
  verbs: { create: false, delete: false },
  versioned: 'VariableSet',
  defaults: () => ({ OwnerId: null, Version: 0, Variables: null }),
  refs: [],
  deriveId: (doc) => `variableset-${doc.OwnerId}`,
  onWrite(doc, prev, ctx) {
    if (prev && isSnapshotId(prev.Id)) throw badRequest('A variable set snapshot cannot be modified.'); // inference
    keepOnModify(doc, prev, 'OwnerId');
    mergeDatabaseVariables(doc, prev, owningProject(doc, ctx));
    normaliseVariables(doc, prev, ctx);
    checkScopes(doc, prev, ctx);
  },
  present(doc, ctx) {
    const values = scopeValues(doc, ctx);
    for (const v of doc.Variables ?? []) if (v.IsSensitive) v.Value = null; // never returned (API-FACTS §2.10)
    return variablesView({ ...doc, ScopeValues: values }, owningProject(doc, ctx));
  },
  links: (doc, base) => ({ Self: `${base}/variables/${doc.Id}` }),
};

/** Removes scope values that name a deleted document (a channel, a runbook and its actions) from a project's set. */
export function pruneScopes(ctx: SimContext, project: Doc, key: string, gone: string[]): void {
  const set = inSpace(ctx, 'variables', project.VariableSetId ?? '');
  if (!set || gone.length === 0) return;
  for (const v of set.Variables ?? []) {
    if (!v.Scope?.[key]) continue;
    v.Scope[key] = v.Scope[key].filter((id: string) => !gone.includes(id));
    if (v.Scope[key].length === 0) delete v.Scope[key];
  }
}

/** Account, certificate and worker pool variables hold an id in `Value` (API-FACTS §3.9). */
const VALUE_REFS: Record<string, string> = {
  Certificate: 'certificates',
  AmazonWebServicesAccount: 'accounts',
  AzureAccount: 'accounts',
  GoogleCloudAccount: 'accounts',
  UsernamePasswordAccount: 'accounts',
  GenericOidcAccount: 'accounts',
  WorkerPool: 'workerpools',
};

/**
 * Seeds a variable set written by name (`$variables`: an array of variables, or `{ "Variables": [...] }`):
 * scope values name environments, machines, channels (of the project), actions (of the project's processes),
 * processes (`ProcessOwner`: a runbook's name, or the project's name for its deployment process); tenant tags are
 * canonical names and roles plain strings; sensitive values are given in clear. `Type` defaults from `IsSensitive`.
 */
export function seedVariables(setId: string, input: unknown, helpers: SeedHelpers, project?: Doc): void {
  const { ctx } = helpers;
  const list: Doc[] = structuredClone(Array.isArray(input) ? input : ((input as Doc)?.Variables ?? []));
  const hint = project ? { ProjectId: project.Id } : undefined;
  const actionId = (name: string): string => {
    const actions = project ? projectProcesses(project, ctx).flatMap((p) => allActions(p.process)) : [];
    const found = actions.find((a) => a.Id === name) ?? actions.find((a) => a.Name === name);
    if (!found) throw new Error(`seed: no action named '${name}' in ${project ? `project '${project.Name}'` : 'a library variable set'}`);
    return found.Id;
  };
  const processOwnerId = (name: string): string => (project && (name === project.Name || name === project.Id) ? project.Id : helpers.idOf('runbooks', name, hint));
  const resolve: Record<string, (name: string) => string> = {
    Environment: (n) => helpers.idOf('environments', n),
    Machine: (n) => helpers.idOf('machines', n),
    Channel: (n) => helpers.idOf('channels', n, hint),
    Action: actionId,
    ProcessOwner: processOwnerId,
  };
  for (const v of list) {
    v.Type ??= v.IsSensitive ? 'Sensitive' : 'String';
    for (const [key, values] of Object.entries((v.Scope ?? {}) as Record<string, string[]>)) {
      if (resolve[key]) v.Scope[key] = values.map(resolve[key]);
    }
    const to = VALUE_REFS[v.Type];
    if (to && typeof v.Value === 'string' && v.Value !== '' && !v.Value.includes('#{')) v.Value = helpers.idOf(to, v.Value);
  }
  const current = getDoc(variableSets, setId, ctx);
  modifyDoc(variableSets, setId, { ...current, Variables: list, Version: current.Version }, ctx);
}

/** `GET|PUT projects/{projectId}/variables`: 2022.3+ (present in PORT 2024.3 links, absent from SW21 — API-FACTS §3.9). */
export const variableRoutes: SimRoute[] = (['GET', 'PUT'] as const).map((method) => ({
  method,
  pattern: 'projects/:projectId/variables',
  scope: 'space' as const,
  handle: ({ params, ctx, body }) => {
    if (!atLeast(ctx.version, '2022.3')) throw notFound('The resource you requested was not found.');
    const project = projectOr404(ctx, params.projectId);
    const id = project.VariableSetId;
    const doc = method === 'GET' ? getDoc(variableSets, id, ctx) : modifyDoc(variableSets, id, body, ctx);
    return presentDoc(variableSets, doc, ctx);
  },
}));
