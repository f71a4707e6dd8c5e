import { filterDocs, pageOf, sortDocs } from '../collections.js';
import { assertVerb, createDoc, deleteDoc, modifyDoc, presentDoc } from '../crud.js';
import type { Method, RouteRequest, RouteResult, SimRoute } from '../routes.js';
import { badRequest, notFound, type Doc, type KindSpec, type SimContext } from '../types.js';
import { atLeast } from '../../util/version.js';
import { guardedDelete, insertBuiltIn, uniqueStrings } from './infra-common.js';

/**
 * Teams, scoped user roles and user roles (API-FACTS §3.20, §3.21).
 *
 * Teams and scoped user roles are mixed-scope (MC `teamResource.ts` `MixedSpaceResource`): a system document has
 * `SpaceId: null`, a space document its space. Both families of routes serve them: `/api/teams` (system: every
 * team, narrowed by `spaces` and `includeSystem`, the query parameters clients send — CS `MixedScopeBaseRepository`)
 * and `/api/{spaceId}/teams` (that space's teams). The kinds are declared with space scope, so the generic code
 * stamps `SpaceId` from the request's space, and `mixedScopeRoutes` below serves both families, running the
 * generic create/modify/delete with the space of the document (or, for a POST to `/api/teams`, the body's `SpaceId`).
 */

/** Presented `SpaceId` is null for system documents (§3.20). */
function withNullSpace(doc: Doc): Doc {
  return { ...doc, SpaceId: doc.SpaceId ?? null };
}

function ctxFor(ctx: SimContext, spaceId: string | null | undefined): SimContext {
  return { ...ctx, spaceId: spaceId ?? undefined };
}

/**
 * The documents a list or `/all` request sees. System route: every document; `spaces` keeps those spaces' plus
 * system ones; `includeSystem=false` drops system ones. Space route: that space's documents, plus system ones when
 * `includeSystem=true` (server defaults unverified; clients always send both parameters).
 */
function visible(kind: KindSpec, req: RouteRequest, spaceId: string | undefined): Doc[] {
  const includeSystem = req.query.get('includeSystem');
  const spaces = req.query.get('spaces');
  return req.ctx.store.all(kind.collection).filter((d) => {
    const system = !d.SpaceId;
    if (spaceId !== undefined) return system ? includeSystem === 'true' : d.SpaceId === spaceId;
    if (system) return includeSystem !== 'false';
    return !spaces || spaces.split(',').includes(d.SpaceId);
  });
}

/** The document `id` as seen from a route: system routes see all, space routes their space's and system ones. */
function findVisible(kind: KindSpec, id: string, ctx: SimContext, spaceId: string | undefined): Doc {
  const doc = ctx.store.get(kind.collection, id, spaceId);
  if (!doc || (spaceId !== undefined && doc.SpaceId && doc.SpaceId !== spaceId)) throw notFound(`The resource '${id}' was not found.`);
  return doc;
}

