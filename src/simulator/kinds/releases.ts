import { checkRefs, getDoc, presentDoc } from '../crud.js';
import type { RouteRequest, SimRoute } from '../routes.js';
import { badRequest, notFound, type Doc, type KindSpec, type SimContext } from '../types.js';
import { channels } from './channels.js';
import { inSpace, keepOnModify, listPage, ofProject, projectOr404, removeAll, shaped, snapshotId, webLink } from './project-common.js';

/**
 * Releases and deployments (SW21 `ReleaseResource`, `DeploymentResource`). octosync never syncs them, but every
 * real space has them: a release snapshots the project's deployment process and variable sets (ids
 * `deploymentprocess-Projects-41-s-1-QXLY2`, `variableset-Projects-41-s-0-S6LJL`, API-FACTS §2.8), so the
 * `deploymentprocesses` and `variables` collections hold read-only snapshots beside the live documents.
 */

const SELECTED_PACKAGE = { ActionName: null, PackageReferenceName: '', StepName: null, Version: null };

const list = (value: string) => value.split(',').map((s) => s.trim());
const numericId = (d: Doc) => Number(String(d.Id).match(/(\d+)$/)?.[1] ?? 0);

/** Newest first, as the server lists releases and deployments. */
function newestFirst(field: string): (a: Doc, b: Doc) => number {
  return (a, b) => String(b[field] ?? '').localeCompare(String(a[field] ?? '')) || numericId(b) - numericId(a);
}

/** Copies a live document as a read-only snapshot; returns the snapshot's id. */
function snapshot(ctx: SimContext, collection: string, liveId: string): string | null {
  const live = inSpace(ctx, collection, liveId);
  if (!live) return null;
  const copy = structuredClone(live);
  copy.Id = snapshotId(liveId, ctx, collection);
  if ('LastSnapshotId' in copy) copy.LastSnapshotId = null;
  ctx.store.put(collection, copy);
  if ('LastSnapshotId' in live) live.LastSnapshotId = copy.Id;
  return copy.Id;
}

