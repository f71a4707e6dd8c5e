import type { Argv, CommandModule } from 'yargs';
import { applyPlan } from '../../apply/apply.js';
import { connectionOptions, resolveConnection, type ConnectionArgs } from '../connection.js';
import { info } from '../output.js';
import { ExitCode } from '../../errors.js';

/**
 * Ctrl-C or SIGTERM: stop starting operations and let those in flight finish (apply then writes its journal
 * and reports how far it got). A second one ends the process at once; the journal is written line by line,
 * so it is whole up to that moment.
 */
function stopOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write(`octosync: ${name} again: stopping now; run the same plan again to finish\n`);
      process.exit(ExitCode.interrupted);
    }
    process.stderr.write(`octosync: ${name}: finishing the requests in flight, starting no new ones (Ctrl-C again to stop at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}

interface ApplyArgs extends ConnectionArgs {
  plan: string;
  log?: string;
  logLevel: 'info' | 'debug';
  journal?: string;
  cleanupReport?: string;
  expectChecksum?: string;
}

export const applyCommand: CommandModule<object, ApplyArgs> = {
  command: 'apply <plan>',
  describe: 'Execute an approved plan on the destination, in dependency order; refuses a stale or edited plan',
  builder: (y: Argv) =>
    connectionOptions(y.positional('plan', { type: 'string', demandOption: true, describe: 'Plan file made by octosync plan' }))
      .option('log', { type: 'string', describe: 'Write one JSON line per API call and decision to this file' })
      .option('log-level', { choices: ['info', 'debug'] as const, default: 'info' as const, describe: 'debug adds request bodies (secrets redacted) to the log' })
      .option('journal', { type: 'string', describe: 'Journal of operations started and finished (default: PLAN.journal.jsonl)' })
      .option('cleanup-report', { type: 'string', describe: 'Base path of the clean-up report (.md and .json; default: next to the plan)' })
      .option('expect-checksum', { type: 'string', describe: 'Refuse any plan but the approved one: its checksum (sha256:…) as octosync show prints it' })
      .epilogue(
        'Exit codes: 0 applied; 1 refused or failed before any write (nothing written); 3 partially applied (run the same plan again to finish); 130 interrupted by Ctrl-C or SIGTERM (run the same plan again to finish).',
      ) as unknown as Argv<ApplyArgs>,
  handler: async (argv) => {
    const conn = resolveConnection(argv);
    info(`Applying ${argv.plan} to ${conn.server} (space '${conn.space}') ...`);
    const stop = stopOnSignals();
    const result = await applyPlan({
      ...conn,
      planFile: argv.plan,
      logFile: argv.log,
      logLevel: argv.logLevel,
      journalFile: argv.journal,
      cleanupBase: argv.cleanupReport,
      expectChecksum: argv.expectChecksum,
      signal: stop.signal,
      onProgress: process.stderr.isTTY ? (line) => info(`  ${line}`) : undefined,
    }).finally(stop.dispose);
    if (result.alreadyApplied) info(`${result.alreadyApplied} operation(s) were already applied (an earlier run).`);
    if (result.cleanup.length) info(`${result.cleanup.length} placeholder(s) to fill in: see ${result.files.cleanupMarkdown}`);
    info(`Journal: ${result.files.journal}${result.files.log ? `; log: ${result.files.log}` : ''}`);
    info(`Apply complete: ${result.created} created, ${result.updated} updated, ${result.failed.length} failed.`);
  },
};
