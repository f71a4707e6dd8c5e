import { readFileSync, statSync } from 'node:fs';
import { applyPlanFile } from '../cli/commands/apply-files.js';
import { readLiveSides } from '../cli/live-sides.js';
import { hasChanges } from '../plan-format/operations.js';
import { makePlans } from '../plan/make.js';
import { writeSnapshotFile } from '../snapshot/file.js';
import { takeSnapshot } from '../snapshot/take.js';
import { bareRead, clientRead, type BareSide } from './bare-read.js';
import { runPeerPattern, type PeerSide } from './peer.js';

/**
 * One benchmark phase in a process of its own, so that its wall time, requests and peak memory are its own
 * and not the simulators' (which run in the parent). The job comes as JSON in argv[2]; the result goes to
 * stdout as one JSON line.
 */
export type Job =
  | { phase: 'snapshot'; server: string; apiKey: string; space: string; parallelism: number; out: string }
  | { phase: 'plan'; source: string; destination: string; out: string }
  /** `plan --source-server … --destination-server …`: both sides read concurrently, written beside the plan, planned. */
  | { phase: 'live plan'; source: LiveServer; destination: LiveServer; out: string }
  | { phase: 'apply'; server: string; apiKey: string; space: string; parallelism: number; plan: string; dir: string }
  | { phase: 'peer'; source: PeerSide; destination: PeerSide }
  /**
   * The live plan's requests replayed (bare-read.ts) with node:http alone or through octosync's client; `requestsFile`
   * holds each side's paths, a JSON array per side.
   */
  | { phase: 'bare read'; client: 'node:http' | 'octosync'; sides: Omit<BareSide, 'paths'>[]; requestsFile: string; parallelism: number };

export interface LiveServer {
  server: string;
  apiKey: string;
  space: string;
  parallelism: number;
}

export interface PhaseResult {
  /** Seconds of the phase's work (not process start-up or module loading). */
  seconds: number;
  /** Requests the octosync client counted, by method. */
  clientRequests?: Record<string, number>;
  /** CPU seconds (user + system) the phase's process spent on the work. */
  cpuSeconds: number;
  /** Seconds from the start to the last response (the network part; the rest is computing and writing files). */
  networkSeconds?: number;
  /** RSS before the work (the process with its modules loaded) and the peak, both in bytes. */
  baselineRss: number;
  maxRss: number;
  heapUsedAfter: number;
  detail: Record<string, unknown>;
}

async function run(job: Job): Promise<PhaseResult> {
  const baselineRss = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let detail: Record<string, unknown> = {};
  let clientRequests: Record<string, number> | undefined;
  let lastResponse: number | undefined;
  const count = (byMethod: Record<string, number>) => (e: { method: string }) => {
    byMethod[e.method] = (byMethod[e.method] ?? 0) + 1;
    lastResponse = performance.now();
  };
  if (job.phase === 'snapshot') {
    const byMethod: Record<string, number> = {};
    const result = await takeSnapshot({
      server: job.server,
      apiKey: job.apiKey,
      space: job.space,
      parallelism: job.parallelism,
      onRequest: count(byMethod),
    });
    const read = performance.now();
    writeSnapshotFile(job.out, result.snapshot);
    clientRequests = byMethod;
    detail = {
      counts: result.counts,
      readSeconds: (read - started) / 1000,
      writeSeconds: (performance.now() - read) / 1000,
      fileBytes: statSync(job.out).size,
      warnings: result.snapshot.warnings.length,
    };
  } else if (job.phase === 'plan') {
    const [made] = makePlans({ source: job.source, destinations: [job.destination], out: job.out });
    detail = {
      counts: made.plan.counts,
      operations: made.plan.operations.length,
      hasChanges: hasChanges(made.plan),
      warnings: made.plan.warnings.length,
      fileBytes: statSync(job.out).size,
    };
  } else if (job.phase === 'live plan') {
    const byMethod: Record<string, number> = {};
    const connection = (s: LiveServer) => ({ ...s, timeoutMs: 30_000 });
    const file = (side: string) => job.out.replace(/\.json$/, `.${side}.json`);
    const read = await readLiveSides([
      { name: 'source', file: file('source'), connection: connection(job.source) },
      { name: 'destination', file: file('destination'), connection: connection(job.destination) },
    ]);
    // The client's own counts: readSpaces reports requests through its progress line, not a hook.
    for (const s of read.sides) byMethod.GET = (byMethod.GET ?? 0) + s.requests;
    const readDone = performance.now();
    const [source, destination] = read.sides;
    const [made] = makePlans({ source: { file: source.file, snapshot: source.snapshot }, destinations: [{ file: destination.file, snapshot: destination.snapshot }], out: job.out });
    clientRequests = byMethod;
    detail = {
      counts: made.plan.counts,
      operations: made.plan.operations.length,
      hasChanges: hasChanges(made.plan),
      fileBytes: statSync(job.out).size,
      // Both sides read and their snapshots written (the rest is planning and writing the plan).
      readSeconds: (readDone - started) / 1000,
    };
  } else if (job.phase === 'bare read') {
    const paths = JSON.parse(readFileSync(job.requestsFile, 'utf8')) as string[][];
    const sides = job.sides.map((side, i) => ({ ...side, paths: paths[i] ?? [] }));
    const result = await (job.client === 'octosync' ? clientRead : bareRead)(sides, job.parallelism);
    lastResponse = performance.now();
    clientRequests = { GET: result.requests };
    detail = { client: job.client, ...(result.bytes !== undefined ? { bytes: result.bytes } : {}) };
  } else if (job.phase === 'peer') {
    const result = await runPeerPattern(job.source, job.destination);
    clientRequests = result.byMethod;
    lastResponse = performance.now();
    detail = { projects: result.projects };
  } else {
    const byMethod: Record<string, number> = {};
    const result = await applyPlanFile({
      server: job.server,
      apiKey: job.apiKey,
      space: job.space,
      parallelism: job.parallelism,
      planFile: job.plan,
      journalFile: `${job.dir}/journal.jsonl`,
      cleanupBase: `${job.dir}/cleanup`,
      onRequest: count(byMethod),
    });
    clientRequests = byMethod;
    detail = { created: result.created, updated: result.updated, alreadyApplied: result.alreadyApplied, failed: result.failed.length, notRun: result.notRun.length, cleanup: result.cleanup.length };
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const networkSeconds = lastResponse === undefined ? undefined : (lastResponse - started) / 1000;
  return { seconds, cpuSeconds, networkSeconds, clientRequests, baselineRss, maxRss: process.resourceUsage().maxRSS * 1024, heapUsedAfter: process.memoryUsage().heapUsed, detail };
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
run(job).then(
  (result) => process.stdout.write(JSON.stringify(result) + '\n'),
  (err: unknown) => {
    const e = err as { message?: string; result?: unknown };
    process.stdout.write(JSON.stringify({ error: e?.message ?? String(err), result: e?.result }) + '\n');
    process.exitCode = 1;
  },
);
