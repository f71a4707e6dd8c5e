import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ApplyResult } from '../../src/apply/apply.js';
import { applyPlanFile } from '../../src/cli/commands/apply-files.js';
import { hasChanges } from '../../src/plan-format/operations.js';
import { makePlans, type MadePlan } from '../../src/plan/make.js';
import type { Plan } from '../../src/plan-format/types.js';
import type { SeedFile } from '../../src/simulator/seed.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { API_KEY, type ApiClient } from '../helpers/simulator.js';
import { snapshotTo } from '../helpers/sync.js';

/**
 * Helpers of the use-case tests (the guide's three suitable scenarios, end to end over HTTP): the CLI in
 * process, the example policies, and name-based views and edits of a simulator through its REST API, so
 * that every check reads the destination the way a person (or Octopus) would.
 */

type Doc = Record<string, any>;

export const examplePolicyFile = (name: string): string => resolve('examples', name);

/** An example policy, changed by `edit` (say, a mapping for a renamed environment), as a JSON file in `dir`. */
export function derivedPolicy(dir: string, example: string, name: string, edit: (policy: any) => void): string {
  const policy = parseYaml(readFileSync(examplePolicyFile(example), 'utf8'));
  edit(policy);
  const file = join(dir, `${name}.policy.json`);
  writeFileSync(file, JSON.stringify(policy, null, 2));
  return file;
}

/** `octosync …` in this process, its output captured. */
export const octosync = (...argv: string[]): Promise<CliResult> => runCli(argv);

/** Connection flags of `octosync snapshot` and `apply` for a simulator's default space. */
export const connection = (url: string): string[] => ['--server', url, '--api-key', API_KEY, '--space', 'Default'];

/** Snapshots the source and every destination, then plans them all at once (as `octosync plan` does). */
export async function planAll(dir: string, name: string, sourceUrl: string, destinations: Record<string, string>, policy: string): Promise<Record<string, MadePlan>> {
  const source = join(dir, `${name}-source.json`);
  await snapshotTo(sourceUrl, source);
  const files: string[] = [];
  for (const [region, url] of Object.entries(destinations)) {
    const file = join(dir, `${name}-${region}.json`);
    await snapshotTo(url, file);
    files.push(file);
  }
  const several = files.length > 1;
  const made = makePlans({ source, destinations: files, policy, out: several ? join(dir, name) : join(dir, `${name}.plan.json`) });
  return Object.fromEntries(Object.keys(destinations).map((region, i) => [region, made[i]]));
}

/** Snapshots both sides and plans one destination. */
export async function planOne(dir: string, name: string, sourceUrl: string, destUrl: string, policy: string): Promise<MadePlan> {
  return (await planAll(dir, name, sourceUrl, { destination: destUrl }, policy)).destination;
}

export async function apply(destUrl: string, made: MadePlan): Promise<ApplyResult> {
  const result = await applyPlanFile({ server: destUrl, apiKey: API_KEY, space: 'Default', planFile: made.planFile });
  if (result.failed.length) throw new Error(`apply failed: ${JSON.stringify(result.failed)}`);
  return result;
}

/** The operations of a plan that write something (not skips). */
export const writes = (plan: Plan) => plan.operations.filter((o) => o.action !== 'skip');

/** A plan with nothing to write: what every recurring sync ends with once applied. */
export function expectNoChanges(plan: Plan): void {
  const left = writes(plan).map((o) => `${o.action} ${o.id}: ${JSON.stringify(o.patch ?? o.desired)}`);
  if (left.length || hasChanges(plan)) throw new Error(`the plan still has changes:\n${left.join('\n')}`);
}

/** The decisions of one operation, as `action subject` lines. */
export function decisionsOf(plan: Plan, id: string): string[] {
  const op = plan.operations.find((o) => o.id === id);
  return (op?.decisions ?? []).map((d) => `${d.action} ${d.subject}`);
}

// ---- Seeds, written by name (src/simulator/seed.ts) ----

/** A fixture of the default space. */
export const defaultSpace = (collections: Record<string, Record<string, any>[]>): SeedFile => ({ spaces: [{ Name: 'Default', collections }] });

