import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputFileError } from '../errors.js';
import { pointerOf } from './pointer.js';

/**
 * The largest input file read (snapshots of the largest spaces are tens of megabytes). A file that never ends
 * (`/dev/zero`, a pipe left open) stops here instead of filling the memory.
 */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/** Deeper than any file octosync writes (about 15 levels); a limit before any recursive reader sees it. */
export const MAX_INPUT_DEPTH = 200;

/**
 * The text of an input file; a clear error naming the file (and why) when it cannot be read or is too large.
 * A UTF-8 byte-order mark, as some editors on Windows save, is dropped.
 */
export function readInputFile(file: string, what: string, maxBytes = MAX_INPUT_BYTES): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new InputFileError(file, `cannot read the ${what} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new InputFileError(file, `cannot read the ${what} (EISDIR)`);
    // One buffer of the file's size, filled in place (a 40 MB snapshot was read in 1 MB chunks and copied
    // once more to join them). A pipe or device says size 0: start small and grow.
    let buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, stat.size > 0 ? stat.size + 1 : 1 << 20));
    let total = 0;
    for (;;) {
      if (total === buffer.length) {
        const grown = Buffer.allocUnsafe(Math.min(maxBytes + 1, buffer.length * 2));
        buffer.copy(grown, 0, 0, total);
        buffer = grown;
      }
      const n = readSync(fd, buffer, total, buffer.length - total, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw new InputFileError(file, `the ${what} is larger than ${maxBytes / 1024 / 1024} MiB (or never ends): not a file octosync made`);
    }
    const text = buffer.toString('utf8', 0, total);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (err) {
    if (err instanceof InputFileError) throw err;
    throw new InputFileError(file, `cannot read the ${what} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  } finally {
    closeSync(fd);
  }
}

/** JSON text parsed; a clear error naming the file when it is not JSON (truncated, binary, nested without end…). */
export function parseJsonInput(file: string, text: string): unknown {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputFileError(file, `not valid JSON (${(err as Error).message})`);
  }
  checkDepth(file, data);
  return data;
}

/** Refuses values nested deeper than MAX_INPUT_DEPTH, naming where. */
export function checkDepth(file: string, data: unknown, max = MAX_INPUT_DEPTH): void {
  const where = tooDeep(data, 0, max);
  if (where) {
    throw new InputFileError(file, `${pointerOf(where) || '/'}: nested more than ${max} levels deep: not a file octosync made`);
  }
}

/**
 * The path to the first object or list `max` levels down, if any. Recursion stops at `max` levels, so the stack
 * stays shallow; the path is built only on the way back from a find (no pointer string per node of a 40 MB file).
 */
function tooDeep(value: unknown, depth: number, max: number): string[] | undefined {
  if (!value || typeof value !== 'object') return undefined;
  if (depth >= max) return [];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = tooDeep(value[i], depth + 1, max);
      if (found) return found.unshift(String(i)), found;
    }
    return undefined;
  }
  for (const key in value) {
    const found = tooDeep((value as Record<string, unknown>)[key], depth + 1, max);
    if (found) return found.unshift(key), found;
  }
  return undefined;
}
