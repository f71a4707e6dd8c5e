import { phaseRow, type SavedResults, type SizeResult, type Verdict } from './report.js';
import { describeRecurring, MEMORY_LIMIT, recurringSyncs } from './recurring.js';

/**
 * docs/performance.md's section on issue 17 (pure, from saved results): the recurring sync beside the peer
 * pattern, where a snapshot's time goes, and scale. Results saved before a figure was measured say so.
 */

const n = (x: number) => x.toLocaleString('en-US');
const verdict = (checks: Verdict[], prefix: string) => {
  const own = checks.filter((c) => c.target.startsWith(prefix));
  if (own.length && own.every((c) => c.detail.startsWith('not measured'))) return '**Not measured in this run.**';
  return own.every((c) => c.met) ? '**Met.**' : '**Missed.**';
};

export function issue17Findings(saved: SavedResults, checks: Verdict[]): string[] {
  const { results, options: o } = saved;
  const out: string[] = [];

  // Per size, the two ways the user can run it (faster first).
  const recurring = results.map((r) => recurringSyncs(r).filter((x) => x.peer)).filter((xs) => xs.length > 0);
  out.push(
    `**A recurring sync beside the peer pattern** (17.1; target ≥ 40× at 100 projects, growing with the size): ` +
      (recurring.length
        ? recurring.map((xs) => `${n(xs[0].size)} projects: ${xs.map(describeRecurring).join(', and ')}`).join('; ') + '. '
        : 'these results predate the peer pattern in the bench. ') +
      verdict(checks, '17.1'),
  );

  const profiled = results.filter((r) => r.profile);
  const thousand = results.find((r) => r.size === 1000);
  const snap = thousand && phaseRow(thousand, 'snapshot');
  out.push(
    `**Snapshot CPU** (17.3; target: 1,000 projects within 2× of the latency bound at parallelism ${o.parallelism})` +
      (snap?.latencyBound ? `: ${snap.seconds.toFixed(2)} s against ${snap.latencyBound.toFixed(2)} s, ${(snap.seconds / snap.latencyBound).toFixed(2)}×, with ${snap.cpuSeconds.toFixed(2)} s of CPU. ` : '. ') +
      verdict(checks, '17.3') +
      (profiled.length
        ? profiled.map((r) => ` Where the time of a ${n(r.size)}-project snapshot went (one more run under \`node --cpu-prof\`, reading and writing the file): ${profileText(r)}`).join('')
        : ' These results hold no CPU profile (the bench profiles a snapshot at `--profile-sizes`, 1,000 by default).'),
  );

  const last = results[results.length - 1];
  const heaviest = [...last.phases].sort((a, b) => b.maxRss - a.maxRss)[0];
  const plans = results.filter((r) => phaseRow(r, 'plan again')?.detail.fileBytes !== undefined);
  out.push(
    `**Scale** (17.5; 5,000 projects, every phase under ${MEMORY_LIMIT / 1024 ** 3} GB, time per project not growing): the largest size run is ` +
      `${n(last.size)} projects; its heaviest phase is ${heaviest.phase} at ${(heaviest.maxRss / 1024 ** 2).toFixed(0)} MB peak RSS` +
      (plans.length
        ? `; the plan of a recurring sync is ${plans.map((r) => `${n(Number(phaseRow(r, 'plan again')!.detail.fileBytes))} bytes at ${n(r.size)} projects`).join(', ')}` +
          ' (it lists what it writes and what it holds back; unchanged items are a count)'
        : '') +
      `. ${verdict(checks, '17.5')}`,
  );
  return out;
}

function profileText(r: SizeResult): string {
  const p = r.profile!;
  const pct = (ms: number) => `${Math.round((ms / p.totalMs) * 100)}%`;
  const list = (xs: { name: string; ms: number }[], k: number) => xs.slice(0, k).map((x) => `\`${x.name}\` ${x.ms.toFixed(0)} ms`).join(', ');
  return (
    `of ${p.totalMs.toFixed(0)} ms, ${p.idleMs.toFixed(0)} ms (${pct(p.idleMs)}) waiting for responses and ${p.gcMs.toFixed(0)} ms (${pct(p.gcMs)}) in garbage collection; ` +
    `by file ${list(p.files, 6)}; by function ${list(p.functions, 6)}.`
  );
}
