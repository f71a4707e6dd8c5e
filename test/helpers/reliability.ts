import { expect } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { applyPlanFile } from '../../src/cli/commands/apply-files.js';
import { makePlans, type MadePlan } from '../../src/plan/make.js';
import type { SeedFile } from '../../src/simulator/seed.js';
import type { RunningSimulator, SimulatorOptions } from '../../src/simulator/server.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { MAIN, ROOT } from './built.js';
import { DESTINATION_FIXTURE, SOURCE_FIXTURE } from './fixtures.js';
import { API_KEY, withSimulator } from './simulator.js';
import { snapshotTo, workDir } from './sync.js';

export { ensureBuilt, MAIN, ROOT } from './built.js';

/** The example policy made for the shipped fixtures (use case 1 of the guide). */
export const EXAMPLE_POLICY_FILE = join(ROOT, 'examples/dev-test-to-staging-prod.yaml');
export const examplePolicy = (): unknown => parseYaml(readFileSync(EXAMPLE_POLICY_FILE, 'utf8'));

/** A snapshot's resources with every item's `meta` (ids, fingerprints, versions) removed: what two instances can share. */
export function resourceContents(snapshot: Snapshot): unknown {
  const strip = (tree: any): any => {
    if (tree && typeof tree === 'object' && 'content' in tree && 'meta' in tree) return tree.content;
    return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, strip(v)]));
  };
  return strip(snapshot.resources);
}

const COLLECTIONS = [
  'environments', 'projectgroups', 'tagsets', 'feeds', 'teams', 'machinepolicies', 'workerpools', 'accounts', 'actiontemplates',
  'libraryvariablesets', 'lifecycles', 'tenants', 'certificates', 'projects', 'channels', 'runbooks', 'deploymentprocesses',
  'runbookprocesses', 'variables', 'machines', 'workers', 'releases', 'scopeduserroles', 'userroles',
];

/** Documents per collection of a simulator's store (what an apply created shows up here). */
export function storeCounts(sim: RunningSimulator): Record<string, number> {
  return Object.fromEntries(COLLECTIONS.map((c) => [c, sim.store.all(c).length]));
}

/** Items whose name occurs twice within one parent (space, project, owner): an item created twice. */
export function duplicateNames(sim: RunningSimulator): string[] {
  const dups: string[] = [];
  for (const c of COLLECTIONS) {
    const seen = new Set<string>();
    for (const d of sim.store.all(c)) {
      if (typeof d.Name !== 'string') continue;
      const key = [d.SpaceId, d.ProjectId, d.OwnerId, d.Name].join('\u0000');
      if (seen.has(key)) dups.push(`${c}: ${d.Name}`);
      seen.add(key);
    }
  }
  return dups;
}

/** The documents of the kinds octosync never writes: they must come through every apply byte for byte. */
export function neverSynced(sim: RunningSimulator): unknown {
  return { machines: sim.store.all('machines'), workers: sim.store.all('workers'), releases: sim.store.all('releases') };
}

/** Every file under a directory, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

type Sim = Awaited<ReturnType<typeof withSimulator>>;

/**
 * The fixtures' sync (fixtures/source.json → fixtures/destination.json under the example policy) as a yardstick:
 * a source simulator and its snapshot, and the destination as a clean, uninterrupted apply leaves it. Trials
 * start fresh destinations, plan against them, disturb their apply, and compare the outcome with the reference.
 */
export class FixtureSync {
  reference!: { contents: unknown; counts: Record<string, number>; writes: number; posts: number };

  private constructor(
    readonly src: Sim,
    readonly dir: string,
    readonly sourceFile: string,
    readonly policyFile: string,
  ) {}

