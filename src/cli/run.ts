import type { Argv } from 'yargs';
import { ExitCode, OctosyncError, UsageError } from '../errors.js';
import { CATALOG_ORDER } from './commands/catalog.js';
import { wantsJson, type CommandResult, type OctosyncCommand } from './command.js';
import { EPILOGUE, GLOBAL_OPTIONS, helpWidth, topLevelHelp } from './help.js';
import { sanitizeValue } from '../util/sanitize.js';
import { writeStderr, writeStdout } from '../util/write-out.js';

/**
 * Parses argv, runs the command, and maps every outcome to an exit code. This is the one place where
 * errors become process exits: typed OctosyncErrors print their one-line message; anything else is a bug.
 * With --output-format json the result (or the error) is also one JSON document on stdout.
 */
export async function run(argv: string[]): Promise<number> {
  // yargs' own --version would clash with `simulator --version`; the tool's version is answered here.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    const { TOOL_VERSION } = await import('../version.js');
    writeStdout(`${TOOL_VERSION}\n`);
    return ExitCode.ok;
  }
  // The top-level page without loading yargs (help.ts): the CLI's quickest answer, and its most common.
  if (argv.length === 1 && argv[0] === '--help') {
    writeStdout(topLevelHelp(CATALOG_ORDER));
    return ExitCode.ok;
  }
  const { commands } = await import('./commands/index.js');
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
    const parser = await cliParser(argv, modules);
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

/** The yargs parser of the whole CLI (loaded only when a command runs or asks for its own help). */
export async function cliParser(argv: string[], modules: unknown[], width = helpWidth()): Promise<Argv> {
  const { default: yargs } = await import('yargs');
  let parser = yargs(argv).scriptName('octosync').version(false);
  for (const o of GLOBAL_OPTIONS) parser = parser.option(o.name, { type: 'boolean', default: o.default, global: true, hidden: o.hidden, describe: o.describe });
  return parser
    .command(modules as any)
    .demandCommand(1, 'Name a command: see octosync --help.')
    .recommendCommands()
    .strict()
    .epilogue(EPILOGUE)
    .wrap(width)
    .exitProcess(false)
    .showHelpOnFail(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
}

function printJson(doc: unknown): void {
  // writeStdout scrubs the text; the value is scrubbed by field name first.
  writeStdout(JSON.stringify(sanitizeValue(doc), null, 2) + '\n');
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
