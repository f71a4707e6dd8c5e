import { createDoc, getDoc, modifyDoc, presentDoc } from '../crud.js';
import type { SimRoute } from '../routes.js';
import { badRequest, notFound, type Doc, type KindSpec, type SimContext } from '../types.js';
import { atLeast } from '../../util/version.js';
import { channels } from './channels.js';
import { lifecycles } from './lifecycles.js';
import { deploymentProcesses, seedProcess } from './processes.js';
import { projectGroups } from './projectgroups.js';
import { checkEnum, listAll, listPage, normaliseTemplates, ofProject, projectOr404, removeAll, shaped, TEMPLATE_SECRETS, webLink } from './project-common.js';
import { convertProject, gitProjectRoutes, isVersionControlled, settlePersistence, variablesInGit, withoutGitSettings } from './git-projects.js';
import { runbooks } from './runbooks.js';
import { assertLoadable, checkActionPackages } from './step-refs.js';
import { checkTagScope, hasScopedTags } from './tags-2025.js';
import { seedVariables, variableSets } from './variables.js';

/**
 * Projects (API-FACTS §3.5). Creating one creates its deployment process, variable set and "Default" channel;
 * deleting one removes everything that lives inside it. Deployment settings (`…/deploymentsettings`, split out in
 * 2021.1–2021.2, served from 2021.2) are a view of the project's own copies of those members (still returned by 2024.3, PORT) plus the
 * settings-only members, kept hidden on the project; writing either updates both.
 */

const TENANCY_MODES = ['Untenanted', 'TenantedOrUntenanted', 'Tenanted'];
const GUIDED_FAILURE_MODES = ['EnvironmentDefault', 'Off', 'On'];
const SKIP_MACHINE_BEHAVIOURS = ['None', 'SkipUnavailableMachines'];

/** Deployment-settings members that the project resource does not carry (CS `DeploymentSettingsResource`). */
const SETTINGS_ONLY = { FailTargetDiscovery: false, CancelQueuedTasks: false, CancelRunningTasks: false };
const HIDDEN_SETTINGS = '$settings';

const CONNECTIVITY = { SkipMachineBehavior: 'None', TargetRoles: [], AllowDeploymentsToNoTargets: false, ExcludeUnhealthyTargets: false };

