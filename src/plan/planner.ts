import { currentActions, finalActions, namedActions, settleActionRefs, withoutActionRefs } from './action-refs.js';
import { isLateReferences, lateReferencesId, operationId } from '../plan-format/operations.js';
import { planChecksum } from '../plan-format/checksum.js';
import { gitSides, gitSkipReason } from './git-projects.js';
import { OctosyncError } from '../errors.js';
import { KINDS, kindDef, isLateRef, ownerProject } from '../registry/kinds.js';
import type { KindDef } from '../registry/types.js';
import { caseKey, itemsOf } from '../snapshot/tree.js';
import type { Snapshot } from '../snapshot/types.js';
import { fingerprint, sortKeys } from '../util/canonical.js';
import { diff } from '../util/json-patch.js';
import { patchSensitivePaths, sensitivePointers } from '../util/sensitive.js';
import { parseVersion } from '../util/version.js';
import { TOOL_VERSION } from '../version.js';
import { adoptCaseMatches, caseOnlyMatches, describeCaseMatch } from './case-names.js';
import { PlanContext } from './context.js';
import { KIND_HOOKS, MODULE_STEPS, planningOrder, type KindHook } from './steps.js';
import { fromKeyed, toKeyed } from '../registry/keyed.js';
import { keyedFieldPrints } from '../plan-format/field-prints.js';
import { sortedByVariable } from '../snapshot/modules/variables.js';
import { sortUnordered } from '../snapshot/normalize.js';
import { PLAN_FORMAT_VERSION, type CleanupEntry, type Decision, type Operation, type Plan } from '../plan-format/types.js';
import type { Policy } from './policy-types.js';
import type { ReasonCode } from '../plan-format/reasons.js';
import { reconcileSecrets } from './secrets.js';
import { referencesOf } from './selection.js';
import { editRefs, targetPath } from '../registry/refs.js';
import { translateContent } from './translate.js';
import type { KindName } from '../registry/kinds.js';
import { VARIABLE_SCOPES } from '../registry/variable-scopes.js';
import type { Baseline } from '../baseline/types.js';
import { attachThreeWay, ThreeWay } from './three-way.js';

type Json = Record<string, any>;

/** The plan could not be made: policy errors (error-unless-… scope rules) or incompatible inputs. */
export class PlanError extends OctosyncError {}

export interface PlanInput {
  source: Snapshot;
  destination: Snapshot;
  policy: Policy;
  /** The one value that differs between two plans of the same inputs. */
  createdAt: string;
  /** The last apply's baseline: a three-way plan (issue 18). */
  baseline?: Baseline;
}

/** sha256 of the snapshot's content: resources and inventory, not when it was taken. */
export function snapshotFingerprint(s: Snapshot): string {
  // Items carry the hash of their content already: hash those (with their names) rather than the content again.
  const prints: Record<string, [string[], string][]> = {};
  for (const def of KINDS) {
    if (s.resources[def.plural]) prints[def.plural] = itemsOf(s, def.kind).map(({ keyPath, item }) => [keyPath, item.meta.fingerprint]);
  }
  return fingerprint({ resources: prints, inventory: s.inventory, space: s.space.name });
}

interface Draft {
  def: KindDef;
  keyPath: string[];
  action: 'create' | 'update' | 'skip';
  reason: string;
  reasonCode: ReasonCode;
  desired?: Json;
  destContent?: Json;
  /**
   * `destContent` keyed once (`toKeyed`) for the update's diffs and field prints. It shares sub-objects with
   * `destContent`: read it, never change it.
   */
  destKeyed?: Json;
  destination?: Operation['destination'];
  decisions: Decision[];
  cleanup: Omit<CleanupEntry, 'operation'>[];
}

/**
 * The planner: two snapshots and a policy in, a plan out. Pure: no network, no clock (createdAt is given),
 * and the same inputs give the same bytes. Operations come in the registry's dependency order.
 */
