import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * Checks, before any work, that `file` can be written (its folder, or the nearest existing ancestor that
 * writeFileAtomic would create it in, is writable) and is not a folder: a long read must not end in a write
 * that fails. `flag` names the option in the message.
 */
export function checkWritableFile(file: string, flag: string, whenFolder = 'name a file'): void {
  const target = resolve(file);
  if (isDirectory(target)) throw new UsageError(`${flag} ${file} is a folder; ${whenFolder}`);
  checkWritableFolder(dirname(target), `${flag} ${file}`);
}

/** `--out` of several plans: a folder (made if missing) that can be written. */
export function checkWritableDirectory(dir: string, flag: string): void {
  const target = resolve(dir);
  if (exists(target) && !isDirectory(target)) throw new UsageError(`${flag} ${dir} is a file; with several destinations ${flag} names a folder`);
  checkWritableFolder(target, `${flag} ${dir}`);
}

function checkWritableFolder(dir: string, what: string): void {
  let existing = dir;
  while (!exists(existing)) existing = dirname(existing);
  if (!isDirectory(existing)) throw new UsageError(`${what}: cannot be written (${existing} is a file, not a folder)`);
  try {
    accessSync(existing, constants.W_OK);
  } catch (err) {
    throw new UsageError(`${what}: cannot be written (${(err as NodeJS.ErrnoException).code ?? 'error'}: the folder ${existing} is not writable)`);
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
