/**
 * Errors a user can act on (issue 15.5): each is one line saying what to do, exit 1, and never "a bug".
 * Over HTTP to the simulator (or to a server that redirects) where a server is involved.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';
import { SOURCE_FIXTURE } from '../helpers/fixtures.js';
import { API_KEY, withSimulator } from '../helpers/simulator.js';

const dir = mkdtempSync(join(tmpdir(), 'octosync-errors-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** Exit 1 and exactly one line, which is not the "bug" line. */
function oneLine(res: CliResult): string {
  expect(res.code).toBe(1);
  const lines = res.stderr.split('\n').filter((l) => l.startsWith('octosync:'));
  expect(lines).toHaveLength(1);
  // Besides the line announcing what is being read, nothing else (no progress line after a failure).
  expect(res.stderr.trim().split('\n').filter((l) => !/^Reading space /.test(l))).toEqual(lines);
  expect(lines[0]).not.toMatch(/internal error|bug/);
  return lines[0];
}

let sim: Awaited<ReturnType<typeof withSimulator>>;
let redirector: Server;
let redirectUrl: string;
let sourceSnapshot: string;

beforeAll(async () => {
  sim = await withSimulator({ seed: SOURCE_FIXTURE });
  // What a reverse proxy in front of Octopus does to plain http.
  redirector = createServer((req, res) => {
    res.writeHead(301, { Location: `https://octopus.example.com${req.url}` });
    res.end();
  });
  await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
  redirectUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
  sourceSnapshot = join(dir, 'source.json');
  expect((await runCli(['snapshot', '--server', sim.url, '--api-key', API_KEY, '--space', 'Default', '--out', sourceSnapshot])).code).toBe(0);
});
afterAll(async () => {
  await sim?.close();
  await new Promise((r) => redirector?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const snapshot = (server: string, out = join(dir, 'never.json')) => runCli(['snapshot', '--server', server, '--api-key', API_KEY, '--space', 'Default', '--out', out]);

describe('server URLs', () => {
  it('a URL without a scheme says which to add', async () => {
    const host = new URL(sim.url).host;
    expect(oneLine(await snapshot(host))).toBe(`octosync: --server ${host}: no scheme; use https://${host} (or http:// for a server without TLS)`);
  });

  it('a browser address says which address to use, and the space it names', async () => {
    const line = oneLine(await snapshot(`${sim.url}/app#/Spaces-1/projects/octofx/deployments`));
    expect(line).toContain('is the address of a page in the browser');
    expect(line).toContain(`use the server's address: --server ${sim.url} (and --space Spaces-1)`);
  });

  it('a redirect names where it points and the --server to give; nothing is followed', async () => {
    const line = oneLine(await snapshot(redirectUrl));
    expect(line).toBe(
      `octosync: GET /api (root document): ${redirectUrl} redirects (301) to https://octopus.example.com/api; octosync does not follow redirects: use --server https://octopus.example.com`,
    );
  });

  it('https against a plain-http port (EPROTO) says to use http or the https port', async () => {
    const https = sim.url.replace('http:', 'https:');
    expect(oneLine(await snapshot(https))).toBe(
      `octosync: cannot reach ${https} (EPROTO): the port speaks plain http, not https; use --server ${sim.url} or the server's https port`,
    );
  });
});

describe('--out', () => {
  it('that cannot be written is refused before the space is read (nothing listens at this server: had it been asked, the error would say so)', async () => {
    const notAFolder = file('plain-file', 'x');
    const out = join(notAFolder, 'snapshot.json');
    const line = oneLine(await runCli(['snapshot', '--server', 'http://127.0.0.1:9', '--api-key', API_KEY, '--space', 'Default', '--out', out]));
    expect(line).toBe(`octosync: --out ${out}: cannot be written (${notAFolder} is a file, not a folder)`);
  });

  it('a folder for a snapshot names the problem', async () => {
    expect(oneLine(await snapshot(sim.url, dir))).toBe(`octosync: --out ${dir} is a folder; name a file`);
  });

  it('a folder with one destination says --out names the plan file', async () => {
    const folder = join(dir, 'plans');
    mkdirSync(folder);
    const line = oneLine(await runCli(['plan', '--source', sourceSnapshot, '--destination', sourceSnapshot, '--out', folder, '--quiet']));
    expect(line).toBe(`octosync: --out ${folder} is a folder; with one --destination, --out names the plan file (e.g. ${join(folder, 'plan.json')})`);
  });
});

describe('policies', () => {
  const plan = (policy: string) => runCli(['plan', '--source', sourceSnapshot, '--destination', sourceSnapshot, '--policy', policy, '--out', join(dir, 'p.json'), '--quiet']);

  it('a version this octosync does not read says which it reads', async () => {
    const policy = file('v2.yaml', '# a newer policy\nversion: 2\n');
    expect(oneLine(await plan(policy))).toBe(`octosync: ${policy}: line 2, column 10: /version: policy version 2 is not supported; this octosync reads version 1`);
  });

  it('a misspelt member: its line and column, and the member meant', async () => {
    const policy = file('typo.yaml', 'version: 1\nenvironments:\n  map:\n    Dev: Staging\n  umapped: drop\n');
    expect(oneLine(await plan(policy))).toBe(
      `octosync: ${policy}: not a valid policy: line 5, column 3: /environments: unknown member 'umapped' (did you mean 'unmapped'?)`,
    );
  });

  it('a misspelt value: its line and column, the values allowed and the one meant; JSON policies too', async () => {
    const yaml = file('value.yaml', 'version: 1\nenvironments:\n  unmapped: same_name\n');
    expect(oneLine(await plan(yaml))).toBe(
      `octosync: ${yaml}: not a valid policy: line 3, column 13: /environments/unmapped: must be equal to one of the allowed values ("same-name", "drop"); did you mean "same-name"?`,
    );
    const json = file('typo.json', '{\n  "version": 1,\n  "enviroments": {}\n}\n');
    expect(oneLine(await plan(json))).toBe(`octosync: ${json}: not a valid policy: line 3, column 3: /: unknown member 'enviroments' (did you mean 'environments'?)`);
  });
});

describe('a snapshot where a plan belongs', () => {
  it('show says what the file is and what to do with it', async () => {
    const line = oneLine(await runCli(['show', sourceSnapshot]));
    expect(line).toMatch(new RegExp(`^octosync: ${sourceSnapshot}: this is a snapshot of space 'Default' on ${sim.url}, taken [0-9T:.Z-]+, not a plan: make a plan with octosync plan`));
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  });
});