export const environments = (...names: string[]) => names.map((Name) => ({ Name }));

/** The least a project needs: one environment (Production), the default lifecycle over it, the default project group. */
export const productionOnly = () => ({
  environments: environments('Production'),
  lifecycles: [lifecycle(['Production'])],
  projectgroups: [{ Name: 'Default Project Group' }],
});

/** "Default Lifecycle" with one optional phase per environment. */
export const lifecycle = (envs: string[]) => ({ Name: 'Default Lifecycle', Phases: envs.map((e) => ({ Name: e, OptionalDeploymentTargets: [e] })) });

/** A deployment target (never synced: only there to be left alone, and to give roles and names to match). */
export const target = (Name: string, role: string, environment: string) => ({ Name, Roles: [role], EnvironmentIds: [environment], Endpoint: { CommunicationStyle: 'None' } });

export const worker = (Name: string) => ({ Name, WorkerPoolIds: ['Default Worker Pool'], Endpoint: { CommunicationStyle: 'None' } });

/** A one-action script step; `action` adds to (or overrides) the action, `role` makes it run on targets with it. */
export const scriptStep = (Name: string, action: Record<string, unknown> = {}, role?: string) => ({
  Name,
  Properties: role ? { 'Octopus.Action.TargetRoles': role } : {},
  Actions: [{ Name, ActionType: 'Octopus.Script', Properties: { 'Octopus.Action.Script.ScriptBody': Name.toLowerCase() }, ...action }],
});

/** A clear-text secret for a seed (the same shape as the shipped fixtures' secrets). */
export const secret = (name: string) => `Sup3rSecret-${name}!`;

/** Clear-text values of a project variable in a simulator's database (the API never returns sensitive ones). */
export function storedValues(sim: RunningSimulator, project: string, name: string): unknown[] {
  const p = sim.store.all('projects', 'Spaces-1').find((d) => d.Name === project)!;
  const set = sim.store.all('variables', 'Spaces-1').find((v) => v.Id === p.VariableSetId)!;
  return set.Variables.filter((v: Doc) => v.Name === name).map((v: Doc) => v.Value);
}

// ---- Reading and editing an instance by name, through its API ----

const SPACE = '/api/Spaces-1';

