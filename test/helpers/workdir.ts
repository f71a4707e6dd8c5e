import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A fresh folder in the temp folder, removed after the test file (test/setup/cleanup.ts). */
export function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'octosync-test-'));
  made.push(dir);
  return dir;
}

/** Removes every folder `workDir` made in this test file. */
export function removeWorkDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
