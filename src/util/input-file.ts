import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputFileError } from '../errors.js';

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
    if (fstatSync(fd).isDirectory()) throw new InputFileError(file, `cannot read the ${what} (EISDIR)`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) throw new InputFileError(file, `the ${what} is larger than ${maxBytes / 1024 / 1024} MiB (or never ends): not a file octosync made`);
    }
    const text = Buffer.concat(chunks, total).toString('utf8');
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

/** Refuses values nested deeper than MAX_INPUT_DEPTH (walked without recursion), naming where. */
export function checkDepth(file: string, data: unknown, max = MAX_INPUT_DEPTH): void {
  const stack: [unknown, number, string][] = [[data, 0, '']];
  while (stack.length) {
    const [value, depth, pointer] = stack.pop()!;
    if (!value || typeof value !== 'object') continue;
    if (depth >= max) throw new InputFileError(file, `${pointer || '/'}: nested more than ${max} levels deep: not a file octosync made`);
    for (const [k, v] of Object.entries(value)) {
      if (v && typeof v === 'object') stack.push([v, depth + 1, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`]);
    }
  }
}
