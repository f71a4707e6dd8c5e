import Table from 'cli-table3';
import { CONNECT_REQUESTS, IDS_PER_REQUEST, PAGE_SIZE, type ReadBound, type WriteBound } from './bounds.js';
import type { SpaceShape } from './generate.js';
import { describeProfile, type ProfileSummary } from './profile.js';
import { describeRecurring, issue17Verdicts, recurringSyncs } from './recurring.js';
import { describeStartup, type StartupResult } from './startup.js';

/** The benchmark's results as saved in bench/results/*.json, and the report printed from them (pure). */

export interface Options {
  sizes: number[];
  latencyMs: number;
  parallelism: number;
  out: string;
  keep: boolean;
  /** Sizes at which the snapshot also runs at parallelism 1. */
  serialSizes: number[];
  /** Sizes at which a first sync also runs at parallelism 1 (into a second destination). */
  serialApplySizes: number[];
  /** Sizes at which the first sync is applied (else the destination starts as a copy of the source); absent in older results: all. */
  firstSyncSizes?: number[];
  /** Sizes at which one more snapshot runs under `node --cpu-prof` (issue 17.3); absent in older results: none. */
  profileSizes?: number[];
  /** Sizes at which the peer pattern (issue 17.1) runs; absent in older results: none. */
  peerSizes?: number[];
  /** Runs of each phase that leaves the destination as it was (snapshots, plans, applies of no changes); the fastest counts. */
  repeat: number;
}

export interface Requests {
  total: number;
  byMethod: Record<string, number>;
  writes: number;
  /** `GET /api/{spaceId}/projects/{id}/channels`: where the requests went. */
  byPattern: Record<string, number>;
}

export interface PhaseRow {
  size: number;
  phase: string;
  /** Wall seconds of the phase's work (for a snapshot: reading and normalising; the file is `fileSeconds`). */
  seconds: number;
  networkSeconds?: number;
  cpuSeconds: number;
  serverSeconds: number;
  /** Requests the server saw (the simulator's statistics). */
  requests?: Requests;
  requestBound?: number;
  latencyBound?: number;
  writeBound?: number;
  parallelism?: number;
  maxRss: number;
  baselineRss: number;
  detail: Record<string, unknown>;
}

export interface SizeResult {
  size: number;
  shape: SpaceShape;
  generateSeconds: number;
  phases: PhaseRow[];
  /** Where a snapshot's time went (one more, unmeasured run under `node --cpu-prof`), at `profileSizes`. */
  profile?: ProfileSummary;
  /** `destinationBefore`: absent where no first sync was applied. */
  bounds: { source: ReadBound; destinationBefore?: ReadBound; destinationAfter: ReadBound; firstSync: WriteBound; noChange: WriteBound };
}

/** A size's row of a phase, if it ran. */
export const phaseRow = (r: SizeResult, phase: string): PhaseRow | undefined => r.phases.find((p) => p.phase === phase);
export const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const ratio = (x: number | undefined, bound: number | undefined) => (x === undefined || !bound ? '—' : `${(x / bound).toFixed(2)}×`);
const methods = (r?: Requests) =>
  r ? `${r.total} (${['GET', 'POST', 'PUT', 'DELETE'].filter((m) => r.byMethod[m]).map((m) => `${m[0]}${m.slice(1).toLowerCase()} ${r.byMethod[m]}`).join(', ') || 'none'})` : '—';

function table(results: SizeResult[]): string {
  const t = new Table({
    head: [
      'Projects', 'Phase', 'Wall s', 'Latency bound s (wall ÷ bound)', 'Network s', 'CPU s client / server', 'Requests (by method)',
      'Request bound (req ÷ bound)', 'Writes / bound', 'Peak RSS MB', 'ms / project', 'MB / project',
    ],
    style: { head: [], border: [] },
  });
  for (const r of results) {
    for (const row of r.phases) {
      t.push([
        String(row.size),
        row.phase,
        row.seconds.toFixed(2),
        row.latencyBound === undefined ? '—' : `${row.latencyBound.toFixed(2)} (${ratio(row.seconds, row.latencyBound)})`,
        row.networkSeconds === undefined ? '—' : row.networkSeconds.toFixed(2),
        `${row.cpuSeconds.toFixed(2)} / ${row.serverSeconds.toFixed(2)}`,
        methods(row.requests),
        row.requestBound === undefined ? '—' : `${row.requestBound} (${ratio(row.requests?.total, row.requestBound)})`,
        row.requests ? `${row.requests.writes} / ${row.writeBound ?? '—'}` : '—',
        mb(row.maxRss),
        ((row.seconds * 1000) / row.size).toFixed(2),
        ((row.maxRss - row.baselineRss) / 1024 / 1024 / row.size).toFixed(3),
      ]);
    }
  }
  return t.toString();
}