export function createPlan(input: PlanInput): Plan {
  const { source, policy } = input;
  checkVersions(source, input.destination, policy);
  const matches = caseOnlyMatches(source, input.destination, policy);
  if (matches.length && policy.names?.caseOnly !== 'adopt') {
    throw new PlanError(
      `names that differ only in case: Octopus refuses a second item of such a name, so they cannot be created. Rename one side, or set names.caseOnly: adopt in the policy to update the destination's item instead:\n  ${matches.map(describeCaseMatch).join('\n  ')}`,
    );
  }
  const destination = adoptCaseMatches(input.destination, matches);
  const ctx = new PlanContext(source, destination, policy);
  if (input.baseline) ctx.threeWay = new ThreeWay(input.baseline, source, destination, policy);
  for (const m of matches) {
    ctx.warnings.push(`${describeCaseMatch(m)}: matched (names.caseOnly is adopt); the destination's item is updated, its name to '${m.keyPath[m.keyPath.length - 1]}'`);
  }
  const destEnvironments = new Map(itemsOf(destination, 'environment').map((e) => [caseKey(e.keyPath), e.keyPath[0]]));
  for (const name of ctx.createdEnvironments) {
    const other = destEnvironments.get(caseKey([name]));
    if (other !== undefined && other !== name) {
      ctx.errors.push(`environment '${name}' would be created, but the destination has '${other}', which differs only in case: map it in environments.map`);
    }
  }
  const drafts: Draft[] = [];
  let unchanged = 0;
  // Kinds a snapshot's key could not read (it lacked TeamView or UserRoleView): empty there, not absent.
  const unreadOnDestination = new Set(destination.notRead ?? []);
  for (const [side, snap] of [['source', source], ['destination', destination]] as const) {
    for (const plural of snap.notRead ?? []) {
      ctx.warnings.push(`the ${side} snapshot could not read ${plural} (its API key lacks the permission): ${side === 'source' ? 'they are not synced' : 'they are not planned'}`);
    }
  }

  for (const ex of ctx.selection.exclusions) {
    if (kindDef(ex.kind).syncClass === 'environment') continue;
    drafts.push({ def: kindDef(ex.kind), keyPath: ex.keyPath, action: 'skip', reason: ex.reason, reasonCode: 'excluded-by-policy', decisions: [], cleanup: [] });
  }
  for (const name of [...ctx.createdEnvironments].sort()) {
    const src = itemsOf(source, 'environment').find((e) => (policy.environments.map[e.keyPath[0]] ?? e.keyPath[0]) === name);
    drafts.push({
      def: kindDef('environment'),
      keyPath: [name],
      action: 'create',
      reason: 'not on the destination; environments.create is on',
      reasonCode: 'environment-created',
      desired: src?.item.content ?? { Name: name },
      decisions: [],
      cleanup: [],
    });
  }

  const settles = planningOrder(KINDS);
  KINDS.forEach((def, position) => {
    planKind(def, ctx, drafts, unreadOnDestination, () => unchanged++);
    // Every provider of these facts is planned: later steps may read them.
    for (const fact of settles.get(position) ?? []) ctx.settle(fact);
  });
  ctx.settleAll();
  if (ctx.errors.length) {
    throw new PlanError(`the policy refuses this plan:\n  ${ctx.errors.join('\n  ')}`);
  }
  unchanged += settleStepNames(drafts, ctx);
  drafts.push(...unreadProcesses(drafts, ctx));
  const plan = assemble(drafts, unchanged, ctx, input);
  if (ctx.threeWay) attachThreeWay(plan, ctx.threeWay, source, destination);
  if (matches.length) plan.caseMatches = matches;
  // Once, over the finished plan.
  plan.checksum = planChecksum(plan);
  return plan;
}

/**
 * A top-level member the destination's document has and the source's lacks altogether is one the source's
 * server does not serve (snapshots keep every member a server sends, defaults included): an older source says
 * nothing about it, so the destination's value stays (a 2024.3 source has no `ProjectTags`; a 2025.2
 * destination's are not removed). Kinds with a module of their own (processes, variables, tenant variables) leave
 * empty maps out of their content and are not judged so.
 */
function withMembersUnknownToSource(desired: Json, dest: Json): Json {
  const unknown = Object.keys(dest).filter((k) => !(k in desired));
  if (unknown.length === 0) return desired;
  const out: Json = { ...desired };
  for (const k of unknown) out[k] = dest[k];
  return out;
}

