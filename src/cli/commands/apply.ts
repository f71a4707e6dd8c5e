import type { Argv } from 'yargs';
import type { ApplyResult, OperationOutcome } from '../../apply/types.js';
import { applyExitCodesHelp, ExitCode, UsageError } from '../../errors.js';
import type { Operation } from '../../plan-format/types.js';
import { outputFormatOption, type OctosyncCommand, type OutputFormatArgs } from '../command.js';
import { connectionOptions, resolveConnection, type ConnectionArgs } from '../connection.js';
import { CATALOG } from './catalog.js';

interface ApplyArgs extends ConnectionArgs, OutputFormatArgs {
  plan: string;
  log?: string;
  logLevel: 'info' | 'debug';
  journal?: string;
  cleanupReport?: string;
  expectChecksum?: string;
  baseline?: string;
  source?: string;
}

/** Columns of the summary table, in the order of OperationOutcome's meaning for a reader. */
const OUTCOME_COLUMNS: [OperationOutcome, string][] = [
  ['created', 'Created'],
  ['updated', 'Updated'],
  ['deleted', 'Deleted'],
  ['references', 'Late refs'],
  ['already', 'Already applied'],
  ['failed', 'Failed'],
  ['not-run', 'Not run'],
];

export const applyCommand: OctosyncCommand<ApplyArgs> = {
  ...CATALOG.apply,
  builder: (y: Argv) =>
    outputFormatOption(
      connectionOptions(y.positional('plan', { type: 'string', demandOption: true, describe: 'Plan file made by octosync plan' }))
        .option('log', { type: 'string', describe: 'Write one JSON line per API call and decision to this file' })
        .option('log-level', { choices: ['info', 'debug'] as const, default: 'info' as const, describe: 'debug adds request bodies (secrets redacted) to the log' })
        .option('journal', { type: 'string', describe: 'Journal of operations started and finished (default: PLAN.journal.jsonl)' })
        .option('cleanup-report', { type: 'string', describe: 'Base path of the clean-up report (.md and .json; default: next to the plan)' })
        .option('expect-checksum', { type: 'string', describe: 'Refuse any plan but the approved one: its checksum (sha256:…) as octosync show prints it' })
        .option('baseline', { type: 'string', describe: 'Write the baseline for three-way plans once the run ends (no FILE: PLAN.baseline.json); commit it with the plan' })
        .option('source', { type: 'string', describe: 'With --baseline: the source snapshot the plan was made from (default: PLAN.source.json)' }),
    ).epilogue(applyExitCodesHelp()) as unknown as Argv<ApplyArgs>,
  run: async (argv) => {
    const conn = resolveConnection(argv);
    // Loaded here, not above: `octosync --help` must not pay for apply and the HTTP client.
    const { applyPlanFile } = await import('./apply-files.js');
    const { info } = await import('../output.js');
    const { ProgressLine } = await import('../progress.js');
    const { stopOnSignals } = await import('../signals.js');
    const { kindTable } = await import('../summary.js');
    info(`Applying ${argv.plan} to ${conn.server} (space '${conn.space}') ...`);
    const byKind = new Map<string, number[]>();
    const progress = new ProgressLine('Apply', { unit: 'operations' });
    let started = false;
    const onOperation = (op: Operation, outcome: OperationOutcome) => {
      const row = byKind.get(op.kind) ?? OUTCOME_COLUMNS.map(() => 0);
      row[OUTCOME_COLUMNS.findIndex(([o]) => o === outcome)]++;
      byKind.set(op.kind, row);
      progress.advance(outcome === 'failed'); // not run: counted in the table, not as a failure of its own
    };
    const summary = () => {
      if (!started) return;
      progress.finish();
      // Columns nobody has a number in are left out (most runs fail nothing).
      const used = OUTCOME_COLUMNS.map((_, i) => [...byKind.values()].some((r) => r[i] > 0));
      if (!used.some(Boolean)) return;
      const pick = <T>(xs: T[]) => xs.filter((_, i) => used[i]);
      info(kindTable(pick(OUTCOME_COLUMNS.map(([, h]) => h)), new Map([...byKind].map(([k, r]) => [k, pick(r)]))));
    };
    let result: ApplyResult;
    const stop = stopOnSignals();
    try {
      result = await applyPlanFile({
        ...conn,
        planFile: argv.plan,
        logFile: argv.log,
        logLevel: argv.logLevel,
        journalFile: argv.journal,
        cleanupBase: argv.cleanupReport,
        expectChecksum: argv.expectChecksum,
        ...(await baselineOption(argv)),
        signal: stop.signal,
        progress: {
          start: (ops) => {
            started = true;
            progress.start(ops.length);
          },
          operation: onOperation,
        },
      });
    } finally {
      stop.dispose();
      summary();
    }
    if (result.alreadyApplied) info(`${result.alreadyApplied} operation(s) were already applied (an earlier run).`);
    if (result.cleanup.length) info(`${result.cleanup.length} placeholder(s) to fill in: see ${result.files.cleanupMarkdown}`);
    if (result.files.baseline) info(`Baseline: ${result.files.baseline} (commit it with the plan; plan --baseline reads it)`);
    info(`Journal: ${result.files.journal}${result.files.log ? `; log: ${result.files.log}` : ''}`);
    info(`Apply complete: ${result.created} created, ${result.updated} updated, ${result.deleted ? `${result.deleted} deleted, ` : ''}${result.failed.length} failed.`);
    return { exitCode: ExitCode.ok, data: result };
  },
};

/** `--baseline [FILE]` and `--source FILE` (issue 18): the files apply records the baseline with, or none. */
async function baselineOption(argv: ApplyArgs): Promise<{ baseline?: { file: string; sourceFile: string } }> {
  if (argv.baseline === undefined) {
    if (argv.source !== undefined) throw new UsageError('--source: only with --baseline (the snapshot the baseline records)');
    return {};
  }
  const { defaultBaselineFile, defaultSourceFile } = await import('../../baseline/write.js');
  return { baseline: { file: argv.baseline || defaultBaselineFile(argv.plan), sourceFile: argv.source ?? defaultSourceFile(argv.plan) } };
}