export interface Verdict {
  target: string;
  met: boolean;
  detail: string;
}

/** Growth exponent between the smallest and the largest size: 1 is linear. */
function exponent(a: { n: number; v: number }, b: { n: number; v: number }): number {
  return Math.log(b.v / a.v) / Math.log(b.n / a.n);
}

export function verdicts(results: SizeResult[], opts: Options): Verdict[] {
  const out: Verdict[] = [];
  for (const r of results) {
    const s = phaseRow(r, 'snapshot')!;
    const reqRatio = s.requests!.total / s.requestBound!;
    out.push({ target: `${r.size}: snapshot requests ≤ 1.2 × bound`, met: reqRatio <= 1.2, detail: `${s.requests!.total} / ${s.requestBound} = ${reqRatio.toFixed(2)}×` });
    const wallRatio = s.seconds / s.latencyBound!;
    out.push({
      target: `${r.size}: snapshot wall ≤ 1.5 × latency bound (p=${opts.parallelism})`,
      met: wallRatio <= 1.5,
      detail:
        `${s.seconds.toFixed(2)} s / ${s.latencyBound!.toFixed(2)} s = ${wallRatio.toFixed(2)}×; network phase ${s.networkSeconds?.toFixed(2)} s,` +
        ` CPU ${s.cpuSeconds.toFixed(2)} s in octosync and ${s.serverSeconds.toFixed(2)} s in the simulator`,
    });
    const first = phaseRow(r, 'apply first sync');
    const late = r.bounds.firstSync.lateReferences;
    if (first) out.push({
      target: `${r.size}: first sync writes one request per created or changed document`,
      met: first.requests!.writes <= first.writeBound!,
      detail:
        `${first.requests!.writes} writes for ${first.writeBound} documents${late ? ` (+${late} second writes of late references planned)` : ''};` +
        ` ${first.requests!.byMethod.GET ?? 0} reads for a read bound of ${first.detail.readBound}`,
    });
    const again = phaseRow(r, 'apply no changes')!;
    out.push({
      target: `${r.size}: a recurring sync with nothing changed writes nothing`,
      met: again.requests!.writes === 0 && !(phaseRow(r, 'plan again')!.detail.hasChanges as boolean),
      detail: `plan again: ${JSON.stringify(phaseRow(r, 'plan again')!.detail.counts)}; ${again.requests!.writes} writes`,
    });
  }
  const largest = planTargetResult(results);
  const plan = phaseRow(largest, 'plan')!;
  const label = largest.size === PLAN_TARGET_SIZE ? '' : ` (largest size run: ${largest.size}, the target is for ${PLAN_TARGET_SIZE.toLocaleString('en-US')})`;
  out.push({ target: `plan of ${largest.size} projects < 5 s${label}`, met: plan.seconds < 5, detail: `${plan.seconds.toFixed(2)} s` });
  out.push({ target: `plan of ${largest.size} projects < 512 MB peak${label}`, met: plan.maxRss < 512 * 1024 * 1024, detail: `${mb(plan.maxRss)} MB peak RSS` });
  for (const phase of ['snapshot', 'plan', 'apply first sync']) {
    const ran = results.filter((r) => phaseRow(r, phase));
    if (ran.length > 1) {
      const [first, last] = [ran[0], ran[ran.length - 1]];
      const a = phaseRow(first, phase)!;
      const b = phaseRow(last, phase)!;
      const t = exponent({ n: first.size, v: a.seconds }, { n: last.size, v: b.seconds });
      const m = exponent({ n: first.size, v: a.maxRss - a.baselineRss }, { n: last.size, v: b.maxRss - b.baselineRss });
      out.push({
        target: `${phase}: time and memory about linear (${first.size} → ${last.size})`,
        met: t <= 1.2 && m <= 1.2,
        detail: `time grows as n^${t.toFixed(2)}, memory above baseline as n^${m.toFixed(2)}`,
      });
    }
  }
  return [...out, ...issue17Verdicts(results, opts)];
}

/** The size the plan targets (issue 7) are set for. */
export const PLAN_TARGET_SIZE = 1000;

