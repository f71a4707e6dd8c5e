import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { ExitCode } from '../../src/errors.js';
import { API_KEY } from '../helpers/simulator.js';
import { applyTo } from '../helpers/sync.js';
import { ensureBuilt, FixtureSync, MAIN, neverSynced, sourceWithServerMadeChildren } from '../helpers/reliability.js';

/**
 * Ctrl-C and SIGTERM sent to `octosync apply` (the built CLI) in the middle of its writes: it starts no new
 * operation, lets those in flight finish, writes its journal, says how far it got and exits 130; a second
 * Ctrl-C ends it at once. The same plan run again then finishes the job.
 */

type Sim = Awaited<ReturnType<FixtureSync['destination']>>;

describe('apply interrupted by Ctrl-C or SIGTERM', () => {
  let sync: FixtureSync;

  beforeAll(async () => {
    ensureBuilt();
    sync = await FixtureSync.start(true, sourceWithServerMadeChildren());
  }, 120_000);

  afterAll(async () => {
    await sync?.close();
  });

  /** Runs the CLI, sends `signals` (spaced by `gapMs`) when the k-th write arrives; returns what it printed. */
  async function interrupted(dst: Sim, planFile: string, k: number, signals: NodeJS.Signals[], parallelism: number, gapMs = 0) {
    const args = [MAIN, 'apply', planFile, '--server', dst.url, '--api-key', API_KEY, '--space', 'Default', '--parallelism', String(parallelism)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    let writesAtSignal = -1;
    const record = dst.stats.record.bind(dst.stats);
    dst.stats.record = (method: string, path: string) => {
      record(method, path);
      if (method !== 'GET' && dst.stats.writes === k && writesAtSignal < 0) {
        writesAtSignal = k;
        signals.forEach((s, i) => setTimeout(() => child.exitCode === null && child.kill(s), i * gapMs));
      }
    };
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    dst.stats.record = record;
    return { exit, stderr, writesAtSignal };
  }

  it.each([
    ['SIGINT', 6, 1],
    ['SIGTERM', 12, 4],
    ['SIGINT', 20, 8],
  ] as [NodeJS.Signals, number, number][])('%s at write %i (%i at a time): in-flight writes finish, journal written, exit 130; the same plan finishes it', async (signal, k, parallelism) => {
    const dst = await sync.destination();
    try {
      const before = neverSynced(dst);
      const { planFile, plan } = await sync.planFor(dst, `${signal}-${k}`);
      dst.stats.reset();
      const run = await interrupted(dst, planFile, k, [signal], parallelism);
      expect(run.exit).toEqual({ code: ExitCode.interrupted, signal: null });
      const total = plan.operations.filter((o) => o.action !== 'skip').length;
      const journal = readFileSync(`${planFile}.journal.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const finished = journal.filter((e) => e.event === 'finished').length;
      expect(run.stderr).toContain(`interrupted: ${finished} of ${total} operations done; run the same plan again to finish`);
      expect(journal[journal.length - 1]).toEqual({ event: 'interrupted', done: finished, of: total });
      // Every operation started was finished (none cut off), and none started once apply knew it must stop.
      expect(journal.filter((e) => e.event === 'started').length).toBe(finished);
      const stopping = journal.findIndex((e) => e.event === 'stopping');
      expect(stopping).toBeGreaterThan(0);
      expect(journal.slice(stopping).filter((e) => e.event === 'started')).toEqual([]);
      expect(finished).toBeLessThan(total);
      expect(existsSync(`${planFile}.journal.jsonl.lock`)).toBe(false);

      const again = await applyTo(dst.url, planFile);
      expect(again.failed).toEqual([]);
      // What the first run finished, and what a created parent already brought along as the plan wants it
      // (a new project's deployment settings at the server's defaults), is recognised, not written again.
      expect(again.alreadyApplied).toBeGreaterThanOrEqual(finished);
      expect(again.created + again.updated + again.alreadyApplied).toBe(total);
      await sync.expectConverged(dst, `${signal}-${k}`, before);
    } finally {
      await dst.close();
    }
  }, 120_000);

  it('a second Ctrl-C stops at once (exit 130); the same plan then finishes the job', async () => {
    // Slow enough that the writes in flight at the first Ctrl-C still are 50 ms later on a loaded machine: creates
    // are sent without a lookup first (issue 17.4), so the four in flight finish together, one latency after.
    const dst = await sync.destination({ latencyMs: 800 });
    try {
      const before = neverSynced(dst);
      const { planFile } = await sync.planFor(dst, 'twice');
      dst.stats.reset();
      const run = await interrupted(dst, planFile, 3, ['SIGINT', 'SIGINT'], 4, 50);
      expect(run.exit).toEqual({ code: ExitCode.interrupted, signal: null });
      expect(run.stderr).toMatch(/SIGINT again: stopping now; run the same plan again to finish/);
      expect(existsSync(`${planFile}.journal.jsonl.lock`)).toBe(false);
      dst.faults.configure({ latencyMs: 0 });
      const again = await applyTo(dst.url, planFile);
      expect(again.failed).toEqual([]);
      await sync.expectConverged(dst, 'twice', before);
    } finally {
      await dst.close();
    }
  }, 120_000);
});
