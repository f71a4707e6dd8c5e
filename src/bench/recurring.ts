import { phaseRow, type PhaseRow, type SizeResult, type Verdict } from './report.js';

/**
 * Issue 17's targets, judged from saved benchmark results (pure): a recurring sync beside the peer pattern
 * (17.1), snapshot CPU (17.3), first-sync reads (17.4) and scale (17.5). A target the run did not measure (no
 * size of 100, no 5,000) is reported missed with "not measured", never met.
 */

export const PEER_PHASE = 'peer pattern (SpaceCloner, serial)';
/** `plan --source-server … --destination-server …` (issue 17.2): both snapshots and the plan in one process. */
export const LIVE_PLAN_PHASE = 'live plan (both servers)';
/** The live plan's requests replayed with Node's HTTP client and `JSON.parse` only (bare-read.ts): 17.1's floor. */
export const BARE_READ_PHASE = 'bare read (live plan requests, node:http)';
/** The same requests through octosync's own HTTP client (got, retries, timeouts, limiter), `JSON.parse` included. */
export const CLIENT_READ_PHASE = 'client read (live plan requests, octosync client)';
/** The phases of a recurring sync with nothing to change, as octosync's user runs it: snapshot both, plan, apply. */
const RECURRING_PHASES = ['snapshot', 'snapshot destination', 'plan again', 'apply no changes'] as const;
const PEER_TARGET = 40;
const PEER_TARGET_SIZE = 100;
const SNAPSHOT_TARGET = 2;
const SNAPSHOT_TARGET_SIZE = 1000;
const APPLY_READS_TARGET = 1.2;
const FIRST_SYNC_TARGET = 1.5;
const SCALE_SIZE = 5000;
export const MEMORY_LIMIT = 2 * 1024 ** 3;

const snapshotSeconds = (p: PhaseRow) => p.seconds + Number(p.detail.writeSeconds ?? 0);

/** The same recurring sync in two commands: `plan --source-server … --destination-server …`, then apply (issue 17.2). */
const LIVE_RECURRING_PHASES = [LIVE_PLAN_PHASE, 'apply no changes'] as const;

/** How the user runs it: four commands over snapshot files, or a live plan and its apply. */
type RecurringPath = 'four commands' | 'live plan';

export interface Recurring {
  size: number;
  path: RecurringPath;
  /** Seconds of each phase (a snapshot's with writing its file). */
  parts: Record<string, number>;
  octosyncSeconds: number;
  /** The latency bounds of its reads (the snapshots, apply's read of the destination): no CPU could go below. */
  floorSeconds: number;
  peer?: { seconds: number; requests: number };
  /** Peer seconds ÷ octosync seconds: how many times faster octosync is. */
  ratio?: number;
  /** The live plan's requests replayed bare (bare-read.ts), where measured: the live plan's read can go no lower. */
  bareRead?: { seconds: number; requests: number };
  /** The same through octosync's HTTP client: what the live plan's read costs before any of its own reading code. */
  clientRead?: { seconds: number; requests: number };
}

/** A size's recurring sync by `path` (undefined when a phase of it is missing), beside the peer pattern where that ran. */
export function recurringSync(r: SizeResult, path: RecurringPath = 'four commands'): Recurring | undefined {
  const names: readonly string[] = path === 'live plan' ? LIVE_RECURRING_PHASES : RECURRING_PHASES;
  const rows = names.map((p) => phaseRow(r, p));
  if (rows.some((x) => !x)) return undefined;
  const measured = rows as PhaseRow[];
  // A snapshot's time includes writing its file, as the live plan's does.
  const parts = Object.fromEntries(measured.map((p) => [p.phase, p.phase.startsWith('snapshot') ? snapshotSeconds(p) : p.seconds]));
  const octosyncSeconds = Object.values(parts).reduce((a, b) => a + b, 0);
  // The plan over files reads nothing; every other phase's bound is its reads (the live plan's: the larger side's).
  const floorSeconds = measured.reduce((sum, p) => sum + (p.latencyBound ?? 0), 0);
  const peerRow = phaseRow(r, PEER_PHASE);
  const peer = peerRow ? { seconds: peerRow.seconds, requests: peerRow.requests?.total ?? 0 } : undefined;
  const replay = (phase: string) => {
    const row = path === 'live plan' ? phaseRow(r, phase) : undefined;
    return row ? { seconds: row.seconds, requests: row.requests?.total ?? 0 } : undefined;
  };
  const [bareRead, clientRead] = [replay(BARE_READ_PHASE), replay(CLIENT_READ_PHASE)];
  return {
    size: r.size,
    path,
    parts,
    octosyncSeconds,
    floorSeconds,
    peer,
    ratio: peer ? peer.seconds / octosyncSeconds : undefined,
    ...(bareRead ? { bareRead } : {}),
    ...(clientRead ? { clientRead } : {}),
  };
}

