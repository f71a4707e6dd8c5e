import { badRequest, notFound, type Doc, type SimContext } from '../types.js';
import { allActions } from './processes.js';

/**
 * Channel version rules and a project's donor and release-creation packages name an action (step) of the
 * project's deployment process, by name (`DeploymentActionPackage { DeploymentAction, PackageReference }`,
 * go-octopusdeploy `pkg/packages/deployment_action_package.go`). Old data may hold the action's id instead
 * (terraform-provider-octopusdeploy PR #548), so an id is accepted too.
 */

/** The deployment-process action a `DeploymentAction` value names, by name or id. */
export function actionNamed(ctx: SimContext, projectId: string, value: unknown): Doc | undefined {
  const project = ctx.store.get('projects', projectId);
  if (typeof value !== 'string' || !project) return undefined;
  const process = ctx.store.get('deploymentprocesses', project.DeploymentProcessId ?? '', ctx.spaceId);
  return allActions(process).find((a) => a.Name === value || a.Id === value);
}

/**
 * 400 unless every `{DeploymentAction}` names an action of the project's process. A real server accepts such
 * a reference and then cannot load the channel or project ("The resource '<name>' was not found": Issues
 * #7961, #8247, #3220, #7071, #7230); its UI marks the name missing (#9600). The simulator refuses the write
 * instead, so that a client which writes the reference before the step exists fails here, not on a user's
 * server half-way through.
 */
export function checkActionPackages(ctx: SimContext, projectId: string, where: string, packages: unknown[]): void {
  const errors: string[] = [];
  for (const p of packages) {
    const value = (p as Doc | null)?.DeploymentAction;
    if (value === null || value === undefined || value === '') {
      errors.push(`${where}: the DeploymentAction field is required.`);
      continue;
    }
    if (!actionNamed(ctx, projectId, value)) {
      errors.push(`${where} names the step '${String(value)}', which is not in the project's deployment process.`);
    }
  }
  if (errors.length) throw badRequest(...errors);
}

/**
 * A project whose donor or release-creation package names a step its process no longer has cannot be read:
 * the server maps the deployment settings on the way out and answers 404 "The resource '<name>' was not
 * found." for the project, its listing and `projects/all` (Issues #7521, #7230, #7071; #5296 asked for a
 * veto that never came). A process PUT that removes such a step is accepted (#7961: the save succeeds).
 */
export function assertLoadable(project: Doc, ctx: SimContext): void {
  for (const p of [project.VersioningStrategy?.DonorPackage, project.ReleaseCreationStrategy?.ReleaseCreationPackage]) {
    const value = p?.DeploymentAction;
    if (typeof value === 'string' && value !== '' && !actionNamed(ctx, project.Id, value)) {
      throw notFound(`The resource '${value}' was not found.`);
    }
  }
}
