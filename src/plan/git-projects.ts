import { kindDef, supersededMembers } from '../registry/kinds.js';
import type { PlanContext } from './context.js';
import type { Decision } from '../plan-format/types.js';
import type { KindName } from '../registry/kinds.js';

type Json = Record<string, any>;

/**
 * Config-as-code (version-controlled) projects. Their deployment process, deployment settings and (2022.3+)
 * non-sensitive variables live in git; the project's other members, its channels and its sensitive variables
 * stay in the database (Octopus docs `config-as-code-reference`). octosync syncs the database part and says
 * what it leaves: it never converts a project either way (converting is one-way, `POST …/git/convert`) and
 * never writes `PersistenceSettings`.
 */

/**
 * Project members that are deployment settings, held in git for a version-controlled project: those the
 * registry's deployment settings supersede. A server that serves the settings (2021.2+) has them read there,
 * not on the project; an older one (the 2021.1 config-as-code preview) keeps them on the project.
 */
const SETTINGS_MEMBERS = supersededMembers('project', (kind) => kindDef(kind).inGit === true);

/** Where the project is version-controlled: 'source', 'destination', 'source and destination', or undefined. */
export function gitSides(project: string, ctx: PlanContext): string | undefined {
  const source = ctx.sourceItem('project', [project])?.meta.versionControlled === true;
  const destination = ctx.destItem('project', [project])?.meta.versionControlled === true;
  if (source && destination) return 'source and destination';
  return source ? 'source' : destination ? 'destination' : undefined;
}

/** Whether either side keeps the project's non-sensitive variables in git: then only sensitive ones are compared. */
export function variablesInGit(project: string, ctx: PlanContext): boolean {
  return ctx.sourceItem('project', [project])?.meta.variablesInGit === true || ctx.destItem('project', [project])?.meta.variablesInGit === true;
}

/** Why an item of a version-controlled project is not synced, or undefined when it is. */
export function gitSkipReason(kind: KindName, project: string, ctx: PlanContext): string | undefined {
  const where = gitSides(project, ctx);
  if (!where) return undefined;
  if (kind === 'project' && where === 'source' && !ctx.destItem('project', [project])) {
    return 'version-controlled (config as code) on the source and not on the destination: octosync does not create it (its process and settings live in git, and converting a project is a one-way step taken on the destination)';
  }
  const def = kindDef(kind);
  // A kind whose plural is its name is a plural noun ("deployment settings live", "a deployment process lives").
  if (def.inGit) return `project '${project}' is version-controlled on the ${where}: its ${def.label.toLowerCase()} ${def.plural === def.kind ? 'live' : 'lives'} in git, which octosync does not sync`;
  if (kind === 'runbook' || kind === 'runbookProcess') return `project '${project}' is version-controlled on the ${where}: octosync does not sync its runbooks`;
  return undefined;
}

/**
 * A version-controlled project's desired content: its deployment settings stay as the destination has them,
 * and so do the release-creation package and automatic release creation (they name steps of a process in
 * git, which octosync does not read). Each difference held back is a decision. Where the servers serve
 * deployment settings, neither side's project holds them (the settings item is skipped, saying they live in
 * git): nothing differs here.
 */
export function keepGitSettings(desired: Json, dest: Json | undefined, project: string, ctx: PlanContext, decisions: Decision[]): Json {
  const where = gitSides(project, ctx);
  if (!where || !dest) return desired;
  const out = { ...desired };
  const keep = (member: string, value: unknown) => {
    if (JSON.stringify(out[member]) !== JSON.stringify(value)) {
      decisions.push({ subject: member, action: 'keep', reason: `deployment settings and the steps they name live in git (version-controlled on the ${where}): left as the destination has them`, reasonCode: 'version-controlled-kept' });
    }
    if (value === undefined) delete out[member];
    else out[member] = structuredClone(value);
  };
  for (const member of SETTINGS_MEMBERS) keep(member, dest[member]);
  keep('AutoCreateRelease', dest.AutoCreateRelease);
  keep('ReleaseCreationStrategy', { ...(out.ReleaseCreationStrategy ?? {}), ReleaseCreationPackage: dest.ReleaseCreationStrategy?.ReleaseCreationPackage ?? null });
  return out;
}

/** A version-controlled project's channel: its version rules name steps of a process in git, left as they are. */
export function keepGitRules(desired: Json, dest: Json | undefined, project: string, ctx: PlanContext, decisions: Decision[]): Json {
  const where = gitSides(project, ctx);
  if (!where) return desired;
  const rules = dest?.Rules ?? [];
  if (JSON.stringify(desired.Rules ?? []) !== JSON.stringify(rules)) {
    decisions.push({ subject: 'version rules', action: 'keep', reason: `they name steps of a deployment process in git (version-controlled on the ${where}): left as the destination has them`, reasonCode: 'version-controlled-kept' });
  }
  return { ...desired, Rules: structuredClone(rules) };
}

/**
 * Project variables when either side keeps the non-sensitive ones in git: only the sensitive variables (in
 * the database on both sides) are planned; the destination's others are left as they are, with a decision.
 */
export function planSensitiveOnly<R extends { desired: Json; decisions: Decision[] }>(
  project: string,
  content: Json,
  dest: Json | undefined,
  ctx: PlanContext,
  plan: (content: Json, dest: Json | undefined) => R,
): R {
  const sensitive = (set: Json | undefined) => (set ? { ...set, Variables: ((set.Variables as Json[]) ?? []).filter((v) => v.IsSensitive) } : undefined);
  const others = ((dest?.Variables as Json[]) ?? []).filter((v) => !v.IsSensitive);
  const r = plan(sensitive(content)!, sensitive(dest));
  r.desired = { ...r.desired, Variables: [...others, ...((r.desired.Variables as Json[]) ?? [])] };
  r.decisions.push({ subject: 'non-sensitive variables', action: 'keep', reason: `they live in git (project '${project}' is version-controlled on the ${gitSides(project, ctx)}): not synced; sensitive variables are`, reasonCode: 'version-controlled-kept' });
  // Held back too: the plan lists the set as a skip rather than counting it unchanged.
  if ('heldBack' in r && typeof r.heldBack === 'number') r.heldBack += 1;
  return r;
}
