import type { SimRoute } from './routes.js';
import { ApiError, type Doc, type SimContext } from './types.js';

/**
 * What an API key's user may do. Permission names are the `Permission` enum of the 2021.2 Swagger document
 * (`UserPermissionSetResource.SpacePermissions`); the simulator models three kinds of key:
 * - full: every permission;
 * - read-only: every `…View` permission and `VariableViewUnscoped` (writes get 403, server.ts);
 * - limited: read-only without some permissions, e.g. `VariableViewUnscoped`, `TeamView`, `UserRoleView`.
 *
 * Effects modelled (the rest of the permission system is not):
 * - without `TeamView`, reading teams (and scoped user roles) is refused; without `UserRoleView`, reading user roles.
 *   The 403 names the permission as the real server does: "You do not have permission to perform this action.
 *   Please contact your Octopus administrator. Missing permission: AdministerSystem" (OctopusDeploy/Issues #7311,
 *   #6787, #4359).
 * - without `VariableViewUnscoped`, variables without an environment scope are left out of the variable sets the
 *   key reads (the permission's meaning, "view non-environment-scoped variables"; that the server filters rather
 *   than refuses is inference, unverified).
 * - `GET /api/users/{id}/permissions` ("Gets summarized permission information. Available for the current
 *   authenticated user only", Swagger `getUserGetPermissions`) answers the key's permissions per space.
 */
export const SPACE_PERMISSIONS = [
  'AdministerSystem', 'ProjectEdit', 'ProjectView', 'ProjectCreate', 'ProjectDelete', 'ProcessView', 'ProcessEdit', 'VariableEdit',
  'VariableEditUnscoped', 'VariableView', 'VariableViewUnscoped', 'ReleaseCreate', 'ReleaseView', 'ReleaseEdit', 'ReleaseDelete',
  'DefectReport', 'DefectResolve', 'DeploymentCreate', 'DeploymentDelete', 'DeploymentView', 'EnvironmentView', 'EnvironmentCreate',
  'EnvironmentEdit', 'EnvironmentDelete', 'MachineCreate', 'MachineEdit', 'MachineView', 'MachineDelete', 'ArtifactView', 'ArtifactCreate',
  'ArtifactEdit', 'ArtifactDelete', 'FeedView', 'EventView', 'LibraryVariableSetView', 'LibraryVariableSetCreate', 'LibraryVariableSetEdit',
  'LibraryVariableSetDelete', 'ProjectGroupView', 'ProjectGroupCreate', 'ProjectGroupEdit', 'ProjectGroupDelete', 'TeamCreate', 'TeamView',
  'TeamEdit', 'TeamDelete', 'UserView', 'UserInvite', 'UserRoleView', 'UserRoleEdit', 'TaskView', 'TaskCreate', 'TaskCancel', 'TaskEdit',
  'InterruptionView', 'InterruptionSubmit', 'InterruptionViewSubmitResponsible', 'BuiltInFeedPush', 'BuiltInFeedAdminister',
  'BuiltInFeedDownload', 'ActionTemplateView', 'ActionTemplateCreate', 'ActionTemplateEdit', 'ActionTemplateDelete', 'LifecycleCreate',
  'LifecycleView', 'LifecycleEdit', 'LifecycleDelete', 'AccountView', 'AccountEdit', 'AccountCreate', 'AccountDelete', 'TenantCreate',
  'TenantEdit', 'TenantView', 'TenantDelete', 'TagSetCreate', 'TagSetEdit', 'TagSetDelete', 'MachinePolicyCreate', 'MachinePolicyView',
  'MachinePolicyEdit', 'MachinePolicyDelete', 'ProxyCreate', 'ProxyView', 'ProxyEdit', 'ProxyDelete', 'SubscriptionCreate',
  'SubscriptionView', 'SubscriptionEdit', 'SubscriptionDelete', 'TriggerCreate', 'TriggerView', 'TriggerEdit', 'TriggerDelete',
  'CertificateView', 'CertificateCreate', 'CertificateEdit', 'CertificateDelete', 'CertificateExportPrivateKey', 'UserEdit',
  'ConfigureServer', 'FeedEdit', 'WorkerView', 'WorkerEdit', 'SpaceEdit', 'SpaceView', 'SpaceDelete', 'SpaceCreate',
  'BuildInformationPush', 'BuildInformationAdminister', 'RunbookView', 'RunbookEdit', 'RunbookRunView', 'RunbookRunDelete',
  'RunbookRunCreate',
];

