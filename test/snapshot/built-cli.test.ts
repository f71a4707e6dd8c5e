/**
 * The built CLI under plain node (jest's ESM loader accepts imports that plain Node rejects): `node dist/cli/main.js
 * snapshot …` against the built simulator, both child processes (test/helpers/built-cli.ts builds them).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validatorFor } from '../../src/schemas.js';
import { buildCli, BUILT_MAIN, cleanEnv, startBuiltSimulator } from '../helpers/built-cli.js';
import { runCli } from '../helpers/cli.js';
import { fixtureSecrets, SOURCE_FIXTURE } from '../helpers/fixtures.js';
import { API_KEY, READ_ONLY_KEY } from '../helpers/simulator.js';

function octosync(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [BUILT_MAIN, ...args], { encoding: 'utf8', env: cleanEnv(env), timeout: 60_000 });
}

const withoutTakenAt = (text: string) => text.replace(/"takenAt": "[^"]*"/, '"takenAt": "…"');

describe('the built CLI under plain node', () => {
  let sim: { url: string; child: ChildProcess };
  let dir: string;
  beforeAll(async () => {
    buildCli();
    sim = await startBuiltSimulator(SOURCE_FIXTURE);
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
