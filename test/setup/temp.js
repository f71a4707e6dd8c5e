// Jest global setup and teardown: the whole run gets a temp folder of its own (TMPDIR, TEMP and TMP, inherited
// by the workers and every child process), and at the end whatever a test left in it fails the run, named.
// Each test removes what it writes (afterAll); this is the check that they do.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const VARS = ['TMPDIR', 'TEMP', 'TMP'];
const KEY = 'OCTOSYNC_TEST_TMPDIR';

export async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'octosync-jest-'));
  process.env[KEY] = JSON.stringify({ dir, saved: Object.fromEntries(VARS.map((v) => [v, process.env[v] ?? null])) });
  for (const v of VARS) process.env[v] = dir;
}

export async function teardown() {
  const state = process.env[KEY];
  if (!state) return;
  const { dir, saved } = JSON.parse(state);
  for (const [v, value] of Object.entries(saved)) {
    if (value === null) delete process.env[v];
    else process.env[v] = value;
  }
  delete process.env[KEY];
  const left = readdirSync(dir);
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  if (left.length) {
    process.stderr.write(`\nThe tests left ${left.length} item(s) in the temp folder (each test removes what it writes): ${left.join(', ')}\n`);
    process.exitCode = 1;
  }
}
