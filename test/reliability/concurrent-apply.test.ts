import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ApplyLocks } from '../../src/apply/lock.js';
import { OctosyncError } from '../../src/errors.js';
import { normaliseServerUrl } from '../../src/octopus/url.js';
import { applyTo } from '../helpers/sync.js';
import { workDir } from '../helpers/workdir.js';
import { duplicateNames, FixtureSync, neverSynced, sourceWithServerMadeChildren } from '../helpers/reliability.js';

/**
 * Two applies against one destination at once. From one machine, the second refuses at once, naming the
 * process that holds the lock (beside the journal for the same plan, per destination for two plans); a lock
 * left by a process that is gone is taken over. From two machines (no shared lock), both runs go through the
 * stale checks and the exact-name lookup before every create: no item is made twice, and the destination
 * ends as after one apply.
 */

type Sim = Awaited<ReturnType<FixtureSync['destination']>>;

describe('two applies at once', () => {
  let sync: FixtureSync;

  beforeAll(async () => {
    sync = await FixtureSync.start(true, sourceWithServerMadeChildren());
  }, 120_000);

  afterAll(async () => {
    await sync?.close();
  });

  /** Starts an apply and resolves once the destination has received its first write. */
  async function firstWrite(dst: Sim, planFile: string, extra = {}) {
    let started!: () => void;
    const wrote = new Promise<void>((resolve) => (started = resolve));
    const record = dst.stats.record.bind(dst.stats);
    dst.stats.record = (method: string, path: string) => {
      record(method, path);
      if (method !== 'GET') started();
    };
    const running = applyTo(dst.url, planFile, extra);
    await Promise.race([wrote, running]);
    dst.stats.record = record;
    return running;
  }

  it('one machine, the same plan twice: the second refuses, naming the holder; nothing written by it', async () => {
    const dst = await sync.destination({ latencyMs: 30 });
    try {
      const { planFile } = await sync.planFor(dst, 'same-plan');
      const first = firstWrite(dst, planFile);
      const second = await applyTo(dst.url, planFile).catch((e) => e);
      expect(second).toBeInstanceOf(OctosyncError);
      expect(second.message).toContain(`another octosync apply (process ${process.pid} on ${hostname()}`);
      expect(second.message).toContain(`${planFile}.journal.jsonl.lock`);
      expect(second.message).toMatch(/Nothing was written$/);
      const result = await first;
      expect(result.failed).toEqual([]);
      expect(existsSync(`${planFile}.journal.jsonl.lock`)).toBe(false);
      // Once the first is done, the same plan runs (and finds everything done).
      const again = await applyTo(dst.url, planFile);
      expect(again.created + again.updated).toBe(0);
    } finally {
      await dst.close();
    }
  }, 120_000);

  it('one machine, two plans for one destination: the second refuses (the destination lock)', async () => {
    const dst = await sync.destination({ latencyMs: 30 });
    try {
      const { planFile } = await sync.planFor(dst, 'plan-a');
      const other = join(workDir(), 'plan-b.json');
      copyFileSync(planFile, other);
      const first = firstWrite(dst, planFile);
      const writesBefore = dst.stats.writes;
      const second = await applyTo(dst.url, other).catch((e) => e);
      expect(second).toBeInstanceOf(OctosyncError);
      expect(second.message).toContain(ApplyLocks.destinationLock(normaliseServerUrl(dst.url), 'Default'));
      expect((await first).failed).toEqual([]);
      expect(dst.stats.writes).toBeGreaterThanOrEqual(writesBefore);
      expect(duplicateNames(dst)).toEqual([]);
    } finally {
      await dst.close();
    }
  }, 120_000);

  it('a lock left by a process that is gone is taken over; one held by a running process is not', async () => {
    const dst = await sync.destination();
    try {
      const { planFile } = await sync.planFor(dst, 'stale-lock');
      const lock = `${planFile}.journal.jsonl.lock`;
      const gone = spawnSync(process.execPath, ['-e', '']).pid!;
      writeFileSync(lock, JSON.stringify({ pid: gone, host: hostname(), since: '2026-01-01T00:00:00Z', plan: planFile }));
      const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
      try {
        const held = ApplyLocks.destinationLock(normaliseServerUrl(dst.url), 'Default');
        writeFileSync(held, JSON.stringify({ pid: sleeper.pid, host: hostname(), since: '2026-01-01T00:00:00Z', plan: 'other.json' }));
        const refused = await applyTo(dst.url, planFile).catch((e) => e);
        expect(refused.message).toContain(`another octosync apply (process ${sleeper.pid} on ${hostname()}, since 2026-01-01T00:00:00Z, plan other.json) holds ${held}`);
        expect(dst.stats.writes).toBe(0);
        // The stale lock beside the journal was taken over and released again; the live one is left alone.
        expect(existsSync(lock)).toBe(false);
        expect(existsSync(held)).toBe(true);
        sleeper.kill();
        await new Promise((r) => sleeper.once('exit', r));
        writeFileSync(lock, JSON.stringify({ pid: gone, host: hostname(), since: '2026-01-01T00:00:00Z', plan: planFile }));
        const result = await applyTo(dst.url, planFile);
        expect(result.failed).toEqual([]);
        expect(existsSync(lock)).toBe(false);
        expect(existsSync(held)).toBe(false);
      } finally {
        sleeper.kill();
      }
    } finally {
      await dst.close();
    }
  }, 120_000);

  it.each([1, 2, 3])('two machines (no shared lock), the same plan at once, trial %i: no duplicates, the destination as after one apply', async (trial) => {
    const dst = await sync.destination({ latencyMs: 2, jitterMs: 20, faultSeed: trial });
    try {
      const before = neverSynced(dst);
      const { planFile } = await sync.planFor(dst, `machines-${trial}`);
      const machineB = workDir();
      const planB = join(machineB, 'plan.json');
      copyFileSync(planFile, planB);
      const runs = await Promise.allSettled([applyTo(dst.url, planFile), applyTo(dst.url, planB, { lockDir: machineB })]);
      expect(duplicateNames(dst)).toEqual([]);
      // Each run finished, or failed cleanly where the other got there first; a re-run then finds it all done.
      for (const r of runs) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(OctosyncError);
      for (const file of [planFile, planB]) {
        const again = await applyTo(dst.url, file, file === planB ? { lockDir: machineB } : {});
        expect(again.failed).toEqual([]);
      }
      await sync.expectConverged(dst, `machines-${trial}`, before);
    } finally {
      await dst.close();
    }
  }, 180_000);
});
