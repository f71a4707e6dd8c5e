import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode, UsageError } from '../../errors.js';
import { outputFormatOption, type OctosyncCommand, type OutputFormatArgs } from '../command.js';
import { requestOptions, resolveSide, sideArgs, sideFlagsGiven, sideOptions, type Connection, type Side } from '../connection.js';
import { CATALOG } from './catalog.js';

interface PlanArgs extends OutputFormatArgs {
  source?: string;
  destination?: string[];
  policy?: string;
  baseline?: string;
  out: string;
  detailedExitcode: boolean;
  quiet: boolean;
  parallelism: number;
  timeout: number;
}

const LIVE = 'Reading a side live (instead of its snapshot file):';

export const planCommand: OctosyncCommand<PlanArgs> = {
  ...CATALOG.plan,
  builder: (y: Argv) =>
    outputFormatOption(
      requestOptions(
        sideOptions(
          sideOptions(
            y
              .option('source', { type: 'string', describe: 'Source snapshot file (or --source-server)' })
              .option('destination', { type: 'string', array: true, describe: 'Destination snapshot file; repeat for several destinations, one plan each (or --destination-server)' })
              .option('policy', { type: 'string', describe: 'Policy file (YAML or JSON); defaults apply without one' })
              .option('baseline', { type: 'string', describe: 'The baseline the last apply wrote (apply --baseline): plan three-way, keeping destination edits since (one destination)' })
              .option('out', { type: 'string', demandOption: true, describe: 'Plan file to write (a folder when there are several destinations)' })
              .option('detailed-exitcode', { type: 'boolean', default: false, describe: 'Exit 2 when a plan has changes, 0 when none' })
              .option('quiet', { type: 'boolean', default: false, describe: 'Do not print the plan' }),
            'source',
          ),
          'destination',
        ),
      ).group(
        [...(['source', 'destination'] as const).flatMap((s) => ['server', 'space', 'api-key-file', 'api-key', 'access-token', 'ca-file'].map((o) => `${s}-${o}`)), 'parallelism', 'timeout'],
        LIVE,
      ),
    ) as unknown as Argv<PlanArgs>,
  run: async (argv, io) => {
    // Flags are judged before anything is loaded or read: a wrong one costs nothing.
    const source = side(argv, 'source', argv.source ? [argv.source] : []);
    const destination = side(argv, 'destination', argv.destination ?? []);
    const destinations = destination.live ? 1 : destination.files.length;
    // Loaded here, not above: `octosync --help` must not pay for the planner, the renderers or the HTTP client.
    const { makePlans } = await import('../../plan/make.js');
    const { hasChanges } = await import('../../plan-format/operations.js');
    const { renderText } = await import('../../render/text.js');
    const { readPolicyFile } = await import('../../plan/policy.js');
    const { readSnapshotFile } = await import('../../snapshot/file.js');
    const out = await import('../../util/out-file.js');
    const { colourFor, info, out: print } = await import('../output.js');
    if (destinations > 1) out.checkWritableDirectory(argv.out, '--out');
    else out.checkWritableFile(argv.out, '--out', `with one --destination, --out names the plan file (e.g. ${join(argv.out, 'plan.json')})`);

    let sourceInput: Parameters<typeof makePlans>[0]['source'] = source.files[0];
    let destinationInputs: Parameters<typeof makePlans>[0]['destinations'] = destination.files;
    let policy: Parameters<typeof makePlans>[0]['policy'] = argv.policy;
    const snapshots: { side: Side; file: string; requests: number; seconds: number }[] = [];
    const live = [source, destination].filter((s): s is ServerSide => s.live);
    if (live.length) {
      const files = live.map((s) => ({ ...s, file: auditFile(argv.out, s.name, destinations > 1) }));
      checkAuditFiles(files, [...source.files, ...destination.files, argv.out]);
      for (const f of files) out.checkWritableFile(f.file, '--out');
      // Everything a long read could end on is read first: the policy and the snapshot files of the other side.
      if (argv.policy) policy = readPolicyFile(argv.policy);
      if (!source.live) sourceInput = { file: source.files[0], snapshot: readSnapshotFile(source.files[0]) };
      if (!destination.live) destinationInputs = destination.files.map((file) => ({ file, snapshot: readSnapshotFile(file) }));
      const { readLiveSides } = await import('../live-sides.js');
      info(`Reading ${files.map((f) => `the ${f.name} space '${f.connection.space}' from ${f.connection.server}`).join(' and ')} ...`);
      const read = await readLiveSides(files);
      for (const f of read.sides) {
        for (const w of f.snapshot.warnings) info(`warning: ${f.name}: ${w}`);
        snapshots.push({ side: f.name, file: f.file, requests: f.requests, seconds: f.seconds });
        if (f.name === 'source') sourceInput = { file: f.file, snapshot: f.snapshot };
        else destinationInputs = [{ file: f.file, snapshot: f.snapshot }];
      }
      info(read.table);
      info(`Snapshots written to ${snapshots.map((s) => `${s.file} (${s.requests} requests in ${s.seconds.toFixed(1)} s)`).join(' and ')}.`);
    }
    const made = makePlans({ source: sourceInput, destinations: destinationInputs, policy, out: argv.out, ...(argv.baseline !== undefined ? { baseline: argv.baseline } : {}) });
    const chalk = colourFor(process.stdout, !io.color);
    for (const m of made) {
      if (!argv.quiet && !io.json) print(renderText(m.plan, chalk));
      const c = m.plan.counts;
      info(`${m.destinationFile}: ${c.create} to create, ${c.update} to update, ${c.skip} skipped, ${c.unchanged} unchanged; plan saved to ${m.planFile}`);
    }
    if (made.length === 1) info(`To apply exactly this plan: octosync apply ${made[0].planFile} --server … --space '${made[0].plan.destination.space}'`);
    const changes = made.some((m) => hasChanges(m.plan));
    // A three-way plan's conflicts (resolved by the policy) still need a person: an error for a scheduled check.
    const conflicts = made.reduce((n, m) => n + (m.plan.counts.conflicts ?? 0), 0);
    if (argv.detailedExitcode && conflicts) info(`${conflicts} conflict(s) between source changes and destination edits since the last sync: see the plan (--detailed-exitcode exits 1)`);
    return {
      exitCode: argv.detailedExitcode && conflicts ? ExitCode.error : argv.detailedExitcode && changes ? ExitCode.changes : ExitCode.ok,
      data: {
        ...(snapshots.length ? { snapshots } : {}),
        plans: made.map((m) => ({
          destination: m.destinationFile,
          planFile: m.planFile,
          hasChanges: hasChanges(m.plan),
          counts: m.plan.counts,
          checksum: m.plan.checksum,
        })),
      },
    };
  },
};

