import { kindDef, ownerProject, variableValueKind } from '../../registry/kinds.js';
import { DEPLOYMENT_PROCESS_OWNER } from '../../snapshot/modules/variables.js';
import { sortKeys } from '../../util/canonical.js';
import type { PlanContext } from '../context.js';
import type { CleanupEntry, Decision } from '../../plan-format/types.js';
import type { ReasonCode } from '../../plan-format/reasons.js';
import { variableScope } from '../../registry/variable-scopes.js';
import { applyMismatch, type Translation } from '../scopes.js';
import { keepReason, overwriteReason, overwrites } from '../three-way.js';
import type { KindName } from '../../registry/kinds.js';

type Json = Record<string, any>;

export interface VariablesPlan {
  desired: Json;
  decisions: Decision[];
  cleanup: Omit<CleanupEntry, 'operation'>[];
  /** Source differences this plan leaves unsynced (skipped values, values the destination keeps). */
  heldBack: number;
}

interface Candidate {
  source: Json;
  /** The value and scope in destination terms. */
  value: unknown;
  scope: Record<string, string[]>;
}

/**
 * The guide's hardest problem: which source variable values are new, and which are existing values with a
 * changed scope or value. Values are grouped by name; a source value matches a destination value of the
 * same name that is equal in value and scope (unchanged), else one whose value is equal (then only its scope
 * may change), else one whose scope is equal (then only its value may change, and only if the policy
 * overwrites). Unmatched source values are new; unmatched destination values are left alone. Existing
 * destination values keep their position in the list, so apply can keep their ids (and with them stored
 * sensitive values); new values are appended. No two values of a name end up with the same value and scope,
 * and nothing is added beside (or re-scoped around) a sensitive value the destination holds under that name.
 */
