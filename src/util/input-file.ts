import { readFileSync } from 'node:fs';
import { InputFileError } from '../errors.js';

/** The text of an input file; a clear error naming the file (and why) when it cannot be read. */
export function readInputFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputFileError(file, `cannot read the ${what} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** JSON text parsed; a clear error naming the file when it is not JSON (truncated, binary…). */
export function parseJsonInput(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputFileError(file, `not valid JSON (${(err as Error).message})`);
  }
}
