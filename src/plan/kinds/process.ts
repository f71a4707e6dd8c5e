import { kindDef } from '../../registry/kinds.js';
import { fingerprint } from '../../util/canonical.js';
import type { PlanContext } from '../context.js';
import type { CleanupEntry, Decision } from '../../plan-format/types.js';
import { applyMismatch, type ScopeOutcome, type Translation } from '../scopes.js';
import { translateContent } from '../translate.js';
import { actionScopeName, processOwnerOf } from '../../snapshot/modules/variables.js';
import { currentMarker, isCurrentMarker, TEMPLATE_ID, TEMPLATE_VERSION } from '../../snapshot/modules/template-usage.js';
import type { KindName } from '../../registry/kinds.js';
import { isSensitiveValue, settleSecret } from '../../util/sensitive.js';

type Json = Record<string, any>;

/** Scope members of an action that the policy's step scope rules govern. */
const SCOPE_PATHS = [
  'Steps[].Actions[].Environments[]',
  'Steps[].Actions[].ExcludedEnvironments[]',
  'Steps[].Actions[].Channels[]',
  'Steps[].Actions[].TenantTags[]',
];

export interface ProcessPlan {
  desired: Json;
  decisions: Decision[];
  cleanup: Omit<CleanupEntry, 'operation'>[];
  /** Source differences this plan leaves unsynced: skipped steps and actions, steps the destination keeps. */
  heldBack: number;
}

/**
 * The destination's desired process: steps matched by name, actions by name within a step; each source
 * step's scoping (environments, channels, tenant tags) under the step scope-mismatch policy; steps that
 * need something the destination will not have are skipped with the reason; destination-only steps kept
 * (or removed, if the policy says so) in place. Sensitive properties of existing actions are never touched.
 */
export function planProcess(
  kind: 'deploymentProcess' | 'runbookProcess',
  keyPath: string[],
  source: Json,
  dest: Json | undefined,
  ctx: PlanContext,
): ProcessPlan {
  const project = keyPath[0];
  const def = kindDef(kind);
  const decisions: Decision[] = [];
  const cleanup: Omit<CleanupEntry, 'operation'>[] = [];
  const destSteps = new Map<string, Json>(((dest?.Steps as Json[]) ?? []).map((s) => [s.Name, s]));
  const desiredSteps: Json[] = [];
  let kept = 0;

  for (const step of (source.Steps as Json[]) ?? []) {
    const existing = destSteps.get(step.Name);
    const translated = translateContent(def, { Steps: [step] }, ctx, project, SCOPE_PATHS);
    if (translated.missing.length) {
      decisions.push({ subject: `step '${step.Name}'`, action: 'skip', reason: translated.missing.join('; '), reasonCode: 'step-needs-missing-item' });
      if (existing) desiredSteps.push(existing);
      continue;
    }
    const tStep: Json = translated.content.Steps[0];
    const actions: Json[] = [];
    let leave: string | undefined;
    for (const action of tStep.Actions ?? []) {
      const existingAction = ((existing?.Actions as Json[]) ?? []).find((a) => a.Name === action.Name);
      const outcome = scopeAction(action, !existingAction, ctx, project);
      if (outcome.kind === 'error') {
        ctx.errors.push(`${def.label.toLowerCase()} '${keyPath.join(' / ')}', step '${step.Name}': ${outcome.reason}`);
        continue;
      }
      if (outcome.kind === 'leave') {
        leave = outcome.reason;
        break;
      }
      if (outcome.kind === 'skip') {
        decisions.push({ subject: `step '${step.Name}', action '${action.Name}'`, action: 'skip', reason: outcome.reason, reasonCode: 'scope-mismatch-skip' });
        continue;
      }
      keepSecrets(outcome.action, existingAction, `step '${step.Name}', action '${action.Name}'`, cleanup, keyPath, kind);
      // Synced with part of its scope: the part left behind is said (and counted as held back).
      for (const note of outcome.dropped) decisions.push({ subject: `step '${step.Name}', action '${action.Name}'`, action: 'skip', reason: `${note}: dropped from its scope`, reasonCode: 'scope-value-dropped' });
      recordTemplateVersion(outcome.action, ctx, `step '${step.Name}', action '${action.Name}'`, decisions);
      actions.push(outcome.action);
    }
    if (leave && existing) {
      decisions.push({ subject: `step '${step.Name}'`, action: 'keep', reason: leave, reasonCode: 'scope-mismatch-leave-existing' });
      kept++;
      desiredSteps.push(existing);
      continue;
    }
    if (actions.length === 0) {
      if (existing) {
        decisions.push({ subject: `step '${step.Name}'`, action: 'keep', reason: 'every action of the source step was skipped; the destination step is left as it is', reasonCode: 'step-all-actions-skipped' });
        kept++;
        desiredSteps.push(existing);
      }
      continue;
    }
    decisions.push({
      subject: `step '${step.Name}'`,
      action: existing ? (fingerprint(existing) === fingerprint({ ...tStep, Actions: actions }) ? 'keep' : 'update') : 'create',
      reason: existing ? 'matched by name' : 'new on the source',
      reasonCode: existing ? 'step-matched' : 'step-new',
    });
    desiredSteps.push({ ...tStep, Actions: actions });
  }

  // Destination-only steps: kept after the step they followed there, or removed.
  const sourceNames = new Set(((source.Steps as Json[]) ?? []).map((s) => s.Name));
  const destOrder = ((dest?.Steps as Json[]) ?? []).map((s) => s.Name as string);
  destOrder.forEach((name, i) => {
    if (sourceNames.has(name)) return;
    if (ctx.policy.processes.destinationOnlySteps === 'remove') {
      decisions.push({ subject: `step '${name}'`, action: 'remove', reason: 'only on the destination (processes.destinationOnlySteps: remove)', reasonCode: 'destination-only-removed' });
      return;
    }
    decisions.push({ subject: `step '${name}'`, action: 'keep', reason: 'only on the destination (kept)', reasonCode: 'destination-only-kept' });
    const before = destOrder.slice(0, i).reverse().find((n) => desiredSteps.some((s) => s.Name === n));
    const at = before ? desiredSteps.findIndex((s) => s.Name === before) + 1 : 0;
    desiredSteps.splice(at, 0, destSteps.get(name)!);
  });

  const desiredActions = ctx.fill('desiredActions');
  const actionsOfProject = desiredActions.get(project) ?? new Set<string>();
  const owner = processOwnerOf(kind, keyPath);
  for (const s of desiredSteps) for (const a of s.Actions ?? []) actionsOfProject.add(actionScopeName(owner, a.Name));
  desiredActions.set(project, actionsOfProject);
  if (holdsDeploymentActions(kind)) ctx.fill('deploymentActions').set(project, new Set(desiredSteps.flatMap((s) => (s.Actions ?? []).map((a: Json) => a.Name as string))));
  const heldBack = kept + decisions.filter((d) => d.action === 'skip').length;
  return { desired: { ...source, Steps: desiredSteps }, decisions, cleanup, heldBack };
}