export const projects: KindSpec = {
  collection: 'projects',
  itemType: 'Project',
  idPrefix: 'Projects',
  scope: 'space',
  required: ['Name', 'ProjectGroupId', 'LifecycleId'],
  readOnly: ['VariableSetId', 'DeploymentProcessId', 'ClonedFromProjectId', 'Icon', HIDDEN_SETTINGS],
  slug: true,
  refs: [
    { path: 'ProjectGroupId', to: 'projectgroups' },
    { path: 'LifecycleId', to: 'lifecycles' },
    { path: 'IncludedLibraryVariableSetIds[]', to: 'libraryvariablesets' },
    { path: 'ReleaseCreationStrategy.ChannelId', to: 'channels' },
    { path: 'ProjectTags[]', to: 'tags' },
  ],
  sensitive: [TEMPLATE_SECRETS, 'PersistenceSettings.Credentials.Password'],
  filters: { clonedFromProjectId: (doc, value) => doc.ClonedFromProjectId === value },
  // The member list and order of a real 2024.3 project (PORT, API-FACTS §3.5).
  defaults: (ctx) => ({
    VariableSetId: null,
    DeploymentProcessId: null,
    ClonedFromProjectId: null,
    DiscreteChannelRelease: false,
    IncludedLibraryVariableSetIds: [],
    DefaultToSkipIfAlreadyInstalled: false,
    TenantedDeploymentMode: 'Untenanted',
    DefaultGuidedFailureMode: 'EnvironmentDefault',
    VersioningStrategy: { Template: null, DonorPackage: null },
    ReleaseCreationStrategy: { ChannelId: null, ReleaseCreationPackage: null, ReleaseCreationPackageStepId: null },
    Templates: [],
    AutoDeployReleaseOverrides: [],
    ReleaseNotesTemplate: null,
    DeploymentChangesTemplate: null,
    ForcePackageDownload: false,
    Icon: null,
    AllowIgnoreChannelRules: true,
    ExecuteDeploymentsOnResilientPipeline: null,
    ExtensionSettings: [],
    Name: null,
    Slug: null,
    Description: null,
    IsDisabled: false,
    ProjectGroupId: null,
    LifecycleId: null,
    AutoCreateRelease: false,
    IsVersionControlled: false,
    // Null when a write leaves it out; settled by `settlePersistence` (set only by git/convert).
    PersistenceSettings: null,
    ProjectConnectivityPolicy: structuredClone(CONNECTIVITY),
    ...(hasScopedTags(ctx) ? { ProjectTags: [] } : {}),
  }),
  onWrite(doc, prev, ctx) {
    checkEnum('TenantedDeploymentMode', doc.TenantedDeploymentMode, TENANCY_MODES);
    checkEnum('DefaultGuidedFailureMode', doc.DefaultGuidedFailureMode, GUIDED_FAILURE_MODES);
    doc.ProjectConnectivityPolicy = shaped(CONNECTIVITY, doc.ProjectConnectivityPolicy);
    checkEnum('SkipMachineBehavior', doc.ProjectConnectivityPolicy.SkipMachineBehavior, SKIP_MACHINE_BEHAVIOURS);
    // Order is precedence (DOCGEN: earlier sets override later ones); a set is included once.
    doc.IncludedLibraryVariableSetIds = [...new Set(Array.isArray(doc.IncludedLibraryVariableSetIds) ? doc.IncludedLibraryVariableSetIds : [])];
    normaliseTemplates(doc, ctx);
    settlePersistence(doc, prev);
    if (doc.ProjectTags === null) doc.ProjectTags = [];
    checkTagScope(doc.ProjectTags, 'Project', ctx);
    checkPackageSteps(doc, ctx);
  },
  afterCreate(doc, ctx) {
    doc.DeploymentProcessId = createDoc(deploymentProcesses, { ProjectId: doc.Id, Steps: [] }, ctx).Id;
    doc.VariableSetId = createDoc(variableSets, { OwnerId: doc.Id, Variables: [] }, ctx).Id;
    // The default channel (inference from SpaceCloner matching the existing "Default" channel, API-FACTS §3.5).
    createDoc(channels, { Name: 'Default', ProjectId: doc.Id, IsDefault: true }, ctx);
  },
  afterDelete(doc, ctx) {
    for (const collection of ['deployments', 'releases', 'runbookProcesses', 'runbooks', 'channels', 'deploymentprocesses']) {
      removeAll(ctx, collection, ofProject(ctx, collection, doc.Id));
    }
    removeAll(ctx, 'variables', ctx.store.all('variables', ctx.spaceId).filter((s) => s.OwnerId === doc.Id));
  },
  seedChildren(project, children, helpers) {
    // Applied in this order whatever the fixture's order: actions and runbooks must exist before variables name
    // them, channels before the actions scoped to them, and the process before the channel version rules and
    // package steps that name its steps (step-refs.ts); `$git` converts the project last.
    const order = ['channels', 'deploymentProcess', 'runbooks', 'variables', 'settings', 'git'];
    for (const name of Object.keys(children)) {
      if (!order.includes(name)) throw new Error(`seed: project '${project.Name}' takes ${order.map((o) => `$${o}`).join(', ')}, not '$${name}'`);
    }
    const seeded = ((children.channels as Doc[] | undefined) ?? []).map((channel) => ({ rules: channel.Rules, doc: helpers.seed(channels, { ...channel, ProjectId: project.Id, Rules: [] }) }));
    if (children.deploymentProcess !== undefined) seedProcess(deploymentProcesses, project.DeploymentProcessId, children.deploymentProcess, helpers, project.Id);
    for (const { rules, doc } of seeded) if (Array.isArray(rules) && rules.length) modifyDoc(channels, doc.Id, { ...doc, Rules: rules }, helpers.ctx);
    for (const runbook of (children.runbooks as Doc[] | undefined) ?? []) helpers.seed(runbooks, { ...runbook, ProjectId: project.Id });
    if (children.variables !== undefined) seedVariables(project.VariableSetId, children.variables, helpers, project);
    // `$settings`: project members that name steps (VersioningStrategy, ReleaseCreationStrategy, AutoCreateRelease).
    if (children.settings !== undefined) modifyDoc(projects, project.Id, { ...getDoc(projects, project.Id, helpers.ctx), ...(children.settings as Doc) }, helpers.ctx);
    if (children.git !== undefined) convertProject(getDoc(projects, project.Id, helpers.ctx), children.git, helpers.ctx);
  },
  present(doc, ctx) {
    delete doc[HIDDEN_SETTINGS];
    assertLoadable(doc, ctx);
    return withoutGitSettings(doc);
  },
  links: (doc, base, ctx) => {
    const self = `${base}/projects/${doc.Id}`;
    // 2022.3 added the project-nested variables route (API-FACTS §3.9); before, the link is the variable set's.
    const variables = atLeast(ctx.version, '2022.3') ? `${self}/variables` : `${base}/variables/${doc.VariableSetId}`;
    // Variables in git: the link is a `{gitRef}` template, the database keeps the sensitive ones (inference from
    // go-octopusdeploy `uritemplates.ProjectVariablesByGitRef`; link name `SensitiveVariables` unverified).
    const gitVariables: Record<string, string> = variablesInGit(doc) ? { Variables: `${self}/{gitRef}/variables`, SensitiveVariables: `${self}/variables` } : {};
    // Nested process route since 2020.x (SW20); a Git project's is a `{gitRef}` template (API-FACTS §3.5).
    const process = doc.IsVersionControlled
      ? `${self}/{gitRef}/deploymentprocesses`
      : atLeast(ctx.version, '2020.5')
        ? `${self}/deploymentprocesses`
        : `${base}/deploymentprocesses/${doc.DeploymentProcessId}`;
    return {
      Self: self,
      Variables: variables,
      Releases: `${self}/releases{/version}{?skip,take,searchByVersion}`,
      Channels: `${self}/channels{/id}{?skip,take,partialName}`,
      Triggers: `${self}/triggers{?skip,take,partialName,triggerActionType,triggerActionCategory,runbooks}`,
      ScheduledTriggers: `${self}/triggers/scheduled{?skip,take,partialName,ids}`,
      OrderChannels: `${self}/channels/order`,
      Progression: `${self}/progression{?releaseHistoryCount}`,
      DeploymentProcess: process,
      ...(atLeast(ctx.version, SETTINGS_SINCE) ? { DeploymentSettings: doc.IsVersionControlled ? `${self}/{gitRef}/deploymentsettings` : `${self}/deploymentsettings` } : {}),
      Web: webLink(doc, `projects/${doc.Id}`),
      Logo: `${self}/logo`,
      Metadata: `${self}/metadata`,
      Runbooks: `${self}/runbooks{?skip,take,partialName}`,
      RunbookSnapshots: `${self}/runbookSnapshots{/name}{?skip,take,searchByName}`,
      Summary: `${self}/summary`,
      GitConnectionTest: `${self}/git/connectivity-test`,
      ConvertToGit: `${self}/git/convert`,
      ConvertToVcs: `${self}/git/convert`,
      ...gitVariables,
    };
  },
};

