import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { sanitizeJson, sanitizeText } from './sanitize.js';

/**
 * Every writer octosync has, each through the one sanitizer (util/sanitize.ts): the process's streams, text
 * files written whole (reports) and JSON-lines files (log, journal, placeholder ledger). Plan and snapshot files
 * are written by their own modules, unscrubbed: they are secret-free by construction (the snapshot reader
 * scrubs secrets), and a plan must stay byte-identical to its checksum.
 */

export function writeStdout(text: string): void {
  process.stdout.write(sanitizeText(text));
}

export function writeStderr(text: string): void {
  process.stderr.write(sanitizeText(text));
}

/** A stream (the progress line's): sanitized like stdout and stderr. */
export function writeStream(stream: NodeJS.WritableStream, text: string): void {
  stream.write(sanitizeText(text));
}

/** A text file written whole (a report): to a temporary file, then renamed into place. */
export function writeTextFile(file: string, text: string): void {
  writeFileAtomic(file, sanitizeText(text));
}

/** Creates (or keeps) a JSON-lines file. */
export function touchFile(file: string): void {
  mkdirSync(dirname(file) || '.', { recursive: true });
  writeFileSync(file, '', { flag: 'a' });
}

/** One record appended to a JSON-lines file, sanitized by field name and by registered secret. */
export function appendJsonLine(file: string, record: unknown): void {
  appendFileSync(file, sanitizeJson(record) + '\n');
}
