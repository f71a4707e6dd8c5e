import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { CleanupEntry } from '../../src/plan-format/types.js';
import { applyTo } from '../helpers/sync.js';
import { applyKilledAtWrite, ensureBuilt, FixtureSync } from '../helpers/reliability.js';

/**
 * The clean-up report lists every placeholder a plan ever wrote, even when the run that wrote it was killed
 * before writing its report, and even when the plan was then replaced by a new one (which no longer writes
 * what is already on the destination, and so has no clean-up entry of its own for it).
 */

const key = (e: Pick<CleanupEntry, 'kind' | 'keyPath' | 'field'>) => `${e.kind} ${e.keyPath.join(' / ')}: ${e.field}`;

describe('the clean-up report survives interruptions', () => {
  let sync: FixtureSync;
  let all: string[];
  const figures: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    sync = await FixtureSync.start(false);
    const dst = await sync.destination();
    try {
      const { plan } = await sync.planFor(dst, 'full');
      all = plan.operations.flatMap((o) => o.cleanup ?? []).map(key).sort();
    } finally {
      await dst.close();
    }
    // Sensitive variables, account secrets and a feed password at least.
    expect(all.length).toBeGreaterThan(5);
  }, 120_000);

  afterAll(async () => {
    await sync?.close();
    process.stdout.write(`clean-up report: ${figures.length} interrupted runs, each report complete (${all?.length} placeholders)\n`);
  });

  it.each([3, 8, 14, 20])('killed at write %i, then the same plan: every placeholder is reported', async (k) => {
    const dst = await sync.destination();
    try {
      const { planFile } = await sync.planFor(dst, `same-${k}`);
      expect(await applyKilledAtWrite(dst, planFile, k, ['--parallelism', '1'])).toBe(true);
      const result = await applyTo(dst.url, planFile);
      expect(result.cleanup.map(key).sort()).toEqual(all);
      const report = JSON.parse(readFileSync(result.files.cleanupJson, 'utf8'));
      expect(report.entries.map(key).sort()).toEqual(all);
      figures.push(`same plan, write ${k}`);
    } finally {
      await dst.close();
    }
  }, 120_000);

  it.each([8, 14, 20])('killed at write %i, then a new plan: the earlier placeholders are still reported, once', async (k) => {
    const dst = await sync.destination();
    try {
      const { planFile } = await sync.planFor(dst, `replan-${k}`);
      expect(await applyKilledAtWrite(dst, planFile, k, ['--parallelism', '1'])).toBe(true);
      // The new plan goes to the same place (as a CI job would write it).
      const { plan } = await sync.planFor(dst, `replan-${k}`);
      const own = plan.operations.flatMap((o) => o.cleanup ?? []).map(key);
      expect(own.length).toBeLessThan(all.length);
      const result = await applyTo(dst.url, planFile);
      expect(result.cleanup.map(key).sort()).toEqual(all);
      expect(readFileSync(result.files.cleanupMarkdown, 'utf8').split('\n').filter((l) => l.startsWith('- [ ]'))).toHaveLength(all.length);
      figures.push(`new plan, write ${k}`);

      // Reported by the run that finished: the next plan's report starts afresh.
      const { planFile: next } = await sync.planFor(dst, `replan-${k}-next`);
      expect((await applyTo(dst.url, next)).cleanup).toEqual([]);
    } finally {
      await dst.close();
    }
  }, 120_000);
});