/**
 * The donor package (versioning) and the release-creation package name steps of the project's process
 * (step-refs.ts), so a project is created without them and they are set once the process has those steps.
 * "Only one of either a donor package step or a version template may be provided" (OctopusDeploy/Issues
 * #8455). Automatic release creation needs a release-creation package: terraform-provider-octopusdeploy
 * `resource_project.go` sends the stored strategy "to avoid an error (missing package for ARC)".
 */
function checkPackageSteps(doc: Doc, ctx: SimContext): void {
  const pkg = (p: unknown) => (p && typeof p === 'object' && (p as Doc).DeploymentAction ? (p as Doc) : null);
  const versioning = doc.VersioningStrategy;
  if (versioning && typeof versioning === 'object') {
    versioning.DonorPackage = pkg(versioning.DonorPackage);
    if (versioning.DonorPackage && versioning.Template) throw badRequest('Only one of either a donor package step or a version template may be provided.');
    if (versioning.DonorPackage) checkActionPackages(ctx, doc.Id, 'VersioningStrategy.DonorPackage', [versioning.DonorPackage]);
  }
  const release = doc.ReleaseCreationStrategy;
  const releasePackage = release && typeof release === 'object' ? pkg(release.ReleaseCreationPackage) : null;
  if (release && typeof release === 'object') release.ReleaseCreationPackage = releasePackage;
  if (releasePackage) checkActionPackages(ctx, doc.Id, 'ReleaseCreationStrategy.ReleaseCreationPackage', [releasePackage]);
  if (doc.AutoCreateRelease === true && !releasePackage) {
    throw badRequest('Automatic release creation needs a release creation package: set ReleaseCreationStrategy.ReleaseCreationPackage.');
  }
}

