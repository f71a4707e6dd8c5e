/**
 * Octopus CLI habits (issue 15.4): OCTOPUS_ACCESS_TOKEN as a bearer token, --no-prompt, --no-color on every
 * command, a space by name or id, and --output-format json / --json: one JSON document on stdout, same exit codes.
 * Over HTTP to the simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commands } from '../../src/cli/commands/index.js';
import { runCli } from '../helpers/cli.js';
import { DESTINATION_FIXTURE, SOURCE_FIXTURE } from '../helpers/fixtures.js';
import { API_KEY, withSimulator } from '../helpers/simulator.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.octosync-test-access-token.c2lnbmF0dXJl';
const POLICY = 'examples/dev-test-to-staging-prod.yaml';
const dir = mkdtempSync(join(tmpdir(), 'octosync-habits-'));
const path = (name: string) => join(dir, name);
/** No Octopus settings of the machine running the tests leak in. */
const NO_ENV = { OCTOPUS_URL: undefined, OCTOPUS_API_KEY: undefined, OCTOPUS_ACCESS_TOKEN: undefined, OCTOPUS_SPACE: undefined };

let source: Awaited<ReturnType<typeof withSimulator>>;
let destination: Awaited<ReturnType<typeof withSimulator>>;

beforeAll(async () => {
  source = await withSimulator({ seed: SOURCE_FIXTURE, accessTokens: [{ key: TOKEN }] });
  destination = await withSimulator({ seed: DESTINATION_FIXTURE });
});
afterAll(async () => {
  await Promise.all([source?.close(), destination?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('credentials', () => {
  it('OCTOPUS_ACCESS_TOKEN is sent as a bearer token, and never printed or written', async () => {
    const res = await runCli(['snapshot', '--server', source.url, '--space', 'Default', '--out', path('token.json')], { ...NO_ENV, OCTOPUS_ACCESS_TOKEN: TOKEN });
    expect(res.stderr).toMatch(/Snapshot written to/);
    expect(res.code).toBe(0);
    for (const text of [res.stdout, res.stderr, readFileSync(path('token.json'), 'utf8')]) expect(text).not.toContain(TOKEN);
  });

  it('--access-token works the same; a wrong token is refused as an access token (401)', async () => {
    expect((await runCli(['snapshot', '--server', source.url, '--access-token', TOKEN, '--space', 'Default', '--out', path('flag.json')], NO_ENV)).code).toBe(0);
    const wrong = await runCli(['snapshot', '--server', source.url, '--access-token', 'eyJ-not-the-token-000000', '--space', 'Default', '--out', path('x.json')], NO_ENV);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/refused the access token \(401\)/);
    expect(wrong.stderr).not.toContain('eyJ-not-the-token-000000');
  });

  it('the simulator takes access tokens only as bearer tokens, and API keys only as API keys', async () => {
    const asKey = await fetch(`${source.url}/api/spaces`, { headers: { 'X-Octopus-ApiKey': TOKEN } });
    expect(asKey.status).toBe(401);
    const keyAsBearer = await fetch(`${source.url}/api/spaces`, { headers: { Authorization: `Bearer ${API_KEY}` } });
    expect(keyAsBearer.status).toBe(401);
    expect((await fetch(`${source.url}/api/spaces`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('an API key and an access token at once are refused rather than guessed between; a flag wins over the environment', async () => {
    const both = await runCli(['snapshot', '--server', source.url, '--space', 'Default', '--out', path('x.json')], { ...NO_ENV, OCTOPUS_API_KEY: API_KEY, OCTOPUS_ACCESS_TOKEN: TOKEN });
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('both OCTOPUS_API_KEY and OCTOPUS_ACCESS_TOKEN are set');
    const flags = await runCli(['snapshot', '--server', source.url, '--api-key', API_KEY, '--access-token', TOKEN, '--space', 'Default', '--out', path('x.json')], NO_ENV);
    expect(flags.code).toBe(1);
    expect(flags.stderr).toContain('give one of --api-key, --access-token, not several');
    const flagWins = await runCli(['snapshot', '--server', source.url, '--access-token', TOKEN, '--space', 'Default', '--out', path('wins.json')], { ...NO_ENV, OCTOPUS_API_KEY: 'API-STALEKEY000000000000000000000' });
    expect(flagWins.code).toBe(0);
  });
});

describe('a space by name or by id', () => {
  it('--space Spaces-1 reads the same space as --space Default', async () => {
    const byId = await runCli(['snapshot', '--server', source.url, '--api-key', API_KEY, '--space', 'Spaces-1', '--out', path('by-id.json')], NO_ENV);
    expect(byId.code).toBe(0);
    expect((await runCli(['snapshot', '--server', source.url, '--api-key', API_KEY, '--space', 'Default', '--out', path('by-name.json')], NO_ENV)).code).toBe(0);
    const strip = (f: string) => readFileSync(path(f), 'utf8').replace(/"takenAt": "[^"]*"/, '');
    expect(strip('by-id.json')).toBe(strip('by-name.json'));
    expect(JSON.parse(readFileSync(path('by-id.json'), 'utf8')).space.name).toBe('Default');
  });

  it('a missing space lists the names and ids there are', async () => {
    const res = await runCli(['snapshot', '--server', source.url, '--api-key', API_KEY, '--space', 'Spaces-99', '--out', path('x.json')], NO_ENV);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("spaces there: 'Default' (Spaces-1)");
  });
});

describe('--output-format json, --no-color, --no-prompt', () => {
  /** stdout is exactly one JSON document. */
  const doc = (stdout: string) => JSON.parse(stdout) as { command: string; exitCode: number; result?: any; error?: any };

  it('snapshot, plan, apply and validate print one JSON document of their result; the exit codes stay', async () => {
    const snap = await runCli(['snapshot', '--server', source.url, '--api-key', API_KEY, '--space', 'Default', '--out', path('src.json'), '--output-format', 'json', '--no-prompt'], NO_ENV);
    expect(snap.code).toBe(0);
    const s = doc(snap.stdout);
    expect(s).toMatchObject({ command: 'snapshot', exitCode: 0, result: { file: path('src.json'), space: 'Default' } });
    expect(s.result.kinds).toContainEqual({ kind: 'project', items: 3 });
    expect((await runCli(['snapshot', '--server', destination.url, '--api-key', API_KEY, '--space', 'Default', '--out', path('dst.json'), '--json'], NO_ENV)).code).toBe(0);

    const plan = await runCli(['plan', '--source', path('src.json'), '--destination', path('dst.json'), '--policy', POLICY, '--out', path('plan.json'), '--detailed-exitcode', '--json']);
    expect(plan.code).toBe(2);
    const p = doc(plan.stdout);
    expect(p.exitCode).toBe(2);
    expect(p.result.plans).toHaveLength(1);
    expect(p.result.plans[0]).toMatchObject({ planFile: path('plan.json'), hasChanges: true });
    expect(p.result.plans[0].counts.create).toBeGreaterThan(0);

    const valid = await runCli(['validate', path('plan.json'), '--json', '--no-color']);
    expect(valid.code).toBe(0);
    expect(doc(valid.stdout)).toEqual({ command: 'validate', exitCode: 0, result: { file: path('plan.json'), kind: 'plan', valid: true } });

    const applied = await runCli(['apply', path('plan.json'), '--server', destination.url, '--api-key', API_KEY, '--space', 'Spaces-1', '--json', '--no-prompt', '--no-color'], NO_ENV);
    expect(applied.code).toBe(0);
    const a = doc(applied.stdout);
    expect(a.exitCode).toBe(0);
    expect(a.result.created).toBe(p.result.plans[0].counts.create);
    expect(a.result.failed).toEqual([]);
  });

  it('an error is a JSON document too, with the exit code and the message', async () => {
    const bad = path('bad.yaml');
    writeFileSync(bad, 'version: 1\nenviroments: {}\n');
    const res = await runCli(['validate', bad, '--output-format', 'json']);
    expect(res.code).toBe(1);
    const d = doc(res.stdout);
    expect(d).toMatchObject({ command: 'validate', exitCode: 1, error: { type: 'InputFileError' } });
    expect(d.error.message).toContain("did you mean 'environments'?");
    expect(res.stderr).toContain("did you mean 'environments'?");
  });

  it('every command accepts --no-color and --no-prompt (global options; the runs above used them on snapshot, apply and validate)', async () => {
    for (const c of commands) {
      const name = c.command.split(' ')[0];
      const res = await runCli([name, '--help']);
      expect([name, res.code, /--color\s+Colour the output \(--no-color/.test(res.stdout)]).toEqual([name, 0, true]);
    }
    const unknown = await runCli(['validate', path('plan.json'), '--no-such-flag']);
    expect(unknown.stderr).toContain('Unknown argument'); // strict parsing: --no-prompt is accepted because it is declared
    expect((await runCli(['validate', path('plan.json'), '--no-prompt'])).code).toBe(0);
    const show = await runCli(['show', path('plan.json'), '--no-color', '--no-prompt']);
    expect(show.code).toBe(0);
    expect(show.stdout).not.toContain('\x1b[');
  });
});
