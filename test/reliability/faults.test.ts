import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ApplyResult } from '../../src/apply/apply.js';
import { OctosyncError, PartialApplyError } from '../../src/errors.js';
import type { FaultKind, FaultOptions } from '../../src/simulator/faults.js';
import { takeSnapshot } from '../../src/snapshot/take.js';
import { API_KEY, withSimulator } from '../helpers/simulator.js';
import { applyTo } from '../helpers/sync.js';
import { SOURCE_FIXTURE } from '../helpers/fixtures.js';
import { FixtureSync, neverSynced, resourceContents } from '../helpers/reliability.js';

/**
 * Apply (and snapshot) over a flaky link: the simulator answers a share of requests with 503 + Retry-After,
 * 500, 429 or a connection reset, before or after carrying out a write (an ambiguous failure), with jitter.
 * Apply completes, or a second run of the same plan completes it; the destination then equals what a
 * fault-free apply of the same plan makes of an identical destination.
 */

const injected: Record<FaultKind, number> = { '500': 0, '503': 0, '429': 0, reset: 0 };
const count = (sim: { faults: { injected: Record<FaultKind, number> } }) => {
  for (const k of Object.keys(injected) as FaultKind[]) injected[k] += sim.faults.injected[k];
};

// 10% 503 with Retry-After and 5% resets (kinds drawn 2:1), jitter; a few harsher and slower schedules. The
// harshest start at the first write and give the client a single retry, so that runs fail part-way: the
// same plan run again (once the link has recovered) finishes them.
const SCHEDULES: (FaultOptions & { name: string; retries?: number })[] = [
  ...[1, 2, 3, 4].map((seed) => ({ name: `503+reset seed ${seed}`, faultRate: 0.15, faultKinds: ['503', '503', 'reset'] as FaultKind[], retryAfterSeconds: seed % 2, latencyMs: 2, jitterMs: 20, faultSeed: seed })),
  { name: '503+reset, 20-200 ms jitter', faultRate: 0.15, faultKinds: ['503', '503', 'reset'], retryAfterSeconds: 1, latencyMs: 20, jitterMs: 180, faultSeed: 5 },
  { name: 'all kinds at 20%', faultRate: 0.2, faultKinds: ['500', '503', '429', 'reset'], retryAfterSeconds: 0, latencyMs: 1, jitterMs: 10, faultSeed: 6 },
  ...[7, 8].map((seed) => ({ name: `all kinds at 30%, one retry, seed ${seed}`, faultRate: 0.3, faultKinds: ['500', '503', '429', 'reset'] as FaultKind[], retryAfterSeconds: 0, jitterMs: 10, faultSeed: seed, retries: 1 })),
];

describe('apply under injected faults', () => {
  let sync: FixtureSync;
  const runs: number[] = [];
  const partial: string[] = [];

  beforeAll(async () => {
    sync = await FixtureSync.start();
  }, 60_000);

  afterAll(async () => {
    await sync?.close();
    const total = Object.values(injected).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `faults: ${SCHEDULES.length} applies under faults (${runs.filter((r) => r > 1).length} needed a second run, ${partial.length} after a partial apply), plus snapshots; ${total} faults injected ${JSON.stringify(injected)}; nothing lost or duplicated\n`,
    );
  });

  /** Every trial side by side (each has its own destination; the time is mostly retry back-off). */
  async function sideBySide<T>(items: T[], trial: (item: T) => Promise<void>): Promise<void> {
    const settled = await Promise.allSettled(items.map(trial));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  }

  it(`completes, or a second run completes it, and converges: ${SCHEDULES.map((s) => s.name).join('; ')}`, async () => {
    await sideBySide(SCHEDULES, async ({ name, retries, ...schedule }) => {
      const dst = await sync.destination();
      try {
        const before = neverSynced(dst);
        const { planFile } = await sync.planFor(dst, name.replace(/\W+/g, '-'));
        if (retries === undefined) dst.faults.configure(schedule);
        else {
          const record = dst.stats.record.bind(dst.stats);
          dst.stats.record = (method: string, path: string) => {
            if (method !== 'GET' && dst.stats.writes === 0) dst.faults.configure(schedule);
            record(method, path);
          };
        }
        let result: ApplyResult | undefined;
        let attempts = 0;
        while (!result && attempts < 2) {
          attempts++;
          result = await applyTo(dst.url, planFile, { retries }).catch((err) => {
            // A failed run says what failed, and that running the same plan again finishes it.
            expect(err).toBeInstanceOf(OctosyncError);
            if (err instanceof PartialApplyError) {
              expect(err.message).toMatch(/run the same plan again/);
              partial.push(name);
            }
            if (retries !== undefined) dst.faults.configure({ faultRate: 0 });
            return undefined;
          });
        }
        expect(result?.failed).toEqual([]);
        runs.push(attempts);
        count(dst);
        expect(Object.values(dst.faults.injected).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
        dst.faults.configure({ faultRate: 0, latencyMs: 0, jitterMs: 0 });
        await sync.expectConverged(dst, name.replace(/\W+/g, '-'), before);
      } finally {
        await dst.close();
      }
    });
  }, 180_000);

  it('snapshots read under faults equal the fault-free snapshot', async () => {
    const clean = resourceContents((await takeSnapshot({ server: sync.src.url, apiKey: API_KEY, space: 'Default' })).snapshot);
    await sideBySide([11, 12, 13], async (seed) => {
      const src = await withSimulator({ seed: SOURCE_FIXTURE, faultRate: 0.2, faultKinds: ['500', '503', '429', 'reset'], retryAfterSeconds: 0, jitterMs: 10, faultSeed: seed });
      try {
        const { snapshot } = await takeSnapshot({ server: src.url, apiKey: API_KEY, space: 'Default' });
        expect(resourceContents(snapshot)).toEqual(clean);
        expect(src.stats.writes).toBe(0);
        count(src);
      } finally {
        await src.close();
      }
    });
  }, 120_000);

  it('writes answered 503 after they were carried out are adopted or confirmed, not repeated', async () => {
    // Every POST, and the first PUT to each document, is carried out and then answered 503 (ambiguous): apply
    // must find each created item by name and adopt it, and confirm each PUT (whose retry is out of date).
    const dst = await sync.destination();
    try {
      const before = neverSynced(dst);
      const { planFile } = await sync.planFor(dst, 'post-after-write');
      const record = dst.stats.record.bind(dst.stats);
      const put = new Set<string>();
      dst.stats.record = (method: string, path: string) => {
        record(method, path);
        const fault = method === 'POST' || (method === 'PUT' && !put.has(path));
        if (method === 'PUT') put.add(path);
        dst.faults.configure({ faultRate: fault ? 1 : 0, faultKinds: ['503'], retryAfterSeconds: 0 });
      };
      const decide = dst.faults.decide.bind(dst.faults);
      dst.faults.decide = () => ({ ...decide(), afterWrite: true });
      const result = await applyTo(dst.url, planFile);
      expect(result.failed).toEqual([]);
      expect(dst.faults.injected['503']).toBe(sync.reference.posts + put.size);
      expect(dst.stats.toJSON().byMethod.POST).toBe(sync.reference.posts);
      count(dst);
      dst.stats.record = record;
      await sync.expectConverged(dst, 'post-after-write', before);
    } finally {
      await dst.close();
    }
  }, 120_000);
});
