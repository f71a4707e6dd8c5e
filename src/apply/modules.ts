/**
 * Apply's table of special handling: one entry per special module of the registry (`Record<SpecialModule, …>`:
 * a module added to the registry without one here does not compile). What a module does to the body that
 * toApiBody (denormalize.ts) builds for it, how its document is read and written where that is not one path,
 * and the body it builds itself where the API wants its own shape (variable sets, tenant variables).
 */
import { ServerError } from '../errors.js';
import type { OctopusClient } from '../octopus/client.js';
import type { Operation } from '../plan-format/types.js';
import { ownerProject } from '../registry/kinds.js';
import type { SpecialModule } from '../registry/types.js';
import type { RawDoc } from '../snapshot/read.js';
import { decodeVariableSet } from '../snapshot/documents.js';
import { readTenantVariables, writeTenantVariables } from '../snapshot/modules/tenant-variables-read.js';
import { actionsOf, isCurrentMarker, TEMPLATE_ID, TEMPLATE_VERSION } from '../snapshot/modules/template-usage.js';
import { normalizeVariablesWithIds, sortedByVariable } from '../snapshot/modules/variables.js';
import type { BodyContext } from './denormalize.js';
import { desiredContent } from './desired.js';
import type { DestinationState } from './destination.js';
import { tenantVariablesBody } from './tenant-variables.js';
import { variablesBody } from './variables-body.js';
import type { DocIo } from './write.js';

type Json = Record<string, any>;

export interface ApplyModule {
  /** Completes the API body of the module's kinds before references are resolved. */
  prepareBody?(body: Json, ctx: BodyContext): void;
  /** How the document owned by `parent` is read and written, where that is not its one path. */
  io?(parent: RawDoc, client: OctopusClient, dest: DestinationState): DocIo;
  /**
   * The body to PUT, built by the module instead of toApiBody; `desired` is the generic desired content (the plan's
   * content of a create, or the current content normalised with the plan's patch), for modules that start from it.
   */
  body?(op: Operation, current: RawDoc, dest: DestinationState, ctx: BodyContext, desired: () => Json): RawDoc;
}

export const APPLY_MODULES: Record<SpecialModule, ApplyModule> = {
  process: { prepareBody: resolveTemplateVersions },
  variables: { body: variableSetBody },
  tenantVariables: {
    // A tenant's variables are read and written through the endpoints the server speaks (one or two of them).
    io: (tenant, client, dest) => ({
      read: () => readTenantVariables(client, dest.spaceBase, tenant, dest.tenantVariablesApi),
      write: (body) => writeTenantVariables(client, dest.spaceBase, tenant, body),
    }),
    body: (_op, current, dest, ctx, desired) => tenantVariablesBody(current, desired(), dest, ctx.placeholder),
  },
  scopedUserRole: {},
};

/**
 * A variable set's body: for an update, the variables are normalised once, with their ids, so that the same
 * list is the patch's base and the id lookup; existing values keep their place in each name's list (the
 * planner appends new ones), so a value's position maps to its id. A create's variables are all new (no ids
 * to keep) and its content is the plan's: the current set is only checked, as normalising would check it.
 */
function variableSetBody(op: Operation, current: RawDoc, dest: DestinationState, ctx: BodyContext): RawDoc {
  let withIds: ReturnType<typeof normalizeVariablesWithIds> | undefined;
  const normalized = () => (withIds ??= normalizeVariablesWithIds(current, { index: dest.index, warnings: [], where: op.id }));
  const create = op.action === 'create';
  if (create) decodeVariableSet(current, `the server (${op.id})`);
  const desired = desiredContent(op, () => ({ Variables: normalized().map((v) => v.variable) }));
  const list: Json[] = desired.Variables ?? [];
  const ids = create ? [] : currentIds(list, normalized());
  const order = sortedByVariable(list.map((v, i) => ({ v, id: ids[i] })), (o) => o.v);
  return variablesBody(current, order.map((o) => o.v), order.map((o) => o.id), ctx, ownerProject(op.kind, op.keyPath));
}

/** Per desired variable, the id of the current one it continues: the i-th value of a name keeps the i-th id. */
function currentIds(list: Json[], withIds: ReturnType<typeof normalizeVariablesWithIds>): (string | undefined)[] {
  const idsByName = new Map<string, (string | undefined)[]>();
  for (const { variable, id } of withIds) {
    const name = String(variable.Name);
    if (!idsByName.has(name)) idsByName.set(name, []);
    idsByName.get(name)!.push(id);
  }
  const seen = new Map<string, number>();
  return list.map((v) => {
    const i = seen.get(v.Name) ?? 0;
    seen.set(v.Name, i + 1);
    return idsByName.get(v.Name)?.[i];
  });
}

/**
 * Usages planned "at the template's current version" get the destination template's `Version`, read after
 * this run's writes (a template created or updated by the plan is written before its usages).
 */
function resolveTemplateVersions(body: Json, ctx: BodyContext): void {
  for (const action of actionsOf(body)) {
    const props = action.Properties ?? {};
    if (!isCurrentMarker(props[TEMPLATE_VERSION])) continue;
    const name = String(props[TEMPLATE_ID]);
    const template = ctx.dest.template(name);
    if (!template) throw new ServerError(`cannot find step template '${name}' on the destination (used by action '${action.Name}')`);
    props[TEMPLATE_VERSION] = String(template.version);
  }
}
