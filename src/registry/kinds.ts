import type { DocPath, KeyedList, KindDef, KindDefOf, RefField, SyncClass } from './types.js';

/** References every deployment or runbook process holds (API-FACTS §3.7). */
const processRefs = [
  { path: 'Steps[].Actions[].Environments[]', to: 'environment' },
  { path: 'Steps[].Actions[].ExcludedEnvironments[]', to: 'environment' },
  { path: 'Steps[].Actions[].Channels[]', to: 'channel' },
  { path: 'Steps[].Actions[].WorkerPoolId', to: 'workerPool' },
  { path: 'Steps[].Actions[].Packages[].FeedId', to: 'feed' },
  { path: 'Steps[].Actions[].Container.FeedId', to: 'feed' },
  { path: 'Steps[].Actions[].Properties."Octopus.Action.Package.FeedId"', to: 'feed' },
  { path: 'Steps[].Actions[].Properties."Octopus.Action.Template.Id"', to: 'stepTemplate' },
  // A manual intervention's responsible teams: a comma-separated list of team ids (built-in ones such as
  // `teams-managers` are the same on every instance and pass unchanged).
  { path: 'Steps[].Actions[].Properties."Octopus.Action.Manual.ResponsibleTeamIds"', to: 'team', separator: ',', passUnknown: true },
  { path: 'Steps[].Actions[].Properties."Octopus.Action.DeployRelease.ProjectId"', to: 'project' },
  { path: 'Steps[].Actions[].Properties."Octopus.Action.Azure.AccountId"', to: 'account' },
] as const satisfies readonly RefField<string>[];
/** Step-package actions hold ids anywhere in their `Inputs` (go-octopusdeploy `deployment_action.go`). */
const processInlineRefs = [{ path: 'Steps[].Actions[].Inputs', to: ['account', 'feed', 'workerPool', 'certificate'] }] as const;
const processNestedIds: DocPath[] = ['Steps[].Id', 'Steps[].Actions[].Id', 'Steps[].Actions[].Packages[].Id'];
const processUnordered = [
  { path: 'Steps[].Actions[].Environments' },
  { path: 'Steps[].Actions[].ExcludedEnvironments' },
  { path: 'Steps[].Actions[].Channels' },
  { path: 'Steps[].Actions[].TenantTags' },
  { path: 'Steps[].Actions[].Packages', by: 'Name' },
];
const processKeyed: KeyedList[] = [{ member: 'Steps', by: 'Name', nested: [{ member: 'Actions', by: 'Name' }] }];
const processSecrets: DocPath[] = ['Steps[].Properties{}', 'Steps[].Actions[].Properties{}'];
const tenancyRefs = [
  { path: 'EnvironmentIds[]', to: 'environment' },
  { path: 'TenantIds[]', to: 'tenant' },
] as const satisfies readonly RefField<string>[];
const tenancyUnordered = [{ path: 'EnvironmentIds' }, { path: 'TenantIds' }, { path: 'TenantTags' }];

/** A variable set owned by a parent (project, library variable set, script module): read in `ids=` batches. */
function variableSetOf<const N extends string, const P extends string>(kind: N, label: string, syncClass: SyncClass, parent: P): KindDefOf<N, P> {
  return {
    kind,
    plural: kind,
    label,
    scope: 'space',
    syncClass,
    fetch: { from: 'owned', path: 'variables', idField: 'VariableSetId', list: 'all' },
    parent: { kind: parent, field: 'OwnerId', ownedOne: true },
    refs: [],
    ignore: ['OwnerId', 'ScopeValues'],
    module: 'variables',
  };
}

/**
 * Every kind octosync knows, in the guide's dependency order ("Syncing Order"). Snapshot, plan and apply
 * read this table; none keeps a list of its own. A new kind is one entry here (plus a module only when its
 * shape is special).
 */
/** The registry's entries, typed: `N` (every entry's `kind`) is inferred; parents and references must be among them. */
function registry<const N extends string>(defs: readonly KindDefOf<N, NoInfer<N>>[]): readonly KindDefOf<N>[] {
  return defs;
}

