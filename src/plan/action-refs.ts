import type { KindDef } from '../registry/types.js';
import { visitPath } from '../util/docpath.js';
import type { PlanContext } from './context.js';
import { gitSides } from './git-projects.js';
import type { Decision } from '../plan-format/types.js';

type Json = Record<string, any>;

/**
 * Steps named by channel version rules and a project's donor and release-creation packages (the registry's
 * `actionRefs`). A real server refuses a name its deployment process lacks (OctopusDeploy/Issues #7961,
 * #7071; SpaceCloner writes version rules only after the process), so the planner:
 * - leaves out names the destination's process will not hold after the plan, saying why;
 * - writes names the process holds only after this plan's process write, as late references.
 */

/** Action names of a deployment process's content. */
export function actionNames(process: Json | undefined): Set<string> {
  return new Set(((process?.Steps as Json[]) ?? []).flatMap((s) => ((s.Actions as Json[]) ?? []).map((a) => String(a.Name))));
}

/** Actions of the project's deployment process on the destination now. */
export function currentActions(project: string, ctx: PlanContext): Set<string> {
  return actionNames(ctx.destItem('deploymentProcess', [project])?.content);
}

/** Actions the project's deployment process will hold once the plan is applied (as it is, when the plan leaves it). */
export function finalActions(project: string, ctx: PlanContext): Set<string> {
  return ctx.fact('deploymentActions').get(project) ?? currentActions(project, ctx);
}

/** The step names a content's action references hold. */
export function namedActions(def: KindDef, content: Json): string[] {
  const out: string[] = [];
  for (const path of def.actionRefs ?? []) {
    visitPath(content, path, (value) => {
      if (typeof value === 'string' && value !== '') out.push(value);
    });
  }
  return out;
}

/**
 * The content without the action references `keep` refuses: a version rule loses that package (and the rule
 * goes when it named no other), a donor or release-creation package becomes null, and automatic release
 * creation is off without a release-creation package (the server refuses it: terraform-provider-octopusdeploy
 * `resource_project.go`, "missing package for ARC"). `dropped` hears each name left out. The content itself
 * when nothing is left out.
 */
export function withoutActionRefs(def: KindDef, content: Json, keep: (name: string) => boolean, dropped?: (name: string) => void): Json {
  if (!def.actionRefs?.length || namedActions(def, content).every(keep)) return content;
  const out = structuredClone(content);
  if (Array.isArray(out.Rules)) {
    out.Rules = out.Rules.filter((rule: Json) => {
      const packages: Json[] = Array.isArray(rule.ActionPackages) ? rule.ActionPackages : [];
      rule.ActionPackages = packages.filter((p) => {
        const ok = typeof p?.DeploymentAction !== 'string' || keep(p.DeploymentAction);
        if (!ok) dropped?.(p.DeploymentAction);
        return ok;
      });
      return !(packages.length > 0 && rule.ActionPackages.length === 0);
    });
  }
  for (const [holder, member] of [['VersioningStrategy', 'DonorPackage'], ['ReleaseCreationStrategy', 'ReleaseCreationPackage']]) {
    const name = out[holder]?.[member]?.DeploymentAction;
    if (typeof name === 'string' && name !== '' && !keep(name)) {
      dropped?.(name);
      out[holder] = { ...out[holder], [member]: null };
    }
  }
  if (out.AutoCreateRelease === true && !out.ReleaseCreationStrategy?.ReleaseCreationPackage) out.AutoCreateRelease = false;
  return out;
}

/**
 * Names the destination's process will not hold are left out of the desired content, with a decision each.
 * Returns the content to write.
 */
export function settleActionRefs(def: KindDef, keyPath: string[], desired: Json, ctx: PlanContext, decisions: Decision[]): Json {
  const project = keyPath[0];
  // A version-controlled project's steps are in git, not read: what names them was left as it is (git-projects.ts).
  if (!def.actionRefs?.length || gitSides(project, ctx)) return desired;
  const final = finalActions(project, ctx);
  return withoutActionRefs(def, desired, (name) => final.has(name), (name) =>
    decisions.push({
      subject: `step '${name}'`,
      action: 'skip',
      reason: `named here, but the deployment process of project '${project}' will not have this step on the destination`,
      reasonCode: 'step-name-unavailable',
    }),
  );
}
