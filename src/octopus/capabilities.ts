import { AuthenticationError, ServerError } from '../errors.js';
import type { OctopusClient } from './client.js';
import { boolean, decode, decodeItems, list, object, objectList, optional, shapeError, string, stringList, type Decoded } from './decode.js';
import type { KindName } from '../registry/kinds.js';

/**
 * What a server offers and what an API key may do there, read without writing anything.
 *
 * Tenant variables come in two generations: v1 (`/tenants/{id}/variables`, one value per template, project values
 * per environment) and v2 (`/tenants/{id}/commonvariables` and `/projectvariables`, values scoped to several
 * environments, common values too). A server speaks v2 when `CommonVariableScopingFeatureToggle` is on; then the v1
 * update endpoint is not accessible (OctopusDeploy/cli PR #489). Clients ask `GET /api/configuration/feature-toggles`
 * by name and check the name they get back, since older servers ignore `Name` (cli
 * `pkg/util/featuretoggle/feature_toggles.go`); a server that cannot answer is too old for v2 (terraform-provider
 * `resource_tenant_common_variable.go`, `supportsV2`).
 */
export type TenantVariablesApi = 'v1' | 'v2';

export const COMMON_VARIABLE_SCOPING = 'CommonVariableScopingFeatureToggle';

export interface FeatureToggle {
  Name: string;
  IsEnabled: boolean;
}

/** Every feature toggle the server lists (an empty list when it has no such endpoint). */
export async function readFeatureToggles(client: OctopusClient): Promise<FeatureToggle[]> {
  try {
    return featureToggles(await client.get('/api/configuration/feature-toggles', 'feature toggles'), 'GET /api/configuration/feature-toggles');
  } catch (err) {
    if (err instanceof ServerError && err.status === 404) return [];
    throw err;
  }
}

const TOGGLES = { FeatureToggles: optional(objectList) };
const TOGGLE = { Name: string, IsEnabled: boolean };

/** The toggles of a `feature-toggles` answer, each with a name and a state. */
function featureToggles(answer: unknown, source: string): FeatureToggle[] {
  const toggles = decode(answer, TOGGLES, { source }).FeatureToggles ?? [];
  return decodeItems(toggles, TOGGLE, `${source} FeatureToggles`).map((t) => ({ Name: t.Name, IsEnabled: t.IsEnabled }));
}

export function tenantVariablesApiOf(toggles: FeatureToggle[]): TenantVariablesApi {
  return toggles.some((t) => t.Name === COMMON_VARIABLE_SCOPING && t.IsEnabled === true) ? 'v2' : 'v1';
}

/** Which tenant-variable endpoints the server speaks (one request). */
export async function detectTenantVariablesApi(client: OctopusClient): Promise<TenantVariablesApi> {
  const path = `/api/configuration/feature-toggles?Name=${COMMON_VARIABLE_SCOPING}`;
  let answer: unknown;
  try {
    answer = await client.get(path, 'feature toggles');
  } catch (err) {
    // No such endpoint (or not for this key): a server too old for v2. Any other failure is reported.
    if ((err instanceof ServerError && err.status === 404) || err instanceof AuthenticationError) return 'v1';
    throw err;
  }
  return tenantVariablesApiOf(featureToggles(answer, `GET ${path}`));
}

/** Space permissions of the key's user in one space, from `GET /api/users/{id}/permissions`. */
export interface KeyPermissions {
  user: string;
  /** Permissions granted in the space without restriction. */
  granted: Set<string>;
  /** Permissions granted only for some environments, projects, project groups or tenants. */
  restricted: Set<string>;
}

/**
 * The key's permissions in a space, or undefined when the server does not say (no `CurrentUser` link, or the
 * permissions document cannot be read): callers then go by what their reads meet.
 */
export async function readKeyPermissions(client: OctopusClient, spaceId: string): Promise<KeyPermissions | undefined> {
  const document = await readPermissionDocument(client);
  return document && keyPermissionsIn(document, spaceId);
}

/** The key's user and its permission document, as the server gave them (undefined when it does not say). */
export interface PermissionDocument {
  me: Decoded<typeof USER>;
  doc: Decoded<typeof PERMISSIONS>;
  path: string;
}

/**
 * `GET /api/users/me`, then its permissions: needs no space, so that a connection reads it while it looks the space
 * up (`keyPermissionsIn` then reads it for that space).
 */
