import { ServerError } from '../errors.js';
import { kindDef, ownerProject, variableValueKind } from '../registry/kinds.js';
import { variableScope } from '../registry/variable-scopes.js';
import type { KindDef } from '../registry/types.js';
import { DEPLOYMENT_PROCESS_OWNER, runbookOwner } from '../snapshot/modules/variables.js';
import type { RawDoc } from '../snapshot/read.js';
import { looksLikeId } from '../snapshot/normalize.js';
import { parsePath, visitPath } from '../util/docpath.js';
import { resolveInlineRefs } from '../util/inline-refs.js';
import { editRefs, targetPath } from '../registry/refs.js';
import type { DestinationState } from './destination.js';
import { APPLY_MODULES } from './modules.js';
import type { KindName } from '../registry/kinds.js';

type Json = Record<string, any>;

import { isSensitiveValue as isSecret, secretToSend, settleSecret } from '../util/sensitive.js';

export interface BodyContext {
  dest: DestinationState;
  /** Text written where a secret or value must be filled in by a person. */
  placeholder: string;
}

/**
 * Desired normalised content (names, no ids, no secrets) back into an API document for the destination:
 * names become destination ids (including items created earlier in this run), ids of matched nested items
 * (steps, actions, packages, phases, tags, templates) are kept, server-owned and ignored members are kept
 * from the current document, and secrets are kept where the destination has them, or written as placeholders.
 */
export function toApiBody(def: KindDef, keyPath: string[], desired: Json, current: RawDoc | undefined, ctx: BodyContext): RawDoc {
  const body: Json = current ? structuredClone(current) : {};
  for (const [member, value] of Object.entries(desired)) body[member] = structuredClone(value);
  if (!current && def.createWith) Object.assign(body, def.createWith);
  const project = ownerProject(def.kind, keyPath);
  if (def.parent && !def.parent.ownedOne && !current) {
    const parentId = ctx.dest.idOf(def.parent.kind, keyPath.slice(0, -1));
    if (!parentId) throw new ServerError(`cannot find ${kindDef(def.parent.kind).label.toLowerCase()} '${keyPath.slice(0, -1).join(' / ')}' on the destination`);
    body[def.parent.field] = parentId;
  }
  for (const member of def.omitOnWrite ?? []) delete body[member];
  restoreNestedIds(def, body, current);
  if (def.module) APPLY_MODULES[def.module].prepareBody?.(body, ctx);
  resolveRefs(def, body, project, ctx);
  for (const { path } of def.inlineRefs ?? []) {
    visitPath(body, path, (value, set) =>
      set(resolveInlineRefs(value, (r) => {
        const id = ctx.dest.idOf(r.$ref, [r.name]);
        if (!id) throw new ServerError(`cannot resolve ${kindDef(r.$ref).label.toLowerCase()} '${r.name}' on the destination (needed by ${def.label.toLowerCase()} '${keyPath.join(' / ')}')`);
        return id;
      })),
    );
  }
  writeSecrets(def, body, current, ctx.placeholder);
  return body;
}

/** Names → destination ids along the registry's reference paths. */
function resolveRefs(def: KindDef, body: Json, project: string | undefined, ctx: BodyContext): void {
  for (const ref of def.refs) {
    const targets = Array.isArray(ref.to) ? ref.to : [ref.to];
    editRefs(
      body,
      ref.path,
      (name) => {
        if (isDestinationId(name, ctx, targets)) return name;
        for (const t of targets) {
          const id = ctx.dest.idOf(t, targetPath(t, name, project));
          if (id) return id;
        }
        if (ref.passUnknown) return name;
        throw new ServerError(`cannot resolve ${targets.map((t) => kindDef(t).label.toLowerCase()).join(' or ')} '${name}' on the destination (needed by ${def.label.toLowerCase()} '${keyPath(body)}')`);
      },
      () => undefined,
      ref.separator,
    );
  }
}

function keyPath(body: Json): string {
  return String(body.Name ?? body.Id ?? '');
}

/** A value that is already a destination id (kept from the current document). */
function isDestinationId(value: string, ctx: BodyContext, targets: string[]): boolean {
  const entry = ctx.dest.index.get(value);
  return entry !== undefined && targets.includes(entry.kind);
}

/**
 * Ids of nested items (`Steps[].Actions[].Id`) copied from the current document's elements of the same
 * Name, so that the server keeps what hangs on them (step-scoped variables, stored sensitive values).
 */
function restoreNestedIds(def: KindDef, body: Json, current: RawDoc | undefined): void {
  for (const path of def.nestedIds ?? []) {
    const segs = parsePath(path);
    const walk = (node: Json | undefined, cur: Json | undefined, i: number) => {
      if (!node || typeof node !== 'object') return;
      const seg = segs[i];
      if (i === segs.length - 1) {
        if (cur && cur[seg.name] !== undefined) node[seg.name] = cur[seg.name];
        return;
      }
      const list = node[seg.name];
      const curList: Json[] = Array.isArray(cur?.[seg.name]) ? cur![seg.name] : [];
      if (seg.mode !== '[]' || !Array.isArray(list)) return;
      for (const el of list) walk(el, curList.find((c) => c?.Name === el?.Name), i + 1);
    };
    walk(body, current, 0);
  }
}

/** `{HasValue}` → the SensitiveValue to send: keep the stored secret, or a placeholder where there is none. */
function writeSecrets(def: KindDef, body: Json, current: RawDoc | undefined, placeholder: string): void {
  for (const path of def.secrets ?? []) {
    const segs = parsePath(path);
    const walk = (node: Json | undefined, cur: Json | undefined, i: number) => {
      if (!node || typeof node !== 'object') return;
      const seg = segs[i];
      const last = i === segs.length - 1;
      if (last && seg.mode === '') return settle(node, seg.name, cur?.[seg.name]);
      if (last && seg.mode === '{}') {
        const bag = node[seg.name];
        if (bag && typeof bag === 'object') for (const k of Object.keys(bag)) settle(bag, k, cur?.[seg.name]?.[k]);
        return;
      }
      if (seg.mode === '[]' && Array.isArray(node[seg.name])) {
        const curList: Json[] = Array.isArray(cur?.[seg.name]) ? cur![seg.name] : [];
        for (const el of node[seg.name]) walk(el, curList.find((c) => c?.Name === el?.Name), i + 1);
      } else if (seg.mode === '') walk(node[seg.name], cur?.[seg.name], i + 1);
    };
    walk(body, current, 0);
  }
  function settle(container: Json, key: string, cur: unknown) {
    const v = container[key];
    if (!isSecret(v)) return;
    container[key] = secretToSend(settleSecret(v, cur)!, placeholder);
  }
}

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