export function planVariables(kind: KindName, keyPath: string[], source: Json, dest: Json | undefined, ctx: PlanContext): VariablesPlan {
  const project = ownerProject(kind, keyPath);
  const decisions: Decision[] = [];
  const cleanup: Omit<CleanupEntry, 'operation'>[] = [];
  const policy = ctx.policy;
  const destVars: Json[] = structuredClone((dest?.Variables as Json[]) ?? []);
  const matched = new Set<number>();
  const appended: Json[] = [];
  let heldBack = 0;
  const hold = (v: Json, action: 'skip' | 'keep', reasonCode: ReasonCode, reason: string) => {
    decisions.push({ subject: describe(v), action, reason, reasonCode });
    heldBack++;
  };

  const byName = new Map<string, Json[]>();
  for (const v of (source.Variables as Json[]) ?? []) byName.set(v.Name, [...(byName.get(v.Name) ?? []), v]);

  for (const [name, values] of byName) {
    const destIdx = destVars.map((d, i) => [d, i] as const).filter(([d]) => d.Name === name);
    const isNewName = destIdx.length === 0;
    // A secret the operator set on the destination: nothing may be added beside it or re-scoped around it.
    const secret = destIdx.some(([d]) => d.IsSensitive);
    const candidates: Candidate[] = [];
    /**
     * Values whose environments are not on the destination, under `newValues: placeholder`: one unscoped placeholder
     * stands for them (the guide's second table). Other mismatches (a target, an excluded channel) stay skips.
     */
    const lost: { v: Json; code: ReasonCode; reason: string }[] = [];
    for (const v of values) {
      // A value naming a certificate, account or worker pool the destination will not have: never a name where an id belongs.
      const unresolvable = missingReference(v, ctx);
      if (unresolvable) {
        hold(v, 'skip', 'value-reference-missing', unresolvable);
        continue;
      }
      const scoped = translateScope(v.Scope ?? {}, ctx, project, isNewName);
      if (scoped.kind === 'error') {
        ctx.errors.push(`${kind} '${keyPath.join(' / ')}', ${describe(v)}: ${scoped.reason}`);
        continue;
      }
      if (scoped.kind === 'keep') {
        hold(v, 'keep', 'scope-mismatch-leave-existing', scoped.reason);
        continue;
      }
      if (policy.variables.newValues === 'placeholder' && (scoped.kind === 'skip' ? scoped.environmentMismatch : scoped.lost)) {
        lost.push({ v, ...(scoped.kind === 'skip' ? { code: scoped.code, reason: scoped.reason } : { code: 'scope-value-dropped' as const, reason: scoped.dropped.join('; ') }) });
        continue;
      }
      if (scoped.kind === 'skip') {
        hold(v, 'skip', scoped.code, scoped.reason);
        continue;
      }
      const twin = candidates.find((c) => sameSlot(slotOf(c), { IsSensitive: v.IsSensitive, Value: v.Value, Scope: scoped.scope }));
      if (twin) {
        hold(v, 'skip', 'value-duplicate', `once translated, it has the same value and scope as ${describe(twin.source)}`);
        continue;
      }
      candidates.push({ source: v, value: v.Value, scope: scoped.scope });
      // Synced with part of its scope: the part left behind is a held-back difference too.
      for (const d of scoped.dropped) hold(v, 'skip', 'scope-value-dropped', `${d}: dropped from its scope`);
    }
    const free = (test: (d: Json) => boolean) => destIdx.find(([d, i]) => !matched.has(i) && test(d));
    const pending: Candidate[] = [];
    // Pass 1: equal value and scope (unchanged, but for what describes it); pass 2: equal value, so only the
    // scope changes. Sensitive values cannot be compared: they match by scope only.
    const plain = (c: Candidate) => (d: Json) => !c.source.IsSensitive && !d.IsSensitive && same(d.Value, c.value);
    const rest: Candidate[] = [];
    for (const c of candidates) {
      const hit = free((d) => plain(c)(d) && same(d.Scope ?? {}, c.scope));
      if (!hit) {
        rest.push(c);
        continue;
      }
      const [d, i] = hit;
      matched.add(i);
      if (!same(described(d), described(c.source))) {
        decisions.push({ subject: describe(c.source), action: 'update', reason: 'same value and scope; its description, prompt or editability follows the source', reasonCode: 'details-follow-source' });
        destVars[i] = { ...d, ...described(c.source) };
      }
    }
    for (const c of rest) {
      const hit = free(plain(c));
      if (!hit) {
        pending.push(c);
        continue;
      }
      const [d, i] = hit;
      matched.add(i);
      if (secret) {
        hold(c.source, 'keep', 'sensitive-kept', `the destination holds a sensitive value of '${name}': its values keep their scopes (a new scope could shadow the secret)`);
        continue;
      }
      if (destVars.some((o) => o.Name === name && sameSlot(o, slotOf(c)))) {
        hold(c.source, 'skip', 'value-duplicate', `the destination already has this value at ${scopeText(c.scope)}`);
        continue;
      }
      decisions.push({ subject: describe(c.source), action: 'update', reason: `same value on the destination; its scope becomes ${scopeText(c.scope)}`, reasonCode: 'scope-follows-source' });
      destVars[i] = { ...d, ...described(c.source), Scope: c.scope };
    }
    // Pass 3: equal scope.
    for (const c of pending) {
      const hit = free((d) => same(d.Scope ?? {}, c.scope));
      if (hit) {
        const [d, i] = hit;
        matched.add(i);
        if (c.source.IsSensitive && d.IsSensitive) {
          // The source's secret cannot be read, so no difference is known: said, not counted as held back.
          decisions.push({ subject: describe(c.source), action: 'keep', reason: 'sensitive value already on the destination at this scope: never touched', reasonCode: 'sensitive-kept' });
        } else if (c.source.IsSensitive || d.IsSensitive) {
          hold(c.source, 'keep', 'sensitive-kept', d.IsSensitive ? 'the destination holds a sensitive value at this scope: never touched' : 'the destination has a plain value at this scope: left alone (the source\'s is sensitive)');
        } else if (overwrites(ctx, kind, keyPath, ['Variables', name])) {
          decisions.push({ subject: describe(c.source), action: 'update', ...overwriteReason(policy, 'same scope, different value: overwritten (variables.overwrite: always)') });
          destVars[i] = { ...d, Value: c.value, Type: c.source.Type };
        } else {
          const why = keepReason(policy, 'same scope, different value on the destination: left alone (variables.overwrite: never)');
          hold(c.source, 'keep', why.reasonCode, why.reason);
        }
        continue;
      }
      if (secret) {
        hold(c.source, 'keep', 'sensitive-kept', `the destination holds a sensitive value of '${name}': left alone, nothing added beside it`);
        continue;
      }
      const created = newValue(c, policy.variables.placeholder);
      appended.push(created.variable);
      decisions.push({ subject: describe(c.source), action: 'create', reason: created.reason, reasonCode: created.code });
      if (created.cleanup) cleanup.push({ kind, keyPath, field: `variable '${name}' ${scopeText(c.scope)}`, instruction: created.cleanup });
    }
    if (lost.length) {
      const placeholder = lostPlaceholder(name, lost.map((l) => l.v), isNewName, candidates, policy.variables.placeholder);
      for (const l of lost) hold(l.v, 'skip', l.code, `${l.reason}; ${placeholder.why}`);
      if (placeholder.variable) {
        appended.push(placeholder.variable);
        decisions.push({ subject: describe(placeholder.variable), action: 'create', reason: `placeholder for ${lost.length} value${lost.length === 1 ? '' : 's'} whose environments are not on the destination (variables.newValues: placeholder)`, reasonCode: 'value-placeholder' });
        cleanup.push({ kind, keyPath, field: `variable '${name}' (unscoped)`, instruction: 'value written as a placeholder: fill in the value for this instance (and scope it)' });
      }
    }
  }
  return { desired: { ...source, Variables: [...destVars, ...appended] }, decisions, cleanup, heldBack };
}

