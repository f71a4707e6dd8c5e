import { exitCodesHelp } from '../errors.js';

/**
 * `octosync --help` without yargs (issue 17.6: start-up). yargs and its layout libraries take longer to load
 * than everything else the CLI needs for this page, so the top-level page is laid out here, from the command
 * catalog (commands/catalog.ts) and the global options and epilogue run.ts gives yargs; `octosync <command>
 * --help` is still yargs'. A test holds this page to yargs' own, byte for byte, at several widths.
 */

/** An option every command accepts; run.ts declares them to yargs from this list. */
export interface GlobalOption {
  name: string;
  describe: string;
  default: boolean;
  hidden?: boolean;
}

export const GLOBAL_OPTIONS: GlobalOption[] = [
  // Accepted by every command, as the Octopus CLI does: octosync never prompts, and colour can be turned off anywhere.
  { name: 'color', default: true, describe: 'Colour the output (--no-color, or NO_COLOR, turns it off)' },
  { name: 'prompt', default: true, hidden: true, describe: 'Accepted as --no-prompt; octosync never prompts' },
];

export const EPILOGUE = `octosync --version prints the version.\n\n${exitCodesHelp()}`;

/** The width yargs wraps to: the terminal's, at most 120; 100 on a pipe. */
export function helpWidth(columns: number | undefined = process.stdout.columns): number {
  return Math.min(120, columns || 100);
}

/**
 * `text` in lines of at most `width` characters, broken between words; a line keeps its paragraph's indent and
 * the spaces inside it (the exit-code table's `0  success`), and a word longer than the width gets a line of its own.
 */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    const indent = /^\s*/.exec(paragraph)![0];
    let line = indent;
    for (const chunk of paragraph.slice(indent.length).match(/\S+\s*/g) ?? []) {
      if (line.trim() && (line + chunk.trimEnd()).length > width) {
        lines.push(line.trimEnd());
        line = indent;
      }
      line += chunk;
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/**
 * Rows of a name column and a wrapped description, the description's lines under each other; a note (an
 * option's `[boolean]`) ends at the right margin, as yargs puts it.
 */
function twoColumns(rows: { left: string; right: string; note?: string }[], width: number): string[] {
  const left = Math.max(...rows.map((r) => r.left.length)) + 2;
  const out: string[] = [];
  for (const r of rows) {
    const lines = wrap(r.right, Math.max(20, width - left - 2)).map((line, i) => `  ${(i === 0 ? r.left : '').padEnd(left)}${line}`);
    const last = lines.length - 1;
    if (r.note && lines[last].length + 1 + r.note.length <= width) lines[last] = lines[last].padEnd(width - r.note.length) + r.note;
    else if (r.note) lines.push(r.note.padStart(width));
    out.push(...lines.map((l) => l.trimEnd()));
  }
  return out;
}

export function topLevelHelp(commands: { command: string; describe: string }[], width = helpWidth()): string {
  const options = [{ name: 'help', describe: 'Show help', default: undefined as boolean | undefined }, ...GLOBAL_OPTIONS.filter((o) => !o.hidden)];
  return [
    'octosync <command>',
    '',
    'Commands:',
    ...twoColumns(commands.map((c) => ({ left: `octosync ${c.command}`, right: c.describe })), width),
    '',
    'Options:',
    ...twoColumns(options.map((o) => ({ left: `--${o.name}`, right: o.describe, note: `[boolean]${o.default === undefined ? '' : ` [default: ${o.default}]`}` })), width),
    '',
    ...wrap(EPILOGUE, width),
    '',
  ].join('\n');
}
