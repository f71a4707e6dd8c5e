import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { API_KEY } from '../helpers/simulator.js';
import { applyTo } from '../helpers/sync.js';
import { ensureBuilt, FixtureSync, MAIN, neverSynced, sourceWithServerMadeChildren } from '../helpers/reliability.js';

/**
 * `octosync apply` (the built CLI, a child process) killed with SIGKILL at many points: at the arrival of each
 * of its writes (one request at a time, and 8 at a time), and at moments after its first request. The sync is a
 * first sync of new projects whose server-made children (Default channel, process, variable set, a runbook's
 * process) differ from what the server makes, so a kill can fall between a project's create and their update;
 * every other run loses its journal. Then the same plan is run again: the destination must
 * end exactly as after an apply that was never interrupted, with no item created twice and nothing that only
 * the destination had lost.
 */

type Sim = Awaited<ReturnType<FixtureSync['destination']>>;
type Arm = (dst: Sim, kill: () => void) => void;

describe('apply killed with SIGKILL, then run again', () => {
  let sync: FixtureSync;
  const trials: { point: string; killed: boolean; writesBeforeKill: number }[] = [];

  beforeAll(async () => {
    ensureBuilt();
    // A first sync of new projects whose Default channels, processes and variable sets the server makes.
    sync = await FixtureSync.start(true, sourceWithServerMadeChildren());
    expect(sync.reference.writes).toBeGreaterThan(10);
  }, 120_000);

  afterAll(async () => {
    await sync?.close();
    const killed = trials.filter((t) => t.killed);
    process.stdout.write(
      `SIGKILL: ${trials.length} trials, ${killed.length} killed mid-apply after ${new Set(killed.map((t) => t.writesBeforeKill)).size} distinct numbers of writes (a clean apply makes ${sync?.reference.writes}); all converged\n`,
    );
  });

  /**
   * One trial: a fresh destination, a plan, `node dist/cli/main.js apply` killed by `arm`, then the same plan
   * again (in this process, with the journal the killed run left next to the plan), then the comparison.
   */
  async function trial(name: string, arm: Arm, parallelism = 8, dropJournal = false): Promise<void> {
    const dst = await sync.destination();
    try {
      const before = neverSynced(dst);
      const { planFile } = await sync.planFor(dst, name);
      dst.stats.reset();
      const args = [MAIN, 'apply', planFile, '--server', dst.url, '--api-key', API_KEY, '--space', 'Default', '--parallelism', String(parallelism)];
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      let killedAt = -1;
      arm(dst, () => {
        if (killedAt < 0 && child.exitCode === null) {
          killedAt = dst.stats.writes;
          child.kill('SIGKILL');
        }
      });
      const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      const killed = exit.signal === 'SIGKILL';
      if (!killed) expect({ code: exit.code, stderr }).toEqual({ code: 0, stderr: expect.stringContaining('Apply complete') });
      trials.push({ point: name, killed, writesBeforeKill: killedAt });
      // The journal may be lost with the machine: what the killed run made must be recognised without it.
      if (dropJournal) rmSync(`${planFile}.journal.jsonl`, { force: true });

      const again = await applyTo(dst.url, planFile);
      expect(again.failed).toEqual([]);
      if (!killed) expect(again.created + again.updated).toBe(0);
      await sync.expectConverged(dst, name, before);
      if (!dropJournal) expect(readFileSync(`${planFile}.journal.jsonl`, 'utf8')).toMatch(/"finished"/);
    } finally {
      await dst.close();
    }
  }

  /** Two trials at a time (each has its own destination): the child's start-up is most of a trial's time. */
  async function trialsOf(points: [string, Arm, boolean?][], parallelism = 8): Promise<void> {
    const queue = [...points];
    const worker = async () => {
      for (let p = queue.shift(); p; p = queue.shift()) await trial(p[0], p[1], parallelism, p[2]);
    };
    await Promise.all([worker(), worker()]);
  }

  /** Kill the moment the simulator receives the k-th write (which it still carries out: its answer is lost). */
  const atWrite =
    (k: number): Arm =>
    (dst, kill) => {
      const record = dst.stats.record.bind(dst.stats);
      dst.stats.record = (method: string, path: string) => {
        record(method, path);
        if (method !== 'GET' && dst.stats.writes >= k) kill();
      };
    };

  /** Kill `ms` after the child's first request (its start-up takes a second or so, and varies). */
  const afterFirstRequest =
    (ms: number): Arm =>
    (dst, kill) => {
      const record = dst.stats.record.bind(dst.stats);
      let armed = false;
      dst.stats.record = (method: string, path: string) => {
        record(method, path);
        if (!armed) setTimeout(kill, ms);
        armed = true;
      };
    };

  it('converges after a kill at the arrival of every third write (parallelism 8)', async () => {
    const points: [string, Arm][] = [];
    for (let k = 1; k <= sync.reference.writes; k += 3) points.push([`p8-w${k}`, atWrite(k)]);
    await trialsOf(points);
  }, 600_000);

  it('converges after a kill at every write, one request at a time, the journal kept or lost on alternate writes', async () => {
    const points: [string, Arm, boolean][] = [];
    for (let k = 1; k <= sync.reference.writes; k++) points.push([`p1-w${k}${k % 2 ? '' : '-nojournal'}`, atWrite(k), k % 2 === 0]);
    await trialsOf(points, 1);
  }, 600_000);

  it('converges after kills at moments after the first request (reads, writes, journal lines)', async () => {
    await trialsOf([0, 15, 30, 60, 90, 120, 180, 250].map((ms) => [`t${ms}`, afterFirstRequest(ms)]));
  }, 300_000);
});