/** Both ways of a size's recurring sync that were measured, the faster first. */
export function recurringSyncs(r: SizeResult): Recurring[] {
  return (['live plan', 'four commands'] as const)
    .map((path) => recurringSync(r, path))
    .filter((x): x is Recurring => x !== undefined)
    .sort((a, b) => a.octosyncSeconds - b.octosyncSeconds);
}

const s2 = (x: number) => x.toFixed(2);
const notMeasured = (target: string, why: string): Verdict => ({ target, met: false, detail: `not measured: ${why}` });

export function describeRecurring(x: Recurring): string {
  const p = x.parts;
  const how =
    x.path === 'live plan'
      ? `live plan ${s2(p[LIVE_PLAN_PHASE])}, apply ${s2(p['apply no changes'])}`
      : `snapshots ${s2(p.snapshot)} + ${s2(p['snapshot destination'])}, plan ${s2(p['plan again'])}, apply ${s2(p['apply no changes'])}`;
  return (
    `octosync ${s2(x.octosyncSeconds)} s in ${x.path === 'live plan' ? 'two commands' : 'four commands'} (${how})` +
    (x.peer ? ` against ${s2(x.peer.seconds)} s for the peer pattern (${x.peer.requests} requests): ${x.ratio!.toFixed(1)}×` : '') +
    (x.peer && x.floorSeconds ? ` (the latency bounds of its reads, ${s2(x.floorSeconds)} s, allow at most ${(x.peer.seconds / x.floorSeconds).toFixed(1)}×)` : '') +
    (x.bareRead ? `; its ${x.bareRead.requests} reads replayed bare (node:http and JSON.parse, nothing else) took ${s2(x.bareRead.seconds)} s${ceiling(x, x.bareRead)}` : '') +
    (x.clientRead ? `; through octosync's HTTP client (got, retries, timeouts), without its reading code, ${s2(x.clientRead.seconds)} s${ceiling(x, x.clientRead)}` : '')
  );
}

/** With only that read and the apply, a live plan would be this many times faster than the peer pattern. */
function ceiling(x: Recurring, read: { seconds: number }): string {
  const apply = x.parts['apply no changes'] ?? 0;
  return x.peer ? `: a live plan that only read, at that speed, and applied would be ${(x.peer.seconds / (read.seconds + apply)).toFixed(1)}×` : '';
}

function peerTargets(results: SizeResult[], latencyMs: number): Verdict[] {
  // Judged on the faster way the user can run it (the live plan where measured); the other way is shown beside it.
  const measured = results.map((r) => recurringSyncs(r).filter((x) => x.ratio !== undefined)).filter((xs) => xs.length > 0);
  const out: Verdict[] = [];
  const target = `17.1: a recurring sync with nothing to change ≥ ${PEER_TARGET}× faster than the peer pattern at ${PEER_TARGET_SIZE} projects, ${latencyMs} ms`;
  const at = measured.find((xs) => xs[0].size === PEER_TARGET_SIZE);
  out.push(at ? { target, met: at[0].ratio! >= PEER_TARGET, detail: at.map(describeRecurring).join('; ') } : notMeasured(target, `no size ${PEER_TARGET_SIZE} with the peer pattern in this run`));
  const grows = '17.1: the ratio grows with the size of the space';
  if (measured.length < 2) out.push(notMeasured(grows, 'the peer pattern ran at fewer than two sizes'));
  else {
    const best = measured.map((xs) => xs[0]);
    const met = best.every((x, i) => i === 0 || x.ratio! >= best[i - 1].ratio!);
    out.push({ target: grows, met, detail: best.map((x) => `${x.size}: ${x.ratio!.toFixed(1)}×`).join(', ') });
  }
  return out;
}

function snapshotTarget(results: SizeResult[], parallelism: number): Verdict {
  const target = `17.3: snapshot of ${SNAPSHOT_TARGET_SIZE} projects within ${SNAPSHOT_TARGET}× its latency bound (p=${parallelism})`;
  const r = results.find((x) => x.size === SNAPSHOT_TARGET_SIZE);
  const s = r && phaseRow(r, 'snapshot');
  if (!s?.latencyBound) return notMeasured(target, `no size ${SNAPSHOT_TARGET_SIZE} in this run`);
  const ratio = s.seconds / s.latencyBound;
  return { target, met: ratio <= SNAPSHOT_TARGET, detail: `${s2(s.seconds)} s / ${s2(s.latencyBound)} s = ${ratio.toFixed(2)}×; CPU ${s2(s.cpuSeconds)} s` };
}