/**
 * The guide's second initial-sync table: the values of a name whose environments are not on the destination become one unscoped
 * placeholder — only where the name is new on the destination, and no value of the name is unscoped already.
 */
function lostPlaceholder(name: string, lost: Json[], isNewName: boolean, candidates: Candidate[], text: string): { variable?: Json; why: string } {
  if (!isNewName) return { why: 'the variable is on the destination already, so no placeholder is added' };
  if (candidates.some((c) => Object.keys(c.scope).length === 0)) return { why: 'an unscoped value of the variable is copied, so no placeholder is added' };
  const sensitive = lost.every((v) => v.IsSensitive);
  const base = lost[0];
  const variable = { ...base, Name: name, Scope: {}, IsSensitive: sensitive, Type: sensitive ? 'Sensitive' : 'String', Value: sensitive ? null : text };
  return { variable, why: 'one unscoped placeholder stands for it (variables.newValues: placeholder)' };
}

function newValue(c: Candidate, placeholder: string): { variable: Json; reason: string; code: ReasonCode; cleanup?: string } {
  const v = c.source;
  const base = { ...v, Scope: c.scope };
  if (v.IsSensitive) {
    // Its value cannot be read from the source: a placeholder, and a clean-up entry (the guide's rule).
    return { variable: { ...base, Value: null }, reason: `new sensitive variable: created with a placeholder value ('${placeholder}')`, code: 'sensitive-placeholder', cleanup: 'sensitive value written as a placeholder: set the real value' };
  }
  return { variable: base, reason: 'new on the source: copied', code: 'value-copied' };
}

type ScopeResult =
  | {
      kind: 'ok';
      scope: Record<string, string[]>;
      /** The environment scope lost all its values (`ignore`). */
      lost: boolean;
      /** What the translation dropped, per dimension: `environment 'Test' is not on the destination (skip-unless-partial)`. */
      dropped: string[];
    }
  | { kind: 'skip'; code: ReasonCode; reason: string; /** Skipped for environments the destination does not have (the guide's initial-sync tables). */ environmentMismatch: boolean }
  | { kind: 'keep'; reason: string }
  | { kind: 'error'; reason: string };

