import yargs from 'yargs';
import { ExitCode, OctosyncError, UsageError } from '../errors.js';
import { commands } from './commands/index.js';
import { TOOL_VERSION } from '../version.js';
import { redact } from '../util/redact.js';

const EXIT_CODES_HELP = `octosync --version prints the version.

Exit codes:
  0  success
  1  error (bad input, unreachable server, refused plan, failure before any write)
  2  plan --detailed-exitcode: the plan has changes
  3  apply: partially applied; run the same plan again to finish
  130  apply: interrupted (Ctrl-C, SIGTERM); run the same plan again to finish`;

/**
 * Parses argv, runs the command, and maps every outcome to an exit code. This is the one place where
 * errors become process exits: typed OctosyncErrors print their one-line message; anything else is a bug.
 */
export async function run(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.ok;
  // yargs' own --version would clash with `simulator --version`; the tool's version is answered here.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${TOOL_VERSION}\n`);
    return ExitCode.ok;
  }
  try {
    const parser = yargs(argv)
      .scriptName('octosync')
      .version(false)
      .command(commands as any)
      .demandCommand(1, 'Name a command: see octosync --help.')
      .recommendCommands()
      .strict()
      .epilogue(EXIT_CODES_HELP)
      .wrap(Math.min(120, process.stdout.columns || 100))
      .exitProcess(false)
      .showHelpOnFail(false)
      .fail((msg, err) => {
        throw err ?? new UsageError(msg);
      });
    const argvOut = (await parser.parseAsync()) as { exitCode?: number };
    if (typeof argvOut.exitCode === 'number') exitCode = argvOut.exitCode;
  } catch (err) {
    exitCode = report(err);
  }
  return exitCode;
}

function report(err: unknown): number {
  if (err instanceof OctosyncError) {
    process.stderr.write(redact(`octosync: ${err.message}`) + '\n');
    return err.exitCode;
  }
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  process.stderr.write(redact(`octosync: internal error (this is a bug, please report it): ${detail}`) + '\n');
  if (process.env.OCTOSYNC_DEBUG && err instanceof Error) process.stderr.write(redact(String(err.stack)) + '\n');
  return ExitCode.error;
}
