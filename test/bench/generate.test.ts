/**
 * The benchmark's generated spaces at a tiny size: valid for the simulator, read by a snapshot without warnings,
 * with what the shape promises, and synced by a plan that skips nothing. No timings here: speed is the
 * benchmark's business (`npm run bench`), never a test's.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPlanFile } from '../../src/cli/commands/apply-files.js';
import { applyReadBound, CONNECT_REQUESTS, httpProbe, readBound, writeBound } from '../../src/bench/bounds.js';
import { BENCH_SPACE, destinationSeed, expectedCounts, shapeFor, sourceSeed } from '../../src/bench/generate.js';
import { makePlans } from '../../src/plan/make.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { writeSnapshotFile } from '../../src/snapshot/file.js';
import { takeSnapshot } from '../../src/snapshot/take.js';
import { API_KEY } from '../helpers/simulator.js';

const shape = shapeFor(12, { tenants: 4 });

describe('benchmark spaces', () => {
  let src: RunningSimulator;
  let dst: RunningSimulator;
  let dir: string;
  beforeAll(async () => {
    src = await startSimulator({ apiKey: API_KEY, seed: sourceSeed(shape) });
    dst = await startSimulator({ apiKey: API_KEY, seed: destinationSeed(shape) });
    dir = mkdtempSync(join(tmpdir(), 'octosync-bench-test-'));
  });
  afterAll(async () => {
    await src.close();
    await dst.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const snapshot = async (sim: RunningSimulator, file: string) => {
    const result = await takeSnapshot({ server: sim.url, apiKey: API_KEY, space: BENCH_SPACE });
    writeSnapshotFile(join(dir, file), result.snapshot);
    return result;
  };

  it('generates the promised space, read in as few requests as the API allows', async () => {
    const result = await snapshot(src, 'source.json');
    expect(result.snapshot.warnings).toEqual([]);
    for (const [plural, n] of Object.entries(expectedCounts(shape))) expect([plural, result.counts[plural]]).toEqual([plural, n]);
    const bound = await readBound(httpProbe(src.url, API_KEY), 'Spaces-1', result.snapshot.server.version);
    expect(result.requests).toBe(bound.requests);
  });

  it('syncs into the destination with nothing skipped, and a second sync has nothing to do', async () => {
    const version = (await snapshot(dst, 'destination-0.json')).snapshot.server.version;
    const [first] = makePlans({ source: join(dir, 'source.json'), destinations: [join(dir, 'destination-0.json')], out: join(dir, 'plan-1.json') });
    const writes = writeBound(first.plan);
    expect(writes.skips).toBe(0);
    expect(first.plan.warnings).toEqual([]);
    const reads = applyReadBound(await readBound(httpProbe(dst.url, API_KEY), 'Spaces-1', version), first.plan, version);
    dst.stats.reset();
    const applied = await applyPlanFile({ server: dst.url, apiKey: API_KEY, space: BENCH_SPACE, planFile: first.planFile, journalFile: join(dir, 'j1.jsonl'), cleanupBase: join(dir, 'c1') });
    expect(applied.failed).toEqual([]);
    expect(applied.created).toBe(writes.creates);
    expect(dst.stats.writes).toBe(writes.documents + writes.lateReferences);
    // Issue 17.4: a first sync reads within 1.2× of its read bound, a count of requests (never a time). What created
    // parents bring along is read in ids= batches, never a GET per process, variable set or runbook process.
    const { byPattern } = dst.stats.toJSON();
    const gets = Object.entries(byPattern).filter(([k]) => k.startsWith('GET '));
    expect(gets.filter(([k]) => /\/(deploymentprocesses|variables|runbookProcesses)\/\{id\}$/.test(k))).toEqual([]);
    const read = gets.reduce((sum, [, n]) => sum + n, 0);
    // On failure, the counts by path say where the excess went.
    expect({ read, byPattern: read > reads * 1.2 ? Object.fromEntries(gets) : {} }).toEqual({ read: expect.any(Number), byPattern: {} });
    expect(read).toBeLessThanOrEqual(Math.floor(reads * 1.2));

    await snapshot(dst, 'destination-1.json');
    const [again] = makePlans({ source: join(dir, 'source.json'), destinations: [join(dir, 'destination-1.json')], out: join(dir, 'plan-2.json') });
    expect(again.plan.counts).toMatchObject({ create: 0, update: 0, skip: 0 });
    dst.stats.reset();
    await applyPlanFile({ server: dst.url, apiKey: API_KEY, space: BENCH_SPACE, planFile: again.planFile, journalFile: join(dir, 'j2.jsonl'), cleanupBase: join(dir, 'c2') });
    expect(dst.stats.writes).toBe(0);
    // Nothing to write: only the server, the space and the key are checked, none of the space's items read.
    expect(dst.stats.toJSON().total).toBe(CONNECT_REQUESTS);
  });
});
