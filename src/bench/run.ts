import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPlanFile } from '../plan-format/file.js';
import { KINDS } from '../registry/kinds.js';
import { startSimulator, type RunningSimulator } from '../simulator/server.js';
import { applyReadBound, httpProbe, latencyBound, readBound, writeBound, type ReadBound, type WriteBound } from './bounds.js';
import { BENCH_SPACE, destinationSeed, expectedCounts, shapeFor, sourceSeed, type SpaceShape } from './generate.js';
import { describeProfile, summariseProfile, type CpuProfile, type ProfileSummary } from './profile.js';
import { BARE_READ_PHASE, CLIENT_READ_PHASE, LIVE_PLAN_PHASE, PEER_PHASE } from './recurring.js';
import { mb, report, type Options, type PhaseRow, type Requests, type SavedResults, type SizeResult } from './report.js';
import { describeStartup, measureStartup } from './startup.js';
import type { Job, PhaseResult } from './worker.js';

/**
 * `npm run bench` (issue 7): generated spaces at several sizes in simulators with latency per request;
 * snapshot, plan, apply of a first sync and of a sync with nothing changed, each in a process of its own;
 * wall time, requests by method (the simulator's counts), peak memory, each beside its lower bound.
 */

const API_KEY = 'API-BENCH00000000000000000000000001';
/** 100 is where issue 17's peer target is set; 5,000 (issue 17.5) is left to `--sizes` (see docs/performance.md). */
const DEFAULT_SIZES = [50, 100, 200, 1000];

function parseArgs(argv: string[]): Options {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}'`);
    const [k, inline] = a.slice(2).split('=', 2);
    if (['quick', 'keep', 'help'].includes(k)) args.set(k, 'true');
    else args.set(k, inline ?? argv[++i] ?? '');
  }
  if (args.has('help')) {
    process.stdout.write(
      'npm run bench -- [--sizes 50,100,200,1000] [--latency-ms 20] [--parallelism 8] [--serial-sizes all|50,...] [--serial-apply-sizes 50,...]' +
        ' [--first-sync-sizes 50,...] [--peer-sizes 50,...|none] [--profile-sizes 1000|none] [--repeat 3] [--quick] [--out bench/results/latest.json] [--keep]\n',
    );
    process.exit(0);
  }
  const quick = args.has('quick');
  const list = (v: string) => v.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
  const sizes = list(args.get('sizes') ?? (quick ? '10,50' : DEFAULT_SIZES.join(',')));
  if (!sizes.length) throw new Error('--sizes wants positive integers, e.g. 50,200,1000');
  const serial = args.get('serial-sizes') ?? 'all';
  const latencyMs = Number(args.get('latency-ms') ?? (quick ? 5 : 20));
  const parallelism = Number(args.get('parallelism') ?? 8);
  if (!(latencyMs >= 0)) throw new Error('--latency-ms wants a number of milliseconds');
  if (!Number.isInteger(parallelism) || parallelism < 1) throw new Error('--parallelism wants a positive integer');
  return {
    sizes,
    latencyMs,
    parallelism,
    out: args.get('out') ?? join('bench', 'results', quick ? 'quick.json' : 'latest.json'),
    keep: args.has('keep'),
    serialSizes: serial === 'all' ? sizes : list(serial),
    // Up to 1,000 projects by default: a first sync of 5,000 takes about 10 minutes, the serial peer pattern 40.
    firstSyncSizes: args.has('first-sync-sizes') ? list(args.get('first-sync-sizes')!) : sizes.filter((n) => n <= 1000),
    // Profiled at 1,000 projects, where issue 17.3's target is set.
    profileSizes: list(args.get('profile-sizes') ?? '1000').filter((n) => sizes.includes(n)),
    peerSizes: args.has('peer-sizes') ? list(args.get('peer-sizes')!) : sizes.filter((n) => n <= 1000),
    serialApplySizes: args.has('serial-apply-sizes') ? list(args.get('serial-apply-sizes')!) : [Math.min(...sizes)],
    repeat: Math.max(1, Number(args.get('repeat') ?? (quick ? 1 : 3)) || 1),
  };
}

