import type { ArgumentsCamelCase, Argv } from 'yargs';

/** What a command hands back to run.ts: its exit code and its result (printed as JSON with --output-format json). */
export interface CommandResult<T = unknown> {
  exitCode: number;
  data: T;
}

/** How the command is to print: `json` leaves stdout to run.ts's one JSON document; `color` is off with --no-color. */
export interface CommandIo {
  json: boolean;
  color: boolean;
}

/**
 * One command: a yargs builder and a `run` returning a typed result. run.ts turns these into yargs modules,
 * so no command touches the process exit or smuggles an exit code through argv.
 *
 * `octosync --help` loads every command module, so a module imports only yargs types and light helpers; its
 * `run` loads the core it needs with `await import()` (issue 17.6: start-up). One import after the other, not
 * in Promise.all: jest's ESM loader fails on concurrent imports that share a dependency ("request for … is not
 * in cache").
 */
export interface OctosyncCommand<A = any> {
  command: string;
  describe: string;
  builder: (y: Argv) => Argv<A>;
  run: (argv: ArgumentsCamelCase<A>, io: CommandIo) => Promise<CommandResult> | CommandResult;
}

export const OUTPUT_FORMATS = ['text', 'json'] as const;

export interface OutputFormatArgs {
  outputFormat: (typeof OUTPUT_FORMATS)[number];
  json: boolean;
}

/**
 * `--output-format json` (the Octopus CLI's name) or `--json`: one JSON document of the result on stdout, the
 * same exit codes. One line in a command's builder: `outputFormatOption(y)`.
 */
export function outputFormatOption<T>(y: Argv<T>): Argv<T & OutputFormatArgs> {
  return y
    .option('output-format', { choices: OUTPUT_FORMATS, default: 'text' as const, describe: 'json: one JSON document of the result on stdout (for scripts)' })
    .option('json', { type: 'boolean', default: false, describe: 'Same as --output-format json' }) as unknown as Argv<T & OutputFormatArgs>;
}

/** Whether the command line asks for JSON, read from the raw arguments (also when parsing itself fails). */
export function wantsJson(argv: string[]): boolean {
  return argv.some((a, i) => a === '--json' || a === '--output-format=json' || (a === '--output-format' && argv[i + 1] === 'json'));
}
