/**
 * The peer pattern the benchmark measures octosync against (issue 17.1, src/bench/peer.ts), over HTTP to two
 * simulators: SpaceCloner's requests per project, serial, and a destination it leaves as it found it. Also what
 * the bench relies on at sizes without a first sync: a destination seeded as a copy of the source is in sync.
 * No timings (speed is `npm run bench`'s business).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_SPACE, shapeFor, sourceSeed } from '../../src/bench/generate.js';
import { runPeerPattern } from '../../src/bench/peer.js';
import { makePlans } from '../../src/plan/make.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { writeSnapshotFile } from '../../src/snapshot/file.js';
import { takeSnapshot } from '../../src/snapshot/take.js';
import { API_KEY } from '../helpers/simulator.js';

const shape = shapeFor(3, { tenants: 4, runbooksPerProject: 2 });

describe('the peer pattern of the benchmark', () => {
  let src: RunningSimulator;
  let dst: RunningSimulator;
  let dir: string;
  beforeAll(async () => {
    src = await startSimulator({ apiKey: API_KEY, seed: sourceSeed(shape) });
    dst = await startSimulator({ apiKey: API_KEY, seed: sourceSeed(shape) });
    dir = mkdtempSync(join(tmpdir(), 'octosync-peer-test-'));
  });
  afterAll(async () => {
    await src.close();
    await dst.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const snapshot = async (sim: RunningSimulator, file: string) => {
    writeSnapshotFile(join(dir, file), (await takeSnapshot({ server: sim.url, apiKey: API_KEY, space: BENCH_SPACE })).snapshot);
    return join(dir, file);
  };

  it('finds a destination seeded as a copy of the source in sync', async () => {
    const [made] = makePlans({ source: await snapshot(src, 'source.json'), destinations: [await snapshot(dst, 'copy.json')], out: join(dir, 'plan.json') });
    expect(made.plan.counts).toMatchObject({ create: 0, update: 0, skip: 0 });
    expect(made.plan.operations).toEqual([]);
  });

  it("sends SpaceCloner's requests: per project GET both sides and PUT the process, each runbook process and the variables", async () => {
    src.stats.reset();
    dst.stats.reset();
    const result = await runPeerPattern(
      { server: src.url, apiKey: API_KEY, space: BENCH_SPACE },
      { server: dst.url, apiKey: API_KEY, space: BENCH_SPACE },
    );
    // Per project: 3 documents of a process (GET, GET, PUT) + each side's runbook list + 3 per runbook process + 3 for variables.
    const perProject = 3 + 2 + 3 * shape.runbooksPerProject + 3;
    expect(result.projects).toBe(shape.projects);
    expect(result.byMethod).toEqual({ GET: 4 + shape.projects * (perProject - 2 - shape.runbooksPerProject), PUT: shape.projects * (2 + shape.runbooksPerProject) });
    // Each side served its own reads; only the destination was written.
    expect(src.stats.writes).toBe(0);
    expect(dst.stats.writes).toBe(shape.projects * (2 + shape.runbooksPerProject));
    expect(src.stats.toJSON().total + dst.stats.toJSON().total).toBe(4 + shape.projects * perProject);
  });

  it('leaves the destination in sync (it writes back what it read)', async () => {
    const [made] = makePlans({ source: join(dir, 'source.json'), destinations: [await snapshot(dst, 'after.json')], out: join(dir, 'plan-after.json') });
    expect(made.plan.counts).toMatchObject({ create: 0, update: 0, skip: 0 });
  });

  it('names the project a destination lacks', async () => {
    const empty = await startSimulator({ apiKey: API_KEY, seed: { spaces: [{ Name: BENCH_SPACE, IsDefault: true, collections: {} }] } });
    try {
      await expect(
        runPeerPattern({ server: src.url, apiKey: API_KEY, space: BENCH_SPACE }, { server: empty.url, apiKey: API_KEY, space: BENCH_SPACE }),
      ).rejects.toThrow("peer pattern: the destination has no project 'Project 1'");
    } finally {
      await empty.close();
    }
  });
});