export const KINDS = registry([
  // No dependencies.
  {
    kind: 'environment',
    plural: 'environments',
    label: 'Environment',
    scope: 'space',
    syncClass: 'environment',
    filterable: true,
    fetch: { from: 'collection', path: 'environments' },
    refs: [],
    // 2025+: canonical tag names.
    tags: ['EnvironmentTags[]'],
    ignore: ['Slug', 'SortOrder'],
    unordered: [{ path: 'EnvironmentTags' }],
  },
  {
    kind: 'projectGroup',
    plural: 'projectGroups',
    label: 'Project group',
    scope: 'space',
    syncClass: 'exists-by-name',
    scaffolding: true,
    filterable: true,
    fetch: { from: 'collection', path: 'projectgroups' },
    refs: [],
    ignore: ['Slug', 'EnvironmentIds', 'RetentionPolicyId'],
  },
  {
    kind: 'tagSet',
    plural: 'tagSets',
    label: 'Tenant tag set',
    scope: 'space',
    syncClass: 'match-exactly',
    scaffolding: true,
    filterable: true,
    fetch: { from: 'collection', path: 'tagsets' },
    refs: [],
    keyed: [{ member: 'Tags', by: 'Name' }],
    ignore: ['SortOrder'],
    nestedIds: ['Tags[].Id', 'Tags[].CanonicalTagName'],
  },
  {
    kind: 'feed',
    plural: 'feeds',
    label: 'Feed',
    scope: 'space',
    syncClass: 'exists-by-name',
    scaffolding: true,
    filterable: true,
    fetch: { from: 'collection', path: 'feeds' },
    refs: [],
    ignore: ['Slug'],
    secrets: ['Password', 'SecretKey'],
  },
  {
    kind: 'userRole',
    plural: 'userRoles',
    label: 'User role',
    scope: 'system',
    syncClass: 'match-exactly',
    scaffolding: true,
    filterable: true,
    fetch: { from: 'collection', path: 'userroles' },
    refs: [],
    ignore: ['CanBeDeleted'],
    unordered: [{ path: 'GrantedSpacePermissions' }, { path: 'GrantedSystemPermissions' }, { path: 'SpacePermissionDescriptions' }, { path: 'SystemPermissionDescriptions' }],
  },
  {
    kind: 'team',
    plural: 'teams',
    label: 'Team',
    scope: 'space',
    syncClass: 'exists-by-name',
    scaffolding: true,
    filterable: true,
    fetch: { from: 'collection', path: 'teams' },
    refs: [],
    // Users are never synced, so team members are instance-owned.
    ignore: ['Slug', 'MemberUserIds', 'CanBeDeleted', 'CanBeRenamed', 'CanChangeMembers', 'CanChangeRoles'],
    unordered: [{ path: 'ExternalSecurityGroups', by: 'Id' }],
  },
  {
    kind: 'machinePolicy',
    plural: 'machinePolicies',
    label: 'Machine policy',
    scope: 'space',
    syncClass: 'exists-by-name',
    scaffolding: true,
    filterable: true,
    fetch: { from: 'collection', path: 'machinepolicies' },
    refs: [],
    ignore: ['Slug'],
  },
  {
    kind: 'workerPool',
    plural: 'workerPools',
    label: 'Worker pool',
    scope: 'space',
    syncClass: 'exists-by-name',
    scaffolding: true,
    filterable: true,
    fetch: { from: 'collection', path: 'workerpools' },
    refs: [],
    ignore: ['Slug', 'SortOrder', 'CanAddWorkers'],
  },
  // Dependencies: order matters.
  {
    kind: 'account',
    plural: 'accounts',
    label: 'Account',
    scope: 'space',
    syncClass: 'exists-by-name',
    scaffolding: true,
    filterable: true,
    fetch: { from: 'collection', path: 'accounts' },
    tags: ['TenantTags[]'],
    refs: tenancyRefs,
    ignore: ['Slug'],
    secrets: ['Password', 'SecretKey', 'Token', 'PrivateKeyFile', 'PrivateKeyPassphrase', 'JsonKey', 'ClientSecret', 'CertificateBytes'],
    unordered: tenancyUnordered,
  },
  {
    kind: 'stepTemplate',
    plural: 'stepTemplates',
    label: 'Step template',
    scope: 'space',
    syncClass: 'match-exactly',
    scaffolding: true,
    filterable: true,
    fetch: { from: 'collection', path: 'actiontemplates' },
    refs: [{ path: 'Packages[].FeedId', to: 'feed' }],
    ignore: ['CommunityActionTemplateId'],
    nestedIds: ['Parameters[].Id', 'Packages[].Id'],
    secrets: ['Properties{}', 'Parameters[].DefaultValue'],
  },
  {
    kind: 'scriptModule',
    plural: 'scriptModules',
    label: 'Script module',
    scope: 'space',
    syncClass: 'match-exactly',
    scaffolding: true,
    filterable: true,
    fetch: { from: 'collection', path: 'libraryvariablesets', query: { contentType: 'ScriptModule' } },
    createWith: { ContentType: 'ScriptModule' },
    refs: [],
    ignore: ['VariableSetId', 'ContentType'],
    nestedIds: ['Templates[].Id'],
  },
  variableSetOf('scriptModuleVariables', 'Script module body', 'match-exactly', 'scriptModule'),
  {
    kind: 'lifecycle',
    plural: 'lifecycles',
    label: 'Lifecycle',
    scope: 'space',
    syncClass: 'exists-by-name',
    scaffolding: true,
    filterable: true,
    fetch: { from: 'collection', path: 'lifecycles' },
    refs: [
      { path: 'Phases[].AutomaticDeploymentTargets[]', to: 'environment' },
      { path: 'Phases[].OptionalDeploymentTargets[]', to: 'environment' },
    ],
    keyed: [{ member: 'Phases', by: 'Name' }],
    ignore: ['Slug'],
    nestedIds: ['Phases[].Id'],
    unordered: [{ path: 'Phases[].AutomaticDeploymentTargets' }, { path: 'Phases[].OptionalDeploymentTargets' }],
  },
  {
    kind: 'certificate',
    plural: 'certificates',
    label: 'Certificate',
    scope: 'space',
    syncClass: 'exists-by-name',
    scaffolding: true,
    filterable: true,
    fetch: { from: 'collection', path: 'certificates' },
    tags: ['TenantTags[]'],
    refs: tenancyRefs,
    // Computed from the certificate data, which differs per instance.
    ignore: [
      'Slug', 'Thumbprint', 'SubjectDistinguishedName', 'SubjectCommonName', 'SubjectOrganization', 'IssuerDistinguishedName',
      'IssuerCommonName', 'IssuerOrganization', 'SelfSigned', 'NotAfter', 'NotBefore', 'IsExpired', 'HasPrivateKey',
      'SerialNumber', 'SignatureAlgorithmName', 'SubjectAlternativeNames', 'CertificateChain', 'ReplacedBy', 'Archived',
    ],
    secrets: ['CertificateData', 'Password'],
    unordered: tenancyUnordered,
  },
  {
    kind: 'libraryVariableSet',
    plural: 'libraryVariableSets',
    label: 'Library variable set',
    scope: 'space',
    syncClass: 'sync',
    scaffolding: true,
    filterable: true,
    fetch: { from: 'collection', path: 'libraryvariablesets', query: { contentType: 'Variables' } },
    createWith: { ContentType: 'Variables' },
    refs: [],
    ignore: ['VariableSetId', 'ContentType'],
    nestedIds: ['Templates[].Id'],
    secrets: ['Templates[].DefaultValue'],
  },
  variableSetOf('libraryVariables', 'Library variables', 'sync', 'libraryVariableSet'),
  {
    kind: 'project',
    plural: 'projects',
    label: 'Project',
    scope: 'space',
    syncClass: 'sync',
    filterable: true,
    deletable: { releases: true },
    fetch: { from: 'collection', path: 'projects' },
    refs: [
      { path: 'ProjectGroupId', to: 'projectGroup' },
      { path: 'LifecycleId', to: 'lifecycle' },
      { path: 'IncludedLibraryVariableSetIds[]', to: ['libraryVariableSet', 'scriptModule'] },
      { path: 'ReleaseCreationStrategy.ChannelId', to: 'channel' },
    ],
    actionRefs: ['VersioningStrategy.DonorPackage.DeploymentAction', 'ReleaseCreationStrategy.ReleaseCreationPackage.DeploymentAction'],
    // 2025+: canonical tag names.
    tags: ['ProjectTags[]'],
    unordered: [{ path: 'ProjectTags' }],
    // Config as code is the instance's own, set by a one-way conversion: never compared, never written.
    ignore: ['Slug', 'VariableSetId', 'DeploymentProcessId', 'ClonedFromProjectId', 'AutoDeployReleaseOverrides', 'Icon', 'IsVersionControlled', 'PersistenceSettings'],
    omitOnWrite: ['PersistenceSettings', 'IsVersionControlled'],
    nestedIds: ['Templates[].Id'],
    secrets: ['Templates[].DefaultValue'],
  },
  {
    kind: 'channel',
    plural: 'channels',
    label: 'Channel',
    scope: 'space',
    syncClass: 'sync',
    filterable: true,
    deletable: { releases: true },
    fetch: { from: 'collection', path: 'channels' },
    // A new project comes with its "Default" channel (API-FACTS §3.5; simulator/kinds/projects.ts).
    parent: { kind: 'project', field: 'ProjectId', createdWithParent: true },
    tags: ['TenantTags[]'],
    refs: [{ path: 'LifecycleId', to: 'lifecycle' }],
    actionRefs: ['Rules[].ActionPackages[].DeploymentAction'],
    ignore: ['Slug', 'ProjectId'],
    nestedIds: ['Rules[].Id', 'Rules[].Links', 'Rules[].LastModifiedOn', 'Rules[].LastModifiedBy'],
    unordered: [{ path: 'TenantTags' }],
  },
  {
    kind: 'deploymentProcess',
    plural: 'deploymentProcesses',
    label: 'Deployment process',
    scope: 'space',
    syncClass: 'sync',
    fetch: { from: 'owned', path: 'deploymentprocesses', idField: 'DeploymentProcessId' },
    parent: { kind: 'project', field: 'ProjectId', ownedOne: true },
    inGit: true,
    tags: ['Steps[].Actions[].TenantTags[]'],
    refs: processRefs,
    inlineRefs: processInlineRefs,
    keyed: processKeyed,
    ignore: ['ProjectId', 'LastSnapshotId'],
    nestedIds: processNestedIds,
    secrets: processSecrets,
    unordered: processUnordered,
    module: 'process',
  },
  // `VersioningStrategy.DonorPackage` names a step of the process (`actionRefs`): set after the process write
  // that adds the step, and cleared before the one that drops it (planner.ts), as the project's packages are.
  {
    kind: 'deploymentSettings',
    plural: 'deploymentSettings',
    label: 'Deployment settings',
    scope: 'space',
    syncClass: 'sync',
    fetch: { from: 'nested', path: 'deploymentsettings' },
    parent: { kind: 'project', field: 'ProjectId', ownedOne: true },
    // A version-controlled project keeps them in git (terraform-provider commit 2405d788 / issue #195).
    inGit: true,
    actionRefs: ['VersioningStrategy.DonorPackage.DeploymentAction'],
    refs: [],
    ignore: [],
    unordered: [{ path: 'ConnectivityPolicy.TargetRoles' }],
    // `/projects/{id}/deploymentsettings` is in the 2021.2 Swagger documents, not in 2020.5's (API-FACTS §3.5, §4).
    minVersion: '2021.2',
    supersedes: ['DefaultGuidedFailureMode', 'DefaultToSkipIfAlreadyInstalled', 'VersioningStrategy', 'ProjectConnectivityPolicy', 'ReleaseNotesTemplate', 'DeploymentChangesTemplate', 'ForcePackageDownload'],
  },
  {
    kind: 'runbook',
    plural: 'runbooks',
    label: 'Runbook',
    scope: 'space',
    syncClass: 'sync',
    deletable: { releases: false },
    filterable: true,
    fetch: { from: 'collection', path: 'runbooks' },
    parent: { kind: 'project', field: 'ProjectId' },
    refs: [{ path: 'Environments[]', to: 'environment' }],
    ignore: ['Slug', 'ProjectId', 'RunbookProcessId', 'PublishedRunbookSnapshotId'],
    unordered: [{ path: 'Environments' }],
    minVersion: '2019.11',
  },
  {
    kind: 'runbookProcess',
    plural: 'runbookProcesses',
    label: 'Runbook process',
    scope: 'space',
    syncClass: 'sync',
    fetch: { from: 'owned', path: 'runbookProcesses', idField: 'RunbookProcessId' },
    parent: { kind: 'runbook', field: 'RunbookId', ownedOne: true },
    tags: ['Steps[].Actions[].TenantTags[]'],
    refs: processRefs,
    inlineRefs: processInlineRefs,
    keyed: processKeyed,
    ignore: ['ProjectId', 'RunbookId', 'LastSnapshotId'],
    nestedIds: processNestedIds,
    secrets: processSecrets,
    unordered: processUnordered,
    module: 'process',
    minVersion: '2019.11',
  },
  variableSetOf('projectVariables', 'Project variables', 'sync', 'project'),
  // Tenants come after projects, unlike the guide's "Tenants (Tenant name only)" early in its order: created
  // with their project links in one write, not a create and an update. Accounts that name tenants set them
  // in a later update (a late reference), which is what the guide's early step was for.
  {
    kind: 'tenant',
    plural: 'tenants',
    label: 'Tenant',
    scope: 'space',
    syncClass: 'sync',
    scaffolding: true,
    filterable: true,
    fetch: { from: 'collection', path: 'tenants' },
    tags: ['TenantTags[]'],
    refs: [
      { path: 'ProjectEnvironments{key}', to: 'project' },
      { path: 'ProjectEnvironments{}[]', to: 'environment' },
    ],
    ignore: ['Slug', 'ClonedFromTenantId', 'Icon'],
    unordered: [{ path: 'TenantTags' }, { path: 'ProjectEnvironments{}' }],
  },
  {
    kind: 'tenantVariables',
    plural: 'tenantVariables',
    label: 'Tenant variables',
    scope: 'space',
    syncClass: 'sync',
    fetch: { from: 'module' },
    parent: { kind: 'tenant', field: 'TenantId', ownedOne: true },
    idMember: 'TenantId',
    refs: [],
    ignore: ['TenantId', 'TenantName', 'ConcurrencyToken'],
    module: 'tenantVariables',
  },
  // Team permissions come last (the guide's "Syncing Order": "Team Permissions" after projects, environments,
  // tenants): teams are created without them. A scoped user role (API-FACTS §3.20; Swagger 2020.5/2021.2
  // `ScopedUserRoleResource` at `/api/{baseSpaceId}/scopeduserroles{/id}`) grants a user role to a team, restricted
  // to projects, project groups, environments and tenants (empty = unrestricted). It has no name: it is keyed by
  // its team's name and its user role's name (`nameFrom`).
  {
    kind: 'scopedUserRole',
    plural: 'scopedUserRoles',
    label: 'Scoped user role',
    scope: 'space',
    syncClass: 'sync',
    fetch: { from: 'collection', path: 'scopeduserroles' },
    parent: { kind: 'team', field: 'TeamId' },
    filterable: true,
    nameFrom: { path: 'UserRoleId', to: 'userRole' },
    refs: [
      { path: 'UserRoleId', to: 'userRole' },
      { path: 'ProjectIds[]', to: 'project' },
      { path: 'ProjectGroupIds[]', to: 'projectGroup' },
      { path: 'EnvironmentIds[]', to: 'environment' },
      { path: 'TenantIds[]', to: 'tenant' },
    ],
    ignore: [],
    unordered: [{ path: 'ProjectIds' }, { path: 'ProjectGroupIds' }, { path: 'EnvironmentIds' }, { path: 'TenantIds' }],
    module: 'scopedUserRole',
  },
  // Never synced: an inventory only, to tell whether a target-scoped value or a role has a match.
  {
    kind: 'machine',
    plural: 'machines',
    label: 'Deployment target',
    scope: 'space',
    syncClass: 'never',
    fetch: { from: 'collection', path: 'machines' },
    tags: ['TenantTags[]'],
    refs: [
      { path: 'EnvironmentIds[]', to: 'environment' },
      { path: 'TenantIds[]', to: 'tenant' },
    ],
    ignore: [],
  },
  {
    kind: 'worker',
    plural: 'workers',
    label: 'Worker',
    scope: 'space',
    syncClass: 'never',
    fetch: { from: 'collection', path: 'workers' },
    refs: [{ path: 'WorkerPoolIds[]', to: 'workerPool' }],
    ignore: [],
  },
]);

