import { Chalk, type ChalkInstance } from 'chalk';
import { writeStderr, writeStdout } from '../util/write-out.js';

/**
 * Colour for stdout: off with NO_COLOR (which chalk itself ignores, chalk#547), with --no-color, or when
 * stdout is not a terminal; FORCE_COLOR wins over NO_COLOR and pipes (as chalk documents), not over the flag.
 */
export function colourFor(stream: NodeJS.WriteStream, noColorFlag = false): ChalkInstance {
  if (noColorFlag) return new Chalk({ level: 0 });
  const forced = process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0' && process.env.FORCE_COLOR !== 'false';
  if (!forced && ((process.env.NO_COLOR ?? '') !== '' || !stream.isTTY)) return new Chalk({ level: 0 });
  return new Chalk({ level: forced ? 1 : 2 });
}

/** Progress and messages go to stderr so that stdout stays clean for results. Everything passes the sanitizer. */
export function info(line: string): void {
  writeStderr(line + '\n');
}

export function out(text: string): void {
  writeStdout(text);
}
