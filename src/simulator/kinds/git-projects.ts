import { getDoc, modifyDoc, presentDoc } from '../crud.js';
import type { SimRoute } from '../routes.js';
import { mergeSecrets } from '../sensitive.js';
import { badRequest, notFound, type Doc, type KindSpec, type SimContext } from '../types.js';
import { atLeast } from '../../util/version.js';
import { projectOr404 } from './project-common.js';

/**
 * Config-as-code (version-controlled) projects. Their deployment process, deployment settings and (2022.3+)
 * non-sensitive variables live in git; channels, triggers, sensitive variables and the project's own members
 * stay in the database (API-FACTS §4 "Config-as-Code projects", docs `config-as-code-reference.md`). The
 * simulator keeps one store document per item and serves the git part only through the `{gitRef}` routes the
 * project's `Links` advertise, for the default branch.
 */

/**
 * Deployment-settings members a real server refuses on `PUT /projects/{id}` for a version-controlled project
 * ("Cannot update deployment settings"): terraform-provider-octopusdeploy commit 2405d788 (#195),
 * `resource_project.go` clears exactly these before the PUT and writes them through
 * `/projects/{id}/{gitRef}/deploymentsettings`. The values it sends in their place are accepted.
 */
const GIT_SETTINGS: Record<string, (v: unknown) => boolean> = {
  DefaultGuidedFailureMode: (v) => v === undefined || v === null || v === 'EnvironmentDefault',
  DeploymentChangesTemplate: (v) => v === undefined || v === null || v === '',
  ReleaseNotesTemplate: (v) => v === undefined || v === null || v === '',
  ProjectConnectivityPolicy: (v) => v === undefined || v === null,
  VersioningStrategy: (v) => v === undefined || v === null || (!(v as Doc).Template && !(v as Doc).DonorPackage),
};

export function isVersionControlled(project: Doc | undefined): boolean {
  return project?.IsVersionControlled === true;
}

/** Non-sensitive variables live in git once converted on 2022.3+ (`ConversionState.VariablesAreInGit`). */
export function variablesInGit(project: Doc | undefined): boolean {
  return isVersionControlled(project) && project!.PersistenceSettings?.ConversionState?.VariablesAreInGit === true;
}

/**
 * `PersistenceSettings` is set only by `POST …/git/convert`, one way (terraform-provider `resource_project.go`
 * creates a project, then calls `ConvertToVCS`; "there is no way to revert the conversion", help.octopus.com
 * 29060). A create stores a database project whatever it is sent; an update keeps the stored settings, and one
 * that asks for the other persistence type is refused (inference: no endpoint converts back).
 */
export function settlePersistence(doc: Doc, prev: Doc | undefined): void {
  const sent = doc.PersistenceSettings;
  if (!prev) {
    doc.PersistenceSettings = { Type: 'Database' };
    doc.IsVersionControlled = false;
    return;
  }
  const stored = prev.PersistenceSettings ?? { Type: 'Database' };
  if (sent && typeof sent === 'object' && typeof sent.Type === 'string' && sent.Type !== stored.Type) {
    throw badRequest(
      stored.Type === 'VersionControlled'
        ? 'This project is version controlled. Converting a project back to the database is not supported.'
        : 'Use the git/convert endpoint to convert a project to version control.',
    );
  }
  doc.PersistenceSettings = structuredClone(stored);
  doc.IsVersionControlled = prev.IsVersionControlled === true;
}

/** Converts a database project to version control (the `git/convert` route and seeds). */
export function convertProject(project: Doc, vcs: unknown, ctx: SimContext): void {
  if (!vcs || typeof vcs !== 'object' || typeof (vcs as Doc).Url !== 'string' || (vcs as Doc).Url === '') throw badRequest('The VersionControlSettings.Url field is required.');
  const v = vcs as Doc;
  const holder: Doc = {
    PersistenceSettings: {
      Type: 'VersionControlled',
      Url: v.Url,
      DefaultBranch: v.DefaultBranch || 'main',
      BasePath: v.BasePath || '.octopus',
      ProtectedDefaultBranch: v.ProtectedDefaultBranch === true,
      ProtectedBranchNamePatterns: Array.isArray(v.ProtectedBranchNamePatterns) ? v.ProtectedBranchNamePatterns : [],
      Credentials: v.Credentials ?? { Type: 'Anonymous' },
      // Variables move to git on conversion since 2022.3 (API-FACTS §4); runbooks stay in the database here.
      ConversionState: { VariablesAreInGit: atLeast(ctx.version, '2022.3'), RunbooksAreInGit: false },
    },
  };
  mergeSecrets(holder, undefined, ['PersistenceSettings.Credentials.Password']);
  project.PersistenceSettings = holder.PersistenceSettings;
  project.IsVersionControlled = true;
  project.LastModifiedOn = ctx.now();
  ctx.store.put('projects', project);
}

/** The project resource of a version-controlled project: the git-held settings are not on it (they live in git). */
export function withoutGitSettings(doc: Doc): Doc {
  if (!isVersionControlled(doc)) return doc;
  return { ...doc, DefaultGuidedFailureMode: 'EnvironmentDefault', DeploymentChangesTemplate: null, ReleaseNotesTemplate: null, ProjectConnectivityPolicy: null, VersioningStrategy: null };
}

