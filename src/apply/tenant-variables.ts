import { ServerError } from '../errors.js';
import type { RawDoc } from '../snapshot/read.js';
import type { DestinationState } from './destination.js';

type Json = Record<string, any>;
import { isSensitiveValue as isSecret } from '../util/sensitive.js';

/**
 * A tenant's variables (the v1 document, API-FACTS §3.12) from desired values by name: project, environment
 * and template names become ids through the current document (its `Templates` echo the owners' templates).
 * A stored secret is kept; a new one is written as a placeholder.
 */
export function tenantVariablesBody(current: RawDoc, desired: Json, dest: DestinationState, placeholder: string): RawDoc {
  const body: Json = structuredClone(current);
  const setValue = (values: Json, templateId: string, value: unknown) => {
    if (isSecret(value)) {
      const existing = values[templateId];
      values[templateId] = isSecret(existing) && existing.HasValue ? { HasValue: true, NewValue: null } : { HasValue: true, NewValue: placeholder };
    } else values[templateId] = value;
  };
  const templateId = (templates: Json[] | undefined, name: string, owner: string) => {
    const t = (templates ?? []).find((x) => x.Name === name);
    if (!t) throw new ServerError(`tenant '${current.TenantName}': ${owner} has no variable template '${name}' on the destination`);
    return t.Id as string;
  };
  for (const [project, byEnv] of Object.entries<Json>(desired.ProjectVariables ?? {})) {
    const pid = dest.idOf('project', [project]);
    const pv = pid ? body.ProjectVariables?.[pid] : undefined;
    if (!pv) throw new ServerError(`tenant '${current.TenantName}' is not connected to project '${project}' on the destination`);
    for (const [env, values] of Object.entries<Json>(byEnv)) {
      const eid = dest.idOf('environment', [env]);
      if (!eid) throw new ServerError(`cannot resolve environment '${env}' on the destination`);
      const target = ((pv.Variables ??= {})[eid] ??= {});
      for (const [name, value] of Object.entries(values)) setValue(target, templateId(pv.Templates, name, `project '${project}'`), value);
    }
  }
  for (const [set, values] of Object.entries<Json>(desired.LibraryVariables ?? {})) {
    const sid = dest.idOf('libraryVariableSet', [set]);
    const lv = sid ? body.LibraryVariables?.[sid] : undefined;
    if (!lv) throw new ServerError(`tenant '${current.TenantName}' does not use library variable set '${set}' on the destination`);
    const target = (lv.Variables ??= {});
    for (const [name, value] of Object.entries(values)) setValue(target, templateId(lv.Templates, name, `library variable set '${set}'`), value);
  }
  // Stored secrets not named above keep their value: send them back as "unchanged".
  for (const pv of Object.values<Json>(body.ProjectVariables ?? {})) {
    for (const values of Object.values<Json>(pv.Variables ?? {})) keepSecrets(values);
  }
  for (const lv of Object.values<Json>(body.LibraryVariables ?? {})) keepSecrets(lv.Variables ?? {});
  return body;
}

function keepSecrets(values: Json): void {
  for (const [k, v] of Object.entries(values)) if (isSecret(v) && !('NewValue' in v && v.NewValue)) values[k] = { HasValue: v.HasValue, NewValue: null };
}