/** Every selected item of one kind, through its planning step: drafts for what differs, a count for what agrees. */
function planKind(def: KindDef, ctx: PlanContext, drafts: Draft[], unreadOnDestination: Set<string>, countUnchanged: () => void): void {
  if (def.syncClass === 'never' || def.syncClass === 'environment') return;
  if (def.module && MODULE_STEPS[def.module].planned?.(ctx) === false) return;
  const hook = KIND_HOOKS[def.kind];
  for (const { keyPath, item } of ctx.selection.items(def.kind)) {
    if (unreadOnDestination.has(def.plural)) {
      ctx.markSkipped(def.kind, keyPath);
      drafts.push({ def, keyPath, action: 'skip', reason: `the destination snapshot could not read ${def.plural}: take it with a key that may (see "Permissions" in README)`, reasonCode: 'destination-unread', decisions: [], cleanup: [] });
      continue;
    }
    const draft = planItem(def, keyPath, item.content, ctx);
    if (hook?.recordResult) {
      // What the item will be once applied: the planned content, or the destination's as it is.
      const written = draft && draft !== 'unchanged' && draft.action !== 'skip';
      const result = written ? fingerprint(resultContent(def.kind, toKeyed(def.kind, draft.desired!))) : ctx.destItem(def.kind, keyPath)?.meta.fingerprint;
      if (result) hook.recordResult(keyPath, result, ctx);
    }
    if (draft === 'unchanged') countUnchanged();
    else if (draft) {
      if (draft.action === 'skip') ctx.markSkipped(def.kind, keyPath);
      drafts.push(draft);
    }
  }
}

function planItem(def: KindDef, keyPath: string[], content: Json, ctx: PlanContext): Draft | 'unchanged' | undefined {
  const destItem = ctx.destItem(def.kind, keyPath);
  const dest = destItem?.content;
  const base = { def, keyPath, decisions: [] as Decision[], cleanup: [] as Omit<CleanupEntry, 'operation'>[] };
  const skip = (reasonCode: ReasonCode, reason: string): Draft => ({ ...base, action: 'skip', reason, reasonCode });
  const project = keyPath[0];

  const inGit = ownerProject(def.kind, keyPath) !== undefined ? gitSkipReason(def.kind, project, ctx) : undefined;
  if (inGit) return skip('version-controlled', inGit);
  if (def.parent) {
    // A child of an item the plan skips (a tenant none of whose links carries over, a project missing what it
    // needs) has nothing to be written into: it is skipped too, saying why.
    const parentPath = def.parent.ownedOne ? keyPath : keyPath.slice(0, -1);
    if (!ctx.willExist(def.parent.kind, parentPath)) {
      return skip('parent-skipped', `its ${kindDef(def.parent.kind).label.toLowerCase()} '${parentPath.join(' / ')}' is skipped`);
    }
  }

  let desired: Json;
  let decisions: Decision[] = [];
  let cleanup: Omit<CleanupEntry, 'operation'>[] = [];
  /** Source differences left unsynced; where a module does not count them, every `skip` or `keep` decision is one. */
  let heldBack: number | undefined;
  const hook = KIND_HOOKS[def.kind];
  if (def.module) {
    const r = MODULE_STEPS[def.module].plan(def, keyPath, content, dest, ctx);
    if ('skip' in r) return skip(r.skip.code, r.skip.text);
    ({ desired, decisions, cleanup, heldBack } = r);
  } else {
    const t = translateContent(def, content, ctx, ownerProject(def.kind, keyPath));
    if (t.missing.length) return skip('needs-missing-item', `needs what the destination will not have: ${t.missing.join('; ')}`);
    desired = t.content;
    decisions = t.dropped.map((d) => ({ subject: 'reference', action: 'skip' as const, reason: d, reasonCode: 'reference-dropped' as const }));
    const adjusted = hook?.adjust?.(desired, content, dest, keyPath, ctx, decisions);
    if (adjusted && 'skip' in adjusted) return skip(adjusted.skip.code, adjusted.skip.text);
    if (adjusted) desired = adjusted.desired;
    cleanup = reconcileSecrets(def, desired, dest, keyPath);
  }

  // Translation may reorder sets (a mapped environment sorts elsewhere): sort as the snapshot does.
  sortUnordered(def, desired);
  // With a baseline: destination edits since the last sync are kept, element by element (three-way.ts).
  const merged = ctx.threeWay?.merge(def, keyPath, desired, dest, decisions);
  if (merged && 'skip' in merged) return { ...skip(merged.skip.code, merged.skip.text), decisions };
  if (merged) desired = merged.desired;
  if (!destItem) {
    const byName = def.syncClass === 'exists-by-name';
    const reason = byName ? 'not on the destination: created (its details are the destination\'s to change)' : 'not on the destination';
    return { ...base, action: 'create', reason, reasonCode: byName ? 'missing-on-destination-by-name' : 'missing-on-destination', desired, decisions, cleanup };
  }
  if (def.syncClass === 'exists-by-name') {
    const written = hook?.existing?.(desired, dest!, ctx);
    if (!written) return 'unchanged';
    desired = written;
  }
  if (!def.module) desired = withMembersUnknownToSource(desired, dest!);
  const destKeyed = toKeyed(def.kind, dest!);
  const patch = diff(destKeyed, toKeyed(def.kind, desired));
  if (patch.length === 0) {
    // Nothing to write; but an item whose source differences are held back is no "unchanged": it is listed.
    const held = heldBack ?? decisions.filter((d) => d.action === 'skip' || d.action === 'keep').length;
    if (held === 0) return 'unchanged';
    return { ...skip('held-back', `left as it is on the destination: ${held} source difference${held === 1 ? ' is' : 's are'} held back (see decisions)`), decisions };
  }
  return {
    ...base,
    action: 'update',
    ...updateReason(def, hook),
    desired,
    destContent: dest,
    destKeyed,
    destination: {
      id: destItem.meta.id,
      fingerprint: destItem.meta.fingerprint,
      ...(destItem.meta.version !== undefined ? { version: destItem.meta.version } : {}),
      fields: keyedFieldPrints(destKeyed),
    },
    decisions,
    cleanup,
  };
}

