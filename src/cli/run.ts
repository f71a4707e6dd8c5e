import yargs from 'yargs';
import { ExitCode, exitCodesHelp, OctosyncError, UsageError } from '../errors.js';
import { commands } from './commands/index.js';
import { wantsJson, type CommandResult, type OctosyncCommand } from './command.js';
import { TOOL_VERSION } from '../version.js';
import { sanitizeJson } from '../util/sanitize.js';
import { writeStderr, writeStdout } from '../util/write-out.js';

const EPILOGUE = `octosync --version prints the version.\n\n${exitCodesHelp()}`;

/**
 * Parses argv, runs the command, and maps every outcome to an exit code. This is the one place where
 * errors become process exits: typed OctosyncErrors print their one-line message; anything else is a bug.
 * With --output-format json the result (or the error) is also one JSON document on stdout.
 */
export async function run(argv: string[]): Promise<number> {
  // yargs' own --version would clash with `simulator --version`; the tool's version is answered here.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    writeStdout(`${TOOL_VERSION}\n`);
    return ExitCode.ok;
  }
  let result: CommandResult | undefined;
  let command: string | undefined;
  let json = false;
  const modules = commands.map((c: OctosyncCommand) => ({
    command: c.command,
    describe: c.describe,
    builder: c.builder,
    handler: async (args: any) => {
      command = c.command.split(' ')[0];
      json = args.outputFormat === 'json' || args.json === true;
      result = await c.run(args, { json, color: args.color !== false });
    },
  }));
  try {
    const parser = yargs(argv)
      .scriptName('octosync')
      .version(false)
      // Accepted by every command, as the Octopus CLI does: octosync never prompts, and colour can be turned off anywhere.
      .option('color', { type: 'boolean', default: true, global: true, describe: 'Colour the output (--no-color, or NO_COLOR, turns it off)' })
      .option('prompt', { type: 'boolean', default: true, global: true, hidden: true, describe: 'Accepted as --no-prompt; octosync never prompts' })
      .command(modules as any)
      .demandCommand(1, 'Name a command: see octosync --help.')
      .recommendCommands()
      .strict()
      .epilogue(EPILOGUE)
      .wrap(Math.min(120, process.stdout.columns || 100))
      .exitProcess(false)
      .showHelpOnFail(false)
      .fail((msg, err) => {
        throw err ?? new UsageError(msg);
      });
    await parser.parseAsync();
  } catch (err) {
    const exitCode = report(err);
    if (json || wantsJson(argv)) printJson({ command: command ?? argv[0], exitCode, error: errorData(err) });
    return exitCode;
  }
  if (!result) return ExitCode.ok; // --help
  if (json) printJson({ command, exitCode: result.exitCode, result: result.data });
  return result.exitCode;
}

function printJson(doc: unknown): void {
  writeStdout(sanitizeJson(doc, 2) + '\n');
}

function errorData(err: unknown): Record<string, unknown> {
  const known = err instanceof OctosyncError;
  const message = err instanceof Error ? err.message : String(err);
  const partial = (err as { result?: unknown } | null)?.result;
  return { type: known ? err.name : 'InternalError', message, ...(partial !== undefined ? { result: partial } : {}) };
}

function report(err: unknown): number {
  if (err instanceof OctosyncError) {
    writeStderr(`octosync: ${err.message}\n`);
    return err.exitCode;
  }
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  writeStderr(`octosync: internal error (this is a bug, please report it): ${detail}\n`);
  if (process.env.OCTOSYNC_DEBUG && err instanceof Error) writeStderr(`${err.stack}\n`);
  return ExitCode.error;
}