/** CRUD routes for a mixed-scope kind, in both route families. */
function mixedScopeRoutes(kind: KindSpec, refuseDelete: (doc: Doc) => string | undefined): SimRoute[] {
  const routes: SimRoute[] = [];
  for (const scope of ['system', 'space'] as const) {
    const routeSpace = (req: RouteRequest) => (scope === 'space' ? req.ctx.spaceId : undefined);
    const present = (req: RouteRequest, doc: Doc) => withNullSpace(presentDoc(kind, doc, ctxFor(req.ctx, doc.SpaceId)));
    const add = (method: Method, pattern: string, handle: (req: RouteRequest) => RouteResult) => routes.push({ method, pattern, scope, handle });
    const c = kind.collection;
    add('GET', `${c}/all`, (req) => ({
      body: sortDocs(kind, filterDocs(kind, visible(kind, req, routeSpace(req)), req.query)).map((d) => present(req, d)),
    }));
    add('GET', c, (req) => {
      const docs = sortDocs(kind, filterDocs(kind, visible(kind, req, routeSpace(req)), req.query));
      const page = pageOf(kind, docs, req.query, req.path, req.ctx, !atLeast(req.ctx.version, '2020.1'));
      return { body: { ...page, Items: page.Items.map((d: Doc) => withNullSpace(d)) } };
    });
    add('GET', `${c}/:id`, (req) => ({ body: present(req, findVisible(kind, req.params.id, req.ctx, routeSpace(req))) }));
    add('POST', c, (req) => {
      assertVerb(kind, 'create');
      let spaceId = routeSpace(req);
      const bodySpace = (req.body as Doc | undefined)?.SpaceId;
      if (scope === 'system' && typeof bodySpace === 'string' && bodySpace !== '') {
        if (!req.ctx.store.get('spaces', bodySpace)) throw badRequest(`SpaceId refers to '${bodySpace}', which does not exist.`);
        spaceId = bodySpace;
      }
      return { status: 201, body: present(req, createDoc(kind, req.body, ctxFor(req.ctx, spaceId))) };
    });
    add('PUT', `${c}/:id`, (req) => {
      assertVerb(kind, 'modify');
      const doc = findVisible(kind, req.params.id, req.ctx, routeSpace(req));
      return { body: present(req, modifyDoc(kind, doc.Id, req.body, ctxFor(req.ctx, doc.SpaceId))) };
    });
    add('DELETE', `${c}/:id`, (req) => {
      assertVerb(kind, 'delete');
      const doc = findVisible(kind, req.params.id, req.ctx, routeSpace(req));
      const reason = refuseDelete(doc);
      if (reason) throw badRequest(reason);
      deleteDoc(kind, doc.Id, ctxFor(req.ctx, doc.SpaceId));
      return { status: 200 };
    });
  }
  return routes;
}

/** Teams (§3.20). `MemberUserIds` are not checked: the simulator has no users collection. */
export const teams: KindSpec = {
  collection: 'teams',
  itemType: 'Team',
  idPrefix: 'Teams',
  scope: 'space',
  required: ['Name'],
  readOnly: ['CanBeDeleted', 'CanBeRenamed', 'CanChangeRoles', 'CanChangeMembers'],
  slug: true,
  defaults: () => ({
    Name: null,
    Slug: null,
    Description: null,
    MemberUserIds: [],
    ExternalSecurityGroups: [],
    CanBeDeleted: true,
    CanBeRenamed: true,
    CanChangeRoles: true,
    CanChangeMembers: true,
  }),
  onWrite(doc: Doc, prev: Doc | undefined) {
    doc.MemberUserIds = uniqueStrings(doc.MemberUserIds, 'MemberUserIds');
    if (doc.ExternalSecurityGroups === null) doc.ExternalSecurityGroups = [];
    if (!Array.isArray(doc.ExternalSecurityGroups)) throw badRequest('ExternalSecurityGroups must be an array.');
    if (prev && prev.CanBeRenamed === false && doc.Name !== prev.Name) throw badRequest(`The team '${prev.Name}' cannot be renamed.`);
    if (prev && prev.CanChangeMembers === false) doc.MemberUserIds = prev.MemberUserIds;
  },
  afterDelete(doc: Doc, ctx: SimContext) {
    for (const r of ctx.store.all('scopeduserroles')) if (r.TeamId === doc.Id) ctx.store.remove('scopeduserroles', r.Id);
  },
  // Self is `/api/teams/{id}` for space teams too (§3.20 example).
  links: (doc) => ({
    Self: `/api/teams/${doc.Id}`,
    ScopedUserRoles: `/api/teams/${doc.Id}/scopeduserroles{?skip,take}`,
    Web: doc.SpaceId ? `/app#/${doc.SpaceId}/configuration/teams/${doc.Id}` : `/app#/configuration/teams/${doc.Id}`,
  }),
};