/**
 * Once every process is planned: steps named by channel rules and package settings that the destination's
 * process will not hold are left out (action-refs.ts). An update left with nothing to change is unchanged, or
 * a skip saying why when it held such a name back. Returns how many became unchanged (their drafts are removed).
 */
function settleStepNames(drafts: Draft[], ctx: PlanContext): number {
  let unchanged = 0;
  for (let i = drafts.length - 1; i >= 0; i--) {
    const d = drafts[i];
    if (d.action === 'skip' || !d.def.actionRefs?.length) continue;
    const before = d.decisions.length;
    d.desired = settleActionRefs(d.def, d.keyPath, d.desired!, ctx, d.decisions);
    if (d.action === 'update' && diff(d.destKeyed!, toKeyed(d.def.kind, d.desired)).length === 0) {
      if (d.decisions.length === before) {
        drafts.splice(i, 1);
        unchanged++;
        continue;
      }
      // What differs names steps the destination will not have: held back, never counted as unchanged.
      Object.assign(d, { action: 'skip', reason: 'its only differences name steps the destination\'s deployment process will not have', reasonCode: 'step-names-unavailable', desired: undefined, destContent: undefined, destKeyed: undefined, destination: undefined });
    }
  }
  return unchanged;
}

/**
 * What a version-controlled source project keeps in git (its process; registry `inGit`) was not read: it is not
 * in the snapshot, so the plan says it is not synced (for a project the plan syncs).
 */
function unreadProcesses(drafts: Draft[], ctx: PlanContext): Draft[] {
  const out: Draft[] = [];
  for (const def of KINDS.filter((k) => k.inGit)) {
    const planned = new Set(drafts.filter((d) => d.def === def).map((d) => d.keyPath[0]));
    for (const { keyPath, item } of ctx.selection.items('project')) {
      const project = keyPath[0];
      if (!item.meta.versionControlled || planned.has(project) || !ctx.willExist('project', keyPath)) continue;
      out.push({ def, keyPath, action: 'skip', reason: gitSkipReason(def.kind, project, ctx)!, reasonCode: 'version-controlled', decisions: [], cleanup: [] });
    }
  }
  return out;
}

