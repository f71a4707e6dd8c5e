import { kindDef, variableValueKind } from '../../registry/kinds.js';
import { DEPLOYMENT_PROCESS_OWNER } from '../../snapshot/modules/variables.js';
import { sortKeys } from '../../util/canonical.js';
import type { PlanContext } from '../context.js';
import type { CleanupEntry, Decision } from '../plan-types.js';
import type { VariableDimension } from '../policy-types.js';
import { applyMismatch, type Translation } from '../scopes.js';

type Json = Record<string, any>;

/** Scope keys of a variable and the policy dimension that governs each. */
const DIMENSIONS: [scopeKey: string, dimension: VariableDimension, label: string][] = [
  ['Environment', 'environment', 'environment'],
  ['Channel', 'channel', 'channel'],
  ['ProcessOwner', 'processOwner', 'process owner'],
  ['Action', 'step', 'step'],
  ['Role', 'role', 'role'],
  ['Machine', 'target', 'target'],
  ['TenantTag', 'tenantTag', 'tenant tag'],
];

export interface VariablesPlan {
  desired: Json;
  decisions: Decision[];
  cleanup: Omit<CleanupEntry, 'operation'>[];
}

interface Candidate {
  source: Json;
  /** The value and scope in destination terms. */
  value: unknown;
  scope: Record<string, string[]>;
  /** Dimensions whose policy says: leave an existing value alone. */
  leaveExisting?: string;
}

/**
 * The guide's hardest problem: which source variable values are new, and which are existing values with a
 * changed scope or value. Values are grouped by name; a source value matches a destination value of the
 * same name whose value is equal (then only its scope may change), else one whose scope is equal (then only
 * its value may change, and only if the policy overwrites). Unmatched source values are new; unmatched
 * destination values are left alone. Existing destination values keep their position in the list, so apply
 * can keep their ids (and with them stored sensitive values); new values are appended.
 */
export function planVariables(kind: string, keyPath: string[], source: Json, dest: Json | undefined, ctx: PlanContext): VariablesPlan {
  const project = kind === 'projectVariables' ? keyPath[0] : undefined;
  const decisions: Decision[] = [];
  const cleanup: Omit<CleanupEntry, 'operation'>[] = [];
  const policy = ctx.policy;
  const destVars: Json[] = structuredClone((dest?.Variables as Json[]) ?? []);
  const matched = new Set<number>();
  const appended: Json[] = [];

  const byName = new Map<string, Json[]>();
  for (const v of (source.Variables as Json[]) ?? []) byName.set(v.Name, [...(byName.get(v.Name) ?? []), v]);

  for (const [name, values] of byName) {
    const candidates: Candidate[] = [];
    for (const v of values) {
      const subject = describe(v);
      const unresolvable = missingReference(v, ctx);
      if (unresolvable) {
        decisions.push({ subject, action: 'skip', reason: unresolvable });
        continue;
      }
      const isNewName = !destVars.some((d) => d.Name === name);
      const scoped = translateScope(v.Scope ?? {}, ctx, project, isNewName);
      if (scoped.kind === 'skip') {
        decisions.push({ subject, action: 'skip', reason: scoped.reason });
        continue;
      }
      if (scoped.kind === 'error') {
        ctx.errors.push(`${kind} '${keyPath.join(' / ')}', ${subject}: ${scoped.reason}`);
        continue;
      }
      candidates.push({ source: v, value: v.Value, scope: scoped.scope, leaveExisting: scoped.leave });
    }
    const destIdx = destVars.map((d, i) => [d, i] as const).filter(([d]) => d.Name === name);
    const pending: Candidate[] = [];
    // Pass 1: equal value (sensitive values cannot be compared: they match by scope only).
    for (const c of candidates) {
      const hit = c.source.IsSensitive ? undefined : destIdx.find(([d, i]) => !matched.has(i) && !d.IsSensitive && same(d.Value, c.value));
      if (!hit) {
        pending.push(c);
        continue;
      }
      const [d, i] = hit;
      matched.add(i);
      if (same(d.Scope ?? {}, c.scope)) continue; // unchanged
      if (c.leaveExisting) {
        decisions.push({ subject: describe(c.source), action: 'keep', reason: c.leaveExisting });
        continue;
      }
      decisions.push({ subject: describe(c.source), action: 'update', reason: `same value on the destination; its scope becomes ${scopeText(c.scope)}` });
      destVars[i] = { ...d, Scope: c.scope };
    }
    // Pass 2: equal scope.
    for (const c of pending) {
      const hit = destIdx.find(([d, i]) => !matched.has(i) && same(d.Scope ?? {}, c.scope) && Boolean(d.IsSensitive) === Boolean(c.source.IsSensitive));
      if (hit) {
        const [d, i] = hit;
        matched.add(i);
        if (c.source.IsSensitive) {
          decisions.push({ subject: describe(c.source), action: 'keep', reason: 'sensitive value already on the destination: never touched' });
        } else if (policy.variables.overwrite === 'always' && !c.leaveExisting) {
          decisions.push({ subject: describe(c.source), action: 'update', reason: 'same scope, different value: overwritten (variables.overwrite: always)' });
          destVars[i] = { ...d, Value: c.value, Type: c.source.Type };
        } else {
          decisions.push({ subject: describe(c.source), action: 'keep', reason: 'same scope, different value on the destination: left alone (variables.overwrite: never)' });
        }
        continue;
      }
      const created = newValue(c, policy.variables.newValues, policy.variables.placeholder);
      appended.push(created.variable);
      decisions.push({ subject: describe(c.source), action: 'create', reason: created.reason });
      if (created.cleanup) {
        cleanup.push({ kind, keyPath, field: `variable '${name}' ${scopeText(c.scope)}`, instruction: created.cleanup });
      }
    }
  }
  return { desired: { ...source, Variables: [...destVars, ...appended] }, decisions, cleanup };
}