/** Where the plan targets are judged: at their size when it ran, else the largest run (5,000 has its own, 17.5). */
export function planTargetResult(results: SizeResult[]): SizeResult {
  return results.find((r) => r.size === PLAN_TARGET_SIZE) ?? results[results.length - 1];
}

export interface SavedResults {
  date: string;
  machine: Record<string, string | number>;
  options: Options;
  results: SizeResult[];
  /** The report as the run printed it (bench/run.ts saves it beside the figures). */
  text?: string;
  /** The verdicts of that report, saved with it. */
  targets?: Verdict[];
  /** `octosync --help` start to exit (issue 17.6); results saved before it was measured have none. */
  startup?: StartupResult;
}

/** The printed report: the table, per-size notes and the targets, met or missed. */
export function report(saved: SavedResults): { text: string; checks: Verdict[] } {
  const { results, options: opts } = saved;
  const checks = verdicts(results, opts);
  if (saved.startup) {
    const best = Math.min(...saved.startup.helpMs);
    checks.push({ target: `CLI start-up (--help) < ${saved.startup.targetMs} ms`, met: best < saved.startup.targetMs, detail: describeStartup(saved.startup) });
  }
  const text = [
    `octosync benchmark — ${saved.date}`,
    `Machine: ${Object.entries(saved.machine).map(([k, v]) => `${k} ${v}`).join('; ')}`,
    `Latency ${opts.latencyMs} ms per request, parallelism ${opts.parallelism}. Each project: ${describeShape(results[0].shape)}.`,
    `Snapshots, plans and applies of no changes: the fastest of ${opts.repeat ?? 1} run(s) (other work on the machine only slows a run down); a first sync runs once.`,
    `Bounds: connect (${CONNECT_REQUESTS}) + each collection in pages of ${PAGE_SIZE} + owned documents in batches of ${IDS_PER_REQUEST} ids (reads);` +
      ' one request per created or changed document (writes); apply also reads the destination first, then what created parents bring along in bulk (its read bound).' +
      ' Latency bound = ⌈requests ÷ parallelism⌉ × latency. Snapshot wall = reading and normalising (the file is written after);' +
      ' network = until the last response; CPU = the phase process / the simulators. Peak RSS is the phase process\'s maxRSS;' +
      ' per-project memory is above its start-up RSS.',
    table(results),
    ...results.map((r) => {
      const snap = r.phases.find((p) => p.phase === 'snapshot')!;
      const f = r.bounds.firstSync;
      const bytes = (phase: string) => r.phases.find((p) => p.phase === phase)?.detail.fileBytes;
      const recurring = recurringSyncs(r).filter((x) => x.peer);
      return (
        `${r.size} projects: spaces generated in ${r.generateSeconds.toFixed(1)} s; the snapshot file (${mb(Number(snap.detail.fileBytes ?? 0))} MB) took ${(snap.detail.writeSeconds as number).toFixed(2)} s more to write` +
        ` (schema check, canonical JSON); first plan: ${f.creates} creates, ${f.updates} updates, ${f.lateReferences} late-reference updates, ${f.skips} skips` +
        (bytes('plan') === undefined ? '' : ` (${Number(bytes('plan')).toLocaleString('en-US')} bytes; the recurring sync's plan ${Number(bytes('plan again')).toLocaleString('en-US')} bytes)`) +
        (phaseRow(r, 'apply first sync') ? '' : '; no first sync applied (the destination started as a copy of the source)') +
        '.' +
        (recurring.length ? `\n  Recurring sync with nothing to change: ${recurring.map(describeRecurring).join('; ')}.` : '') +
        (r.profile ? `\n  Where the snapshot's time goes (one more run under node --cpu-prof): ${describeProfile(r.profile)}` : '')
      );
    }),
    'Targets:',
    ...checks.map((c) => `  ${c.met ? 'MET   ' : 'MISSED'} ${c.target}: ${c.detail}`),
  ].join('\n');
  return { text, checks };
}

export function describeShape(s: SpaceShape): string {
  return (
    `${s.runbooksPerProject} runbooks, ${s.channelsPerProject} channels, ${s.variablesPerProject} variables, ${s.stepsPerProject} steps; space: ` +
    `${s.environments} environments, ${s.tenants} tenants (${s.projectsPerTenant} projects each), ${s.libraryVariableSets} library variable sets, ${s.projectGroups} project groups`
  );
}