/** What the simulator's `--limited-api-key` lacks: the permissions issue 13 names. */
export const LIMITED_KEY_LACKS = ['VariableViewUnscoped', 'TeamView', 'UserRoleView'] as const;

/** The caller's key, as the routes see it. */
export interface KeyGrant {
  readOnly?: boolean;
  missingPermissions?: string[];
}

/** Permissions a key has. */
export function permissionsOf(grant: KeyGrant | undefined): Set<string> {
  const missing = new Set(grant?.missingPermissions ?? []);
  const readOnly = grant?.readOnly || missing.size > 0;
  return new Set(SPACE_PERMISSIONS.filter((p) => !missing.has(p) && (!readOnly || /View(Unscoped)?$/.test(p))));
}

export function missingPermission(permission: string, help: string): ApiError {
  return new ApiError(403, `You do not have permission to perform this action. Please contact your Octopus administrator. Missing permission: ${permission}`, [help]);
}

/** The permission a read of this path needs beyond the basics, when the simulator models one. */
export function readPermissionFor(pathname: string): { permission: string; help: string } | undefined {
  if (/\/(teams|scopeduserroles)(\/|$)/i.test(pathname)) return { permission: 'TeamView', help: 'This action requires permission to view teams.' };
  if (/\/userroles(\/|$)/i.test(pathname)) return { permission: 'UserRoleView', help: 'This action requires permission to view user roles.' };
  return undefined;
}

/** Leaves out of variable-set documents the variables a key without `VariableViewUnscoped` cannot see. */
export function withoutUnscopedVariables(body: unknown): unknown {
  const strip = (doc: unknown) => {
    if (doc && typeof doc === 'object' && Array.isArray((doc as Doc).Variables) && 'OwnerId' in (doc as Doc)) {
      (doc as Doc).Variables = (doc as Doc).Variables.filter((v: Doc) => (v.Scope?.Environment ?? []).length > 0);
    }
  };
  if (Array.isArray(body)) body.forEach(strip);
  else strip(body);
  return body;
}

/** `GET /api/users/{id}/permissions` for the key's own user (SW21 `UserPermissionSetResource`). */
function presentPermissions(id: string, ctx: SimContext): Doc {
  if (id !== 'Users-1') throw new ApiError(403, 'You do not have permission to perform this action. Please contact your Octopus administrator.', ['Permissions are available for the current user only.']);
  const granted = permissionsOf(ctx.grant);
  const spaces = ctx.store.all('spaces');
  const restriction = (spaceId: string | null) => ({ SpaceId: spaceId, RestrictedToEnvironmentIds: [], RestrictedToProjectIds: [], RestrictedToProjectGroupIds: [], RestrictedToTenantIds: [] });
  const spacePermissions: Doc = {};
  for (const p of [...granted].sort()) spacePermissions[p] = spaces.map((s) => restriction(s.Id));
  return {
    Id: id,
    IsPermissionsComplete: true,
    IsTeamsComplete: true,
    SpacePermissions: spacePermissions,
    SystemPermissions: [...granted].filter((p) => ['AdministerSystem', 'SpaceView', 'TeamView', 'UserRoleView', 'UserView', 'ConfigureServer', 'EventView', 'TaskView'].includes(p)).sort(),
    Teams: [],
    Links: { Self: `/api/users/${id}/permissions` },
  };
}

export const permissionRoutes: SimRoute[] = [
  { method: 'GET', pattern: 'users/:id/permissions', scope: 'system', handle: ({ params, ctx }) => ({ body: presentPermissions(params.id, ctx) }) },
];