  /** `withReference: false` skips the reference apply (for tests that only need plans); `seed`: another source. */
  static async start(withReference = true, seed: SeedFile | string = SOURCE_FIXTURE): Promise<FixtureSync> {
    const dir = workDir();
    const src = await withSimulator({ seed });
    const sourceFile = join(dir, 'source.json');
    await snapshotTo(src.url, sourceFile);
    const policyFile = join(dir, 'policy.json');
    writeFileSync(policyFile, JSON.stringify(examplePolicy()));
    const sync = new FixtureSync(src, dir, sourceFile, policyFile);
    if (!withReference) return sync;
    const dst = await sync.destination();
    try {
      const { planFile } = await sync.planFor(dst, 'reference');
      dst.stats.reset();
      await applyPlanFile({ server: dst.url, apiKey: API_KEY, space: 'Default', planFile });
      const { writes } = dst.stats;
      const posts = dst.stats.toJSON().byMethod.POST ?? 0;
      sync.reference = { contents: resourceContents(await snapshotTo(dst.url, join(dir, 'reference-after.json'))), counts: storeCounts(dst), writes, posts };
    } finally {
      await dst.close();
    }
    return sync;
  }

  /** A fresh destination seeded as fixtures/destination.json. */
  destination(options: SimulatorOptions = {}): Promise<Sim> {
    return withSimulator({ seed: DESTINATION_FIXTURE, ...options });
  }

  /** Snapshots a destination (no faults wanted here) and plans the sync to it. */
  async planFor(dst: Sim, name: string): Promise<MadePlan> {
    const dstFile = join(this.dir, `${name}-destination.json`);
    await snapshotTo(dst.url, dstFile);
    const [made] = makePlans({ source: this.sourceFile, destinations: [dstFile], policy: this.policyFile, out: join(this.dir, `${name}.plan.json`) });
    return made;
  }

  /**
   * The destination equals the reference (contents, ignoring ids and meta), holds as many documents per
   * collection, no name twice, the never-synced kinds as they were, and a new plan has no changes.
   */
  async expectConverged(dst: Sim, name: string, neverSyncedBefore: unknown): Promise<void> {
    const afterFile = join(this.dir, `${name}-after.json`);
    expect(resourceContents(await snapshotTo(dst.url, afterFile))).toEqual(this.reference.contents);
    expect(storeCounts(dst)).toEqual(this.reference.counts);
    expect(duplicateNames(dst)).toEqual([]);
    expect(neverSynced(dst)).toEqual(neverSyncedBefore);
    const [again] = makePlans({ source: this.sourceFile, destinations: [afterFile], policy: this.policyFile, out: join(this.dir, `${name}-again.plan.json`) });
    expect(again.plan.operations.filter((o) => o.action !== 'skip')).toEqual([]);
  }

  close(): Promise<void> {
    return this.src.close();
  }
}

/**
 * The source fixture with new projects whose server-made children differ from what the server makes: Pet Shop's
 * and Audit Service's "Default" channels have descriptions, Pet Shop gains a second channel and Audit Service a
 * runbook. Applied to the destination fixture (which has neither project) it is a first sync in which a killed
 * run can leave a project whose Default channel, process and variable set the server made and apply has not
 * yet filled in.
 */
export function sourceWithServerMadeChildren(): SeedFile {
  const seed = JSON.parse(readFileSync(SOURCE_FIXTURE, 'utf8'));
  const projects: any[] = seed.spaces[0].collections.projects;
  const petShop = projects.find((p) => p.Name === 'Pet Shop');
  const audit = projects.find((p) => p.Name === 'Audit Service');
  petShop.$channels = [{ Name: 'Default', Description: 'Pet Shop releases.' }, { Name: 'Hotfix', Description: 'Urgent fixes.' }];
  audit.$channels = [{ Name: 'Default', Description: 'Audit Service releases.' }];
  audit.$runbooks = [{ Name: 'Rotate logs', Description: 'Archives old logs.', $process: petShop.$runbooks[0].$process }];
  return seed;
}

/**
 * `octosync apply` (the built CLI) killed with SIGKILL the moment the destination receives its k-th write (the
 * write is carried out, its answer lost). Resolves whether it was killed (false: it finished first).
 */
export async function applyKilledAtWrite(dst: RunningSimulator, planFile: string, k: number, extraArgs: string[] = []): Promise<boolean> {
  const args = [MAIN, 'apply', planFile, '--server', dst.url, '--api-key', API_KEY, '--space', 'Default', ...extraArgs];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  const record = dst.stats.record.bind(dst.stats);
  let writes = 0;
  dst.stats.record = (method: string, path: string) => {
    record(method, path);
    if (method !== 'GET' && ++writes === k) child.kill('SIGKILL');
  };
  const exit = await new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  dst.stats.record = record;
  return exit === 'SIGKILL';
}
