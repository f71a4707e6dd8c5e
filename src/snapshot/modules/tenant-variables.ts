import type { NormalizeContext } from '../normalize.js';
import { isDoc, type Doc } from '../../octopus/decode.js';
import { isSensitiveTemplate, recordedSecret, recordedValue } from '../../util/sensitive.js';

type Values = Record<string, unknown>;

/**
 * A tenant's variables by name, in one form whichever API generation they were read through:
 * - `ProjectVariables`: project → environment → template → value (a v2 value scoped to several environments is
 *   the same value in each);
 * - `LibraryVariables`: library variable set → template → value, the common values for every environment;
 * - `LibraryVariablesByEnvironment` (v2 only, left out when empty): library variable set → environment →
 *   template → value, common values scoped to environments (OctopusDeploy/Issues #9414).
 * Sensitive values become `{HasValue}`.
 */
export function normalizeTenantVariables(doc: Doc, ctx: NormalizeContext): Record<string, unknown> {
  return doc.ApiGeneration === 'v2' ? normalizeV2(doc, ctx) : normalizeV1(doc, ctx);
}

/** The v1 document (API-FACTS §3.12). */
function normalizeV1(doc: Doc, ctx: NormalizeContext): Record<string, unknown> {
  const projects: Record<string, Record<string, Values>> = {};
  for (const [projectId, pv] of members(doc.ProjectVariables)) {
    const project = ctx.index.nameOf(projectId, ['project']) ?? text(pv.ProjectName) ?? projectId;
    const templates = templateNames(pv.Templates);
    const byEnv: Record<string, Values> = {};
    for (const [envId, values] of members(pv.Variables)) {
      const env = environmentName(envId, ctx);
      if (env === undefined) continue;
      const named = namedValues(values, templates);
      if (Object.keys(named).length) byEnv[env] = named;
    }
    if (Object.keys(byEnv).length) projects[project] = byEnv;
  }
  const libraries: Record<string, Values> = {};
  for (const [setId, lv] of members(doc.LibraryVariables)) {
    const set = ctx.index.nameOf(setId, ['libraryVariableSet']) ?? text(lv.LibraryVariableSetName) ?? setId;
    const named = namedValues(isDoc(lv.Variables) ? lv.Variables : {}, templateNames(lv.Templates));
    if (Object.keys(named).length) libraries[set] = named;
  }
  return { ProjectVariables: projects, LibraryVariables: libraries };
}

/** The v2 lists (`CommonValues`, `ProjectValues`: the `Variables` of `/commonvariables` and `/projectvariables`, checked where read). */
function normalizeV2(doc: Doc, ctx: NormalizeContext): Record<string, unknown> {
  const projects: Record<string, Record<string, Values>> = {};
  for (const v of values<ProjectValue>(doc.ProjectValues)) {
    const project = ctx.index.nameOf(v.ProjectId, ['project']) ?? text(v.ProjectName) ?? v.ProjectId;
    for (const envId of environmentIds(v)) {
      const env = environmentName(envId, ctx);
      if (env !== undefined) (((projects[project] ??= {})[env] ??= {})[templateName(v)] = recordedSecret(v.Value, v.Template));
    }
  }
  const libraries: Record<string, Values> = {};
  const scoped: Record<string, Record<string, Values>> = {};
  for (const v of values<CommonValue>(doc.CommonValues)) {
    const set = ctx.index.nameOf(v.LibraryVariableSetId, ['libraryVariableSet']) ?? text(v.LibraryVariableSetName) ?? v.LibraryVariableSetId;
    const template = templateName(v);
    const envIds = environmentIds(v);
    if (envIds.length === 0) (libraries[set] ??= {})[template] = recordedSecret(v.Value, v.Template);
    for (const envId of envIds) {
      const env = environmentName(envId, ctx);
      if (env !== undefined) ((scoped[set] ??= {})[env] ??= {})[template] = recordedSecret(v.Value, v.Template);
    }
  }
  return { ProjectVariables: projects, LibraryVariables: libraries, ...(Object.keys(scoped).length ? { LibraryVariablesByEnvironment: scoped } : {}) };
}

/** v2 values (`TenantProjectVariable`, `TenantCommonVariable`): their owner's and template's ids are checked where read (tenant-variables-read.ts). */
type ProjectValue = Doc & { ProjectId: string; TemplateId: string };
type CommonValue = Doc & { LibraryVariableSetId: string; TemplateId: string };

export function values<T extends Doc>(list: unknown): T[] {
  return Array.isArray(list) ? (list.filter(isDoc) as T[]) : [];
}

export function environmentIds(v: Doc): string[] {
  return isDoc(v.Scope) && Array.isArray(v.Scope.EnvironmentIds) ? v.Scope.EnvironmentIds.map(String) : [];
}

function templateName(v: ProjectValue | CommonValue): string {
  return (isDoc(v.Template) ? text(v.Template.Name) : undefined) ?? v.TemplateId;
}

/** An object's members whose values are objects (a v1 document's maps by id). */
function members(map: unknown): [string, Doc][] {
  return isDoc(map) ? Object.entries(map).filter((e): e is [string, Doc] => isDoc(e[1])) : [];
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function environmentName(envId: string, ctx: NormalizeContext): string | undefined {
  const env = ctx.index.nameOf(envId, ['environment']);
  if (env === undefined) ctx.warnings.push(`${ctx.where}: values for ${envId}, which is not an environment of this space, were left out`);
  return env;
}

interface Template {
  name: string | undefined;
  sensitive: boolean;
}

function templateNames(templates: unknown): Map<string, Template> {
  const out = new Map<string, Template>();
  for (const t of Array.isArray(templates) ? templates.filter(isDoc) : []) out.set(String(t.Id), { name: text(t.Name), sensitive: isSensitiveTemplate(t) });
  return out;
}

function namedValues(values: Record<string, unknown>, templates: Map<string, Template>): Values {
  const out: Values = {};
  for (const [templateId, value] of Object.entries(values ?? {})) {
    const template = templates.get(templateId);
    out[template?.name ?? templateId] = recordedValue(value, template?.sensitive ?? false);
  }
  return out;
}

