import { ServerError } from '../errors.js';
import { kindDef, ownerProject } from '../registry/kinds.js';
import type { KindDef } from '../registry/types.js';
import type { RawDoc } from '../snapshot/read.js';
import { parsePath, visitPath } from '../util/docpath.js';
import { resolveInlineRefs } from '../util/inline-refs.js';
import { editRefs, targetPath } from '../registry/refs.js';
import type { DestinationState } from './destination.js';
import { APPLY_MODULES } from './modules.js';

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
