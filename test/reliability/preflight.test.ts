import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { ServerError } from '../../src/errors.js';
import { makePlans } from '../../src/plan/make.js';
import { startProxy } from '../helpers/proxy.js';
import { applyTo, snapshotTo } from '../helpers/sync.js';
import { FixtureSync, neverSynced } from '../helpers/reliability.js';

/**
 * Server hiccups while apply reads the destination before its first write (the preflight read): a storm of
 * 503s, and a slow `/all` endpoint. Within `--timeout` they are retried (or waited for) and the apply goes
 * on; past it, the error names the endpoint and nothing is written.
 */

describe('server hiccups during the preflight read', () => {
  let sync: FixtureSync;

  beforeAll(async () => {
    sync = await FixtureSync.start();
  }, 120_000);

  afterAll(async () => {
    await sync?.close();
  });

  it('a storm of 503s (every request for 1.5 s) is retried, and the apply completes', async () => {
    const dst = await sync.destination();
    try {
      const before = neverSynced(dst);
      const { planFile } = await sync.planFor(dst, 'storm');
      dst.faults.configure({ faultRate: 1, faultKinds: ['503'], retryAfterSeconds: 1 });
      const calm = setTimeout(() => dst.faults.configure({ faultRate: 0 }), 1500);
      const result = await applyTo(dst.url, planFile).finally(() => clearTimeout(calm));
      expect(dst.faults.injected['503']).toBeGreaterThan(0);
      expect(result.failed).toEqual([]);
      await sync.expectConverged(dst, 'storm', before);
    } finally {
      await dst.close();
    }
  }, 120_000);

  it('a storm that outlasts --timeout: one error naming the endpoint, nothing written', async () => {
    const dst = await sync.destination();
    try {
      const { planFile } = await sync.planFor(dst, 'endless-storm');
      dst.stats.reset();
      // The storm starts in the middle of the read (after its 10th request) and does not end.
      const record = dst.stats.record.bind(dst.stats);
      dst.stats.record = (method: string, path: string) => {
        record(method, path);
        if (dst.stats.toJSON().total === 10) dst.faults.configure({ faultRate: 1, faultKinds: ['503'], retryAfterSeconds: 1 });
      };
      const err = await applyTo(dst.url, planFile, { timeoutMs: 2500 }).catch((e) => e);
      expect(err).toBeInstanceOf(ServerError);
      expect(err.message).toMatch(/^GET \/api\/Spaces-1\/\S+ \([^)]+\) failed with 503: The server is unavailable \(injected fault\)\.$/);
      expect(dst.stats.writes).toBe(0);
    } finally {
      await dst.close();
    }
  }, 120_000);

  /**
   * A destination behind a proxy; the plan is made through the proxy, then its `/all` answers are held back
   * for `ms` (the proxy reads its options at every request).
   */
  async function slowAll(name: string, ms: number) {
    const dst = await sync.destination();
    const options = { delay: [] as { match: RegExp; ms: number }[] };
    const proxy = await startProxy(dst.url, options);
    const destinationFile = join(sync.dir, `${name}-destination.json`);
    await snapshotTo(proxy.url, destinationFile);
    const [made] = makePlans({ source: sync.sourceFile, destinations: [destinationFile], policy: sync.policyFile, out: join(sync.dir, `${name}.plan.json`) });
    options.delay.push({ match: /\/all(\?|$)/, ms });
    dst.stats.reset();
    const reads = proxy.requests.length;
    return { dst, proxy, planFile: made.planFile, allReads: () => proxy.requests.slice(reads).filter((p) => /\/all(\?|$)/.test(p)), close: async () => (await proxy.close(), await dst.close()) };
  }

  it('a slow /all endpoint within --timeout is waited for, and the apply completes', async () => {
    const s = await slowAll('slow-all', 1200);
    try {
      const result = await applyTo(s.proxy.url, s.planFile, { timeoutMs: 10_000 });
      expect(s.allReads().length).toBeGreaterThan(0);
      expect(result.failed).toEqual([]);
      expect(s.dst.stats.writes).toBe(sync.reference.writes);
    } finally {
      await s.close();
    }
  }, 120_000);

  it('a slow /all endpoint past --timeout: one error naming the endpoint and the time, nothing written', async () => {
    const s = await slowAll('slower-all', 8000);
    try {
      const err = await applyTo(s.proxy.url, s.planFile, { timeoutMs: 1500 }).catch((e) => e);
      expect(err).toBeInstanceOf(ServerError);
      expect(err.message).toMatch(/^GET \/api\/Spaces-1\/\S+\/all\S* \([^)]*\): no answer from http:\/\/127\.0\.0\.1:\d+ within 1500 ms$/);
      expect(s.dst.stats.writes).toBe(0);
    } finally {
      await s.close();
    }
  }, 120_000);
});
