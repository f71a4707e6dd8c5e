import { createDoc } from '../crud.js';
import type { SimRoute } from '../routes.js';
import type { Doc, KindSpec, SimContext } from '../types.js';
import { atLeast } from '../../util/version.js';
import { allActions, runbookProcesses, seedProcess } from './processes.js';
import { checkEnum, inSpace, keepOnModify, projectNestedRoutes, removeAll, slugWithin, webLink } from './project-common.js';
import { pruneScopes } from './variables.js';

/** Runbooks (API-FACTS §3.8, 2019.11+): per project, each with its runbook process `RunbookProcess-<RunbookId>`. */

const ENVIRONMENT_SCOPES = ['All', 'Specified', 'FromProjectLifecycles'];
const TENANCY_MODES = ['Untenanted', 'TenantedOrUntenanted', 'Tenanted'];
const GUIDED_FAILURE_MODES = ['EnvironmentDefault', 'Off', 'On'];

/** `RunRetentionPolicy`: `{Strategy, QuantityToKeep, Unit}` since 2024.1, `{QuantityToKeep, ShouldKeepForever}` before (API-FACTS §3.8, §4). */
function runRetention(ctx: SimContext): Doc {
  return atLeast(ctx.version, '2024.1')
    ? { Strategy: 'Default', QuantityToKeep: 100, Unit: 'Items' }
    : { QuantityToKeep: 100, ShouldKeepForever: false };
}

export const runbooks: KindSpec = {
  collection: 'runbooks',
  itemType: 'Runbook',
  idPrefix: 'Runbooks',
  scope: 'space',
  uniqueName: { withinField: 'ProjectId' },
  required: ['Name', 'ProjectId'],
  readOnly: ['RunbookProcessId'],
  refs: [
    { path: 'ProjectId', to: 'projects' },
    { path: 'Environments[]', to: 'environments' },
  ],
  filters: {
    // `projectIds` (DOCGEN runbooks.md, API-FACTS §2.5): a comma-separated list.
    projectIds: (doc, value) => value.split(',').map((s) => s.trim()).includes(doc.ProjectId),
  },
  defaults: (ctx) => ({
    Name: null,
    Slug: null,
    Description: null,
    ProjectId: null,
    RunbookProcessId: null,
    PublishedRunbookSnapshotId: null,
    MultiTenancyMode: 'Untenanted',
    // CS RunbookResource: runbooks default to allowing runs with no targets (API-FACTS §3.8).
    ConnectivityPolicy: { SkipMachineBehavior: 'None', TargetRoles: [], AllowDeploymentsToNoTargets: true, ExcludeUnhealthyTargets: false },
    EnvironmentScope: 'All',
    Environments: [],
    DefaultGuidedFailureMode: 'EnvironmentDefault',
    RunRetentionPolicy: runRetention(ctx),
    ForcePackageDownload: false,
  }),
  onWrite(doc, prev, ctx) {
    keepOnModify(doc, prev, 'ProjectId');
    slugWithin('runbooks', 'ProjectId', doc, prev, ctx);
    checkEnum('EnvironmentScope', doc.EnvironmentScope, ENVIRONMENT_SCOPES);
    checkEnum('MultiTenancyMode', doc.MultiTenancyMode, TENANCY_MODES);
    checkEnum('DefaultGuidedFailureMode', doc.DefaultGuidedFailureMode, GUIDED_FAILURE_MODES);
    if (!Array.isArray(doc.Environments)) doc.Environments = [];
  },
  afterCreate(doc, ctx) {
    const process = createDoc(runbookProcesses, { RunbookId: doc.Id, ProjectId: doc.ProjectId, Steps: [] }, ctx);
    doc.RunbookProcessId = process.Id;
  },
  afterDelete(doc, ctx) {
    const processes = ctx.store.all('runbookProcesses', ctx.spaceId).filter((p) => p.RunbookId === doc.Id);
    const project = inSpace(ctx, 'projects', doc.ProjectId);
    if (project) {
      // Scoping to the runbook and its steps goes with it (inference).
      pruneScopes(ctx, project, 'ProcessOwner', [doc.Id]);
      pruneScopes(ctx, project, 'Action', processes.flatMap((p) => allActions(p).map((a) => a.Id)));
    }
    removeAll(ctx, 'runbookProcesses', processes);
  },
  seedChildren(created, children, helpers) {
    for (const [name, value] of Object.entries(children)) {
      if (name !== 'process') throw new Error(`seed: runbook '${created.Name}' takes a '$process', not '$${name}'`);
      seedProcess(runbookProcesses, created.RunbookProcessId, value, helpers, created.ProjectId);
    }
  },
  links: (doc, base) => ({
    Self: `${base}/runbooks/${doc.Id}`,
    Project: `${base}/projects/${doc.ProjectId}`,
    // Link name verbatim from SpaceCloner (`$runbook.Links.RunbookProcesses`, API-FACTS §3.8).
    RunbookProcesses: `${base}/runbookProcesses/${doc.RunbookProcessId}`,
    RunbookSnapshots: `${base}/runbooks/${doc.Id}/runbookSnapshots{?skip,take}`,
    RunbookSnapshotTemplate: `${base}/runbooks/${doc.Id}/runbookSnapshotTemplate`,
    RunbookRunTemplate: `${base}/runbooks/${doc.Id}/runbookRunTemplate`,
    Web: webLink(doc, `projects/${doc.ProjectId}/operations/runbooks/${doc.Id}`),
  }),
};

/** `projects/{projectId}/runbooks[/{id}|/all]` (SW21, API-FACTS §3.8). */
export const runbookRoutes: SimRoute[] = projectNestedRoutes(runbooks, { verbs: ['GET', 'PUT', 'DELETE'], create: true, all: true });
