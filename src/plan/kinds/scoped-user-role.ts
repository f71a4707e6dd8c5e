import { kindDef, type KindName } from '../../registry/kinds.js';
import type { KindDef } from '../../registry/types.js';
import type { PlanContext } from '../context.js';
import type { Decision } from '../../plan-format/types.js';
import type { Reason } from '../../plan-format/reasons.js';
import { translateContent } from '../translate.js';
import { itemsOf } from '../../snapshot/tree.js';

type Json = Record<string, any>;

export type ScopedUserRolePlan = { skip: Reason } | { desired: Json; decisions: Decision[] };

/**
 * A team's scoped user role in destination terms (the guide's "Team User Role Scoping"): projects, project
 * groups, environments (through the environment map) and tenants by name; those the destination will not have
 * are dropped from the restriction, each with its reason ("It won't hurt anything as that Tenant doesn't exist").
 * The role itself is needed: one whose user role will not exist is skipped. A restriction that loses every
 * value is not written: an empty list means "unrestricted" (API-FACTS §3.20), so dropping the last tenant would
 * grant the role for every tenant — a widening the source never had. Such a role is skipped, saying why.
 * Values only the destination knows (a tenant the source has no item of) stay in the destination's restriction,
 * as a tenant's destination-only project links do: the source says nothing about them.
 */
export function planScopedUserRole(def: KindDef, content: Json, dest: Json | undefined, ctx: PlanContext): ScopedUserRolePlan {
  const t = translateContent(def, content, ctx, undefined);
  if (t.missing.length) return { skip: { code: 'needs-missing-item', text: `needs what the destination will not have: ${t.missing.join('; ')}` } };
  for (const ref of def.refs) {
    if (!ref.path.endsWith('[]')) continue;
    const member = ref.path.slice(0, -2);
    const before: string[] = content[member] ?? [];
    if (before.length > 0 && (t.content[member] ?? []).length === 0) {
      const label = kindDef(ref.to as KindName).label.toLowerCase();
      return {
        skip: {
          code: 'restriction-would-widen',
          text: `restricted on the source to ${before.map((n) => `${label} '${n}'`).join(', ')}, none of which will be on the destination: an empty ${member} would grant the role for every ${label}, so it is not written`,
        },
      };
    }
  }
  const desired = t.content;
  for (const ref of def.refs) {
    const member = ref.path.slice(0, -2);
    if (!ref.path.endsWith('[]') || !Array.isArray(dest?.[member])) continue;
    const kind = ref.to as KindName;
    const knownToSource = (name: string) =>
      kind === 'environment' ? itemsOf(ctx.source, 'environment').some((e) => ctx.environments.map(e.keyPath[0]) === name) : ctx.sourceItem(kind, [name]) !== undefined;
    const kept: string[] = desired[member] ?? [];
    const destinationOnly = (dest[member] as string[]).filter((v) => !knownToSource(v) && !kept.includes(v));
    if (destinationOnly.length) desired[member] = [...kept, ...destinationOnly];
  }
  return { desired, decisions: t.dropped.map((reason) => ({ subject: 'restriction', action: 'skip' as const, reason, reasonCode: 'reference-dropped' as const })) };
}