/** Scoped user roles (§3.20): a user role granted to a team, optionally restricted. */
export const scopedUserRoles: KindSpec = {
  collection: 'scopeduserroles',
  itemType: 'ScopedUserRole',
  idPrefix: 'ScopedUserRoles',
  scope: 'space',
  uniqueName: false,
  required: ['TeamId', 'UserRoleId'],
  sortBy: 'Id',
  refs: [
    { path: 'TeamId', to: 'teams' },
    { path: 'UserRoleId', to: 'userroles' },
    { path: 'ProjectIds[]', to: 'projects' },
    { path: 'ProjectGroupIds[]', to: 'projectgroups' },
    { path: 'EnvironmentIds[]', to: 'environments' },
    { path: 'TenantIds[]', to: 'tenants' },
  ],
  defaults: () => ({ TeamId: null, UserRoleId: null, ProjectIds: [], ProjectGroupIds: [], EnvironmentIds: [], TenantIds: [] }),
  onWrite(doc: Doc, _prev: Doc | undefined, ctx: SimContext) {
    for (const f of ['ProjectIds', 'ProjectGroupIds', 'EnvironmentIds', 'TenantIds']) doc[f] = uniqueStrings(doc[f], f);
    // A grant in a space needs a role with space permissions: the server answers "You cannot use a role without
    // any Space level permissions at the Space level." (terraform-provider-octopusdeploy issue #330, from
    // POST /api/scopeduserroles); system roles are granted with an empty SpaceId instead.
    const role = ctx.store.get('userroles', doc.UserRoleId);
    if (ctx.spaceId && role && (role.GrantedSpacePermissions ?? []).length === 0) {
      throw badRequest('You cannot use a role without any Space level permissions at the Space level.');
    }
  },
  links: (doc) => ({ Self: `/api/scopeduserroles/${doc.Id}` }),
};

/** User roles (§3.21): system scope; built-in roles have `CanBeDeleted: false`. */
export const userRoles: KindSpec = {
  collection: 'userroles',
  itemType: 'UserRole',
  idPrefix: 'UserRoles',
  scope: 'system',
  required: ['Name'],
  readOnly: ['SupportedRestrictions', 'SpacePermissionDescriptions', 'SystemPermissionDescriptions', 'CanBeDeleted'],
  defaults: () => ({
    Name: null,
    Description: null,
    SupportedRestrictions: [],
    SpacePermissionDescriptions: [],
    SystemPermissionDescriptions: [],
    GrantedSpacePermissions: [],
    GrantedSystemPermissions: [],
    CanBeDeleted: true,
  }),
  onWrite(doc: Doc, prev: Doc | undefined) {
    doc.GrantedSpacePermissions = uniqueStrings(doc.GrantedSpacePermissions, 'GrantedSpacePermissions');
    doc.GrantedSystemPermissions = uniqueStrings(doc.GrantedSystemPermissions, 'GrantedSystemPermissions');
    // Space permissions are restrictable to these scopes (§3.21 example); computed by the server.
    if (!prev || prev.CanBeDeleted !== false) {
      doc.SupportedRestrictions = doc.GrantedSpacePermissions.length ? ['Projects', 'Environments', 'ProjectGroups', 'Tenants'] : [];
    }
  },
  links: (doc) => ({ Self: `/api/userroles/${doc.Id}` }),
};

const SPACE_RESTRICTIONS = ['Projects', 'Environments', 'ProjectGroups', 'Tenants'];

/**
 * Built-in user roles: ids are `userroles-` + the lower-case name without spaces (`userroles-spacemanager` in MC
 * `userRoleResource.ts`; `userroles-projectdeployer`, `userroles-releasecreator`, `userroles-systemadministrator`
 * in public Terraform and C# code). Names per the docs page "Default permissions for built-in user roles";
 * permission lists abridged.
 */