/** The deployment settings of a project (CS `DeploymentSettingsResource`, API-FACTS §3.5). */
function settingsOf(project: Doc, ctx: SimContext, gitRef?: string): Doc {
  const base = `/api/${ctx.spaceId}`;
  const self = `${base}/projects/${project.Id}${gitRef ? `/${encodeURIComponent(gitRef)}` : ''}/deploymentsettings`;
  return {
    Id: `deploymentsettings-${project.Id}`,
    ProjectId: project.Id,
    SpaceId: project.SpaceId,
    ConnectivityPolicy: structuredClone(project.ProjectConnectivityPolicy),
    DefaultGuidedFailureMode: project.DefaultGuidedFailureMode,
    DefaultToSkipIfAlreadyInstalled: project.DefaultToSkipIfAlreadyInstalled,
    DeploymentChangesTemplate: project.DeploymentChangesTemplate,
    ReleaseNotesTemplate: project.ReleaseNotesTemplate,
    VersioningStrategy: structuredClone(project.VersioningStrategy),
    ForcePackageDownload: project.ForcePackageDownload,
    ...SETTINGS_ONLY,
    ...(project[HIDDEN_SETTINGS] ?? {}),
    LastModifiedOn: project.LastModifiedOn,
    LastModifiedBy: project.LastModifiedBy,
    Links: { Self: self, Project: `${base}/projects/${project.Id}` },
  };
}

function putSettings(project: Doc, body: unknown, ctx: SimContext, gitRef?: string): Doc {
  const input = shaped({ ...settingsOf(project, ctx, gitRef), Links: null }, body);
  const updated = modifyDoc(
    projects,
    project.Id,
    {
      ...project,
      ProjectConnectivityPolicy: input.ConnectivityPolicy,
      DefaultGuidedFailureMode: input.DefaultGuidedFailureMode,
      DefaultToSkipIfAlreadyInstalled: input.DefaultToSkipIfAlreadyInstalled,
      DeploymentChangesTemplate: input.DeploymentChangesTemplate,
      ReleaseNotesTemplate: input.ReleaseNotesTemplate,
      VersioningStrategy: input.VersioningStrategy,
      ForcePackageDownload: input.ForcePackageDownload,
    },
    ctx,
  );
  updated[HIDDEN_SETTINGS] = Object.fromEntries(Object.keys(SETTINGS_ONLY).map((k) => [k, Boolean(input[k])]));
  return settingsOf(updated, ctx, gitRef);
}

