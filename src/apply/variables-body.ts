import { ServerError } from '../errors.js';
import { kindDef, variableValueKind, type KindName } from '../registry/kinds.js';
import { variableScope } from '../registry/variable-scopes.js';
import { DEPLOYMENT_PROCESS_OWNER, runbookOwner } from '../snapshot/modules/variables.js';
import { looksLikeId } from '../snapshot/normalize.js';
import type { RawDoc } from '../snapshot/read.js';
import type { BodyContext } from './denormalize.js';

type Json = Record<string, any>;

/**
 * The destination id a reference value (an account, certificate or worker pool by name) stands for. A value
 * that is already an id the destination held (a destination-only value kept as it was) stays; a name is
 * never written where Octopus expects an id.
 */
function referenceId(kind: KindName, value: string, variable: string, ctx: BodyContext): string {
  const id = ctx.dest.idOf(kind, [value]);
  if (id) return id;
  if (value.includes('#{') || ctx.dest.index.get(value)?.kind === kind || looksLikeId(value)) return value;
  throw new ServerError(`variable '${variable}' refers to ${kindDef(kind).label.toLowerCase()} '${value}', which is not on the destination; nothing was written for this set`);
}

/**
 * A variable set's variables back to API form. `ids[i]` is the destination id of the i-th variable of the
 * current set in snapshot order (undefined for new ones): kept, so that stored sensitive values survive.
 */
export function variablesBody(
  current: RawDoc,
  desired: Json[],
  ids: (string | undefined)[],
  ctx: BodyContext,
  project: string | undefined,
): RawDoc {
  const sv: Record<string, { Id: string; Name: string; ProcessType?: string }[]> = current.ScopeValues ?? {};
  const byName = (list: string, name: string) => sv[list]?.find((e) => e.Name === name)?.Id;
  const resolve = (key: string, name: string): string => {
    // The set's own ScopeValues list first (src/registry/variable-scopes.ts), then the destination's items.
    const list = variableScope(key)?.list;
    if (!list) return name; // Role, TenantTag: names are the values
    let id: string | undefined;
    switch (key) {
      case 'Environment':
        id = byName(list, name) ?? ctx.dest.idOf('environment', [name]);
        break;
      case 'Machine':
        id = byName(list, name) ?? ctx.dest.raw.get('machine')?.find((m) => m.Name === name)?.Id;
        break;
      case 'Channel':
        id = byName(list, name) ?? (project ? ctx.dest.idOf('channel', [project, name]) : undefined);
        break;
      case 'Action':
        // `<owner> / <action>`: the set's actions are told apart by the process that holds them (the index).
        id = sv[list]?.find((a) => ctx.dest.index.get(a.Id)?.name === name)?.Id;
        break;
      case 'ProcessOwner':
        if (name === DEPLOYMENT_PROCESS_OWNER) id = current.OwnerId;
        else id = sv[list]?.find((p) => p.ProcessType === 'Runbook' && runbookOwner(p.Name) === name)?.Id ?? (project ? ctx.dest.idOf('runbook', [project, name.replace(/^Runbook: /, '')]) : undefined);
        break;
    }
    if (!id) throw new ServerError(`cannot resolve ${key} scope '${name}' of a variable on the destination`);
    return id;
  };
  const variables = desired.map((v, i) => {
    const scope: Record<string, string[]> = {};
    for (const [key, names] of Object.entries<string[]>(v.Scope ?? {})) scope[key] = names.map((n) => resolve(key, n));
    const id = ids[i];
    let value = v.Value;
    const refKind = variableValueKind(v.Type);
    if (refKind && typeof value === 'string' && value !== '') value = referenceId(refKind, value, v.Name, ctx);
    // A new sensitive variable: its value cannot be read from the source, so a placeholder (clean-up listed).
    if (v.IsSensitive) value = id ? null : ctx.placeholder;
    const out: Json = { Name: v.Name, Value: value, Type: v.Type, IsSensitive: v.IsSensitive, IsEditable: v.IsEditable ?? true, Description: v.Description ?? null, Prompt: v.Prompt ?? null, Scope: scope };
    if (id) out.Id = id;
    return out;
  });
  return { ...current, Variables: variables };
}