/**
 * The content (in keyed form) as a snapshot will read it back once applied: keyed lists go back to lists, and variables
 * sort as the snapshot sorts them (the plan appends new values; the server does not keep that order).
 */
function resultContent(kind: KindName, keyed: Json): Json {
  const plain = fromKeyed(kind, keyed);
  if (Array.isArray(plain.Variables)) plain.Variables = sortedByVariable(plain.Variables as Json[], (v) => v);
  return plain;
}

function updateReason(def: KindDef, hook: KindHook | undefined): { reason: string; reasonCode: ReasonCode } {
  if (def.syncClass === 'match-exactly') return { reason: 'differs from the source, and must match it exactly', reasonCode: 'differs-must-match' };
  if (hook?.updateReason) return { reason: hook.updateReason.text, reasonCode: hook.updateReason.code };
  return { reason: 'differs from the source', reasonCode: 'differs' };
}

function assemble(drafts: Draft[], unchanged: number, ctx: PlanContext, input: PlanInput): Plan {
  const order = new Map(KINDS.map((k, i) => [k.kind, i]));
  drafts.sort((a, b) => (order.get(a.def.kind)! - order.get(b.def.kind)!) || compareKeyPaths(a.keyPath, b.keyPath));
  const created = new Set(drafts.filter((d) => d.action === 'create').map((d) => operationId(d.def.kind, d.keyPath)));
  const scopeTargets = scopeTargetsByProject(drafts);
  const written = new Set(drafts.filter((d) => d.action !== 'skip').map((d) => operationId(d.def.kind, d.keyPath)));

  const operations: Operation[] = [];
  const late: Operation[] = [];
  for (const d of drafts) {
    const id = operationId(d.def.kind, d.keyPath);
    const op: Operation = { id, action: d.action, kind: d.def.kind, keyPath: d.keyPath, dependsOn: [], reason: d.reason, reasonCode: d.reasonCode };
    if (d.decisions.length) op.decisions = d.decisions;
    if (d.cleanup.length) op.cleanup = d.cleanup.map((c) => ({ operation: id, ...c }));
    if (d.action === 'skip') {
      operations.push(op);
      continue;
    }
    const full = d.desired!;
    let early = withoutLateRefs(d.def, full, d.keyPath, created);
    // Steps the destination's process does not hold yet are named after this plan's process write.
    const current = d.def.actionRefs?.length && !gitSides(d.keyPath[0], ctx) ? currentActions(d.keyPath[0], ctx) : undefined;
    if (current) early = withoutActionRefs(d.def, early, (name) => current.has(name));
    op.dependsOn = dependencies(d, scopeTargets, ctx, created, written);
    let mainWritten = true;
    // Keyed once: the result, the patch's new side and the late references' old side all start from it.
    const keyedEarly = toKeyed(d.def.kind, early);
    op.result = fingerprint(resultContent(d.def.kind, keyedEarly));
    if (d.action === 'create') {
      op.desired = sortKeys(early);
      op.sensitivePaths = sensitivePointers(op.desired);
    } else {
      const before = d.destKeyed!;
      op.patch = diff(before, keyedEarly, true);
      op.sensitivePaths = patchSensitivePaths(before, keyedEarly, op.patch);
      op.destination = d.destination;
      // Only late references changed: the later operation does it all.
      mainWritten = op.patch.length > 0;
    }
    if (mainWritten) operations.push(op);
    if (early !== full && JSON.stringify(early) !== JSON.stringify(full)) {
      // What the late references point at, created by this plan: the later operation waits for those.
      const refs = referencesOf(ctx.source, d.def.kind, d.keyPath)
        .filter((r) => isLateTarget(d.def, r.kind))
        .map((r) => operationId(r.kind, r.keyPath))
        .filter((rid) => created.has(rid) && rid !== id);
      if (current && namedActions(d.def, full).some((name) => !current.has(name))) refs.push(operationId('deploymentProcess', [d.keyPath[0]]));
      const [lateBefore, lateAfter] = [keyedEarly, toKeyed(d.def.kind, full)];
      const latePatch = diff(lateBefore, lateAfter, true);
      late.push({
        id: lateReferencesId(id),
        lateReferencesOf: id,
        action: 'update',
        kind: d.def.kind,
        keyPath: d.keyPath,
        dependsOn: [...new Set([...(mainWritten ? [id] : op.dependsOn), ...refs])].sort(),
        reason: 'references items this plan creates after it: set once they exist',
        reasonCode: 'late-references',
        patch: latePatch,
        sensitivePaths: patchSensitivePaths(lateBefore, lateAfter, latePatch),
        result: fingerprint(resultContent(d.def.kind, lateAfter)),
        ...(mainWritten ? {} : { destination: d.destination }),
      });
    }
  }
  const all = [...operations, ...late];
  // A dependency on an update that turned out empty moves to its late-reference operation, or goes.
  const ids = new Set(all.map((o) => o.id));
  for (const o of all) {
    o.dependsOn = [...new Set(o.dependsOn.map((dep) => (ids.has(dep) ? dep : ids.has(lateReferencesId(dep)) ? lateReferencesId(dep) : undefined)).filter((x): x is string => !!x && x !== o.id))].sort();
  }
  waitForStepNames(all, drafts, ctx);
  serializeSharedDocuments(all);
  const counts = {
    create: all.filter((o) => o.action === 'create').length,
    update: all.filter((o) => o.action === 'update' && !isLateReferences(o)).length,
    skip: all.filter((o) => o.action === 'skip').length,
    unchanged,
  };
  const ops = sortKeys(all);
  const policyContent = sortKeys(ctx.policy);
  const plan: Plan = {
    formatVersion: PLAN_FORMAT_VERSION,
    tool: { name: 'octosync', version: TOOL_VERSION },
    createdAt: input.createdAt,
    source: endpoint(input.source),
    destination: endpoint(input.destination),
    policy: { hash: fingerprint(policyContent), content: policyContent },
    operations: ops,
    counts,
    warnings: [...new Set([...input.source.warnings.map((w) => `source: ${w}`), ...ctx.warnings])],
    checksum: '',
  };
  return plan;
}

