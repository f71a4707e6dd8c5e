/**
 * The built CLI under plain node (jest's ESM loader accepts imports that plain Node rejects): `node dist/cli/main.js
 * snapshot …` against the built simulator, both child processes. dist/ is built once per run by the jest global
 * setup (test/setup/build.js), so the test never runs a stale dist/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validatorFor } from '../../src/schemas.js';
import { ensureBuilt, MAIN } from '../helpers/built.js';
import { runCli } from '../helpers/cli.js';
import { fixtureSecrets, SOURCE_FIXTURE } from '../helpers/fixtures.js';
import { API_KEY, READ_ONLY_KEY } from '../helpers/simulator.js';

/** The built simulator in a child process; resolves with its URL once it listens. */
function startBuiltSimulator(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [MAIN, 'simulator', '--port', '0', '--api-key', API_KEY, '--read-only-api-key', READ_ONLY_KEY, '--seed', SOURCE_FIXTURE], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolvePromise, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`the built simulator did not start: ${log}`)), 20_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      const url = /http:\/\/[0-9.:]+/.exec(log)?.[0];
      if (url) {
        clearTimeout(timer);
        resolvePromise({ url, child });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the built simulator exited (${code}): ${log}`));
    });
  });
}

function octosync(args: string[], env: NodeJS.ProcessEnv = {}) {
  const clean = { ...process.env };
  for (const k of ['OCTOPUS_URL', 'OCTOPUS_API_KEY', 'OCTOPUS_SPACE', 'NODE_OPTIONS']) delete clean[k];
  return spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...clean, ...env }, timeout: 60_000 });
}

const withoutTakenAt = (text: string) => text.replace(/"takenAt": "[^"]*"/, '"takenAt": "…"');

describe('the built CLI under plain node', () => {
  let sim: { url: string; child: ChildProcess };
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    sim = await startBuiltSimulator();
    dir = mkdtempSync(join(tmpdir(), 'octosync-built-'));
  }, 60_000);
  afterAll(() => {
    sim?.child.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes a snapshot equal to the one the sources write', async () => {
    const out = join(dir, 'built.json');
    const res = octosync(['snapshot', '--server', sim.url, '--api-key', API_KEY, '--space', 'Default', '--out', out]);
    expect(res.stderr).toMatch(/Snapshot written to/);
    expect(res.status).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(validatorFor('snapshot')(JSON.parse(text))).toBe(true);
    expect(Object.keys(JSON.parse(text).resources.projects).sort()).toEqual(['Audit Service', 'OctoFX', 'Pet Shop']);
    for (const secret of fixtureSecrets(SOURCE_FIXTURE)) expect(text).not.toContain(secret);
    for (const printed of [text, res.stdout, res.stderr]) expect(printed).not.toContain(API_KEY);

    const inProcess = join(dir, 'in-process.json');
    expect((await runCli(['snapshot', '--server', sim.url, '--api-key', API_KEY, '--space', 'Default', '--out', inProcess])).code).toBe(0);
    expect(withoutTakenAt(text)).toBe(withoutTakenAt(readFileSync(inProcess, 'utf8')));
  });

  it('takes the connection from OCTOPUS_URL, OCTOPUS_API_KEY and OCTOPUS_SPACE, and the key from --api-key-file', () => {
    const fromEnv = join(dir, 'env.json');
    const res = octosync(['snapshot', '--out', fromEnv], { OCTOPUS_URL: sim.url, OCTOPUS_API_KEY: READ_ONLY_KEY, OCTOPUS_SPACE: 'Default' });
    expect(res.status).toBe(0);
    expect(JSON.parse(readFileSync(fromEnv, 'utf8')).space.name).toBe('Default');

    const keyFile = join(dir, 'key');
    writeFileSync(keyFile, `${API_KEY}\n`, { mode: 0o600 });
    const fromFile = join(dir, 'file.json');
    const res2 = octosync(['snapshot', '--server', `${sim.url}/api`, '--api-key-file', keyFile, '--space', 'Default', '--out', fromFile]);
    expect(res2.status).toBe(0);
    expect(res2.stderr).not.toContain(API_KEY);
    expect(withoutTakenAt(readFileSync(fromFile, 'utf8'))).toBe(withoutTakenAt(readFileSync(fromEnv, 'utf8')));
  });

  it('fails with exit 1 and one line, without the key and without a file', () => {
    const out = join(dir, 'refused.json');
    const wrong = 'API-WRONGKEY00000000000000000000099';
    const res = octosync(['snapshot', '--server', sim.url, '--api-key', wrong, '--space', 'Default', '--out', out]);
    expect(res.status).toBe(1);
    const errors = res.stderr.split('\n').filter((l) => l.startsWith('octosync:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/401/);
    expect(res.stdout + res.stderr).not.toContain(wrong.slice(8));
    expect(existsSync(out)).toBe(false);

    const missing = octosync(['snapshot', '--server', sim.url, '--api-key', API_KEY, '--space', 'Nowhere', '--out', out]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no space named 'Nowhere'.*'Default'/);
    expect(existsSync(out)).toBe(false);
  });
});