function translateScope(scope: Record<string, string[]>, ctx: PlanContext, project: string | undefined, isNew: boolean): ScopeResult {
  const out: Record<string, string[]> = {};
  let lost = false;
  const dropped: string[] = [];
  for (const [key, values] of Object.entries(scope)) {
    const dim = variableScope(key);
    if (!dim) {
      // A scope octosync cannot translate (Tenant, User, …) would reach apply as a source name: never.
      return { kind: 'skip', code: 'scope-untranslatable', reason: `scoped to ${key}, which octosync does not translate between instances`, environmentMismatch: false };
    }
    const { dimension, label } = dim;
    const pairs: Translation[] = values.map((v) => [v, existsOnDestination(key, v, ctx, project)]);
    const outcome = applyMismatch(ctx.policy.scopeMismatch.variables[dimension], label, pairs, isNew);
    if (outcome.outcome === 'skip') return { kind: 'skip', code: 'scope-mismatch-skip', reason: outcome.reason, environmentMismatch: key === 'Environment' };
    if (outcome.outcome === 'error') return { kind: 'error', reason: outcome.reason };
    if (outcome.outcome === 'leave-existing') return { kind: 'keep', reason: outcome.reason };
    if (outcome.values.length) out[key] = outcome.values;
    else if (key === 'Environment') lost = true;
    if (outcome.note) dropped.push(outcome.note);
  }
  return { kind: 'ok', scope: sortKeys(out), lost, dropped };
}

function existsOnDestination(key: string, value: string, ctx: PlanContext, project: string | undefined): string | undefined {
  switch (key) {
    case 'Environment':
      return ctx.environments.map(value);
    case 'Channel':
      return project !== undefined && ctx.willExist('channel', [project, value]) ? value : undefined;
    case 'ProcessOwner':
      if (value === DEPLOYMENT_PROCESS_OWNER) return value;
      return project !== undefined && value.startsWith('Runbook: ') && ctx.willExist('runbook', [project, value.slice('Runbook: '.length)]) ? value : undefined;
    case 'Action':
      return project !== undefined && ctx.fact('desiredActions').get(project)?.has(value) ? value : undefined;
    case 'Role':
      return value; // a role is a name, the same on every instance: it needs no target carrying it there
    case 'Machine':
      return ctx.destinationMachines().has(value) ? value : undefined;
    case 'TenantTag':
      return ctx.tagWillExist(value) ? value : undefined;
    default:
      return value;
  }
}

/** What describes a value, besides its value and scope: the source's, wherever the value itself is synced. */
function described(v: Json): Json {
  return { Description: v.Description ?? null, Prompt: v.Prompt ?? null, IsEditable: v.IsEditable ?? true };
}

type Slot = { IsSensitive?: unknown; Value?: unknown; Scope?: Record<string, string[]> };

const slotOf = (c: Candidate): Slot => ({ IsSensitive: c.source.IsSensitive, Value: c.value, Scope: c.scope });

/** Whether two values take the same slot: equal scope, and equal value (sensitive ones: both sensitive). */
function sameSlot(a: Slot, b: Slot): boolean {
  if (Boolean(a.IsSensitive) !== Boolean(b.IsSensitive)) return false;
  return (Boolean(a.IsSensitive) || same(a.Value, b.Value)) && same(a.Scope ?? {}, b.Scope ?? {});
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function scopeText(scope: Record<string, string[]>): string {
  const parts = Object.entries(scope).map(([k, v]) => `${k}: ${v.join(', ')}`);
  return parts.length ? `(${parts.join('; ')})` : '(unscoped)';
}

function describe(v: Json): string {
  return `variable '${v.Name}' ${scopeText(v.Scope ?? {})}${v.IsSensitive ? ' (sensitive)' : ''}`;
}

/**
 * A value of type Certificate, an account type or WorkerPool holds the id of that item (API-FACTS §3.9): it can
 * be written only where the destination has the item, or the plan creates it. Otherwise the value is skipped
 * with the reason; a name is never written where Octopus expects an id.
 */
function missingReference(v: Json, ctx: PlanContext): string | undefined {
  const kind = variableValueKind(v.Type);
  if (!kind || v.IsSensitive || typeof v.Value !== 'string' || v.Value === '' || v.Value.includes('#{')) return undefined;
  if (ctx.willExist(kind, [v.Value])) return undefined;
  const excluded = ctx.selection.exclusions.find((e) => e.kind === kind && e.keyPath[0] === v.Value);
  const why = excluded ? excluded.reason : ctx.sourceItem(kind, [v.Value]) ? 'and this plan does not create it' : 'nor on the source';
  return `its value refers to ${kindDef(kind).label.toLowerCase()} '${v.Value}', which is not on the destination (${why}): skipped, as an id cannot be written for it`;
}