function endpoint(s: Snapshot): Plan['source'] {
  return { url: s.server.url, space: s.space.name, serverVersion: s.server.version, snapshotFingerprint: snapshotFingerprint(s) };
}

function compareKeyPaths(a: string[], b: string[]): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Kinds whose items a project's variable values are scoped to by name: channels, steps and runbooks. */
const VARIABLE_SCOPE_KINDS: readonly KindName[] = VARIABLE_SCOPES.flatMap((s) => s.writtenBy ?? []);

/** Per project, the operation ids of its items that project variables can be scoped to (indexed once, not per project). */
function scopeTargetsByProject(drafts: Draft[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of drafts) {
    if (d.action === 'skip' || !VARIABLE_SCOPE_KINDS.includes(d.def.kind)) continue;
    const list = out.get(d.keyPath[0]) ?? [];
    list.push(operationId(d.def.kind, d.keyPath));
    out.set(d.keyPath[0], list);
  }
  return out;
}

/** Ids of the operations this one needs first: its parent's creation and the creations of what it refers to. */
function dependencies(d: Draft, scopeTargets: Map<string, string[]>, ctx: PlanContext, created: Set<string>, written: Set<string>): string[] {
  const deps = new Set<string>();
  const def = d.def;
  if (def.parent) {
    const parentPath = def.parent.ownedOne ? d.keyPath : d.keyPath.slice(0, -1);
    const pid = operationId(def.parent.kind, parentPath);
    if (created.has(pid)) deps.add(pid);
  }
  for (const r of referencesOf(ctx.source, def.kind, d.keyPath)) {
    // Environments land under their mapped name.
    const path = kindDef(r.kind).syncClass === 'environment' ? [ctx.environments.map(r.keyPath[0]) ?? r.keyPath[0]] : r.keyPath;
    const rid = operationId(r.kind, path);
    if (created.has(rid) && !isLateTarget(def, r.kind)) deps.add(rid);
    // A usage records its template's version, which the template's update changes: the update comes first.
    if (KIND_HOOKS[r.kind]?.usersWaitForUpdate && written.has(rid)) deps.add(rid);
  }
  if (def.module) for (const id of MODULE_STEPS[def.module].dependsOn?.(def, d.keyPath, d.desired, ctx, scopeTargets) ?? []) deps.add(id);
  deps.delete(operationId(def.kind, d.keyPath));
  return [...deps].sort();
}