/** The git ref of a `{gitRef}` route: the default branch by name or as `refs/heads/<name>` (GO test paths, API-FACTS §3.5). */
function gitProject(ctx: SimContext, projectId: string, gitRef: string): Doc {
  const project = projectOr404(ctx, projectId);
  if (!isVersionControlled(project)) throw badRequest(`The project '${project.Name}' is not version controlled.`);
  const branch = String(project.PersistenceSettings?.DefaultBranch ?? 'main');
  if (gitRef !== branch && gitRef !== `refs/heads/${branch}`) throw notFound(`The git reference '${gitRef}' was not found.`);
  return project;
}

/** Routes of version-controlled projects. `projects` etc. are passed in to keep the module graph acyclic. */
export function gitProjectRoutes(kinds: { projects: KindSpec; processes: KindSpec; variableSets: KindSpec }, settings: { get(p: Doc, ctx: SimContext, gitRef: string): Doc; put(p: Doc, body: unknown, ctx: SimContext, gitRef: string): Doc }): SimRoute[] {
  const { projects, processes, variableSets } = kinds;
  return [
    {
      // The project PUT: for a version-controlled project, refuses the git-held settings (see GIT_SETTINGS) and
      // keeps the stored (git) values of those members.
      method: 'PUT',
      pattern: 'projects/:id',
      scope: 'space',
      handle: ({ params, ctx, body }) => {
        const project = getDoc(projects, params.id, ctx);
        let input = body;
        if (isVersionControlled(project) && body && typeof body === 'object') {
          const refused = Object.entries(GIT_SETTINGS).filter(([k, ok]) => !ok((body as Doc)[k])).map(([k]) => k);
          if (refused.length) {
            throw badRequest(`Cannot update deployment settings on a version-controlled project through the project: ${refused.join(', ')} live in git. Use /projects/${project.Id}/{gitRef}/deploymentsettings.`);
          }
          input = { ...(body as Doc), ...Object.fromEntries(Object.keys(GIT_SETTINGS).map((k) => [k, project[k]])) };
        }
        return presentDoc(projects, modifyDoc(projects, project.Id, input, ctx), ctx);
      },
    },
    {
      // DOCGEN / GO `ConvertToVCS`: `{CommitMessage, VersionControlSettings, InitialCommitBranchName}` →
      // `{Messages}` (go-octopusdeploy `pkg/projects/convert_to_vcs*.go`).
      method: 'POST',
      pattern: 'projects/:projectId/git/convert',
      scope: 'space',
      handle: ({ params, ctx, body }) => {
        const project = projectOr404(ctx, params.projectId);
        if (isVersionControlled(project)) throw badRequest(`The project '${project.Name}' is already version controlled.`);
        convertProject(project, (body as Doc | undefined)?.VersionControlSettings, ctx);
        return { status: 200, body: { Messages: [] } };
      },
    },
    {
      method: 'GET',
      pattern: 'projects/:projectId/:gitRef/deploymentprocesses',
      scope: 'space',
      handle: ({ params, ctx }) => {
        const project = gitProject(ctx, params.projectId, params.gitRef);
        return presentDoc(processes, getDoc(processes, project.DeploymentProcessId, ctx), ctx);
      },
    },
    {
      method: 'GET',
      pattern: 'projects/:projectId/:gitRef/deploymentsettings',
      scope: 'space',
      handle: ({ params, ctx }) => settings.get(gitProject(ctx, params.projectId, params.gitRef), ctx, params.gitRef),
    },
    {
      method: 'PUT',
      pattern: 'projects/:projectId/:gitRef/deploymentsettings',
      scope: 'space',
      handle: ({ params, ctx, body }) => settings.put(gitProject(ctx, params.projectId, params.gitRef), body, ctx, params.gitRef),
    },
    {
      // Non-sensitive variables only (API-FACTS §3.9); the sensitive ones are served by `projects/{id}/variables`.
      method: 'GET',
      pattern: 'projects/:projectId/:gitRef/variables',
      scope: 'space',
      handle: ({ params, ctx }) => {
        const project = gitProject(ctx, params.projectId, params.gitRef);
        if (!variablesInGit(project)) throw badRequest(`The variables of project '${project.Name}' are not in git.`);
        return presentDoc(variableSets, { ...getDoc(variableSets, project.VariableSetId, ctx), [GIT_VIEW]: true }, ctx);
      },
    },
  ];
}

const GIT_VIEW = '$gitView';

/**
 * What a read of a project variable set shows: through `{gitRef}/variables` the non-sensitive variables;
 * through the database routes, once they live in git, the sensitive ones only.
 */
export function variablesView(set: Doc, owner: Doc | undefined): Doc {
  const git = set[GIT_VIEW] === true;
  delete set[GIT_VIEW];
  if (!git && !variablesInGit(owner)) return set;
  return { ...set, Variables: (set.Variables ?? []).filter((v: Doc) => Boolean(v.IsSensitive) !== git) };
}

/**
 * A database write of such a set holds sensitive variables only (inference: the others are committed to git
 * through `{gitRef}/variables`): a non-sensitive one is refused, and the git-held ones are kept.
 */
export function mergeDatabaseVariables(doc: Doc, prev: Doc | undefined, owner: Doc | undefined): void {
  if (!prev || !variablesInGit(owner)) return;
  const incoming: Doc[] = Array.isArray(doc.Variables) ? doc.Variables : [];
  const plain = incoming.filter((v) => !v?.IsSensitive).map((v) => String(v?.Name));
  if (plain.length) throw badRequest(`The project '${owner!.Name}' keeps its non-sensitive variables in git: ${plain.join(', ')} cannot be written here.`);
  doc.Variables = [...(prev.Variables ?? []).filter((v: Doc) => !v.IsSensitive), ...incoming];
}
