import { getDoc, modifyDoc, presentDoc, refExists, slugify } from '../crud.js';
import type { SimRoute } from '../routes.js';
import type { SeedHelpers } from '../seed.js';
import { badRequest, type Doc, type KindSpec, type RefSpec, type SimContext } from '../types.js';
import { atLeast } from '../../util/version.js';
import { inSpace, isSnapshotId, keepOnModify, projectNestedRoutes, projectOr404, shaped, withGuid } from './project-common.js';

/**
 * Deployment processes and runbook processes (API-FACTS §3.7, §3.8): the same `Steps` document, created and
 * deleted with their owner (no POST/DELETE), `Version` optimistic concurrency (§2.11).
 */

const STEP = {
  Id: null,
  Name: null,
  Slug: null,
  PackageRequirement: 'LetOctopusDecide',
  Properties: {},
  Condition: 'Success',
  StartTrigger: 'StartAfterPrevious',
  Actions: [],
};

const ACTION = {
  Id: null,
  Name: null,
  Slug: null,
  ActionType: null,
  Notes: null,
  IsDisabled: false,
  CanBeUsedForProjectVersioning: false,
  IsRequired: false,
  WorkerPoolId: null,
  Container: { Image: null, FeedId: null },
  WorkerPoolVariable: null,
  Environments: [],
  ExcludedEnvironments: [],
  Channels: [],
  TenantTags: [],
  Packages: [],
  GitDependencies: [],
  Condition: 'Success',
  Properties: {},
  Links: {},
};

/**
 * Members kept only when a client sends them: a step's `Type` ("Step" | "ProcessTemplateUsage", 2026 process
 * templates, API-FACTS §3.7) and a step-package action's `StepPackageVersion` and free-form `Inputs`
 * (go-octopusdeploy `pkg/deployments/deployment_action.go`, api-client `actionInputs.d.ts`; step packages
 * since 2022). An action template shape without them keeps ordinary actions as a 2024.3 server returns them.
 */
const STEP_SENT = ['Type'];
const ACTION_SENT = ['StepPackageVersion', 'Inputs'];

function keepSent(el: Doc, input: unknown, members: string[]): void {
  if (!input || typeof input !== 'object') return;
  for (const m of members) if ((input as Doc)[m] !== undefined) el[m] = structuredClone((input as Doc)[m]);
}

const PACKAGE = { Id: null, Name: '', PackageId: null, FeedId: null, AcquisitionLocation: 'Server', Properties: {} };

const STEP_CONDITIONS = ['Success', 'Failure', 'Always', 'Variable'];
const START_TRIGGERS = ['StartAfterPrevious', 'StartWithPrevious'];
const PACKAGE_REQUIREMENTS = ['LetOctopusDecide', 'BeforePackageAcquisition', 'AfterPackageAcquisition'];

/** References inside `Steps` (API-FACTS §3.7 "Action Properties that hold ids of other resources"). */
export const processRefs: RefSpec[] = [
  { path: 'ProjectId', to: 'projects' },
  { path: 'Steps[].Actions[].Environments[]', to: 'environments' },
  { path: 'Steps[].Actions[].ExcludedEnvironments[]', to: 'environments' },
  { path: 'Steps[].Actions[].Channels[]', to: 'channels' },
  { path: 'Steps[].Actions[].TenantTags[]', to: 'tags' },
  { path: 'Steps[].Actions[].WorkerPoolId', to: 'workerpools' },
  { path: 'Steps[].Actions[].Packages[].FeedId', to: 'feeds' },
  { path: 'Steps[].Actions[].Container.FeedId', to: 'feeds' },
];

/**
 * Ids held in action `Properties` (their keys contain dots, so they cannot be DocPaths). Only the step template
 * is validated on write (the server loads the template a usage points at — inference); the others are free
 * text the server does not check (`#{Variable}` expressions are allowed) and are only resolved by name in seeds.
 */
