import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { OctosyncError } from '../../src/errors.js';
import { applyTo } from '../helpers/sync.js';
import { FixtureSync, neverSynced, sourceWithServerMadeChildren } from '../helpers/reliability.js';

/**
 * The connection lost for good right after the k-th write of a first sync (the write is carried out, its answer
 * and every later request reset, no retries), at every write, the journal then lost too: the same plan run again
 * recognises what the server made because of the first run (a new project's Default channel, process and
 * variable set, a runbook's process) as the plan's own, and converges. In-process and deterministic (one request
 * at a time): the fast companion of the SIGKILL test.
 */

type Sim = Awaited<ReturnType<FixtureSync['destination']>>;

describe('the connection lost after each write of a first sync, the journal lost', () => {
  let sync: FixtureSync;
  let trials = 0;

  beforeAll(async () => {
    sync = await FixtureSync.start(true, sourceWithServerMadeChildren());
  }, 120_000);

  afterAll(async () => {
    await sync?.close();
    process.stdout.write(`lost connection: ${trials} trials (after each of ${sync?.reference.writes} writes), all converged without the journal\n`);
  });

  /** From the k-th write on, every request is carried out (writes) and then answered with a reset. */
  function loseConnectionAt(dst: Sim, k: number): void {
    const record = dst.stats.record.bind(dst.stats);
    const decide = dst.faults.decide.bind(dst.faults);
    dst.faults.decide = () => ({ ...decide(), afterWrite: true });
    dst.stats.record = (method: string, path: string) => {
      record(method, path);
      if (method !== 'GET' && dst.stats.writes === k) dst.faults.configure({ faultRate: 1, faultKinds: ['reset'] });
    };
  }

  it('converges after a loss at every write', async () => {
    for (let k = 1; k <= sync.reference.writes; k++) {
      const dst = await sync.destination();
      try {
        const before = neverSynced(dst);
        const { planFile } = await sync.planFor(dst, `lost-w${k}`);
        dst.stats.reset();
        loseConnectionAt(dst, k);
        const first = await applyTo(dst.url, planFile, { retries: 0, parallelism: 1 }).then(
          () => 'finished',
          (err) => (expect(err).toBeInstanceOf(OctosyncError), 'failed'),
        );
        dst.faults.configure({ faultRate: 0 });
        rmSync(`${planFile}.journal.jsonl`, { force: true });
        const again = await applyTo(dst.url, planFile);
        expect({ k, first, failed: again.failed }).toEqual({ k, first: k < sync.reference.writes ? 'failed' : first, failed: [] });
        await sync.expectConverged(dst, `lost-w${k}`, before);
        trials++;
      } finally {
        await dst.close();
      }
    }
  }, 600_000);
});