/** The project's deployment process (not a runbook's): its step names are what channel rules and package settings name. */
export function holdsDeploymentActions(kind: KindName): boolean {
  return kind === 'deploymentProcess';
}

type ActionOutcome =
  | { kind: 'keep'; action: Json; dropped: string[] }
  | { kind: 'skip'; reason: string }
  | { kind: 'leave'; reason: string }
  | { kind: 'error'; reason: string };

function scopeAction(action: Json, isNew: boolean, ctx: PlanContext, project: string): ActionOutcome {
  const policy = ctx.policy.scopeMismatch.steps;
  const out = { ...action };
  const dims: [member: string, label: string, outcome: ScopeOutcome][] = [
    ['Environments', 'environment', applyMismatch(policy.environment, 'environment', translations(action.Environments, (e) => ctx.environments.map(e)), isNew)],
    ['Channels', 'channel', applyMismatch(policy.channel, 'channel', translations(action.Channels, (c) => (ctx.willExist('channel', [project, c]) ? c : undefined)), isNew)],
    ['TenantTags', 'tenant tag', applyMismatch(policy.tenantTag, 'tenant tag', translations(action.TenantTags, (t) => (ctx.tagWillExist(t) ? t : undefined)), isNew)],
  ];
  const dropped: string[] = [];
  for (const [member, , outcome] of dims) {
    if (outcome.outcome === 'skip') return { kind: 'skip', reason: outcome.reason };
    if (outcome.outcome === 'error') return { kind: 'error', reason: outcome.reason };
    if (outcome.outcome === 'leave-existing') return { kind: 'leave', reason: outcome.reason };
    if (Array.isArray(action[member])) out[member] = outcome.values;
    if (outcome.note) dropped.push(outcome.note);
  }
  // Excluding an environment the destination does not have changes nothing: drop it quietly.
  if (Array.isArray(action.ExcludedEnvironments)) {
    out.ExcludedEnvironments = [...new Set(action.ExcludedEnvironments.map((e: string) => ctx.environments.map(e)).filter(Boolean))].sort();
  }
  return { kind: 'keep', action: out, dropped };
}

function translations(values: unknown, map: (v: string) => string | undefined): Translation[] {
  return (Array.isArray(values) ? values : []).map((v) => [String(v), map(String(v))]);
}

/** Sensitive properties: an existing action keeps its stored value; a new one gets a placeholder to fill in. */
function keepSecrets(
  action: Json,
  existing: Json | undefined,
  where: string,
  cleanup: Omit<CleanupEntry, 'operation'>[],
  keyPath: string[],
  kind: KindName,
): void {
  for (const [name, value] of Object.entries<any>(action.Properties ?? {})) {
    if (!isSensitiveValue(value)) continue;
    const current = existing?.Properties?.[name];
    const outcome = settleSecret(value, current);
    if (outcome === 'keep') {
      action.Properties[name] = current;
    } else if (outcome === 'placeholder') {
      cleanup.push({ kind, keyPath, field: `${where}, sensitive property ${name}`, instruction: 'written as a placeholder: set the sensitive value on the destination' });
    }
  }
}

/**
 * A step template usage records the destination template's version (as SpaceCloner does): the plan writes
 * "at the template's current version" against the template as it will be once applied; apply puts in the
 * number. A source usage behind its template is not carried over as such: the plan says so.
 */
function recordTemplateVersion(action: Json, ctx: PlanContext, subject: string, decisions: Decision[]): void {
  const props = action.Properties;
  const name = props?.[TEMPLATE_ID];
  if (typeof name !== 'string' || name === '') return;
  const expected = ctx.fact('templateResults').get(name) ?? ctx.destItem('stepTemplate', [name])?.meta.fingerprint;
  // A template the destination will not have: translation has skipped the step already.
  if (!expected) return;
  const source = props[TEMPLATE_VERSION];
  if (!isCurrentMarker(source)) {
    const at = ctx.sourceItem('stepTemplate', [name])?.meta.version;
    decisions.push({
      subject,
      action: 'skip',
      reason: `on the source this usage is at version ${source ?? '(none)'} of step template '${name}', whose template is at version ${at ?? '?'}: the destination usage records its own template's version (no "update available" is carried over)`,
      reasonCode: 'template-version-own',
    });
  }
  props[TEMPLATE_VERSION] = currentMarker(expected);
}