/**
 * Deployment settings routes exist from 2021.2: the 2021.2 Swagger documents list
 * `/projects/{projectId}/deploymentsettings` and `/deploymentsettings/{id}`, the 2020.5 one does not (API-FACTS
 * §3.5, §4; a 2021.1 EAP server may have had them: unverified). Older servers answer 404.
 */
const SETTINGS_SINCE = '2021.2';

function settingsServer(ctx: SimContext): SimContext {
  if (!atLeast(ctx.version, SETTINGS_SINCE)) throw notFound();
  return ctx;
}

function projectOfSettings(ctx: SimContext, id: string): Doc {
  const m = /^deploymentsettings-(.+)$/i.exec(id);
  if (!m) throw notFound(`The resource '${id}' was not found.`);
  return databaseSettingsOf(projectOr404(ctx, m[1]));
}

/** The database settings routes serve database projects; a version-controlled project's settings are read per git ref (inference). */
function databaseSettingsOf(project: Doc): Doc {
  if (isVersionControlled(project)) throw badRequest(`The project '${project.Name}' is version controlled: its deployment settings are read and written through /projects/${project.Id}/{gitRef}/deploymentsettings.`);
  return project;
}

export const projectOwnRoutes: SimRoute[] = [
  ...gitProjectRoutes(
    { projects, processes: deploymentProcesses, variableSets },
    { get: (p, ctx, gitRef) => settingsOf(p, ctx, gitRef), put: (p, body, ctx, gitRef) => putSettings(p, body, ctx, gitRef) },
  ),
  {
    // "Get a Project by ID or slug" (DOCGEN, API-FACTS §3.5); `projects/all` is the bare array.
    method: 'GET',
    pattern: 'projects/:id',
    scope: 'space',
    handle: (req) =>
      req.params.id.toLowerCase() === 'all'
        ? { body: listAll(projects, req.ctx.store.all('projects', req.ctx.spaceId), req) }
        : presentDoc(projects, projectOr404(req.ctx, req.params.id), req.ctx),
  },
  { method: 'GET', pattern: 'projects/:projectId/deploymentsettings', scope: 'space', handle: ({ params, ctx }) => settingsOf(databaseSettingsOf(projectOr404(settingsServer(ctx), params.projectId)), ctx) },
  { method: 'PUT', pattern: 'projects/:projectId/deploymentsettings', scope: 'space', handle: ({ params, ctx, body }) => putSettings(databaseSettingsOf(projectOr404(settingsServer(ctx), params.projectId)), body, ctx) },
  { method: 'GET', pattern: 'deploymentsettings/:id', scope: 'space', handle: ({ params, ctx }) => settingsOf(projectOfSettings(settingsServer(ctx), params.id), ctx) },
  { method: 'PUT', pattern: 'deploymentsettings/:id', scope: 'space', handle: ({ params, ctx, body }) => putSettings(projectOfSettings(settingsServer(ctx), params.id), body, ctx) },
  {
    // SW21: a paged ProjectResourceCollection.
    method: 'GET',
    pattern: 'projectgroups/:id/projects',
    scope: 'space',
    handle: (req) => {
      const group = getDoc(projectGroups, req.params.id, req.ctx);
      return listPage(projects, req.ctx.store.all('projects', req.ctx.spaceId).filter((p) => p.ProjectGroupId === group.Id), req);
    },
  },
  {
    // SW21: a bare array of ProjectResource.
    method: 'GET',
    pattern: 'lifecycles/:id/projects',
    scope: 'space',
    handle: (req) => {
      const lifecycle = getDoc(lifecycles, req.params.id, req.ctx);
      return { body: listAll(projects, req.ctx.store.all('projects', req.ctx.spaceId).filter((p) => p.LifecycleId === lifecycle.Id), req) };
    },
  },
];
