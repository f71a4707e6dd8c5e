/**
 * Issue 17's verdicts from saved benchmark results (src/bench/recurring.ts): the recurring sync beside the peer
 * pattern, and targets a run did not measure reported as such, never as met. Figures are made up here: no timing.
 */
import { describe, expect, it } from '@jest/globals';
import { BARE_READ_PHASE, CLIENT_READ_PHASE, issue17Verdicts, LIVE_PLAN_PHASE, PEER_PHASE, recurringSync, recurringSyncs } from '../../src/bench/recurring.js';
import type { PhaseRow, SizeResult } from '../../src/bench/report.js';
import { shapeFor } from '../../src/bench/generate.js';

const MB = 1024 ** 2;

function phase(size: number, name: string, seconds: number, extra: Partial<PhaseRow> = {}): PhaseRow {
  return { size, phase: name, seconds, cpuSeconds: seconds, serverSeconds: 0, maxRss: 200 * MB, baselineRss: 60 * MB, detail: {}, ...extra };
}

/** A size with a recurring sync of `octosync` seconds in all (a tenth of a snapshot writing its file) and a peer run of `peer` s. */
function size(n: number, octosync: number, peer?: number, more: PhaseRow[] = []): SizeResult {
  const part = octosync / 4;
  const snapshot = (name: string) => phase(n, name, part * 0.9, { detail: { writeSeconds: part * 0.1 }, latencyBound: part / 3 });
  const planAgain = phase(n, 'plan again', part, { detail: { counts: { create: 0, update: 0, skip: 0, unchanged: n * 16 }, operations: 0, fileBytes: 2053 } });
  const phases = [snapshot('snapshot'), phase(n, 'plan', part), snapshot('snapshot destination'), planAgain, phase(n, 'apply no changes', part), ...more];
  if (peer !== undefined) phases.push(phase(n, PEER_PHASE, peer, { requests: { total: n * 23 + 4, byMethod: {}, writes: n * 7, byPattern: {} } }));
  const writes = { documents: 0, lateReferences: 0, creates: 0, updates: 0, skips: 0 };
  const read = { requests: 30, kinds: {} };
  return { size: n, shape: shapeFor(n), generateSeconds: 0, phases, bounds: { source: read, destinationAfter: read, firstSync: writes, noChange: writes } };
}

const opts = { latencyMs: 20, parallelism: 8 };
const find = (results: SizeResult[], prefix: string) => issue17Verdicts(results, opts).find((v) => v.target.startsWith(prefix))!;

describe('a recurring sync beside the peer pattern (17.1)', () => {
  it('adds up snapshots with their files, plan and apply, and divides the peer time by it', () => {
    const r = recurringSync(size(100, 2, 60))!;
    expect(r.octosyncSeconds).toBeCloseTo(2);
    expect(r.parts.snapshot).toBeCloseTo(0.5);
    expect(r.ratio).toBeCloseTo(30);
    // The latency bounds of its reads: two snapshots of a third of their 0.5 s each (the apply here has none).
    expect(r.floorSeconds).toBeCloseTo(1 / 3);
    expect(find([size(100, 2, 60)], '17.1: a recurring').detail).toContain('(the latency bounds of its reads, 0.33 s, allow at most 180.0×)');
  });

  it('misses 40× at 100 projects when the ratio is lower, meets it when higher', () => {
    expect(find([size(100, 2, 60)], '17.1: a recurring').met).toBe(false);
    const met = find([size(100, 1, 60)], '17.1: a recurring');
    expect(met.met).toBe(true);
    expect(met.detail).toContain('60.0×');
  });

  it('judges the faster way, the live plan and its apply, and shows the four-command way beside it', () => {
    // Four commands: 2 s (ratio 30×). Live plan 0.6 s (bound 0.2 s) and the same apply (0.5 s): 1.1 s, 54.5×.
    const r = size(100, 2, 60, [phase(100, LIVE_PLAN_PHASE, 0.6, { latencyBound: 0.2 })]);
    const [fast, slow] = recurringSyncs(r);
    expect(fast).toMatchObject({ path: 'live plan', parts: { [LIVE_PLAN_PHASE]: 0.6, 'apply no changes': 0.5 } });
    expect(fast.octosyncSeconds).toBeCloseTo(1.1);
    expect(fast.floorSeconds).toBeCloseTo(0.2);
    expect(slow.path).toBe('four commands');
    const verdict = find([r], '17.1: a recurring');
    expect(verdict.met).toBe(true);
    expect(verdict.detail).toMatch(/^octosync 1\.10 s in two commands \(live plan 0\.60, apply 0\.50\) against 60\.00 s .*: 54\.5×.*; octosync 2\.00 s in four commands/);
    // Slower than the four commands, the live plan is still shown, second, and the verdict is the faster way's.
    const slowLive = size(100, 2, 60, [phase(100, LIVE_PLAN_PHASE, 3)]);
    expect(recurringSyncs(slowLive).map((x) => x.path)).toEqual(['four commands', 'live plan']);
    expect(find([slowLive], '17.1: a recurring').met).toBe(false);
  });

  it("shows the live plan's reads replayed bare, and what a live plan at that speed would reach; the verdict stays the live plan's", () => {
    // Live plan 1.5 s and apply 0.5 s: 30×. Its 400 reads bare in 0.7 s: with the apply, 1.2 s, 50×.
    // Through octosync's client, 1.0 s: with the apply, 40×.
    const requests = { total: 400, byMethod: { GET: 400 }, writes: 0, byPattern: {} };
    const bare = phase(100, BARE_READ_PHASE, 0.7, { requests });
    const client = phase(100, CLIENT_READ_PHASE, 1.0, { requests });
    const r = size(100, 2, 60, [phase(100, LIVE_PLAN_PHASE, 1.5), bare, client]);
    const [live, four] = recurringSyncs(r);
    expect(live.bareRead).toEqual({ seconds: 0.7, requests: 400 });
    expect(live.clientRead).toEqual({ seconds: 1.0, requests: 400 });
    expect(four.bareRead).toBeUndefined();
    const verdict = find([r], '17.1: a recurring');
    expect(verdict.met).toBe(false);
    expect(verdict.detail).toContain('30.0×');
    expect(verdict.detail).toContain(
      'its 400 reads replayed bare (node:http and JSON.parse, nothing else) took 0.70 s: a live plan that only read, at that speed, and applied would be 50.0×; ' +
        "through octosync's HTTP client (got, retries, timeouts), without its reading code, 1.00 s: a live plan that only read, at that speed, and applied would be 40.0×",
    );
    // Results saved before the bare read was measured say nothing of it.
    expect(find([size(100, 2, 60, [phase(100, LIVE_PLAN_PHASE, 1.5)])], '17.1: a recurring').detail).not.toContain('bare');
  });

  it('says "not measured" (missed) without a size of 100 or without the peer pattern', () => {
    const none = find([size(50, 1, 30), size(200, 2, 120)], '17.1: a recurring');
    expect(none).toMatchObject({ met: false });
    expect(none.detail).toMatch(/^not measured/);
    expect(find([size(100, 1)], '17.1: a recurring').detail).toMatch(/^not measured/);
    expect(recurringSync({ ...size(100, 1), phases: size(100, 1).phases.filter((p) => p.phase !== 'plan again') })).toBeUndefined();
  });

  it('checks that the ratio grows with the size', () => {
    expect(find([size(50, 1, 30), size(100, 1, 60), size(200, 1.5, 120)], '17.1: the ratio grows')).toMatchObject({ met: true, detail: '50: 30.0×, 100: 60.0×, 200: 80.0×' });
    expect(find([size(50, 1, 30), size(100, 3, 60)], '17.1: the ratio grows').met).toBe(false);
    expect(find([size(100, 1, 60)], '17.1: the ratio grows').detail).toMatch(/^not measured/);
  });
});