async function ok(res: Promise<{ status: number; body: any }>, what: string): Promise<any> {
  const r = await res;
  if (r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export const list = (api: ApiClient, collection: string): Promise<Doc[]> => ok(api('GET', `${SPACE}/${collection}/all`), `list ${collection}`);

export async function byName(api: ApiClient, collection: string, name: string): Promise<Doc> {
  const found = (await list(api, collection)).filter((d) => d.Name === name);
  if (found.length !== 1) throw new Error(`${found.length} ${collection} named '${name}'`);
  return found[0];
}

export const names = (docs: Doc[]): string[] => docs.map((d) => d.Name).sort();

/** A project's deployment process. */
export async function processOf(api: ApiClient, project: string): Promise<Doc> {
  const p = await byName(api, 'projects', project);
  return ok(api('GET', `${SPACE}/deploymentprocesses/${p.DeploymentProcessId}`), `process of ${project}`);
}

export async function editProcess(api: ApiClient, project: string, edit: (process: Doc) => void): Promise<void> {
  const process = await processOf(api, project);
  edit(process);
  await ok(api('PUT', `${SPACE}/deploymentprocesses/${process.Id}`, process), `PUT process of ${project}`);
}

/** Names of a process's steps, in order. */
export const stepNames = (process: Doc): string[] => process.Steps.map((s: Doc) => s.Name);

export interface NamedVariable {
  Name: string;
  Value: unknown;
  IsSensitive: boolean;
  Type: string;
  /** Scope with names instead of ids. */
  Scope: Record<string, string[]>;
}

async function variableSet(api: ApiClient, owner: { project?: string; librarySet?: string }): Promise<Doc> {
  const id = owner.project
    ? (await byName(api, 'projects', owner.project)).VariableSetId
    : (await byName(api, 'libraryvariablesets', owner.librarySet!)).VariableSetId;
  return ok(api('GET', `${SPACE}/variables/${id}`), 'variables');
}

const SCOPE_LISTS: Record<string, string> = { Environment: 'Environments', Machine: 'Machines', Action: 'Actions', Channel: 'Channels', ProcessOwner: 'Processes' };

/** A project's (or library set's) variables with scopes by name, sorted by name then value. */
export async function variablesOf(api: ApiClient, owner: { project?: string; librarySet?: string }): Promise<NamedVariable[]> {
  const set = await variableSet(api, owner);
  const nameOf = (key: string, id: string) => (SCOPE_LISTS[key] ? set.ScopeValues[SCOPE_LISTS[key]].find((e: Doc) => e.Id === id)?.Name ?? `?${id}` : id);
  return set.Variables.map((v: Doc) => ({
    Name: v.Name,
    Value: v.Value,
    IsSensitive: v.IsSensitive,
    Type: v.Type,
    Scope: Object.fromEntries(Object.entries<string[]>(v.Scope ?? {}).map(([k, ids]) => [k, ids.map((id) => nameOf(k, id)).sort()])),
  })).sort((a: NamedVariable, b: NamedVariable) => a.Name.localeCompare(b.Name) || String(a.Value).localeCompare(String(b.Value)));
}

/** The values of one variable as `value @ scope` lines (sensitive values read back as null). */
export async function valuesOf(api: ApiClient, owner: { project?: string; librarySet?: string }, name: string): Promise<string[]> {
  return (await variablesOf(api, owner))
    .filter((v) => v.Name === name)
    .map((v) => `${v.IsSensitive ? '(sensitive)' : v.Value} @ ${scopeText(v.Scope)}`)
    .sort();
}

const scopeText = (scope: Record<string, string[]>) =>
  Object.keys(scope).length ? Object.entries(scope).map(([k, v]) => `${k}: ${v.join(', ')}`).join('; ') : 'unscoped';

/**
 * Edits a variable set with scopes written by name: `edit` gets and returns variables whose scopes hold names;
 * they are turned back into ids (through the set's ScopeValues) before the PUT. A variable without `Id` is new.
 */
export async function editVariables(api: ApiClient, owner: { project?: string; librarySet?: string }, edit: (variables: Doc[]) => Doc[]): Promise<void> {
  const set = await variableSet(api, owner);
  const idOf = (key: string, name: string) => {
    if (!SCOPE_LISTS[key]) return name;
    const hit = set.ScopeValues[SCOPE_LISTS[key]].find((e: Doc) => e.Name === name || e.Id === name);
    if (!hit) throw new Error(`no ${key} '${name}' to scope to`);
    return hit.Id;
  };
  const named = set.Variables.map((v: Doc) => ({
    ...v,
    Scope: Object.fromEntries(Object.entries<string[]>(v.Scope ?? {}).map(([k, ids]) => [k, ids.map((id) => set.ScopeValues[SCOPE_LISTS[k]]?.find((e: Doc) => e.Id === id)?.Name ?? id)])),
  }));
  const next = edit(named).map((v) => ({
    Value: null,
    Type: 'String',
    IsSensitive: false,
    IsEditable: true,
    Description: null,
    Prompt: null,
    ...v,
    Scope: Object.fromEntries(Object.entries<string[]>(v.Scope ?? {}).map(([k, ns]) => [k, ns.map((n) => idOf(k, n))])),
  }));
  await ok(api('PUT', `${SPACE}/variables/${set.Id}`, { ...set, Variables: next }), 'PUT variables');
}

/** Renames an item of a space collection (an environment, a tenant …). */
export async function rename(api: ApiClient, collection: string, from: string, to: string): Promise<void> {
  const doc = await byName(api, collection, from);
  await ok(api('PUT', `${SPACE}/${collection}/${doc.Id}`, { ...doc, Name: to }), `rename ${from}`);
}

/** Edits an item of a space collection in place. */
export async function editDoc(api: ApiClient, collection: string, name: string, edit: (doc: Doc) => void): Promise<void> {
  const doc = await byName(api, collection, name);
  edit(doc);
  await ok(api('PUT', `${SPACE}/${collection}/${doc.Id}`, doc), `PUT ${collection} ${name}`);
}

/** Tenants with their project links by name: `{ Internal: { OctoFX: ['Production', 'Staging'] } }`. */
export async function tenantLinks(api: ApiClient): Promise<Record<string, Record<string, string[]>>> {
  const [tenants, projects, environments] = await Promise.all([list(api, 'tenants'), list(api, 'projects'), list(api, 'environments')]);
  const nameOf = (docs: Doc[], id: string) => docs.find((d) => d.Id === id)?.Name ?? `?${id}`;
  return Object.fromEntries(
    tenants.map((t) => [
      t.Name,
      Object.fromEntries(Object.entries<string[]>(t.ProjectEnvironments ?? {}).map(([pid, envs]) => [nameOf(projects, pid), envs.map((e) => nameOf(environments, e)).sort()])),
    ]),
  );
}

/**
 * A tenant's variable values by name: `{ 'OctoFX/Production/Tenant.Site.Url': 'https://…', 'Shared/Tenant.Db': … }`;
 * a sensitive value reads as `(sensitive)`.
 */
export async function tenantValues(api: ApiClient, tenant: string): Promise<Record<string, unknown>> {
  const t = await byName(api, 'tenants', tenant);
  const [doc, environments] = await Promise.all([ok(api('GET', `${SPACE}/tenants/${t.Id}/variables`), 'tenant variables'), list(api, 'environments')]);
  const out: Record<string, unknown> = {};
  const show = (v: any) => (v && typeof v === 'object' ? (v.HasValue ? '(sensitive)' : null) : v);
  for (const pv of Object.values<Doc>(doc.ProjectVariables ?? {})) {
    for (const [envId, values] of Object.entries<Doc>(pv.Variables ?? {})) {
      const env = environments.find((e) => e.Id === envId)?.Name ?? envId;
      for (const [templateId, v] of Object.entries(values)) out[`${pv.ProjectName}/${env}/${pv.Templates.find((x: Doc) => x.Id === templateId)?.Name}`] = show(v);
    }
  }
  for (const lv of Object.values<Doc>(doc.LibraryVariables ?? {})) {
    for (const [templateId, v] of Object.entries<Doc>(lv.Variables ?? {})) out[`${lv.LibraryVariableSetName}/${lv.Templates.find((x: Doc) => x.Id === templateId)?.Name}`] = show(v);
  }
  return out;
}

/** Sets tenant variable values by name (`'OctoFX/Production/Tenant.Site.Url'`), keeping the others. */
export async function setTenantValues(api: ApiClient, tenant: string, values: Record<string, unknown>): Promise<void> {
  const t = await byName(api, 'tenants', tenant);
  const [doc, environments] = await Promise.all([ok(api('GET', `${SPACE}/tenants/${t.Id}/variables`), 'tenant variables'), list(api, 'environments')]);
  for (const [path, value] of Object.entries(values)) {
    const parts = path.split('/');
    if (parts.length === 3) {
      const pv = Object.values<Doc>(doc.ProjectVariables).find((p) => p.ProjectName === parts[0])!;
      const env = environments.find((e) => e.Name === parts[1])!.Id;
      ((pv.Variables ??= {})[env] ??= {})[pv.Templates.find((x: Doc) => x.Name === parts[2]).Id] = value;
    } else {
      const lv = Object.values<Doc>(doc.LibraryVariables).find((l) => l.LibraryVariableSetName === parts[0])!;
      (lv.Variables ??= {})[lv.Templates.find((x: Doc) => x.Name === parts[1]).Id] = value;
    }
  }
  await ok(api('PUT', `${SPACE}/tenants/${t.Id}/variables`, doc), 'PUT tenant variables');
}

/**
 * What octosync never writes, read through the API: deployment targets, workers, releases and deployments
 * (whole documents, so any change to them shows).
 */
export async function neverSynced(api: ApiClient): Promise<Record<string, Doc[]>> {
  const [machines, workers, releases, deployments] = await Promise.all([
    list(api, 'machines'),
    list(api, 'workers'),
    ok(api('GET', `${SPACE}/releases?take=1000`), 'releases'),
    ok(api('GET', `${SPACE}/deployments?take=1000`), 'deployments'),
  ]);
  return { machines, workers, releases: releases.Items, deployments: deployments.Items };
}
