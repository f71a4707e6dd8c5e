import { checkRefs, deleteDoc, getDoc } from '../crud.js';
import type { SimRoute } from '../routes.js';
import { badRequest, type Doc, type KindSpec } from '../types.js';
import { checkActionPackages } from './step-refs.js';
import { pruneScopes } from './variables.js';
import { inSpace, keepOnModify, ofProject, projectNestedRoutes, shaped, slugWithin, webLink, withGuid } from './project-common.js';

/** Channels (API-FACTS §3.6): per project, names unique within it, one default. */

/**
 * A version rule. SW21 `ChannelVersionRuleResource` lists the Resource base members `LastModifiedOn/By` too; the
 * server does not track rules on their own, so they are null (inference).
 */
const RULE = { Id: null, VersionRange: null, Tag: null, ActionPackages: [], LastModifiedOn: null, LastModifiedBy: null, Links: {} };
const ACTION_PACKAGE = { DeploymentAction: null, PackageReference: '' };

export const channels: KindSpec = {
  collection: 'channels',
  itemType: 'Channel',
  idPrefix: 'Channels',
  scope: 'space',
  uniqueName: { withinField: 'ProjectId' },
  required: ['Name', 'ProjectId'],
  refs: [
    { path: 'ProjectId', to: 'projects' },
    { path: 'LifecycleId', to: 'lifecycles' },
    { path: 'TenantTags[]', to: 'tags' },
  ],
  defaults: () => ({
    Name: null,
    Slug: null,
    Description: null,
    ProjectId: null,
    LifecycleId: null,
    IsDefault: false,
    Rules: [],
    TenantTags: [],
    GitReferenceRules: [],
  }),
  onWrite(doc, prev, ctx) {
    keepOnModify(doc, prev, 'ProjectId'); // WoC (CS ChannelResource)
    slugWithin('channels', 'ProjectId', doc, prev, ctx);
    if (!Array.isArray(doc.Rules)) doc.Rules = [];
    doc.Rules = doc.Rules.map((r: unknown) => {
      const rule = withGuid(shaped(RULE, r), ctx);
      rule.LastModifiedOn = null;
      rule.LastModifiedBy = null;
      rule.ActionPackages = (Array.isArray(rule.ActionPackages) ? rule.ActionPackages : []).map((p: unknown) => shaped(ACTION_PACKAGE, p));
      return rule;
    });
    // "One default per project" (API-FACTS §3.6): clearing the flag on the default leaves it the default
    // (a project always has one — inference); setting it elsewhere moves it. Refs are checked first so a
    // refused write changes nothing.
    if (prev?.IsDefault && !doc.IsDefault) doc.IsDefault = true;
    checkRefs(channels, doc, ctx);
    // ActionPackages name steps of the project's process: written only once the process has them (step-refs.ts).
    doc.Rules.forEach((rule: Doc, i: number) => checkActionPackages(ctx, doc.ProjectId, `Rules[${i}].ActionPackages`, rule.ActionPackages));
    if (doc.IsDefault) {
      for (const other of ofProject(ctx, 'channels', doc.ProjectId)) if (other.Id !== doc.Id) other.IsDefault = false;
    }
  },
  afterDelete(doc, ctx) {
    // Scoping to a deleted channel goes with it (inference), so the project's documents stay writable as read.
    // Real servers went further: steps scoped only to the channel were deleted with it (OctopusDeploy/Issues
    // #4385, #4222); octosync's apply therefore never deletes a channel that steps are still scoped to.
    for (const process of [...ofProject(ctx, 'deploymentprocesses', doc.ProjectId), ...ofProject(ctx, 'runbookProcesses', doc.ProjectId)]) {
      for (const step of process.Steps ?? []) {
        for (const action of step.Actions ?? []) action.Channels = (action.Channels ?? []).filter((c: string) => c !== doc.Id);
      }
    }
    const project = inSpace(ctx, 'projects', doc.ProjectId);
    if (project) pruneScopes(ctx, project, 'Channel', [doc.Id]);
  },
  links: (doc, base) => ({
    Self: `${base}/channels/${doc.Id}`,
    Project: `${base}/projects/${doc.ProjectId}`,
    Releases: `${base}/channels/${doc.Id}/releases{?skip,take,searchByVersion}`,
    Web: webLink(doc, `projects/${doc.ProjectId}/deployments/channels/edit/${doc.Id}`),
  }),
};

function refuseDefaultDelete(channel: Doc): void {
  // A project always keeps its default channel: a client must make another channel the default before deleting
  // it (OctopusDeploy/OctopusClients#563, "We need to … set IsDefault as false to allow it to be deleted"); the
  // wording is unverified.
  if (channel.IsDefault) throw badRequest('The default channel cannot be deleted.');
}

/** `projects/{projectId}/channels[/{id}]` (SW21, API-FACTS §3.6) and the flat DELETE, both keeping the default. */
export const channelRoutes: SimRoute[] = [
  ...projectNestedRoutes(channels, { verbs: ['GET', 'PUT', 'DELETE'], beforeDelete: refuseDefaultDelete }),
  {
    method: 'DELETE',
    pattern: 'channels/:id',
    scope: 'space',
    handle: ({ params, ctx }) => {
      refuseDefaultDelete(getDoc(channels, params.id, ctx));
      deleteDoc(channels, params.id, ctx);
      return { status: 200 };
    },
  },
];