export const PROPERTY_REFS: { key: string; to: string; list?: boolean; validate?: boolean }[] = [
  { key: 'Octopus.Action.Template.Id', to: 'actiontemplates', validate: true },
  { key: 'Octopus.Action.Package.FeedId', to: 'feeds' },
  { key: 'Octopus.Action.DeployRelease.ProjectId', to: 'projects' },
  { key: 'Octopus.Action.Manual.ResponsibleTeamIds', to: 'teams', list: true },
  { key: 'Octopus.Action.Azure.AccountId', to: 'accounts' },
];

/** Step and action property bags may hold SensitiveValues (API-FACTS §2.10, §3.7). */
export const processSecrets = ['Steps[].Properties{}', 'Steps[].Actions[].Properties{}'];

function stringProperties(bag: unknown): Doc {
  const out: Doc = {};
  if (typeof bag !== 'object' || bag === null || Array.isArray(bag)) return out;
  for (const [k, v] of Object.entries(bag)) {
    // A PropertyValue is a string or a SensitiveValue (API-FACTS §1.3); Json.NET reads numbers and booleans as text.
    out[k] = typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
  }
  return out;
}

function requireField(value: unknown, field: string, errors: string[]): void {
  if (value === undefined || value === null || value === '') errors.push(`The ${field} field is required.`);
}

/** Ids, slugs and defaults of steps, actions and package references; validation the server performs on save. */
export function normaliseSteps(doc: Doc, ctx: SimContext): void {
  if (!Array.isArray(doc.Steps)) throw badRequest('The Steps field is required.');
  const errors: string[] = [];
  doc.Steps = doc.Steps.map((input: unknown) => {
    const step = withGuid(shaped(STEP, input), ctx);
    keepSent(step, input, STEP_SENT);
    requireField(step.Name, 'Name', errors);
    step.Slug ||= slugify(String(step.Name ?? ''));
    step.Properties = stringProperties(step.Properties);
    if (!STEP_CONDITIONS.includes(step.Condition)) errors.push(`'${step.Condition}' is not a valid step condition.`);
    if (!START_TRIGGERS.includes(step.StartTrigger)) errors.push(`'${step.StartTrigger}' is not a valid start trigger.`);
    if (!PACKAGE_REQUIREMENTS.includes(step.PackageRequirement)) errors.push(`'${step.PackageRequirement}' is not a valid package requirement.`);
    step.Actions = (Array.isArray(step.Actions) ? step.Actions : []).map((a: unknown) => {
      const action = withGuid(shaped(ACTION, a), ctx);
      if (atLeast(ctx.version, '2022.1')) keepSent(action, a, ACTION_SENT);
      requireField(action.Name, 'Name', errors);
      requireField(action.ActionType, 'ActionType', errors);
      action.Slug ||= slugify(String(action.Name ?? ''));
      action.Container = shaped(ACTION.Container, action.Container);
      action.Properties = stringProperties(action.Properties);
      action.Packages = (Array.isArray(action.Packages) ? action.Packages : []).map((p: unknown) => {
        const pkg = withGuid(shaped(PACKAGE, p), ctx);
        pkg.Name ??= '';
        pkg.Properties = stringProperties(pkg.Properties);
        return pkg;
      });
      return action;
    });
    return step;
  });
  // Steps are matched by name (SpaceCloner) and channel rules name actions: both unique within a process
  // (the exact server wording is unverified).
  const seen = { step: new Set<string>(), action: new Set<string>() };
  for (const step of doc.Steps) {
    const name = String(step.Name ?? '').toLowerCase();
    if (name && seen.step.has(name)) errors.push(`Step names must be unique. '${step.Name}' is used more than once.`);
    seen.step.add(name);
    for (const action of step.Actions) {
      const an = String(action.Name ?? '').toLowerCase();
      if (an && seen.action.has(an)) errors.push(`Action names must be unique. '${action.Name}' is used more than once.`);
      seen.action.add(an);
    }
  }
  if (errors.length) throw badRequest(...errors);
}

