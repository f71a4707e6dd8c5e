import type { SeedFile } from '../simulator/seed.js';
import type { Doc } from '../simulator/types.js';

/**
 * Generated spaces for the benchmark (issue 7), written as simulator seeds (documents by name, see
 * `src/simulator/seed.ts`): no HTTP, so a 1,000-project space loads in seconds.
 */
export interface SpaceShape {
  projects: number;
  runbooksPerProject: number;
  /** Channels per project, the "Default" channel included. */
  channelsPerProject: number;
  variablesPerProject: number;
  environments: number;
  tenants: number;
  libraryVariableSets: number;
  /** Variables per library variable set. */
  libraryVariables: number;
  projectGroups: number;
  /** Deployment-process steps per project (one action each). */
  stepsPerProject: number;
  /** Projects each tenant is connected to. */
  projectsPerTenant: number;
}

export const DEFAULT_SHAPE: Omit<SpaceShape, 'projects'> = {
  runbooksPerProject: 5,
  channelsPerProject: 3,
  variablesPerProject: 40,
  environments: 20,
  tenants: 100,
  libraryVariableSets: 20,
  libraryVariables: 10,
  projectGroups: 10,
  stepsPerProject: 3,
  projectsPerTenant: 3,
};

export function shapeFor(projects: number, overrides: Partial<SpaceShape> = {}): SpaceShape {
  return { ...DEFAULT_SHAPE, projects, ...overrides };
}

export const BENCH_SPACE = 'Default';
const TAG_SETS = [
  { Name: 'Tier', Tags: ['Gold', 'Silver', 'Bronze'] },
  { Name: 'Region', Tags: ['EU', 'US', 'APAC'] },
];

const pad = (n: number, width: number) => String(n).padStart(width, '0');
export const environmentName = (i: number) => `Env ${pad(i + 1, 2)}`;
export const projectName = (i: number, shape: SpaceShape) => `Project ${pad(i + 1, String(shape.projects).length)}`;
const groupName = (i: number) => `Group ${pad(i + 1, 2)}`;
const librarySetName = (i: number) => `Library ${pad(i + 1, 2)}`;
const tenantName = (i: number) => `Tenant ${pad(i + 1, 3)}`;
const runbookName = (i: number) => `Runbook ${i + 1}`;
const EXTRA_CHANNELS = ['Hotfix', 'Beta', 'Preview', 'Legacy', 'Canary'];
const channelNames = (shape: SpaceShape) => ['Default', ...EXTRA_CHANNELS].slice(0, Math.max(1, shape.channelsPerProject));

function environments(shape: SpaceShape): Doc[] {
  return Array.from({ length: shape.environments }, (_, i) => ({ Name: environmentName(i), Description: `Environment ${i + 1}` }));
}

function scriptAction(name: string, body: string, extra: Doc = {}): Doc {
  return {
    Name: name,
    ActionType: 'Octopus.Script',
    Properties: { 'Octopus.Action.Script.ScriptSource': 'Inline', 'Octopus.Action.Script.Syntax': 'PowerShell', 'Octopus.Action.Script.ScriptBody': body, 'Octopus.Action.RunOnServer': 'true' },
    ...extra,
  };
}

function deploymentSteps(p: number, shape: SpaceShape): Doc[] {
  const channels = channelNames(shape);
  return Array.from({ length: shape.stepsPerProject }, (_, s) => {
    const name = `Step ${s + 1}`;
    const extra: Doc = {};
    // Some scoping, so that translation has work to do.
    if (s === 0) extra.Environments = [environmentName(p % shape.environments), environmentName((p + 1) % shape.environments)];
    if (s === 1 && channels.length > 1) extra.Channels = [channels[1]];
    return { Name: name, Condition: 'Success', StartTrigger: 'StartAfterPrevious', Actions: [scriptAction(name, `Write-Host "project ${p + 1}, step ${s + 1}"`, extra)] };
  });
}

/** `variablesPerProject` variables: plain, environment-, channel-, step- and runbook-scoped, and a few sensitive. */
function projectVariables(p: number, shape: SpaceShape): Doc[] {
  const channels = channelNames(shape);
  const out: Doc[] = [];
  for (let i = 0; out.length < shape.variablesPerProject; i++) {
    const kind = i % 8;
    const name = `Var.${pad(i + 1, 3)}`;
    const value = `value ${p + 1}.${i + 1}`;
    if (kind === 0 || kind === 1 || kind === 2) out.push({ Name: name, Value: value });
    else if (kind === 3 || kind === 4) out.push({ Name: name, Value: value, Scope: { Environment: [environmentName((p + i) % shape.environments)] } });
    else if (kind === 5 && channels.length > 1) out.push({ Name: name, Value: value, Scope: { Channel: [channels[1 + (i % (channels.length - 1))]] } });
    else if (kind === 6 && shape.stepsPerProject > 0) out.push({ Name: name, Value: value, Scope: { Action: ['Step 1'] } });
    else if (kind === 7 && i % 16 === 15) out.push({ Name: `Secret.${pad(i + 1, 3)}`, Value: `secret ${p + 1}.${i + 1}`, Type: 'Sensitive', IsSensitive: true });
    else if (kind === 7 && shape.runbooksPerProject > 0) out.push({ Name: name, Value: value, Scope: { ProcessOwner: [runbookName(0)] } });
    else out.push({ Name: name, Value: value });
  }
  return out;
}

