import { AuthenticationError } from '../errors.js';
import { keyPermissionsIn, SNAPSHOT_NEEDS, type PermissionDocument } from '../octopus/capabilities.js';
import { kindDef, pluralLabel } from '../registry/kinds.js';
import type { SpaceRef } from './connect.js';
import type { KindName } from '../registry/kinds.js';

export interface ReadPermissions {
  /** Kinds the key may not read: left out of the snapshot, and named in it. */
  leaveOut: Set<KindName>;
  warnings: string[];
}

/**
 * Checks the key's permissions (its permission document, `readPermissionDocument`) before a space is read. Without `VariableViewUnscoped` the server hides variables
 * that have no environment scope, which would look like values the source lacks: the read stops with one line
 * naming the permission. Without `TeamView` or `UserRoleView`, teams or user roles are left out with a warning,
 * and the snapshot says so (`notRead`) so a plan never takes them for absent. `strict` (apply) refuses both.
 */
export function checkReadPermissions(document: PermissionDocument | undefined, space: SpaceRef, strict = false): ReadPermissions {
  const out: ReadPermissions = { leaveOut: new Set(), warnings: [] };
  const perms = document && keyPermissionsIn(document, space.id);
  if (!perms) {
    out.warnings.push("the server did not say what the API key may do (no permissions document): a read it may not do fails when it is made");
    return out;
  }
  for (const need of SNAPSHOT_NEEDS) {
    if (perms.granted.has(need.permission)) continue;
    const partly = perms.restricted.has(need.permission) ? ' (it has it only for some environments, projects or tenants)' : '';
    if (need.without === 'fail' || strict) {
      throw new AuthenticationError(
        `the API key's user '${perms.user}' lacks the ${need.permission} permission in space '${space.name}'${partly}: ${need.why}; grant it and try again`,
      );
    }
    for (const kind of need.kinds) out.leaveOut.add(kind);
    const labels = need.kinds.map((k) => pluralLabel(kindDef(k))).join(' and ');
    out.warnings.push(`the API key's user '${perms.user}' lacks the ${need.permission} permission in space '${space.name}'${partly}: ${labels} were not read and are not in this snapshot`);
  }
  return out;
}