export const releases: KindSpec = {
  collection: 'releases',
  itemType: 'Release',
  idPrefix: 'Releases',
  scope: 'space',
  uniqueName: false,
  required: ['Version', 'ProjectId'],
  readOnly: ['ProjectDeploymentProcessSnapshotId', 'ProjectVariableSetSnapshotId', 'LibraryVariableSetSnapshotIds', 'Assembled'],
  refs: [
    { path: 'ProjectId', to: 'projects' },
    { path: 'ChannelId', to: 'channels' },
  ],
  filters: { searchByVersion: (doc, value) => String(doc.Version).toLowerCase().includes(value.toLowerCase()) },
  defaults: () => ({
    Version: null,
    ReleaseNotes: null,
    ProjectId: null,
    ChannelId: null,
    ProjectDeploymentProcessSnapshotId: null,
    ProjectVariableSetSnapshotId: null,
    LibraryVariableSetSnapshotIds: [],
    SelectedPackages: [],
    SelectedGitResources: [],
    IgnoreChannelRules: false,
    BuildInformation: [],
    Assembled: null,
    VersionControlReference: null,
  }),
  onWrite(doc, prev, ctx) {
    keepOnModify(doc, prev, 'ProjectId');
    if (!doc.ChannelId) doc.ChannelId = ofProject(ctx, 'channels', doc.ProjectId).find((c) => c.IsDefault)?.Id ?? null;
    checkRefs(releases, doc, ctx);
    const channel = inSpace(ctx, 'channels', doc.ChannelId ?? '');
    if (channel && channel.ProjectId !== doc.ProjectId) throw badRequest(`The channel '${doc.ChannelId}' does not belong to project '${doc.ProjectId}'.`);
    doc.SelectedPackages = (Array.isArray(doc.SelectedPackages) ? doc.SelectedPackages : []).map((p: unknown) => shaped(SELECTED_PACKAGE, p));
    const clash = ofProject(ctx, 'releases', doc.ProjectId).find((r) => r.Id !== prev?.Id && String(r.Version).toLowerCase() === String(doc.Version).toLowerCase());
    // Versions are unique within a project (exact wording unverified).
    if (clash) throw badRequest(`A release with the version number '${doc.Version}' already exists for this project.`);
  },
  afterCreate(doc, ctx) {
    const project = inSpace(ctx, 'projects', doc.ProjectId)!;
    doc.Assembled = ctx.now();
    doc.ProjectDeploymentProcessSnapshotId = project.DeploymentProcessId ? snapshot(ctx, 'deploymentprocesses', project.DeploymentProcessId) : null;
    doc.ProjectVariableSetSnapshotId = snapshot(ctx, 'variables', project.VariableSetId);
    doc.LibraryVariableSetSnapshotIds = (project.IncludedLibraryVariableSetIds ?? [])
      .map((id: string) => inSpace(ctx, 'libraryvariablesets', id)?.VariableSetId)
      .filter(Boolean)
      .map((setId: string) => snapshot(ctx, 'variables', setId));
  },
  afterDelete(doc, ctx) {
    removeAll(ctx, 'deployments', ctx.store.all('deployments', ctx.spaceId).filter((d) => d.ReleaseId === doc.Id));
    const snapshots = new Set([doc.ProjectVariableSetSnapshotId, ...(doc.LibraryVariableSetSnapshotIds ?? [])]);
    removeAll(ctx, 'variables', ctx.store.all('variables', ctx.spaceId).filter((s) => snapshots.has(s.Id)));
    removeAll(ctx, 'deploymentprocesses', ctx.store.all('deploymentprocesses', ctx.spaceId).filter((p) => p.Id === doc.ProjectDeploymentProcessSnapshotId));
  },
  seedChildren(created, children, helpers) {
    for (const [name, value] of Object.entries(children)) {
      if (name !== 'deployments' || !Array.isArray(value)) throw new Error(`seed: a release takes '$deployments' (an array), not '$${name}'`);
      for (const d of value) helpers.seed(deployments, { ...d, ReleaseId: created.Id });
    }
  },
  links: (doc, base) => ({
    Self: `${base}/releases/${doc.Id}`,
    Project: `${base}/projects/${doc.ProjectId}`,
    Channel: `${base}/projects/${doc.ProjectId}/channels/${doc.ChannelId}`,
    ProjectVariableSnapshot: `${base}/variables/${doc.ProjectVariableSetSnapshotId}`,
    ProjectDeploymentProcessSnapshot: `${base}/deploymentprocesses/${doc.ProjectDeploymentProcessSnapshotId}`,
    Deployments: `${base}/releases/${doc.Id}/deployments{?skip,take}`,
    DeploymentTemplate: `${base}/releases/${doc.Id}/deployments/template`,
    Artifacts: `${base}/artifacts?regarding=${doc.Id}`,
    Lifecycle: `${base}/releases/${doc.Id}/lifecycle`,
    Progression: `${base}/releases/${doc.Id}/progression`,
    SnapshotVariables: `${base}/releases/${doc.Id}/snapshot-variables`,
    Web: webLink(doc, `releases/${doc.Id}`),
  }),
};

