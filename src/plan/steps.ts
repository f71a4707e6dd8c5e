/**
 * The planner's table of special handling: one planning step per special module of the registry
 * (`Record<SpecialModule, …>`: a module added to the registry without a step here does not compile), and the
 * hooks of kinds the generic step plans with a twist. Each step declares the facts it provides to later steps
 * and the facts it needs from earlier ones (context.ts `PlanFacts`); `planningOrder` checks the registry's
 * order against those declarations, so the order is derived and checked rather than an accident.
 */
import type { CleanupEntry, Decision } from '../plan-format/types.js';
import { lateReferencesId, operationId } from '../plan-format/operations.js';
import type { Reason } from '../plan-format/reasons.js';
import type { KindName } from '../registry/kinds.js';
import type { KindDef, SpecialModule } from '../registry/types.js';
import type { PlanContext, PlanFact } from './context.js';
import { keepGitRules, keepGitSettings, planSensitiveOnly, variablesInGit } from './git-projects.js';
import { holdsDeploymentActions, planProcess } from './kinds/process.js';
import { planScopedUserRole } from './kinds/scoped-user-role.js';
import { planTenant } from './kinds/tenant.js';
import { planTenantVariables } from './kinds/tenant-variables.js';
import { planVariables } from './kinds/variables.js';

type Json = Record<string, any>;

/** A project's own variable set (not a library set's or a script module's). */
const ownedByProject = (def: KindDef) => def.parent?.kind === 'project';

/** What a step makes of one item: its desired content with decisions, or a skip with the reason. */
export type StepResult =
  | { skip: Reason }
  | {
      desired: Json;
      decisions: Decision[];
      cleanup: Omit<CleanupEntry, 'operation'>[];
      /** Source differences left unsynced; where a step does not count them, every `skip` or `keep` decision is one. */
      heldBack?: number;
    };

export interface ModuleStep {
  plan(def: KindDef, keyPath: string[], content: Json, dest: Json | undefined, ctx: PlanContext): StepResult;
  /** Facts this step fills for later steps. */
  provides?(def: KindDef): PlanFact[];
  /** Facts this step reads, filled by earlier steps. */
  needs?(def: KindDef): PlanFact[];
  /** Whether the policy has the kind planned at all (tenant variables under `tenants.variables: skip` are not). */
  planned?(ctx: PlanContext): boolean;
  /**
   * Operation ids an item's write waits for, besides its parent and what it refers to (planner.ts
   * `dependencies`). `scopeTargets`: per project, the operations writing what its variables are scoped to.
   */
  dependsOn?(def: KindDef, keyPath: string[], desired: Json | undefined, ctx: PlanContext, scopeTargets: Map<string, string[]>): string[];
}

export const MODULE_STEPS: Record<SpecialModule, ModuleStep> = {
  process: {
    plan: (def, keyPath, content, dest, ctx) => planProcess(def.kind as 'deploymentProcess' | 'runbookProcess', keyPath, content, dest, ctx),
    // Every process adds its actions (Action scope values); the deployment process also the step names that
    // channel rules and package settings may name. Usages record their step template's planned result.
    provides: (def) => (holdsDeploymentActions(def.kind) ? ['desiredActions', 'deploymentActions'] : ['desiredActions']),
    needs: () => ['templateResults'],
  },
  variables: {
    plan: (def, keyPath, content, dest, ctx) => {
      // A script module's set holds its code (body and language), not values: `variables.overwrite` and the
      // value-matching rules do not apply; the set becomes the source's, as every must-match kind does.
      if (def.syncClass === 'match-exactly') return { desired: content, decisions: [], cleanup: [] };
      const plan = (c: Json, d: Json | undefined) => planVariables(def.kind, keyPath, c, d, ctx);
      const project = keyPath[0];
      return ownedByProject(def) && variablesInGit(project, ctx) ? planSensitiveOnly(project, content, dest, ctx, plan) : plan(content, dest);
    },
    // A project's values may be scoped to the steps of its processes (the `Action` scope), named by those plans.
    needs: (def) => (ownedByProject(def) ? ['desiredActions'] : []),
    // Values are scoped to the project's channels, steps and runbooks by name: those come first.
    dependsOn: (def, keyPath, _desired, _ctx, scopeTargets) => (ownedByProject(def) ? (scopeTargets.get(keyPath[0]) ?? []) : []),
  },
  tenantVariables: {
    plan: (_def, keyPath, content, dest, ctx) => planTenantVariables(keyPath, content, dest, ctx),
    planned: (ctx) => ctx.policy.tenants.variables !== 'skip',
    // Values are keyed by the tenant's project links (set by the tenant's late-reference operation when the
    // project is new), by its projects' templates and included sets, and by its sets' templates: those writes
    // come first. Ids of operations the plan does not hold are dropped when the plan is assembled.
    dependsOn: (_def, keyPath, desired, ctx) => {
      const tenant = operationId('tenant', keyPath);
      const linked = Object.keys(ctx.sourceItem('tenant', keyPath)?.content.ProjectEnvironments ?? {});
      return [
        tenant,
        lateReferencesId(tenant),
        ...[...linked, ...Object.keys(desired?.ProjectVariables ?? {})].map((p) => operationId('project', [p])),
        ...Object.keys(desired?.LibraryVariables ?? {}).map((s) => operationId('libraryVariableSet', [s])),
      ];
    },
  },
  scopedUserRole: {
    plan: (def, _keyPath, content, dest, ctx) => {
      const r = planScopedUserRole(def, content, dest, ctx);
      return 'skip' in r ? r : { ...r, cleanup: [] };
    },
  },
};