/** Channels an action is scoped to must be channels of the process's own project. */
function checkProcessScopes(doc: Doc, ctx: SimContext): void {
  const errors: string[] = [];
  for (const action of allActions(doc)) {
    for (const channelId of action.Channels ?? []) {
      const channel = inSpace(ctx, 'channels', channelId);
      if (channel && channel.ProjectId !== doc.ProjectId) errors.push(`The channel '${channelId}' does not belong to project '${doc.ProjectId}'.`);
    }
    for (const ref of PROPERTY_REFS.filter((r) => r.validate)) {
      const v = action.Properties?.[ref.key];
      if (typeof v === 'string' && v !== '' && !v.includes('#{') && !refExists(ref.to, v, ctx)) {
        errors.push(`Steps.Actions.Properties['${ref.key}'] refers to '${v}', which does not exist in this space.`);
      }
    }
    checkTemplateVersion(action, ctx, errors);
  }
  if (errors.length) throw badRequest(...errors);
}

/**
 * A step template usage names a version of its template (`Octopus.Action.Template.Version`, an int as a
 * string, API-FACTS §3.7): one the template has had, 0 up to its current `Version` (behind is allowed: that is
 * Octopus's "update available"). Evidence: the server hydrates a templated action from the template at the
 * usage's version when it loads or saves a process (OctopusDeploy/Architecture
 * `OctopusServer/ConfigAsCode/StepTemplates.md`: `HydrateDeploymentActions`, `int TemplateVersion`), and a
 * template's past versions are read by number (`GET actiontemplates/{id}/versions/{version}`, SW21): a
 * version the template never had cannot be loaded. The exact wording of the refusal is unverified. A usage
 * without a version is accepted (what the server does with one is unverified).
 */
function checkTemplateVersion(action: Doc, ctx: SimContext, errors: string[]): void {
  const id = action.Properties?.['Octopus.Action.Template.Id'];
  const version = action.Properties?.['Octopus.Action.Template.Version'];
  if (typeof id !== 'string' || id === '' || id.includes('#{') || version === undefined || version === null) return;
  const template = inSpace(ctx, 'actiontemplates', id);
  if (!template) return;
  const current = Number(template.Version ?? 0);
  if (typeof version !== 'string' || !/^\d+$/.test(version) || Number(version) > current) {
    errors.push(
      `Steps.Actions.Properties['Octopus.Action.Template.Version'] of action '${action.Name}' is '${String(version)}', but step template '${template.Name}' has versions 0 to ${current} only.`,
    );
  }
}

export function allActions(process: Doc | undefined): Doc[] {
  return (process?.Steps ?? []).flatMap((s: Doc) => s.Actions ?? []);
}

/** Target roles a process deploys to (step property `Octopus.Action.TargetRoles`, comma-separated). */
export function processRoles(process: Doc | undefined): string[] {
  return (process?.Steps ?? []).flatMap((s: Doc) =>
    typeof s.Properties?.['Octopus.Action.TargetRoles'] === 'string'
      ? s.Properties['Octopus.Action.TargetRoles'].split(',').map((r: string) => r.trim()).filter(Boolean)
      : [],
  );
}

function processOnWrite(doc: Doc, prev: Doc | undefined, ctx: SimContext, ownerFields: string[]): void {
  if (prev && isSnapshotId(prev.Id)) {
    // DOCGEN: "Only allowed for deployment processes owned by a project (cannot be used to change the
    // deployment process owned by a release)" (API-FACTS §3.7).
    throw badRequest('Only allowed for deployment processes owned by a project (cannot be used to change the deployment process owned by a release).');
  }
  keepOnModify(doc, prev, ...ownerFields);
  normaliseSteps(doc, ctx);
  checkProcessScopes(doc, ctx);
}

function processLinks(doc: Doc, base: string, self: string): Record<string, string> {
  return { Self: self, Project: `${base}/projects/${doc.ProjectId}` };
}

