/**
 * `octosync snapshot` failures: each exits 1 with one clear line, never prints the API key, and never leaves an
 * output file (or a temporary one) behind.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';
import { SOURCE_FIXTURE } from '../helpers/fixtures.js';
import { startProxy } from '../helpers/proxy.js';
import { API_KEY, withSimulator } from '../helpers/simulator.js';

type Sim = Awaited<ReturnType<typeof withSimulator>>;

let dir: string;
let out: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'octosync-errors-'));
  out = join(dir, 'snapshot.json');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function snapshot(server: string, extra: { key?: string; space?: string } = {}): Promise<CliResult> {
  return runCli(['snapshot', '--server', server, '--api-key', extra.key ?? API_KEY, '--space', extra.space ?? 'Default', '--out', out]);
}

/** Exit 1, one line on stderr (after the progress line), no key printed, and nothing written. */
function expectFailure(res: CliResult, pattern: RegExp, key = API_KEY): string {
  expect(res.code).toBe(1);
  const errors = res.stderr.split('\n').filter((l) => l.startsWith('octosync:'));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(pattern);
  expect(errors[0]).not.toMatch(/internal error/);
  expect(res.stdout + res.stderr).not.toContain(key);
  expect(res.stdout + res.stderr).not.toContain(key.slice(8));
  expect(existsSync(out)).toBe(false);
  expect(readdirSync(dir)).toEqual([]);
  return errors[0];
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('snapshot errors', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await withSimulator({ seed: SOURCE_FIXTURE });
    await sim.api('POST', '/api/spaces', { Name: 'Team Zürich', SpaceManagersTeams: [] });
  });
  afterAll(() => sim.close());

  it('an unreachable server: exit 1, one line naming the URL', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const line = expectFailure(await snapshot(url), /cannot reach/);
    expect(line).toContain(url);
  }, 60_000);

  it('a wrong API key: exit 1 naming 401, the key not printed', async () => {
    const wrong = 'API-WRONGKEY00000000000000000000042';
    const line = expectFailure(await snapshot(sim.url, { key: wrong }), /401/, wrong);
    expect(line).toContain(sim.url);
  });

  it('a space that does not exist: exit 1 listing the spaces that do', async () => {
    const line = expectFailure(await snapshot(sim.url, { space: 'Staging' }), /no space named 'Staging'/);
    expect(line).toContain("'Default'");
    expect(line).toContain("'Team Zürich'");
  });

  it('a space named with other case: exit 1, suggesting the exact name', async () => {
    const line = expectFailure(await snapshot(sim.url, { space: 'default' }), /no space named 'default'/);
    expect(line).toMatch(/did you mean 'Default'/);
  });

  it('the space, the feature toggles and the key are asked at once; a missing space is reported even when another answer failed first', async () => {
    const proxy = await startProxy(sim.url, {
      answer: [{ match: /^\/api\/users\/me/, status: 400, body: '{"ErrorMessage":"Bad request.","Errors":[]}' }],
      delay: [{ match: /^\/api\/spaces\?partialName=/, ms: 300 }],
    });
    try {
      expectFailure(await snapshot(proxy.url, { space: 'Staging' }), /no space named 'Staging'/);
      // The key's user was asked for while the space lookup was still waiting for its answer.
      const lookup = proxy.requests.findIndex((p) => p.startsWith('/api/spaces?partialName='));
      const user = proxy.requests.indexOf('/api/users/me');
      expect(lookup).toBeGreaterThan(0);
      expect(user).toBeGreaterThan(0);
      expect(proxy.requests.slice(0, Math.max(lookup, user) + 1).filter((p) => p.startsWith('/api/spaces')).length).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('a server too old for spaces: exit 1', async () => {
    const old = await withSimulator({ version: '2018.10.0' });
    try {
      const line = expectFailure(await snapshot(old.url), /2018\.10\.0/);
      expect(line).toMatch(/no spaces|2019\.1/);
    } finally {
      await old.close();
    }
  });

  it('a server answering HTML: exit 1 saying so', async () => {
    const html = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!DOCTYPE html><html><head><title>Sign in</title></head><body>Corporate proxy</body></html>');
    });
    await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
      expectFailure(await snapshot(url), /HTML|not JSON/);
    } finally {
      await new Promise<void>((resolve) => html.close(() => resolve()));
    }
  });

  it('a server answering JSON that is not Octopus: exit 1', async () => {
    const proxy = await startProxy(sim.url, { answer: [{ match: /^\/api$/, status: 200, body: '{"hello":"world"}' }] });
    try {
      expectFailure(await snapshot(proxy.url), /not answer with an Octopus root document/);
    } finally {
      await proxy.close();
    }
  });

  it('a failure half-way through reading: exit 1 and no output file', async () => {
    const proxy = await startProxy(sim.url, { answer: [{ match: /\/tenants\/[^/]+\/variables/, status: 404, body: '{"ErrorMessage":"The resource you requested was not found.","Errors":[]}' }] });
    try {
      const line = expectFailure(await snapshot(proxy.url), /404/);
      expect(line).toMatch(/\/tenants\/Tenants-\d+\/variables/);
      expect(proxy.requests.length).toBeGreaterThan(10); // it had read a good part of the space
    } finally {
      await proxy.close();
    }
  });

  it('a failure abandons the reads still in flight, rather than leave them running behind the error', async () => {
    const proxy = await startProxy(sim.url, {
      answer: [{ match: /\/tenants\/[^/]+\/variables/, status: 404, body: '{"ErrorMessage":"Not found.","Errors":[]}' }],
      delay: [
        { match: /\/tenants\/[^/]+\/variables/, ms: 300 },
        { match: /\/variables\/all\?ids=/, ms: 20_000 },
      ],
    });
    try {
      const started = Date.now();
      expectFailure(await snapshot(proxy.url), /404/);
      expect(Date.now() - started).toBeLessThan(10_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(proxy.inFlight()).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('a failed run leaves an existing output file as it was', async () => {
    writeFileSync(out, 'previous snapshot\n');
    try {
      const res = await snapshot(sim.url, { space: 'Nope' });
      expect(res.code).toBe(1);
      expect(readFileSync(out, 'utf8')).toBe('previous snapshot\n');
      expect(readdirSync(dir)).toEqual(['snapshot.json']);
    } finally {
      rmSync(out, { force: true });
    }
  });

  it('missing connection settings: exit 1 naming what is missing', async () => {
    const res = await runCli(['snapshot', '--out', out], { OCTOPUS_URL: undefined, OCTOPUS_API_KEY: undefined, OCTOPUS_SPACE: undefined });
    expectFailure(res, /missing --server .*--api-key.*--space/);
  });

  it('connection settings from OCTOPUS_URL, OCTOPUS_API_KEY and OCTOPUS_SPACE: a wrong key from the environment is not printed either', async () => {
    const wrong = 'API-FROMENVIRONMENT000000000000000007';
    const res = await runCli(['snapshot', '--out', out], { OCTOPUS_URL: sim.url, OCTOPUS_API_KEY: wrong, OCTOPUS_SPACE: 'Default' });
    expectFailure(res, /401/, wrong);
  });
});