export async function readPermissionDocument(client: OctopusClient): Promise<PermissionDocument | undefined> {
  try {
    const me = decode(await client.get('/api/users/me', "the API key's user"), USER, { source: 'GET /api/users/me' });
    const links = me.Links ? decode(me.Links, USER_LINKS, { source: 'GET /api/users/me' }, 'Links') : undefined;
    const link = links?.Permissions ?? (me.Id ? `/api/users/${me.Id}/permissions` : '');
    if (!link) return undefined;
    const path = link.replace(/\{.*\}$/, '');
    const doc = decode(await client.get(path, "the API key's permissions"), PERMISSIONS, { source: `GET ${path}` });
    return { me, doc, path };
  } catch (err) {
    if (err instanceof ServerError && err.status === 404) return undefined;
    throw err;
  }
}

/** What a permission document grants in one space, with and without restrictions. */
export function keyPermissionsIn({ me, doc, path }: PermissionDocument, spaceId: string): KeyPermissions {
  const granted = new Set<string>();
  const restricted = new Set<string>();
  for (const [permission, entries] of Object.entries(doc.SpacePermissions ?? {})) {
    if (!Array.isArray(entries)) throw shapeError({ source: `GET ${path}` }, doc, `SpacePermissions.${permission}`, 'is not a list');
    for (const r of decodeItems(entries, RESTRICTION, `GET ${path} SpacePermissions.${permission}`)) {
      if (r.SpaceId && r.SpaceId !== spaceId) continue;
      const limited = RESTRICTIONS.some((k) => (r[k] ?? []).length > 0);
      if (limited) restricted.add(permission);
      else granted.add(permission);
    }
  }
  // Teams and user roles are also system-level: a permission granted there counts (SW21 `SystemPermissions`).
  for (const p of doc.SystemPermissions ?? []) if (['TeamView', 'UserRoleView'].includes(p)) granted.add(p);
  for (const p of granted) restricted.delete(p);
  return { user: me.Username ?? me.DisplayName ?? me.Id ?? "the API key's user", granted, restricted };
}

/** `GET /api/users/me`: who the key belongs to, and where its permissions are. */
const USER = { Id: optional(string), Username: optional(string), DisplayName: optional(string), Links: optional(object) };
const USER_LINKS = { Permissions: optional(string) };

/** `UserPermissionSetResource`: permission name → the restrictions it is granted with, and system permissions. */
const PERMISSIONS = { SpacePermissions: optional(object), SystemPermissions: optional(stringList) };
const RESTRICTIONS = ['RestrictedToEnvironmentIds', 'RestrictedToProjectIds', 'RestrictedToProjectGroupIds', 'RestrictedToTenantIds'] as const;
/** One grant of a permission (`UserPermissionRestriction`): in which space, limited to which ids. */
const RESTRICTION = {
  SpaceId: optional(string),
  RestrictedToEnvironmentIds: optional(list),
  RestrictedToProjectIds: optional(list),
  RestrictedToProjectGroupIds: optional(list),
  RestrictedToTenantIds: optional(list),
};

/**
 * What each end of a sync needs (permission names of the Octopus `Permission` enum). The source is only read;
 * the destination is read, then written. Environments are created only when the policy says so.
 */
export const SOURCE_PERMISSIONS = [
  'ProjectView', 'ProcessView', 'VariableView', 'VariableViewUnscoped', 'EnvironmentView', 'LibraryVariableSetView', 'ProjectGroupView',
  'LifecycleView', 'TenantView', 'FeedView', 'AccountView', 'CertificateView', 'ActionTemplateView', 'MachinePolicyView', 'WorkerView',
  'MachineView', 'TeamView', 'UserRoleView', 'RunbookView',
];
export const DESTINATION_PERMISSIONS = [
  ...SOURCE_PERMISSIONS,
  'ProjectCreate', 'ProjectEdit', 'ProcessEdit', 'VariableEdit', 'VariableEditUnscoped', 'LibraryVariableSetCreate', 'LibraryVariableSetEdit',
  'ProjectGroupCreate', 'LifecycleCreate', 'LifecycleEdit', 'TenantCreate', 'TenantEdit', 'TagSetCreate', 'TagSetEdit', 'FeedEdit',
  'AccountCreate', 'CertificateCreate', 'ActionTemplateCreate', 'ActionTemplateEdit', 'MachinePolicyCreate', 'TeamCreate', 'TeamEdit', 'UserRoleEdit',
  'RunbookEdit', 'WorkerEdit',
];

/** What a snapshot reads that a permission guards, and what happens without it. */
export const SNAPSHOT_NEEDS: { permission: string; kinds: KindName[]; without: 'fail' | 'leave-out'; why: string }[] = [
  { permission: 'VariableViewUnscoped', kinds: [], without: 'fail', why: 'variables without an environment scope would be missing from the snapshot, and a plan would take them for absent' },
  { permission: 'TeamView', kinds: ['team', 'scopedUserRole'], without: 'leave-out', why: 'teams were not read, nor their scoped user roles' },
  { permission: 'UserRoleView', kinds: ['userRole'], without: 'leave-out', why: 'user roles were not read' },
];