export const deployments: KindSpec = {
  collection: 'deployments',
  itemType: 'Deployment',
  idPrefix: 'Deployments',
  scope: 'space',
  uniqueName: false,
  required: ['ReleaseId', 'EnvironmentId'],
  // A deployment is a record of a run: created and deleted, never modified (SW21: GET, DELETE on deployments/{id}).
  verbs: { modify: false },
  readOnly: [
    'ProjectId',
    'ChannelId',
    'DeploymentProcessId',
    'ManifestVariableSetId',
    'TaskId',
    'Name',
    'Created',
    'DeployedBy',
    'DeployedById',
    'DeployedToMachineIds',
    'FailureEncountered',
    'Changes',
    'ChangesMarkdown',
  ],
  refs: [
    { path: 'ReleaseId', to: 'releases' },
    { path: 'EnvironmentId', to: 'environments' },
    { path: 'TenantId', to: 'tenants' },
    { path: 'SpecificMachineIds[]', to: 'machines' },
    { path: 'ExcludedMachineIds[]', to: 'machines' },
  ],
  filters: {
    projects: (doc, value) => list(value).includes(doc.ProjectId),
    environments: (doc, value) => list(value).includes(doc.EnvironmentId),
    channels: (doc, value) => list(value).includes(doc.ChannelId),
    tenants: (doc, value) => list(value).includes(doc.TenantId),
  },
  defaults: () => ({
    ReleaseId: null,
    EnvironmentId: null,
    TenantId: null,
    ForcePackageDownload: false,
    ForcePackageRedeployment: false,
    SkipActions: [],
    SpecificMachineIds: [],
    ExcludedMachineIds: [],
    DeploymentProcessId: null,
    ManifestVariableSetId: null,
    TaskId: null,
    ProjectId: null,
    ChannelId: null,
    UseGuidedFailure: false,
    Comments: null,
    FormValues: {},
    QueueTime: null,
    QueueTimeExpiry: null,
    Name: null,
    Created: null,
    DeployedBy: null,
    DeployedById: null,
    DeployedToMachineIds: [],
    FailureEncountered: false,
    Changes: [],
    ChangesMarkdown: null,
  }),
  onWrite(doc, _prev, ctx) {
    checkRefs(deployments, doc, ctx);
    const release = inSpace(ctx, 'releases', doc.ReleaseId)!;
    const environment = inSpace(ctx, 'environments', doc.EnvironmentId)!;
    doc.ProjectId = release.ProjectId;
    doc.ChannelId = release.ChannelId;
    doc.DeploymentProcessId = release.ProjectDeploymentProcessSnapshotId;
    doc.Name = `Deploy to ${environment.Name}`;
    doc.Created = ctx.now();
    doc.DeployedBy = ctx.user;
    doc.TaskId = ctx.store.allocateId('ServerTasks');
  },
  afterCreate(doc) {
    // The merged variables of the run (never served by the simulator).
    doc.ManifestVariableSetId = `variableset-${doc.Id}`;
  },
  links: (doc, base) => ({
    Self: `${base}/deployments/${doc.Id}`,
    Release: `${base}/releases/${doc.ReleaseId}`,
    Environment: `${base}/environments/${doc.EnvironmentId}`,
    Project: `${base}/projects/${doc.ProjectId}`,
    Task: `/api/tasks/${doc.TaskId}`,
    Artifacts: `${base}/artifacts?regarding=${doc.Id}`,
    Interruptions: `${base}/interruptions?regarding=${doc.Id}`,
    Web: webLink(doc, `projects/${doc.ProjectId}/deployments/releases/${doc.ReleaseId}/deployments/${doc.Id}`),
  }),
};

const releasesNewestFirst = newestFirst('Assembled');
const deploymentsNewestFirst = newestFirst('Created');

function releaseList(req: RouteRequest, docs: Doc[]): Doc {
  return listPage(releases, docs, req, releasesNewestFirst);
}

export const releaseRoutes: SimRoute[] = [
  { method: 'GET', pattern: 'releases', scope: 'space', handle: (req) => releaseList(req, req.ctx.store.all('releases', req.ctx.spaceId)) },
  {
    method: 'GET',
    pattern: 'projects/:projectId/releases',
    scope: 'space',
    handle: (req) => releaseList(req, ofProject(req.ctx, 'releases', projectOr404(req.ctx, req.params.projectId).Id)),
  },
  {
    method: 'GET',
    pattern: 'projects/:projectId/releases/:version',
    scope: 'space',
    handle: ({ params, ctx }) => {
      const project = projectOr404(ctx, params.projectId);
      const release = ofProject(ctx, 'releases', project.Id).find((r) => r.Version === params.version);
      if (!release) throw notFound(`The release '${params.version}' was not found.`);
      return { body: presentDoc(releases, release, ctx) };
    },
  },
  {
    method: 'GET',
    pattern: 'channels/:id/releases',
    scope: 'space',
    handle: (req) => {
      const channel = getDoc(channels, req.params.id, req.ctx);
      return releaseList(req, req.ctx.store.all('releases', req.ctx.spaceId).filter((r) => r.ChannelId === channel.Id));
    },
  },
  {
    method: 'GET',
    pattern: 'deployments',
    scope: 'space',
    handle: (req) => listPage(deployments, req.ctx.store.all('deployments', req.ctx.spaceId), req, deploymentsNewestFirst),
  },
  {
    method: 'GET',
    pattern: 'releases/:id/deployments',
    scope: 'space',
    handle: (req) => {
      const release = getDoc(releases, req.params.id, req.ctx);
      return listPage(deployments, req.ctx.store.all('deployments', req.ctx.spaceId).filter((d) => d.ReleaseId === release.Id), req, deploymentsNewestFirst);
    },
  },
];