describe('scale (17.5)', () => {
  it('is not measured below 5,000 projects, and met when a 5,000 run has every phase', () => {
    expect(find([size(1000, 8)], '17.5: snapshot, plan').detail).toBe('not measured: the largest size run is 1000');
    expect(find([size(1000, 8), size(5000, 40)], '17.5: snapshot, plan').met).toBe(true);
  });

  it('reports the heaviest phase against 2 GB', () => {
    const heavy = size(5000, 40);
    heavy.phases.find((p) => p.phase === 'plan')!.maxRss = 2100 * MB;
    expect(find([heavy], '17.5: peak memory')).toEqual({ target: '17.5: peak memory of every phase < 2 GB (5000 projects)', met: false, detail: 'largest: plan, 2100 MB' });
  });

  it('compares time per project with the 1,000 size', () => {
    expect(find([size(50, 4), size(1000, 8), size(5000, 40)], '17.5: time per project')).toMatchObject({ target: '17.5: time per project not growing with size (1000 → 5000)', met: true });
    expect(find([size(50, 4), size(1000, 8), size(5000, 50)], '17.5: time per project').met).toBe(false);
  });

  it('misses the plan-size target when a no-change plan lists more operations than changes and skips', () => {
    expect(find([size(50, 4), size(5000, 40)], '17.5: plan of a recurring').met).toBe(true);
    const listing = size(5000, 40);
    listing.phases.find((p) => p.phase === 'plan again')!.detail.operations = 80000;
    expect(find([size(50, 4), listing], '17.5: plan of a recurring').met).toBe(false);
  });
});

describe('snapshot and first sync (17.3, 17.4)', () => {
  it('judges the 1,000-project snapshot against 2× its latency bound', () => {
    // 8 s recurring → 1.8 s snapshot against a bound of 0.67 s: 2.7×.
    expect(find([size(1000, 8)], '17.3')).toMatchObject({ met: false });
    expect(find([size(200, 8)], '17.3').detail).toBe('not measured: no size 1000 in this run');
  });

  it('counts first-sync reads against 1.2× the read bound', () => {
    const first = phase(1000, 'apply first sync', 60, { latencyBound: 45, requests: { total: 16200, byMethod: { GET: 40 }, writes: 16152, byPattern: {} }, detail: { readBound: 30 } });
    const r = size(1000, 8, undefined, [first]);
    expect(find([r], '17.4: first-sync apply reads')).toMatchObject({ met: false, detail: '1000 projects: 40 reads for a read bound of 30 (1.33×)' });
    expect(find([r], '17.4: first sync of 1000')).toMatchObject({ met: true, detail: '60.00 s / 45.00 s = 1.33×' });
  });
});