const workerPath = fileURLToPath(new URL('./worker.js', import.meta.url));

/** Runs a phase in its own process; `serverSeconds` is the time the simulators (in this process) were busy meanwhile. */
async function runWorker(job: Job, nodeArgs: string[] = []): Promise<PhaseResult & { serverSeconds: number }> {
  const before = performance.eventLoopUtilization();
  const result = await spawnWorker(job, nodeArgs);
  return { ...result, serverSeconds: performance.eventLoopUtilization(before).active / 1000 };
}

function spawnWorker(job: Job, nodeArgs: string[]): Promise<PhaseResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, workerPath, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const line = stdout.trim().split('\n').pop() ?? '';
      let parsed: any;
      try {
        parsed = JSON.parse(line);
      } catch {
        return reject(new Error(`bench worker (${job.phase}) gave no result:\n${stderr || stdout}`));
      }
      if (parsed.error) return reject(new Error(`bench worker (${job.phase}) failed: ${parsed.error}${stderr ? `\n${stderr}` : ''}`));
      resolvePromise(parsed as PhaseResult);
    });
  });
}

function sumRequests(a: Requests, b: Requests): Requests {
  const add = (x: Record<string, number>, y: Record<string, number>) => {
    const out = { ...x };
    for (const [k, v] of Object.entries(y)) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  return { total: a.total + b.total, byMethod: add(a.byMethod, b.byMethod), writes: a.writes + b.writes, byPattern: add(a.byPattern, b.byPattern) };
}

function requestsOf(sim: RunningSimulator): Requests {
  const s = sim.stats.toJSON();
  return { total: s.total, byMethod: s.byMethod, writes: sim.stats.writes, byPattern: s.byPattern };
}

async function spaceOf(sim: RunningSimulator): Promise<{ id: string; version: string }> {
  const space = sim.store.all('spaces').find((s) => s.Name === BENCH_SPACE);
  if (!space) throw new Error(`bench: no space '${BENCH_SPACE}'`);
  const root = (await (await fetch(`${sim.url}/api`, { headers: { 'X-Octopus-ApiKey': API_KEY } })).json()) as { Version: string };
  return { id: space.Id, version: root.Version };
}

async function boundOf(sim: RunningSimulator): Promise<ReadBound> {
  const space = await spaceOf(sim);
  return readBound(httpProbe(sim.url, API_KEY), space.id, space.version);
}

async function benchSize(size: number, opts: Options, dir: string, log: (line: string) => void): Promise<SizeResult> {
  const shape = shapeFor(size);
  const t0 = performance.now();
  const src = await startSimulator({ apiKey: API_KEY, seed: sourceSeed(shape), latencyMs: opts.latencyMs });
  const firstSyncRuns = (opts.firstSyncSizes ?? opts.sizes).includes(size);
  // Without a first sync, the destination starts as a copy of the source: what a first sync leaves (the bench's
  // test checks that a plan between the two has nothing to do), for a recurring sync of a size too large to sync first.
  const dst = await startSimulator({ apiKey: API_KEY, seed: firstSyncRuns ? destinationSeed(shape) : sourceSeed(shape), latencyMs: opts.latencyMs });
  const generateSeconds = (performance.now() - t0) / 1000;
  log(`${size} projects: spaces generated in ${generateSeconds.toFixed(1)} s`);
  const phases: PhaseRow[] = [];
  const p = opts.parallelism;
  const file = (name: string) => join(dir, `${size}-${name}`);
  try {
    /**
     * Runs a phase `repeat` times (once when it changes the destination) and keeps the fastest run: other work
     * on the machine only ever slows a run down, so the fastest is the best estimate of the phase's own cost.
     */
    const measure = async (job: Job, sims: RunningSimulator[], repeat: number, wall: (r: PhaseResult) => number) => {
      let best: { r: PhaseResult & { serverSeconds: number }; requests?: Requests } | undefined;
      const walls: number[] = [];
      for (let i = 0; i < repeat; i++) {
        for (const sim of sims) sim.stats.reset();
        const r = await runWorker(job);
        walls.push(Number(wall(r).toFixed(3)));
        // The requests of every simulator the phase talked to, added up.
        if (!best || wall(r) < wall(best.r)) best = { r, requests: sims.length ? sims.map(requestsOf).reduce(sumRequests) : undefined };
      }
      return { ...best!, walls };
    };
    /**
     * A measured phase's row: the worker's figures, the simulators' request counts, and `extra` (bounds, the
     * parallelism, more detail) where the phase has them; `detail` keeps the worker's, with the runs' walls last.
     */
    const rowOf = (phase: string, m: { r: PhaseResult & { serverSeconds: number }; requests?: Requests; walls?: number[] }, extra: Partial<PhaseRow> = {}): PhaseRow => {
      const { r, requests, walls } = m;
      return {
        size,
        phase,
        seconds: r.seconds,
        networkSeconds: r.networkSeconds,
        cpuSeconds: r.cpuSeconds,
        serverSeconds: r.serverSeconds,
        requests,
        maxRss: r.maxRss,
        baselineRss: r.baselineRss,
        ...extra,
        detail: { ...r.detail, clientRequests: r.clientRequests, ...extra.detail, walls },
      };
    };
    const snapshot = async (sim: RunningSimulator, phase: string, out: string, parallelism: number, bound: ReadBound) => {
      const job: Job = { phase: 'snapshot', server: sim.url, apiKey: API_KEY, space: BENCH_SPACE, parallelism, out };
      const measured = await measure(job, [sim], opts.repeat, (x) => x.detail.readSeconds as number);
      const r = measured.r;
      const readSeconds = r.detail.readSeconds as number;
      const row = rowOf(phase, measured, {
        seconds: readSeconds,
        requestBound: bound.requests,
        latencyBound: latencyBound(bound.requests, parallelism, opts.latencyMs),
        writeBound: 0,
        parallelism,
      });
      phases.push(row);
      log(`  ${phase}: ${readSeconds.toFixed(2)} s (+ ${(r.detail.writeSeconds as number).toFixed(2)} s writing the file), ${row.requests!.total} requests`);
      return row;
    };
    const plan = async (phase: string, destination: string, out: string) => {
      const measured = await measure({ phase: 'plan', source: file('source.json'), destination, out }, [], opts.repeat, (x) => x.seconds);
      const r = measured.r;
      phases.push(rowOf(phase, measured));
      log(`  ${phase}: ${r.seconds.toFixed(2)} s, peak RSS ${mb(r.maxRss)} MB`);
      return writeBound(readPlanFile(out));
    };
    const apply = async (sim: RunningSimulator, phase: string, planFile: string, reads: ReadBound, writes: WriteBound, parallelism = p) => {
      const jobDir = file(`${phase.replace(/\W+/g, '-')}`);
      mkdirSync(jobDir, { recursive: true });
      const job: Job = { phase: 'apply', server: sim.url, apiKey: API_KEY, space: BENCH_SPACE, parallelism, plan: planFile, dir: jobDir };
      // Only a plan that writes nothing can run again on the same destination.
      // Reads: the destination, then what the parents the plan creates bring along, in bulk (issue 17.4).
      const readsNeeded = applyReadBound(reads, readPlanFile(planFile), (await spaceOf(sim)).version);
      const measured = await measure(job, [sim], writes.documents + writes.lateReferences === 0 ? opts.repeat : 1, (x) => x.seconds);
      const { r, requests } = measured;
      const bound = readsNeeded + writes.documents;
      phases.push(
        rowOf(phase, measured, {
          requestBound: bound,
          latencyBound: latencyBound(bound, parallelism, opts.latencyMs),
          writeBound: writes.documents,
          parallelism,
          detail: { readBound: readsNeeded, destinationReadBound: reads.requests, lateReferenceWrites: writes.lateReferences },
        }),
      );
      log(`  ${phase}: ${r.seconds.toFixed(2)} s, ${requests!.total} requests, ${requests!.writes} writes`);
    };

    /**
     * Issue 17.2: the same recurring plan in one command, `plan --source-server … --destination-server …`: both
     * spaces read concurrently (each at the parallelism), their snapshots written beside the plan, then planned.
     * Its latency bound is the larger side's, as the two read at once.
     */
    const livePlan = async (destinationBound: ReadBound) => {
      const side = (sim: RunningSimulator) => ({ server: sim.url, apiKey: API_KEY, space: BENCH_SPACE, parallelism: p });
      const job: Job = { phase: 'live plan', source: side(src), destination: side(dst), out: file('plan-live.json') };
      // Where the peer pattern runs, the live plan's requests are kept for the floors to replay (bareRead below).
      const keepRequests = (opts.peerSizes ?? []).includes(size);
      for (const sim of [src, dst]) sim.stats.logRequests = keepRequests;
      const measured = await measure(job, [src, dst], opts.repeat, (x) => x.seconds);
      const { r, requests } = measured;
      // measure() resets the counts before each run: the log holds the last run's requests, the same every run.
      const logged = [src, dst].map((sim) => sim.stats.requests.map((line) => line.replace(/^GET /, '')));
      for (const sim of [src, dst]) sim.stats.logRequests = false;
      const bound = Math.max(sourceBound.requests, destinationBound.requests);
      phases.push(
        rowOf(LIVE_PLAN_PHASE, measured, {
          // Its worker reports no network time (readSpaces counts requests through its progress line).
          networkSeconds: undefined,
          requestBound: sourceBound.requests + destinationBound.requests,
          latencyBound: latencyBound(bound, p, opts.latencyMs),
          writeBound: 0,
          parallelism: p,
        }),
      );
      log(`  ${LIVE_PLAN_PHASE}: ${r.seconds.toFixed(2)} s, ${requests!.total} requests, peak RSS ${mb(r.maxRss)} MB`);
      if (keepRequests) await bareRead(logged);
    };

    /**
     * Issue 17.1's floors: the live plan's requests replayed (bare-read.ts), as many at once per side, with node:http
     * alone, then through octosync's client. What the live plan costs above the second is octosync's reading code,
     * snapshot files and plan; between the two, the HTTP client.
     */
    const bareRead = async (paths: string[][]) => {
      const writes = paths.flat().filter((line) => !line.startsWith('/'));
      if (writes.length) throw new Error(`bench: the live plan sent more than reads (${writes[0]})`);
      writeFileSync(file('live-requests.json'), JSON.stringify(paths));
      for (const [client, phase] of [['node:http', BARE_READ_PHASE], ['octosync', CLIENT_READ_PHASE]] as const) await replay(paths, client, phase);
    };
    const replay = async (paths: string[][], client: 'node:http' | 'octosync', phase: string) => {
      const sides = [src, dst].map((sim) => ({ server: sim.url, apiKey: API_KEY }));
      const job: Job = { phase: 'bare read', client, sides, requestsFile: file('live-requests.json'), parallelism: p };
      const measured = await measure(job, [src, dst], opts.repeat, (x) => x.seconds);
      // As the live plan's: the larger side's requests, as many at once.
      phases.push(rowOf(phase, measured, { latencyBound: latencyBound(Math.max(...paths.map((side) => side.length)), p, opts.latencyMs), parallelism: p }));
      log(`  ${phase}: ${measured.r.seconds.toFixed(2)} s, ${measured.requests!.total} requests`);
    };

    const sourceBound = await boundOf(src);
    checkShape(sourceBound, shape);
    // A first, unmeasured read: the simulator's code is compiled and the seeding's garbage collected before timing.
    await runWorker({ phase: 'snapshot', server: src.url, apiKey: API_KEY, space: BENCH_SPACE, parallelism: p, out: file('warm-up.json') });
    await snapshot(src, 'snapshot', file('source.json'), p, sourceBound);
    if (opts.serialSizes.includes(size)) await snapshot(src, 'snapshot p=1', file('source-p1.json'), 1, sourceBound);
    const profile = (opts.profileSizes ?? []).includes(size) ? await profileSnapshot(src, p, file('profile')) : undefined;
    if (profile) log(`  where the snapshot's time goes: ${describeProfile(profile)}`);

    let destinationBefore: ReadBound | undefined;
    let firstSync: WriteBound | undefined;
    if (firstSyncRuns) {
      destinationBefore = await boundOf(dst);
      dst.stats.reset();
      const before = await runWorker({ phase: 'snapshot', server: dst.url, apiKey: API_KEY, space: BENCH_SPACE, parallelism: p, out: file('destination-0.json') });
      log(`  snapshot of the destination: ${before.seconds.toFixed(2)} s`);
      firstSync = await plan('plan', file('destination-0.json'), file('plan-1.json'));
      await apply(dst, 'apply first sync', file('plan-1.json'), destinationBefore, firstSync);
    } else {
      // The plan of a first sync is still made (the largest plan there is), against a fresh, empty destination; not applied.
      const empty = await startSimulator({ apiKey: API_KEY, seed: destinationSeed(shape), latencyMs: opts.latencyMs });
      try {
        await runWorker({ phase: 'snapshot', server: empty.url, apiKey: API_KEY, space: BENCH_SPACE, parallelism: p, out: file('destination-0.json') });
      } finally {
        await empty.close();
      }
      firstSync = await plan('plan', file('destination-0.json'), file('plan-1.json'));
      log('  (no first sync applied at this size: the destination is a copy of the source)');
    }

    const destinationAfter = await boundOf(dst);
    await snapshot(dst, 'snapshot destination', file('destination-1.json'), p, destinationAfter);
    const noChange = await plan('plan again', file('destination-1.json'), file('plan-2.json'));
    await apply(dst, 'apply no changes', file('plan-2.json'), destinationAfter, noChange);
    await livePlan(destinationAfter);

    if ((opts.peerSizes ?? []).includes(size)) {
      // Issue 17.1: what users run today, on the same simulators, serial; it writes the destination's documents
      // back as they are (see peer.ts), so it runs once (its time is round trips, which other work hardly slows).
      src.stats.reset();
      dst.stats.reset();
      const side = (sim: RunningSimulator) => ({ server: sim.url, apiKey: API_KEY, space: BENCH_SPACE });
      const r = await runWorker({ phase: 'peer', source: side(src), destination: side(dst) });
      const requests = sumRequests(requestsOf(src), requestsOf(dst));
      phases.push(rowOf(PEER_PHASE, { r, requests }, { parallelism: 1 }));
      log(`  ${PEER_PHASE}: ${r.seconds.toFixed(2)} s, ${requests.total} requests`);
    }

    if (opts.serialApplySizes.includes(size) && firstSyncRuns) {
      // What concurrency buys on writes: the same first sync into a second, fresh destination, one request at a time.
      const serial = await startSimulator({ apiKey: API_KEY, seed: destinationSeed(shape), latencyMs: opts.latencyMs });
      try {
        const reads = await boundOf(serial);
        await runWorker({ phase: 'snapshot', server: serial.url, apiKey: API_KEY, space: BENCH_SPACE, parallelism: p, out: file('serial-destination.json') });
        await runWorker({ phase: 'plan', source: file('source.json'), destination: file('serial-destination.json'), out: file('plan-serial.json') });
        await apply(serial, 'apply first sync p=1', file('plan-serial.json'), reads, writeBound(readPlanFile(file('plan-serial.json'))), 1);
      } finally {
        await serial.close();
      }
    }
    return { size, shape, generateSeconds, phases, profile, bounds: { source: sourceBound, destinationBefore, destinationAfter, firstSync, noChange } };
  } finally {
    await src.close();
    await dst.close();
  }
}

/** One more snapshot, unmeasured, under `node --cpu-prof` (issue 17.3): where its time goes, by function and file. */
async function profileSnapshot(sim: RunningSimulator, parallelism: number, dir: string): Promise<ProfileSummary> {
  mkdirSync(dir, { recursive: true });
  await runWorker({ phase: 'snapshot', server: sim.url, apiKey: API_KEY, space: BENCH_SPACE, parallelism, out: join(dir, 'snapshot.json') }, [
    '--cpu-prof',
    '--cpu-prof-dir',
    dir,
    '--cpu-prof-name',
    'snapshot.cpuprofile',
  ]);
  return summariseProfile(JSON.parse(readFileSync(join(dir, 'snapshot.cpuprofile'), 'utf8')) as CpuProfile);
}

/** The generator made what it promised (else the bench would measure something else). */
function checkShape(bound: ReadBound, shape: SpaceShape): void {
  const expected = expectedCounts(shape);
  // The kinds the probe counts (collections); owned documents are counted from their parents.
  for (const { kind, plural } of KINDS.filter((k) => k.fetch.from === 'collection' && k.plural in expected)) {
    const got = bound.kinds[kind]?.documents;
    if (got !== expected[plural]) throw new Error(`bench: the generated space has ${got} ${plural}, not ${expected[plural]}`);
  }
}

function machine(): Record<string, string | number> {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    // Other work on the machine slows every figure: the load average says how busy it was.
    loadAverage: os.loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--render') {
    // Prints a saved result again (with the current report code); with --update, also writes the verdicts and
    // the text it derives back into the file (the measurements stay as they were).
    const file = argv[1] && !argv[1].startsWith('--') ? argv[1] : join('bench', 'results', 'latest.json');
    const { targets: _targets, text: _text, ...saved } = JSON.parse(readFileSync(file, 'utf8')) as SavedResults;
    process.stdout.write(reported(saved, argv.includes('--update') ? file : undefined) + '\n');
    return;
  }
  const opts = parseArgs(argv);
  const log = (line: string) => process.stderr.write(line + '\n');
  const dir = mkdtempSync(join(os.tmpdir(), 'octosync-bench-'));
  const loadAtStart = machine().loadAverage;
  log(`octosync benchmark: sizes ${opts.sizes.join(', ')}; latency ${opts.latencyMs} ms per request; parallelism ${opts.parallelism}; files in ${dir}`);
  // Before the simulators start: their work would slow the processes being timed.
  const startup = measureStartup(10);
  log(describeStartup(startup));
  const results: SizeResult[] = [];
  try {
    for (const size of [...opts.sizes].sort((a, b) => a - b)) results.push(await benchSize(size, opts, dir, log));
  } finally {
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  }
  const saved: SavedResults = { date: new Date().toISOString(), machine: { ...machine(), loadAverageAtStart: loadAtStart }, options: opts, results, startup };
  const outFile = resolve(opts.out);
  mkdirSync(dirname(outFile), { recursive: true });
  process.stdout.write(reported(saved, outFile) + '\n');
  log(`Results written to ${opts.out}`);
}

/** The report of saved results; with `file`, the results are written there with its verdicts and text. */
function reported(saved: SavedResults, file?: string): string {
  const { text, checks } = report(saved);
  if (file) writeFileSync(file, JSON.stringify({ ...saved, targets: checks, text }, null, 2) + '\n');
  return text;
}

// Only when run as the entry point (the generator test imports this module's neighbours, not this file).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}