function firstSyncTargets(results: SizeResult[]): Verdict[] {
  const synced = results.filter((r) => phaseRow(r, 'apply first sync'));
  const last = synced[synced.length - 1];
  const reads = `17.4: first-sync apply reads ≤ ${APPLY_READS_TARGET}× its read bound`;
  const time = `17.4: first sync of 1000 projects within ${FIRST_SYNC_TARGET}× its latency bound`;
  if (!last) return [notMeasured(reads, 'no first sync in this run'), notMeasured(time, 'no first sync in this run')];
  const a = phaseRow(last, 'apply first sync')!;
  const got = a.requests?.byMethod.GET ?? 0;
  const bound = Number(a.detail.readBound);
  const out: Verdict[] = [{ target: reads, met: got <= APPLY_READS_TARGET * bound, detail: `${last.size} projects: ${got} reads for a read bound of ${bound} (${(got / bound).toFixed(2)}×)` }];
  const k = results.find((r) => r.size === 1000);
  const f = k && phaseRow(k, 'apply first sync');
  if (!f?.latencyBound) out.push(notMeasured(time, 'no first sync of 1000 projects in this run'));
  else {
    const ratio = f.seconds / f.latencyBound;
    out.push({ target: time, met: ratio <= FIRST_SYNC_TARGET, detail: `${s2(f.seconds)} s / ${s2(f.latencyBound)} s = ${ratio.toFixed(2)}×` });
  }
  return out;
}

/** Milliseconds per project of a phase (a recurring sync: its four phases together). */
function perProject(r: SizeResult, phase: string): number | undefined {
  if (phase === 'recurring sync') {
    const x = recurringSync(r);
    return x && (x.octosyncSeconds * 1000) / r.size;
  }
  const p = phaseRow(r, phase);
  return p && (p.seconds * 1000) / r.size;
}

function scaleTargets(results: SizeResult[]): Verdict[] {
  const last = results[results.length - 1];
  const out: Verdict[] = [];
  const complete = `17.5: snapshot, plan and a recurring sync of ${SCALE_SIZE} projects complete`;
  if (last.size < SCALE_SIZE) out.push(notMeasured(complete, `the largest size run is ${last.size}`));
  else {
    const needed = [...new Set(['snapshot', 'plan', ...RECURRING_PHASES])];
    const done = needed.filter((p) => phaseRow(last, p));
    out.push({ target: complete, met: done.length === needed.length, detail: `${last.size} projects: ${done.join(', ')}` });
  }
  const heaviest = last.phases.reduce((a, b) => (b.maxRss > a.maxRss ? b : a));
  out.push({
    target: `17.5: peak memory of every phase < 2 GB (${last.size} projects)`,
    met: last.phases.every((p) => p.maxRss < MEMORY_LIMIT),
    detail: `largest: ${heaviest.phase}, ${(heaviest.maxRss / 1024 ** 2).toFixed(0)} MB`,
  });
  // Against the 1,000 size where there is one (the fixed costs of a process weigh less there than at 50).
  const base = results.find((r) => r.size === 1000 && r !== last) ?? results[0];
  if (base !== last) {
    const phases = ['snapshot', 'plan', 'recurring sync'];
    const pairs = phases.map((p) => ({ p, a: perProject(base, p), b: perProject(last, p) })).filter((x) => x.a !== undefined && x.b !== undefined);
    out.push({
      target: `17.5: time per project not growing with size (${base.size} → ${last.size})`,
      met: pairs.length > 0 && pairs.every((x) => x.b! <= x.a!),
      detail: pairs.map((x) => `${x.p} ${x.a!.toFixed(2)} → ${x.b!.toFixed(2)} ms`).join(', '),
    });
  }
  out.push(planSizeTarget(results));
  return out;
}

/** A recurring sync's plan lists what it writes and what it holds back (skips), and counts the rest. */
function planSizeTarget(results: SizeResult[]): Verdict {
  const target = 'plan of a recurring sync as large as its changes (unchanged items a count)';
  const plans = results.map((r) => ({ size: r.size, p: phaseRow(r, 'plan again') })).filter((x) => x.p?.detail.fileBytes !== undefined);
  if (!plans.length) return notMeasured(`17.5: ${target}`, 'plan sizes not recorded in this run');
  const listed = (p: PhaseRow) => {
    const c = p.detail.counts as Record<string, number>;
    return (c.create ?? 0) + (c.update ?? 0) + (c.skip ?? 0);
  };
  const [first, last] = [plans[0], plans[plans.length - 1]];
  // With as many operations at both ends, the file does not grow with the space (a count's digits aside).
  const flat = listed(first.p!) !== listed(last.p!) || Number(last.p!.detail.fileBytes) - Number(first.p!.detail.fileBytes) <= 1024;
  return {
    target: `17.5: ${target}`,
    met: plans.every((x) => x.p!.detail.operations === listed(x.p!)) && flat,
    detail: plans.map((x) => `${x.size}: ${x.p!.detail.operations} operations, ${Number(x.p!.detail.fileBytes).toLocaleString('en-US')} bytes`).join('; '),
  };
}

/** Every issue-17 target the bench measures, met or missed (17.6, start-up, is judged with the start-up figure). */
export function issue17Verdicts(results: SizeResult[], opts: { latencyMs: number; parallelism: number }): Verdict[] {
  return [...peerTargets(results, opts.latencyMs), snapshotTarget(results, opts.parallelism), ...firstSyncTargets(results), ...scaleTargets(results)];
}
