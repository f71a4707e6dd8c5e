import type { PlanContext } from '../context.js';
import { keepReason, overwriteReason, overwrites } from '../three-way.js';
import type { CleanupEntry, Decision } from '../../plan-format/types.js';
import { isSensitiveValue } from '../../util/sensitive.js';

type Json = Record<string, any>;

export interface TenantVariablesPlan {
  desired: Json;
  decisions: Decision[];
  cleanup: Omit<CleanupEntry, 'operation'>[];
}

/**
 * Tenant variable values under `tenants.variables`: `copy` fills values the destination does not have
 * (environments through the map), `placeholder` writes placeholders to fill in; existing values are left
 * alone unless `variables.overwrite: always`, and an existing sensitive value is never touched.
 */
export function planTenantVariables(keyPath: string[], source: Json, dest: Json | undefined, ctx: PlanContext): TenantVariablesPlan {
  const mode = ctx.policy.tenants.variables;
  const decisions: Decision[] = [];
  const cleanup: Omit<CleanupEntry, 'operation'>[] = [];
  const desired: Json = structuredClone(dest ?? { ProjectVariables: {}, LibraryVariables: {} });
  desired.ProjectVariables ??= {};
  desired.LibraryVariables ??= {};
  desired.LibraryVariablesByEnvironment ??= {};

  const put = (target: Json, template: string, value: unknown, where: string, element: string[]) => {
    const sensitive = isSensitiveValue(value);
    const current = target[template];
    if (current !== undefined) {
      if (sensitive || isSensitiveValue(current)) return; // never touch an existing secret
      if (current === value) return;
      if (!overwrites(ctx, 'tenantVariables', keyPath, element)) {
        // Under `placeholder` the source's value is never copied: the destination's own is no held-back difference.
        if (mode === 'copy') decisions.push({ subject: `${where} '${template}'`, action: 'keep', ...keepReason(ctx.policy, 'set differently on the destination: left alone (variables.overwrite: never)') });
        return;
      }
      decisions.push({ subject: `${where} '${template}'`, action: 'update', ...overwriteReason(ctx.policy, 'overwritten (variables.overwrite: always)') });
      target[template] = mode === 'placeholder' ? ctx.policy.variables.placeholder : value;
      return;
    }
    if (sensitive) {
      target[template] = { HasValue: true };
      cleanup.push({ kind: 'tenantVariables', keyPath, field: `${where} '${template}'`, instruction: 'sensitive value written as a placeholder: set the real value' });
    } else if (mode === 'placeholder') {
      target[template] = ctx.policy.variables.placeholder;
      cleanup.push({ kind: 'tenantVariables', keyPath, field: `${where} '${template}'`, instruction: 'value written as a placeholder: fill in the value for this tenant' });
    } else {
      target[template] = value;
    }
    decisions.push({ subject: `${where} '${template}'`, action: 'create', ...(mode === 'copy' ? { reason: 'not set on the destination: copied', reasonCode: 'value-copied' as const } : { reason: 'not set on the destination: placeholder', reasonCode: 'value-placeholder' as const }) });
  };

  for (const [project, byEnv] of Object.entries<Json>(source.ProjectVariables ?? {})) {
    if (!ctx.willExist('project', [project])) continue;
    for (const [env, values] of Object.entries<Json>(byEnv)) {
      const mapped = ctx.environments.map(env);
      if (!mapped) {
        decisions.push({ subject: `project '${project}' values for ${env}`, action: 'skip', reason: ctx.environments.whyDropped(env), reasonCode: 'environment-dropped' });
        continue;
      }
      const target = ((desired.ProjectVariables[project] ??= {})[mapped] ??= {});
      for (const [template, value] of Object.entries(values)) put(target, template, value, `project '${project}' (${mapped})`, ['ProjectVariables', project]);
    }
  }
  for (const [set, values] of Object.entries<Json>(source.LibraryVariables ?? {})) {
    if (!ctx.willExist('libraryVariableSet', [set])) continue;
    const target = (desired.LibraryVariables[set] ??= {});
    for (const [template, value] of Object.entries(values)) put(target, template, value, `library set '${set}'`, ['LibraryVariables', set]);
  }
  // Common values scoped to environments (2025.2+): only a destination that speaks the v2 endpoints holds them.
  const scopedCommon = ctx.destination.server.tenantVariablesApi === 'v2';
  for (const [set, byEnv] of Object.entries<Json>(source.LibraryVariablesByEnvironment ?? {})) {
    if (!ctx.willExist('libraryVariableSet', [set])) continue;
    for (const [env, values] of Object.entries<Json>(byEnv)) {
      const subject = `library set '${set}' values for ${env}`;
      if (!scopedCommon) {
        const why = `the destination (Octopus ${ctx.destination.server.version}) has no environment-scoped common tenant variables (CommonVariableScopingFeatureToggle is off)`;
        decisions.push({ subject, action: 'skip', reason: why, reasonCode: 'scoped-common-unsupported' });
        continue;
      }
      const mapped = ctx.environments.map(env);
      if (!mapped) {
        decisions.push({ subject, action: 'skip', reason: ctx.environments.whyDropped(env), reasonCode: 'environment-dropped' });
        continue;
      }
      const target = ((desired.LibraryVariablesByEnvironment[set] ??= {})[mapped] ??= {});
      for (const [template, value] of Object.entries(values)) put(target, template, value, `library set '${set}' (${mapped})`, ['LibraryVariablesByEnvironment', set]);
    }
  }
  prune(desired.ProjectVariables);
  prune(desired.LibraryVariables);
  prune(desired.LibraryVariablesByEnvironment);
  // The snapshot leaves the scoped map out when it is empty: so does the desired content.
  if (Object.keys(desired.LibraryVariablesByEnvironment).length === 0) delete desired.LibraryVariablesByEnvironment;
  return { desired, decisions, cleanup };
}

/** Removes empty maps, as the snapshot leaves them out. */
function prune(obj: Json): void {
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === 'object' && !isSensitiveValue(v)) {
      prune(v);
      if (Object.keys(v).length === 0) delete obj[k];
    }
  }
}