/** The generic step's twist for one kind: its translated content adjusted, or a skip. */
export interface KindHook {
  adjust?(desired: Json, content: Json, dest: Json | undefined, keyPath: string[], ctx: PlanContext, decisions: Decision[]): { desired: Json } | { skip: Reason };
  /** For an `exists-by-name` kind: what of the source is written to an existing item (undefined: nothing). */
  existing?(desired: Json, dest: Json, ctx: PlanContext): Json | undefined;
  /** The reason an update of the kind gives. */
  updateReason?: Reason;
  /** Facts the kind's planned items fill, through `recordResult`. */
  provides?: PlanFact[];
  /** Called with each item's fingerprint once applied (planned, or as the destination has it). */
  recordResult?(keyPath: string[], result: string, ctx: PlanContext): void;
  /** What refers to an item of the kind waits for its update too, not only its creation (a usage records its template's version). */
  usersWaitForUpdate?: boolean;
}

export const KIND_HOOKS: Partial<Record<KindName, KindHook>> = {
  tenant: {
    adjust: (desired, content, dest, _keyPath, _ctx, decisions) => {
      const r = planTenant(desired, content, dest);
      if ('skip' in r) return { skip: { code: 'tenant-links-lost', text: r.skip } };
      decisions.push(...r.decisions);
      return { desired: r.desired };
    },
  },
  project: { adjust: (desired, _content, dest, keyPath, ctx, decisions) => ({ desired: keepGitSettings(desired, dest, keyPath[0], ctx, decisions) }) },
  channel: { adjust: (desired, _content, dest, keyPath, ctx, decisions) => ({ desired: keepGitRules(desired, dest, keyPath[0], ctx, decisions) }) },
  lifecycle: {
    adjust: (desired, content, dest, _keyPath, _ctx, decisions) => {
      const out = withoutEmptyPhases(desired, decisions);
      // No phases at all would mean "every environment" on the destination: not what the source meant.
      if (!dest && (content.Phases as unknown[] | undefined)?.length && out.Phases.length === 0) {
        return { skip: { code: 'lifecycle-phases-lost', text: 'none of its phases has an environment on the destination' } };
      }
      return { desired: out };
    },
    existing: (desired, dest, ctx) => (ctx.policy.lifecycles.syncPhases ? { ...dest, Phases: desired.Phases } : undefined),
    updateReason: { code: 'lifecycle-phases-differ', text: 'phases differ (lifecycles.syncPhases is on)' },
  },
  certificate: {
    adjust: (desired, _content, dest) =>
      dest
        ? { desired }
        : { skip: { code: 'certificate-unreadable', text: 'not on the destination, and certificate data cannot be read from the source: import the certificate there by hand' } },
  },
  stepTemplate: { provides: ['templateResults'], recordResult: (keyPath, result, ctx) => ctx.fill('templateResults').set(keyPath[0], result), usersWaitForUpdate: true },
};

function withoutEmptyPhases(desired: Json, decisions: Decision[]): Json {
  if (!Array.isArray(desired.Phases)) return desired;
  const phases = desired.Phases.filter((p: Json) => {
    const empty = (p.AutomaticDeploymentTargets ?? []).length + (p.OptionalDeploymentTargets ?? []).length === 0;
    if (empty) decisions.push({ subject: `phase '${p.Name}'`, action: 'skip', reason: 'none of its environments is on the destination', reasonCode: 'phase-environments-lost' });
    return !empty;
  });
  return { ...desired, Phases: phases };
}

/** The facts a kind's planning step provides and needs, from the tables above. */
export function factsOf(def: KindDef): { provides: PlanFact[]; needs: PlanFact[] } {
  const step = def.module ? MODULE_STEPS[def.module] : undefined;
  return {
    provides: [...(step?.provides?.(def) ?? []), ...(KIND_HOOKS[def.kind]?.provides ?? [])],
    needs: step?.needs?.(def) ?? [],
  };
}

/**
 * The kinds in planning order (the registry's), checked against the steps' declarations: every kind that
 * needs a fact comes after every kind that provides it. Throws, naming both, where the order would break that
 * (a kind moved in the registry, or a new dependency declared). Returns, per kind position, the facts that are
 * settled once that kind is planned.
 */
export function planningOrder(kinds: readonly KindDef[]): Map<number, PlanFact[]> {
  const facts = kinds.map(factsOf);
  const lastProvider = new Map<PlanFact, number>();
  facts.forEach((f, i) => f.provides.forEach((fact) => lastProvider.set(fact, i)));
  const broken: string[] = [];
  facts.forEach((f, i) => {
    for (const fact of f.needs) {
      const late = facts.map((g, j) => (j >= i && g.provides.includes(fact) ? kinds[j].kind : undefined)).filter((k) => k !== undefined);
      if (late.length) broken.push(`${kinds[i].kind} needs '${fact}', which ${late.join(', ')} ${late.length === 1 ? 'provides' : 'provide'} only after it`);
    }
  });
  if (broken.length) throw new Error(`planning order: ${broken.join('; ')}`);
  const settled = new Map<number, PlanFact[]>();
  for (const [fact, i] of lastProvider) settled.set(i, [...(settled.get(i) ?? []), fact]);
  return settled;
}