/** The name of a kind of the registry: `'project' | 'channel' | …`. */
export type KindName = (typeof KINDS)[number]['kind'];

const byKind = new Map<string, KindDef>(KINDS.map((k) => [k.kind, k]));

/** A name read from a file or a document (a plan's operation, a policy's filter) that the registry knows. */
export function isKindName(name: string): name is KindName {
  return byKind.has(name);
}

/** Members of a kind's documents that a child kind read from the same server holds instead (`supersedes`). */
export function supersededMembers(kind: KindName, read: (child: KindName) => boolean): string[] {
  return KINDS.filter((k) => k.parent?.kind === kind && k.supersedes && read(k.kind)).flatMap((k) => k.supersedes!);
}

export function kindDef(kind: KindName): KindDef {
  const def = byKind.get(kind);
  if (!def) throw new Error(`unknown resource kind '${kind}'`);
  return def;
}

/**
 * The kind's label in the plural, lower case, for messages: `deployment processes`, `machine policies`; a label
 * that is plural already (`Deployment settings`, `Tenant variables`) stays as it is.
 */
export function pluralLabel(def: KindDef): string {
  const label = def.label.toLowerCase();
  if (label.endsWith('ss')) return `${label}es`;
  if (label.endsWith('s')) return label;
  if (/[^aeiou]y$/.test(label)) return `${label.slice(0, -1)}ies`;
  return `${label}s`;
}