function newValue(c: Candidate, mode: 'copy' | 'placeholder', placeholder: string): { variable: Json; reason: string; cleanup?: string } {
  const v = c.source;
  const base = { ...v, Scope: c.scope };
  if (v.IsSensitive) {
    // Its value cannot be read from the source: a placeholder, and a clean-up entry (the guide's rule).
    return { variable: { ...base, Value: null }, reason: 'new sensitive variable: created with a placeholder value', cleanup: 'sensitive value written as a placeholder: set the real value' };
  }
  if (mode === 'placeholder') {
    return { variable: { ...base, Value: placeholder }, reason: 'new variable: created with a placeholder (variables.newValues: placeholder)', cleanup: 'value written as a placeholder: fill in the value for this instance' };
  }
  return { variable: base, reason: 'new on the source: copied' };
}

type ScopeResult = { kind: 'ok'; scope: Record<string, string[]>; leave?: string } | { kind: 'skip'; reason: string } | { kind: 'error'; reason: string };

function translateScope(scope: Record<string, string[]>, ctx: PlanContext, project: string | undefined, isNew: boolean): ScopeResult {
  const out: Record<string, string[]> = {};
  let leave: string | undefined;
  for (const [key, values] of Object.entries(scope)) {
    const dim = DIMENSIONS.find(([k]) => k === key);
    if (!dim) {
      out[key] = values; // scope kinds octosync does not translate (Tenant, User, …) pass as they are
      continue;
    }
    const [, dimension, label] = dim;
    const pairs: Translation[] = values.map((v) => [v, existsOnDestination(key, v, ctx, project)]);
    const outcome = applyMismatch(ctx.policy.scopeMismatch.variables[dimension], label, pairs, isNew);
    if (outcome.outcome === 'skip') return { kind: 'skip', reason: outcome.reason };
    if (outcome.outcome === 'error') return { kind: 'error', reason: outcome.reason };
    if (outcome.outcome === 'leave-existing') {
      leave = outcome.reason;
      out[key] = values;
      continue;
    }
    if (outcome.values.length) out[key] = outcome.values;
  }
  return { kind: 'ok', scope: sortKeys(out), leave };
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
      return project !== undefined && ctx.desiredActions.get(project)?.has(value) ? value : undefined;
    case 'Role':
      return ctx.destinationRoles().has(value) ? value : undefined;
    case 'Machine':
      return ctx.destinationMachines().has(value) ? value : undefined;
    case 'TenantTag':
      return ctx.tagWillExist(value) ? value : undefined;
    default:
      return value;
  }
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