const BUILT_IN_ROLES: [string, string[], string[]][] = [
  ['System administrator', [], ['AdministerSystem', 'SpaceCreate', 'SpaceEdit', 'SpaceView', 'SpaceDelete', 'TeamCreate', 'TeamEdit', 'TeamView', 'UserEdit', 'UserView']],
  ['System manager', [], ['SpaceCreate', 'SpaceEdit', 'SpaceView', 'SpaceDelete', 'TeamCreate', 'TeamEdit', 'TeamView', 'UserView']],
  ['User manager', [], ['TeamCreate', 'TeamEdit', 'TeamView', 'UserEdit', 'UserView']],
  ['Space manager', ['AccountCreate', 'AccountEdit', 'AccountView', 'EnvironmentCreate', 'EnvironmentEdit', 'EnvironmentView', 'FeedEdit', 'FeedView', 'ProjectCreate', 'ProjectEdit', 'ProjectView', 'TeamEdit', 'TenantCreate', 'TenantEdit', 'TenantView', 'VariableEdit', 'VariableView'], ['TeamCreate', 'TeamEdit', 'TeamView', 'UserView']],
  ['Build server', ['BuildInformationPush', 'BuiltInFeedPush', 'DeploymentCreate', 'DeploymentView', 'EnvironmentView', 'FeedView', 'ProjectView', 'ReleaseCreate', 'ReleaseView', 'TaskView'], []],
  ['Certificate manager', ['CertificateCreate', 'CertificateDelete', 'CertificateEdit', 'CertificateExportPrivateKey', 'CertificateView', 'EnvironmentView', 'TenantView'], []],
  ['Deployment creator', ['DeploymentCreate', 'DeploymentView', 'EnvironmentView', 'ProjectView', 'ReleaseView', 'TaskView'], []],
  ['Environment manager', ['EnvironmentCreate', 'EnvironmentDelete', 'EnvironmentEdit', 'EnvironmentView', 'MachineCreate', 'MachineEdit', 'MachineView', 'MachinePolicyEdit', 'MachinePolicyView'], []],
  ['Environment viewer', ['EnvironmentView', 'MachineView', 'MachinePolicyView'], []],
  ['Package publisher', ['BuiltInFeedPush', 'FeedView'], []],
  ['Project contributor', ['ProcessEdit', 'ProcessView', 'ProjectEdit', 'ProjectView', 'ReleaseView', 'VariableEdit', 'VariableView'], []],
  ['Project deployer', ['DeploymentCreate', 'DeploymentView', 'EnvironmentView', 'ProcessView', 'ProjectView', 'ReleaseCreate', 'ReleaseView', 'TaskView', 'VariableView'], []],
  ['Project initiator', ['ProjectCreate', 'ProjectView', 'ProcessView', 'LifecycleView'], []],
  ['Project lead', ['ProcessEdit', 'ProcessView', 'ProjectEdit', 'ProjectView', 'ReleaseCreate', 'ReleaseDelete', 'ReleaseView', 'VariableEdit', 'VariableView'], []],
  ['Project viewer', ['ProcessView', 'ProjectView', 'ReleaseView', 'VariableView', 'TaskView'], []],
  ['Release creator', ['ProcessView', 'ProjectView', 'ReleaseCreate', 'ReleaseView', 'VariableView'], []],
  ['Runbook consumer', ['ProjectView', 'RunbookRunCreate', 'RunbookRunView', 'RunbookView'], []],
  ['Runbook producer', ['ProjectView', 'RunbookEdit', 'RunbookRunCreate', 'RunbookRunView', 'RunbookView'], []],
  ['Tenant manager', ['TenantCreate', 'TenantDelete', 'TenantEdit', 'TenantView'], []],
];

function builtInRoleId(name: string): string {
  return `userroles-${name.toLowerCase().replace(/\s+/g, '')}`;
}

/**
 * System teams every instance has: `teams-administrators` "Octopus Administrators", `teams-managers`, and
 * `teams-everyone` (§2.8, §3.20; `teams-everyone` is used by Terraform configurations as a space manager team).
 */