function project(p: number, shape: SpaceShape): Doc {
  const libraries = shape.libraryVariableSets > 0 ? [...new Set([librarySetName(p % shape.libraryVariableSets), librarySetName((p + 7) % shape.libraryVariableSets)])] : [];
  return {
    Name: projectName(p, shape),
    Description: `Generated project ${p + 1}`,
    ProjectGroupId: shape.projectGroups > 0 ? groupName(p % shape.projectGroups) : 'Default Project Group',
    LifecycleId: 'Default Lifecycle',
    TenantedDeploymentMode: 'TenantedOrUntenanted',
    IncludedLibraryVariableSetIds: libraries,
    $channels: channelNames(shape).map((c, i) => ({ Name: c, Description: i === 0 ? 'The usual way' : `${c} releases` })),
    $deploymentProcess: { Steps: deploymentSteps(p, shape) },
    $runbooks: Array.from({ length: shape.runbooksPerProject }, (_, r) => ({
      Name: runbookName(r),
      Description: `Runbook ${r + 1} of project ${p + 1}`,
      EnvironmentScope: 'Specified',
      Environments: [environmentName(r % shape.environments)],
      $process: [{ Name: 'Run', Actions: [scriptAction('Run', `Write-Host "runbook ${r + 1} of project ${p + 1}"`)] }],
    })),
    $variables: projectVariables(p, shape),
  };
}

function tenant(t: number, shape: SpaceShape): Doc {
  const projectEnvironments: Record<string, string[]> = {};
  for (let k = 0; k < Math.min(shape.projectsPerTenant, shape.projects); k++) {
    const p = (t * 7 + k * 31) % shape.projects;
    projectEnvironments[projectName(p, shape)] = [environmentName(k % shape.environments), environmentName((k + 1) % shape.environments)];
  }
  return {
    Name: tenantName(t),
    Description: `Generated tenant ${t + 1}`,
    TenantTags: TAG_SETS.map((s, i) => `${s.Name}/${s.Tags[(t + i) % s.Tags.length]}`),
    ProjectEnvironments: projectEnvironments,
  };
}

/** The source space: everything of the shape, in the order seeds need (referenced items first). */
export function sourceSeed(shape: SpaceShape): SeedFile {
  const collections: Record<string, Doc[]> = {
    environments: environments(shape),
    projectgroups: Array.from({ length: shape.projectGroups }, (_, i) => ({ Name: groupName(i), Description: `Group ${i + 1}` })),
    tagsets: TAG_SETS.map((s) => ({ Name: s.Name, Tags: s.Tags.map((Name) => ({ Name })) })),
    libraryvariablesets: Array.from({ length: shape.libraryVariableSets }, (_, l) => ({
      Name: librarySetName(l),
      Description: `Shared variables ${l + 1}`,
      $variables: Array.from({ length: shape.libraryVariables }, (_, v) =>
        v % 3 === 2
          ? { Name: `Lib${l + 1}.Var${v + 1}`, Value: `lib ${l + 1}.${v + 1}`, Scope: { Environment: [environmentName(v % shape.environments)] } }
          : { Name: `Lib${l + 1}.Var${v + 1}`, Value: `lib ${l + 1}.${v + 1}` },
      ),
    })),
    projects: Array.from({ length: shape.projects }, (_, p) => project(p, shape)),
    tenants: Array.from({ length: shape.tenants }, (_, t) => tenant(t, shape)),
  };
  return { spaces: [{ Name: BENCH_SPACE, IsDefault: true, collections }] };
}

/** The destination of a first sync: a new space that has the environments and nothing else of ours. */
export function destinationSeed(shape: SpaceShape): SeedFile {
  return { spaces: [{ Name: BENCH_SPACE, IsDefault: true, collections: { environments: environments(shape) } }] };
}

/** Documents the shape puts into a space, per snapshot kind (what a snapshot of the source must hold). */
export function expectedCounts(shape: SpaceShape): Record<string, number> {
  const { projects: n } = shape;
  return {
    environments: shape.environments,
    projects: n,
    channels: n * Math.max(1, Math.min(shape.channelsPerProject, 1 + EXTRA_CHANNELS.length)),
    runbooks: n * shape.runbooksPerProject,
    runbookProcesses: n * shape.runbooksPerProject,
    deploymentProcesses: n,
    projectVariables: n,
    tenants: shape.tenants,
    libraryVariableSets: shape.libraryVariableSets,
    libraryVariables: shape.libraryVariableSets,
    tagSets: TAG_SETS.length,
  };
}
