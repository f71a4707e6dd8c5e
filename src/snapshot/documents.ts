import { boolean, decode, isDoc, number, object, objectList, optional, shapeError, string, stringList, type Check, type Doc, type Where } from '../octopus/decode.js';
import { KINDS, kindDef, type KindName } from '../registry/kinds.js';
import type { KindDef } from '../registry/types.js';

type ModuleName = NonNullable<KindDef['module']>;

/**
 * A document of a registry kind as the server sent it. The members the stages rely on (ids, names, the parent's
 * id, the ids of owned documents, the members modules walk) are checked once, where it is read (`decodeKindDoc`);
 * the rest pass through as `unknown` for the normaliser, which treats every member generically.
 */
export interface OctopusDoc extends Doc {
  Id: string;
  /** Checked where the kind has names (not for owned documents or kinds named from what they refer to). */
  Name?: string;
  SpaceId?: string | null;
  IsVersionControlled?: boolean | null;
  Version?: number | null;
}

type Spec = Record<string, Check<unknown>>;

const BASE: Spec = { Id: string, SpaceId: optional(string), IsVersionControlled: optional(boolean), Version: optional(number) };

/** What a kind's special module walks, beyond the generic members. */
const MODULE_SPECS: Partial<Record<ModuleName, Spec>> = {
  // Checked item by item below (`decodeNested`): steps and their actions are indexed by id and name.
  process: { Steps: optional(objectList) },
  variables: { Variables: optional(objectList), ScopeValues: optional(object) },
  tenantVariables: { TenantId: string, ProjectVariables: optional(object), LibraryVariables: optional(object) },
};

/** Members the snapshot's inventory and the tenant-variable reader use (registry kinds with no module of their own). */
const KIND_SPECS: Partial<Record<KindName, Spec>> = {
  machine: { Roles: optional(stringList), EnvironmentIds: optional(stringList), TenantIds: optional(stringList), TenantTags: optional(stringList) },
  worker: { WorkerPoolIds: optional(stringList) },
  tenant: { ProjectEnvironments: optional(object) },
  // Variable templates: apply writes tenants' values against them by name.
  project: { PersistenceSettings: optional(object), Templates: optional(objectList) },
  libraryVariableSet: { Templates: optional(objectList) },
};

function specOf(def: KindDef): Spec {
  const spec: Spec = { ...BASE };
  if (!def.nameFrom && !def.parent?.ownedOne) spec.Name = string;
  if (def.parent) spec[def.parent.field] = string;
  if (def.nameFrom) spec[def.nameFrom.path] = string;
  // The ids of documents this kind owns (a project's `DeploymentProcessId`): null where it has none (config as code).
  for (const child of KINDS) if (child.parent?.kind === def.kind && child.fetch.from === 'owned') spec[child.fetch.idField] = optional(string);
  return { ...spec, ...(def.module ? MODULE_SPECS[def.module] : {}), ...KIND_SPECS[def.kind] };
}

/** Built once: decoding a document is then a handful of type checks. */
const SPECS = new Map<KindName, Spec>(KINDS.map((def) => [def.kind, specOf(def)]));

const STEP = { Actions: optional(objectList) };
const ACTION = { Id: string, Name: string };
const VARIABLE = { Id: optional(string), Name: string, Type: optional(string), Scope: optional(object) };
/** An entry of a variable set's `ScopeValues` lists (`ReferenceDataItem`): scopes are named through them. */
const SCOPE_VALUE = { Id: string, Name: string };

/** Documents decoded already, by identity (variable sets of either kind share one shape): one that reaches a second edge (apply normalises what it read) is not walked again. */
const decoded = new WeakSet<object>();

/** Checks the members of a document of `kind` that octosync relies on; answers it typed. */
export function decodeKindDoc(kind: KindName, value: unknown, where: Where): OctopusDoc {
  if (isDoc(value) && decoded.has(value)) return value as OctopusDoc;
  const doc = decode(value, SPECS.get(kind) ?? BASE, where) as OctopusDoc;
  decodeNested(kindDef(kind).module, doc, { ...where, id: doc.Id });
  decoded.add(doc);
  return doc;
}

/**
 * A variable set (a project's or a library's: they have one shape) where it is used: apply normalises variable
 * sets it has just read; one decoded where it was read is not walked again.
 */
export function decodeVariableSet(value: unknown, source: string): OctopusDoc {
  return decodeKindDoc('projectVariables', value, { source });
}

/** Every document of a listing of `kind`, each named by its position in the listing. */
export function decodeKindDocs(kind: KindName, docs: readonly unknown[], source: string): OctopusDoc[] {
  return docs.map((doc, item) => decodeKindDoc(kind, doc, { source, item }));
}

function decodeNested(module: ModuleName | undefined, doc: Doc, where: Where): void {
  if (module === 'process') {
    (doc.Steps as Doc[] | null | undefined)?.forEach((step, s) => {
      decode(step, STEP, where, `Steps[${s}]`).Actions?.forEach((action, a) => decode(action, ACTION, where, `Steps[${s}].Actions[${a}]`));
    });
  } else if (module === 'variables') {
    (doc.Variables as Doc[] | null | undefined)?.forEach((variable, v) => decode(variable, VARIABLE, where, `Variables[${v}]`));
    for (const [list, entries] of Object.entries((doc.ScopeValues as Doc | null | undefined) ?? {})) {
      if (entries === null) continue;
      if (!Array.isArray(entries)) throw shapeError(where, doc, `ScopeValues.${list}`, 'is not a list');
      entries.forEach((entry, e) => decode(entry, SCOPE_VALUE, where, `ScopeValues.${list}[${e}]`));
    }
  }
}

/** A version-controlled project whose non-sensitive variables are kept in git too. */
export function variablesAreInGit(project: Doc): boolean {
  const settings = project.PersistenceSettings;
  const state = isDoc(settings) ? settings.ConversionState : undefined;
  return isDoc(state) && Boolean(state.VariablesAreInGit);
}