type FileSide = { name: Side; live: false; files: string[] };
type ServerSide = { name: Side; live: true; files: []; connection: Connection };

/** One side of the plan: snapshot files, or a server to read (never both, never neither). */
function side(argv: PlanArgs, name: Side, files: string[]): FileSide | ServerSide {
  const args = sideArgs(argv as unknown as Record<string, unknown>, name);
  const hint = `--${name} FILE, or --${name}-server URL with --${name}-space and --${name}-api-key-file`;
  if (args.server !== undefined) {
    if (files.length) throw new UsageError(`give --${name} (a snapshot file) or --${name}-server (read the space live), not both`);
    return { name, live: true, files: [], connection: resolveSide(name, args, argv) };
  }
  const stray = sideFlagsGiven(args, name);
  if (stray.length) throw new UsageError(`${stray.join(', ')}: only with --${name}-server (to read the ${name} live)`);
  if (!files.length) throw new UsageError(`name the ${name}: ${hint}`);
  return { name, live: false, files };
}

/** Where a live side's snapshot is kept: beside the plan (`plan.json` → `plan.source.json`), or in the plans' folder. */
function auditFile(out: string, side: Side, folder: boolean): string {
  return folder ? join(out, `${side}.json`) : `${out.replace(/\.json$/i, '')}.${side}.json`;
}

/** A snapshot written for the audit trail must not overwrite a file the plan reads or writes. */
function checkAuditFiles(files: { name: Side; file: string }[], others: string[]): void {
  for (const f of files) {
    const clash = others.find((o) => resolve(o) === resolve(f.file));
    if (clash) throw new UsageError(`the ${f.name} snapshot read live would be written to ${f.file}, which this plan also names: choose another --out`);
  }
}
