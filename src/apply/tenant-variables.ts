import { ServerError } from '../errors.js';
import { isDoc } from '../octopus/decode.js';
import type { RawDoc } from '../snapshot/read.js';
import type { DestinationState } from './destination.js';

type Json = Record<string, any>;
import { isSensitiveValue as isSecret, recordedSecret, secretToSend, settleSecret } from '../util/sensitive.js';

/**
 * The body that writes a tenant's variables through the generation `current` was read with (v2: see
 * `tenantVariablesV2Body`). v1 (API-FACTS §3.12): desired values by name: project, environment
 * and template names become ids through the current document (its `Templates` echo the owners' templates).
 * A stored secret is kept; a new one is written as a placeholder.
 */
export function tenantVariablesBody(current: RawDoc, desired: Json, dest: DestinationState, placeholder: string): RawDoc {
  if (current.ApiGeneration === 'v2') return tenantVariablesV2Body(current, desired, dest, placeholder);
  const body: Json = structuredClone(current);
  const setValue = (values: Json, templateId: string, value: unknown) => {
    // A secret the plan wants is `{HasValue: true}` (plan/kinds/tenant-variables.ts): kept, or a placeholder.
    if (isSecret(value)) values[templateId] = secretToSend(settleSecret(value, values[templateId])!, placeholder);
    else values[templateId] = value;
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

type Kind = 'Common' | 'Project';
const OWNER_ID: Record<Kind, string> = { Common: 'LibraryVariableSetId', Project: 'ProjectId' };

/** One value slot: a template of an owner, for one environment (or for all, `env` empty: unscoped common values). */
interface Cell {
  kind: Kind;
  ownerId: string;
  templateId: string;
  env: string;
}
const cellKey = (c: Cell) => JSON.stringify([c.kind, c.ownerId, c.templateId, c.env]);

/**
 * The two v2 bodies (`PUT …/commonvariables` and `…/projectvariables`, each the whole list; see the simulator's
 * tenant-variables.ts for the evidence) from desired values by name. A current value whose every environment keeps
 * its value is sent back as it is, with its `Id` (a stored secret survives); where only some of its environments
 * keep it, it keeps those and the rest are written anew. New values are grouped: one value per template and
 * content, scoped to all the environments that take it. A new secret is written as the placeholder.
 */
export function tenantVariablesV2Body(current: RawDoc, desired: Json, dest: DestinationState, placeholder: string): RawDoc {
  const tenant = current.TenantName;
  const want = new Map<string, { cell: Cell; value: unknown }>();
  const templateIdOf = (kind: Kind, owner: string, name: string): { ownerId: string; templateId: string } => {
    const ownerKind = kind === 'Project' ? 'project' : 'libraryVariableSet';
    const ownerId = dest.idOf(ownerKind, [owner]);
    const doc = ownerId ? dest.rawDoc(ownerKind, [owner]) : undefined;
    if (!ownerId || !doc) throw new ServerError(`tenant '${tenant}': ${kind === 'Project' ? 'project' : 'library variable set'} '${owner}' is not on the destination`);
    const t = (Array.isArray(doc.Templates) ? doc.Templates.filter(isDoc) : []).find((x) => x.Name === name);
    if (!t) throw new ServerError(`tenant '${tenant}': ${kind === 'Project' ? 'project' : 'library variable set'} '${owner}' has no variable template '${name}' on the destination`);
    return { ownerId, templateId: String(t.Id) };
  };
  const envIdOf = (env: string) => {
    const id = dest.idOf('environment', [env]);
    if (!id) throw new ServerError(`cannot resolve environment '${env}' on the destination`);
    return id;
  };
  const add = (kind: Kind, owner: string, template: string, env: string, value: unknown) => {
    const cell = { kind, ...templateIdOf(kind, owner, template), env };
    want.set(cellKey(cell), { cell, value });
  };
  for (const [project, byEnv] of Object.entries<Json>(desired.ProjectVariables ?? {})) {
    for (const [env, values] of Object.entries<Json>(byEnv)) for (const [t, v] of Object.entries(values)) add('Project', project, t, envIdOf(env), v);
  }
  for (const [set, values] of Object.entries<Json>(desired.LibraryVariables ?? {})) for (const [t, v] of Object.entries(values)) add('Common', set, t, '', v);
  for (const [set, byEnv] of Object.entries<Json>(desired.LibraryVariablesByEnvironment ?? {})) {
    for (const [env, values] of Object.entries<Json>(byEnv)) for (const [t, v] of Object.entries(values)) add('Common', set, t, envIdOf(env), v);
  }

  const bodies: Record<Kind, Json[]> = { Common: [], Project: [] };
  const satisfied = new Set<string>();
  for (const kind of ['Common', 'Project'] as Kind[]) {
    for (const v of (kind === 'Common' ? current.CommonValues : current.ProjectValues) ?? []) {
      const envs: string[] = v.Scope?.EnvironmentIds ?? [];
      const kept = (envs.length ? envs : ['']).filter((env) => {
        const key = cellKey({ kind, ownerId: v[OWNER_ID[kind]], templateId: v.TemplateId, env });
        const w = want.get(key);
        const same = w !== undefined && JSON.stringify(recordedSecret(w.value, v.Template)) === JSON.stringify(recordedSecret(v.Value, v.Template));
        if (same) satisfied.add(key);
        return same;
      });
      if (kept.length === 0) continue;
      const value = isSecret(v.Value) ? secretToSend('keep', placeholder) : v.Value;
      bodies[kind].push({ Id: v.Id, [OWNER_ID[kind]]: v[OWNER_ID[kind]], TemplateId: v.TemplateId, Value: value, Scope: { EnvironmentIds: kept.filter((e) => e !== '') } });
    }
  }
  // What is left is new: one value per owner, template and content, over the environments that take it.
  const fresh = new Map<string, { cell: Cell; value: unknown; envs: string[] }>();
  for (const [key, { cell, value }] of want) {
    if (satisfied.has(key)) continue;
    const group = JSON.stringify([cell.kind, cell.ownerId, cell.templateId, cell.env === '', value]);
    const entry = fresh.get(group) ?? { cell, value, envs: [] };
    if (cell.env) entry.envs.push(cell.env);
    fresh.set(group, entry);
  }
  for (const { cell, value, envs } of fresh.values()) {
    const written = isSecret(value) ? secretToSend('placeholder', placeholder) : value;
    bodies[cell.kind].push({ [OWNER_ID[cell.kind]]: cell.ownerId, TemplateId: cell.templateId, Value: written, Scope: { EnvironmentIds: envs.sort() } });
  }
  return { ApiGeneration: 'v2', common: { Variables: bodies.Common }, project: { Variables: bodies.Project } };
}
