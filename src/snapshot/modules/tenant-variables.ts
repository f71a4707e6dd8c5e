import type { NormalizeContext } from '../normalize.js';
import { isSensitiveValue } from '../secrets.js';

/**
 * A tenant's variables (the v1 document, API-FACTS §3.12) by name: project → environment → template →
 * value, and library variable set → template → value. Sensitive values become `{HasValue}`.
 */
export function normalizeTenantVariables(doc: Record<string, any>, ctx: NormalizeContext): Record<string, unknown> {
  const projects: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [projectId, pv] of Object.entries<any>(doc.ProjectVariables ?? {})) {
    const project = ctx.index.nameOf(projectId, ['project']) ?? pv.ProjectName ?? projectId;
    const templates = templateNames(pv.Templates);
    const byEnv: Record<string, Record<string, unknown>> = {};
    for (const [envId, values] of Object.entries<any>(pv.Variables ?? {})) {
      const env = ctx.index.nameOf(envId, ['environment']);
      if (env === undefined) {
        ctx.warnings.push(`${ctx.where}: values for ${envId}, which is not an environment of this space, were left out`);
        continue;
      }
      const named = namedValues(values, templates);
      if (Object.keys(named).length) byEnv[env] = named;
    }
    if (Object.keys(byEnv).length) projects[project] = byEnv;
  }
  const libraries: Record<string, Record<string, unknown>> = {};
  for (const [setId, lv] of Object.entries<any>(doc.LibraryVariables ?? {})) {
    const set = ctx.index.nameOf(setId, ['libraryVariableSet']) ?? lv.LibraryVariableSetName ?? setId;
    const named = namedValues(lv.Variables ?? {}, templateNames(lv.Templates));
    if (Object.keys(named).length) libraries[set] = named;
  }
  return { ProjectVariables: projects, LibraryVariables: libraries };
}

interface Template {
  name: string;
  sensitive: boolean;
}

function templateNames(templates: unknown): Map<string, Template> {
  const out = new Map<string, Template>();
  for (const t of Array.isArray(templates) ? templates : []) {
    out.set(t.Id, { name: t.Name, sensitive: t.DisplaySettings?.['Octopus.ControlType'] === 'Sensitive' });
  }
  return out;
}

function namedValues(values: Record<string, unknown>, templates: Map<string, Template>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [templateId, value] of Object.entries(values ?? {})) {
    const template = templates.get(templateId);
    const name = template?.name ?? templateId;
    if (isSensitiveValue(value)) out[name] = { HasValue: Boolean(value.HasValue) || value.NewValue != null };
    // A sensitive template's value is never recorded, even if a server sent it in clear.
    else if (template?.sensitive) out[name] = { HasValue: value !== null && value !== '' };
    else out[name] = value;
  }
  return out;
}