export const deploymentProcesses: KindSpec = {
  collection: 'deploymentprocesses',
  itemType: 'DeploymentProcess',
  linkName: 'DeploymentProcesses',
  idPrefix: 'deploymentprocess',
  scope: 'space',
  uniqueName: false,
  required: ['Steps'],
  sortBy: 'Id', // DOCGEN: deployment processes are listed by Id (API-FACTS §2.5)
  verbs: { create: false, delete: false },
  readOnly: ['LastSnapshotId'],
  versioned: 'DeploymentProcess',
  defaults: () => ({ ProjectId: null, Steps: null, Version: 0, LastSnapshotId: null }),
  refs: processRefs,
  sensitive: processSecrets,
  deriveId: (doc) => `deploymentprocess-${doc.ProjectId}`,
  onWrite: (doc, prev, ctx) => processOnWrite(doc, prev, ctx, ['ProjectId']),
  links: (doc, base) => ({
    ...processLinks(doc, base, `${base}/deploymentprocesses/${doc.Id}`),
    Template: `${base}/deploymentprocesses/${doc.Id}/template{?channel,releaseId}`,
  }),
};

export const runbookProcesses: KindSpec = {
  collection: 'runbookProcesses',
  itemType: 'RunbookProcess',
  linkName: 'RunbookProcesses',
  idPrefix: 'RunbookProcess',
  scope: 'space',
  uniqueName: false,
  required: ['Steps'],
  sortBy: 'Id',
  verbs: { create: false, delete: false },
  readOnly: ['LastSnapshotId'],
  versioned: 'RunbookProcess',
  defaults: () => ({ RunbookId: null, ProjectId: null, Steps: null, Version: 0, LastSnapshotId: null }),
  refs: [...processRefs, { path: 'RunbookId', to: 'runbooks' }],
  sensitive: processSecrets,
  deriveId: (doc) => `RunbookProcess-${doc.RunbookId}`,
  onWrite: (doc, prev, ctx) => processOnWrite(doc, prev, ctx, ['ProjectId', 'RunbookId']),
  links: (doc, base) => ({
    ...processLinks(doc, base, `${base}/runbookProcesses/${doc.Id}`),
    Runbook: `${base}/runbooks/${doc.RunbookId}`,
    RunbookSnapshotTemplate: `${base}/runbookProcesses/${doc.Id}/runbookSnapshotTemplate`,
  }),
};

/** Seeds a process written by name: `{ "Steps": [...] }` or the bare steps array. */
export function seedProcess(kind: KindSpec, id: string, input: unknown, helpers: SeedHelpers, projectId: string): void {
  const body: Doc = Array.isArray(input) ? { Steps: structuredClone(input) } : structuredClone(input as Doc);
  helpers.resolveRefs(body, (kind.refs ?? []).filter((r) => r.path.startsWith('Steps')), { ProjectId: projectId });
  for (const action of allActions(body)) {
    for (const ref of PROPERTY_REFS) {
      const v = action.Properties?.[ref.key];
      if (typeof v !== 'string' || v === '' || v.includes('#{')) continue;
      const names = ref.list ? v.split(',').map((s) => s.trim()) : [v];
      action.Properties[ref.key] = names.map((n) => helpers.idOf(ref.to, n, { ProjectId: projectId })).join(',');
    }
  }
  const current = getDoc(kind, id, helpers.ctx);
  modifyDoc(kind, id, { ...current, ...body, Version: current.Version }, helpers.ctx);
}

/** `GET|PUT projects/{projectId}/deploymentprocesses` (SW21; the primary form since ~2021, API-FACTS §3.7). */
function projectProcessRoutes(): SimRoute[] {
  const pattern = 'projects/:projectId/deploymentprocesses';
  return [
    {
      method: 'GET',
      pattern,
      scope: 'space',
      handle: ({ params, ctx }) => {
        const project = projectOr404(ctx, params.projectId);
        return presentDoc(deploymentProcesses, getDoc(deploymentProcesses, project.DeploymentProcessId, ctx), ctx);
      },
    },
    {
      method: 'PUT',
      pattern,
      scope: 'space',
      handle: ({ params, ctx, body }) => {
        const project = projectOr404(ctx, params.projectId);
        return presentDoc(deploymentProcesses, modifyDoc(deploymentProcesses, project.DeploymentProcessId, body, ctx), ctx);
      },
    },
  ];
}

/** `projects/{projectId}/runbookProcesses[/{id}]` (SW21, API-FACTS §3.8). */
export const processRoutes: SimRoute[] = [...projectProcessRoutes(), ...projectNestedRoutes(runbookProcesses, { verbs: ['GET', 'PUT'] })];