/**
 * A process write that removes steps the destination's channel rules or package settings name comes after
 * the writes that stop naming them: a project naming a step its process lost cannot be read (Issues #7521).
 */
function waitForStepNames(ops: Operation[], drafts: Draft[], ctx: PlanContext): void {
  const byId = new Map(ops.filter((o) => !isLateReferences(o)).map((o) => [o.id, o]));
  for (const d of drafts) {
    if (d.action !== 'update' || !d.def.actionRefs?.length || !d.destContent) continue;
    const project = d.keyPath[0];
    const process = byId.get(operationId('deploymentProcess', [project]));
    const own = byId.get(operationId(d.def.kind, d.keyPath));
    if (!process || !own) continue;
    const final = finalActions(project, ctx);
    if (namedActions(d.def, d.destContent).some((name) => !final.has(name))) process.dependsOn = [...new Set([...process.dependsOn, own.id])].sort();
  }
}

/**
 * A kind that `supersedes` members of its parent (deployment settings) is a second view of the parent's
 * document: each write carries the other's members as read, so two writes of one project at once lose one
 * (the settings' donor package put back by a project write, and the settings' later patch then fails its
 * test). They go one after the other: the parent's write, the child's, then their late references in the same
 * order (the process, which the late ones wait for, may wait for the first two; never for the late ones).
 */
function serializeSharedDocuments(ops: Operation[]): void {
  const byId = new Map(ops.filter((o) => o.action !== 'skip').map((o) => [o.id, o]));
  for (const def of KINDS.filter((k) => k.supersedes && k.parent?.ownedOne)) {
    const keyPaths = new Map(ops.filter((o) => o.kind === def.kind).map((o) => [JSON.stringify(o.keyPath), o.keyPath]));
    for (const keyPath of keyPaths.values()) {
      const parent = operationId(def.parent!.kind, keyPath);
      const own = operationId(def.kind, keyPath);
      const chain = [parent, own, lateReferencesId(parent), lateReferencesId(own)].map((id) => byId.get(id)).filter((o): o is Operation => !!o);
      for (let i = 1; i < chain.length; i++) chain[i].dependsOn = [...new Set([...chain[i].dependsOn, chain[i - 1].id])].sort();
    }
  }
}

function isLateTarget(def: KindDef, target: string): boolean {
  return def.refs.some((ref) => isLateRef(def, ref) && (Array.isArray(ref.to) ? ref.to : [ref.to]).includes(target));
}

/**
 * The content without late references to items this plan creates (they are set by a later operation); the
 * content itself when the kind has no late references.
 */
function withoutLateRefs(def: KindDef, content: Json, keyPath: string[], created: Set<string>): Json {
  if (!def.refs.some((ref) => isLateRef(def, ref))) return content;
  const out = structuredClone(content);
  const project = ownerProject(def.kind, keyPath);
  for (const ref of def.refs) {
    if (!isLateRef(def, ref)) continue;
    const targets = Array.isArray(ref.to) ? ref.to : [ref.to];
    editRefs(
      out,
      ref.path,
      (name) => (targets.some((t) => created.has(operationId(t, targetPath(t, name, project)))) ? undefined : name),
      () => undefined,
      ref.separator,
    );
  }
  return out;
}

function checkVersions(source: Snapshot, destination: Snapshot, policy: Policy): void {
  const s = parseVersion(source.server.version);
  const d = parseVersion(destination.server.version);
  if (!s || !d || policy.versions.allowSkew) return;
  // The guide: no more than one minor version apart, never across majors.
  if (s.major !== d.major || Math.abs(s.minor - d.minor) > 1) {
    throw new PlanError(
      `source runs Octopus ${source.server.version} and destination ${destination.server.version}: more than one minor version apart (or different majors). Upgrade one of them, or set versions.allowSkew in the policy to accept the risk`,
    );
  }
}