/**
 * The project an item lives in (its own name for a project; the outermost name of a channel, runbook,
 * process or project variable set), or undefined outside projects. References to a project's children
 * (a step's channel, a variable's runbook) are names within this project.
 */
export function ownerProject(kind: KindName, keyPath: string[]): string | undefined {
  for (let def: KindDef | undefined = kindDef(kind); def; def = def.parent ? kindDef(def.parent.kind) : undefined) {
    if (def.kind === 'project') return keyPath[0];
  }
  return undefined;
}

const kindOrder = new Map(KINDS.map((k, i) => [k.kind, i]));

/**
 * A reference to a kind that comes later in the registry's order (a project's release-creation channel, an
 * account's tenants): when the plan creates its target too, the planner sets it in a later update.
 */
export function isLateRef(def: KindDef, ref: RefField): boolean {
  const targets = Array.isArray(ref.to) ? ref.to : [ref.to];
  return targets.some((t) => (kindOrder.get(t) ?? 0) > (kindOrder.get(def.kind) ?? 0));
}

/**
 * Variable types whose `Value` holds the id of another item (API-FACTS §3.9): the kind it points at.
 * Snapshot turns the id into a name, the planner counts it as a requirement, apply turns it back.
 */
export function variableValueKind(type: unknown): KindName | undefined {
  if (type === 'Certificate') return 'certificate';
  if (type === 'WorkerPool') return 'workerPool';
  return typeof type === 'string' && /Account$/.test(type) ? 'account' : undefined;
}
