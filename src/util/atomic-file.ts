import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { OutputFileError } from '../errors.js';

/** Writes a file atomically: a temporary file beside it, then a rename. A failure leaves no partial file. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    mkdirSync(dirname(file) || '.', { recursive: true });
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    // A full disk or a folder taken away: the user's to mend, not a bug.
    throw new OutputFileError(file, `cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
}