const SYSTEM_TEAMS: [string, string, Doc, string | undefined][] = [
  ['teams-administrators', 'Octopus Administrators', { CanBeDeleted: false, CanBeRenamed: false, CanChangeRoles: false }, 'System administrator'],
  ['teams-managers', 'Octopus Managers', { CanBeDeleted: false, CanBeRenamed: false, CanChangeRoles: false }, 'System manager'],
  ['teams-everyone', 'Everyone', { CanBeDeleted: false, CanBeRenamed: false, CanChangeMembers: false }, undefined],
];

function grant(ctx: SimContext, teamId: string, role: string, spaceId: string | undefined): void {
  const roleId = builtInRoleId(role);
  if (ctx.store.all('scopeduserroles').some((r) => r.TeamId === teamId && r.UserRoleId === roleId && r.SpaceId === spaceId)) return;
  createDoc(scopedUserRoles, { TeamId: teamId, UserRoleId: roleId }, ctxFor(ctx, spaceId));
}

/** Built-in user roles and system teams, created once per instance (with the first space). */
export function ensureSystemBuiltIns(ctx: SimContext): void {
  for (const [name, space, system] of BUILT_IN_ROLES) {
    insertBuiltIn(userRoles, ctx, builtInRoleId(name), {
      Name: name,
      Description: `Built-in role: ${name}.`,
      GrantedSpacePermissions: space,
      GrantedSystemPermissions: system,
      SupportedRestrictions: space.length ? SPACE_RESTRICTIONS : [],
      CanBeDeleted: false,
    }, undefined);
  }
  for (const [id, name, flags, role] of SYSTEM_TEAMS) {
    insertBuiltIn(teams, ctx, id, { Name: name, Description: null, ...flags }, undefined);
    if (role) grant(ctx, id, role, undefined);
  }
}

/**
 * The space's "Space Managers" team `teams-spacemanagers-<SpaceId>` (PORT space payload, §3.1/§3.20), granted the
 * Space manager role in the space and listed in the space's `SpaceManagersTeams`. The Default space also lists
 * `teams-administrators` and `teams-managers`, as the PORT payload of a real Default space shows.
 */
export function createSpaceManagersTeam(ctx: SimContext): void {
  const spaceId = ctx.spaceId!;
  const id = `teams-spacemanagers-${spaceId}`;
  insertBuiltIn(teams, ctx, id, { Name: 'Space Managers', CanBeDeleted: false, CanBeRenamed: false, CanChangeRoles: false }, spaceId);
  grant(ctx, id, 'Space manager', spaceId);
  const space = ctx.store.get('spaces', spaceId);
  if (space) {
    const listed: string[] = Array.isArray(space.SpaceManagersTeams) ? space.SpaceManagersTeams : [];
    const wanted = space.IsDefault ? ['teams-administrators', 'teams-managers', id] : [id];
    space.SpaceManagersTeams = [...new Set([...listed, ...wanted])];
  }
}

const builtInRefusal = (what: string) => (doc: Doc) => (doc.CanBeDeleted === false ? `The built-in ${what} '${doc.Name ?? doc.Id}' cannot be deleted.` : undefined);

export const teamRoutes: SimRoute[] = [
  // A team's roles: `GET /api/teams/{id}/scopeduserroles` (§3.20), paged.
  ...(['system', 'space'] as const).map(
    (scope): SimRoute => ({
      method: 'GET',
      pattern: 'teams/:id/scopeduserroles',
      scope,
      handle: (req) => {
        const team = findVisible(teams, req.params.id, req.ctx, scope === 'space' ? req.ctx.spaceId : undefined);
        const docs = sortDocs(scopedUserRoles, req.ctx.store.all('scopeduserroles').filter((r) => r.TeamId === team.Id));
        const page = pageOf(scopedUserRoles, docs, req.query, req.path, req.ctx, !atLeast(req.ctx.version, '2020.1'));
        return { body: { ...page, Items: page.Items.map((d: Doc) => withNullSpace(d)) } };
      },
    }),
  ),
  ...mixedScopeRoutes(teams, builtInRefusal('team')),
  ...mixedScopeRoutes(scopedUserRoles, () => undefined),
  guardedDelete(userRoles, builtInRefusal('user role')),
];
