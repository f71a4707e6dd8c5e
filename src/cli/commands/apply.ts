import type { Argv, CommandModule } from 'yargs';
import { applyPlan } from '../../apply/apply.js';
import { connectionOptions, resolveConnection, type ConnectionArgs } from '../connection.js';
import { info } from '../output.js';

interface ApplyArgs extends ConnectionArgs {
  plan: string;
  log?: string;
  logLevel: 'info' | 'debug';
  journal?: string;
  cleanupReport?: string;
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
      .epilogue(
        'Exit codes: 0 applied; 1 refused or failed before any write (nothing written); 3 partially applied (run the same plan again to finish).',
      ) as unknown as Argv<ApplyArgs>,
  handler: async (argv) => {
    const conn = resolveConnection(argv);
    info(`Applying ${argv.plan} to ${conn.server} (space '${conn.space}') ...`);
    const result = await applyPlan({
      ...conn,
      planFile: argv.plan,
      logFile: argv.log,
      logLevel: argv.logLevel,
      journalFile: argv.journal,
      cleanupBase: argv.cleanupReport,
      onProgress: process.stderr.isTTY ? (line) => info(`  ${line}`) : undefined,
    });
    if (result.alreadyApplied) info(`${result.alreadyApplied} operation(s) were already applied (an earlier run).`);
    if (result.cleanup.length) info(`${result.cleanup.length} placeholder(s) to fill in: see ${result.files.cleanupMarkdown}`);
    info(`Journal: ${result.files.journal}${result.files.log ? `; log: ${result.files.log}` : ''}`);
    info(`Apply complete: ${result.created} created, ${result.updated} updated, ${result.failed.length} failed.`);
  },
};
