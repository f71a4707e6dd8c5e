import { planChecksum } from '../../src/plan-format/checksum.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { API_KEY } from '../helpers/simulator.js';
import { runCli } from '../helpers/cli.js';
import { FixtureSync, neverSynced } from '../helpers/reliability.js';

/**
 * Servers that answer badly: an HTML error page, an HTML page with 200, JSON that does not parse, a 400 with
 * `Errors`, no answer at all, a closed connection. Snapshot and apply fail with one clear line naming the
 * operation and what it was for, within the timeout; a bad answer to a write names the item being written.
 */

type Answer = (req: IncomingMessage, res: ServerResponse) => void;

const BAD: Record<string, Answer> = {
  'an HTML error page': (_req, res) => void res.writeHead(502, { 'Content-Type': 'text/html' }).end('<html><body><h1>502 Bad Gateway</h1></body></html>'),
  'an HTML page with 200': (_req, res) => void res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!DOCTYPE html><html><body>Sign in</body></html>'),
  'invalid JSON': (_req, res) => void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"Version": "2024.3.1", "Links": {'),
  'a 400 with Errors': (_req, res) =>
    void res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ErrorMessage: 'There was a problem with your request.', Errors: ['The request is not supported here.'] })),
  'no answer': () => {},
  'a closed connection': (req) => req.socket.destroy(),
};

const EXPECTED: Record<string, RegExp> = {
  'an HTML error page': /failed with 502: an HTML error page/,
  'an HTML page with 200': /an HTML page \(is the URL an Octopus server\?\)/,
  'invalid JSON': /not JSON/,
  'a 400 with Errors': /failed with 400: There was a problem with your request\. The request is not supported here\./,
  'no answer': /no answer from http:\/\/127\.0\.0\.1:\d+ within 1000 ms/,
  'a closed connection': /cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNRESET\)/,
};

type Forward = () => Promise<{ status: number; text: string }>;
type Handler = (req: IncomingMessage, res: ServerResponse, forward: Forward) => boolean | void | Promise<void>;

/**
 * A loopback server; `handle` answers a request itself, or returns false to have it passed on to `upstream`
 * and the answer relayed. `forward` passes it on without relaying (a write carried out, its answer lost).
 */
async function badServer(handle: Handler, upstream?: string) {
  const sockets = new Set<Socket>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const forward: Forward = async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k))) as Record<string, string>;
      const up = await fetch(upstream + req.url!, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
      return { status: up.status, text: await up.text() };
    };
    if ((await handle(req, res, forward)) !== false) return;
    const up = await forward();
    res.writeHead(up.status, { 'Content-Type': 'application/json' }).end(up.text);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
  };
}

describe('a server that answers badly', () => {
  let sync: FixtureSync;
  let planText: string;
  beforeAll(async () => {
    sync = await FixtureSync.start();
    const dst = await sync.destination();
    planText = readFileSync((await sync.planFor(dst, 'good')).planFile, 'utf8');
    await dst.close();
  }, 60_000);
  afterAll(() => sync?.close());

  /** Points a plan at `url`, with the checksum made again (as a plan made against that server would have). */
  const retarget = (file: string, url: string) => {
    const plan = JSON.parse(readFileSync(file, 'utf8'));
    const moved = { ...plan, destination: { ...plan.destination, url } };
    writeFileSync(file, JSON.stringify({ ...moved, checksum: planChecksum(moved) }));
    return file;
  };
  const planFor = (url: string, name: string) => {
    const file = join(sync.dir, `${name}.plan.json`);
    writeFileSync(file, planText);
    return retarget(file, url);
  };

  /** The one `octosync:` line of a failed command. */
  const errorLine = (stderr: string) => {
    const lines = stderr.split('\n').filter((l) => l.startsWith('octosync:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/internal error/);
    return lines[0];
  };

  describe.each(Object.keys(BAD))('%s to every request', (kind) => {
    let server: Awaited<ReturnType<typeof badServer>>;
    beforeAll(async () => {
      server = await badServer(BAD[kind]);
    });
    afterAll(() => server.close());

    it.each(['snapshot', 'apply'])('%s fails with a clear line naming the request, within the timeout', async (command) => {
      const conn = ['--server', server.url, '--api-key', API_KEY, '--space', 'Default', '--timeout', '1'];
      const args = command === 'snapshot' ? ['snapshot', ...conn, '--out', join(sync.dir, 'never.json')] : ['apply', planFor(server.url, kind.replace(/\W+/g, '-')), ...conn];
      const started = performance.now();
      const r = await runCli(args);
      const elapsed = performance.now() - started;
      expect(r.code).toBe(1);
      const line = errorLine(r.stderr);
      expect(line).toMatch(EXPECTED[kind]);
      expect(line).toMatch(/GET \/api \(root document\)/);
      expect(elapsed).toBeLessThan(2500);
    });
  });

  describe('bad answers to writes', () => {
    /** Applies through a bad server in front of a fresh destination; `check` inspects the outcome. */
    const trial = async (name: string, handle: Handler, extra: string[], check: (t: { r: Awaited<ReturnType<typeof runCli>>; dst: Awaited<ReturnType<FixtureSync['destination']>>; before: unknown; requests: any[] }) => Promise<void>) => {
      const dst = await sync.destination();
      const server = await badServer(handle, dst.url);
      try {
        const before = neverSynced(dst);
        const planFile = retarget((await sync.planFor(dst, name)).planFile, server.url);
        const log = join(sync.dir, `${name}.log`);
        const r = await runCli(['apply', planFile, '--server', server.url, '--api-key', API_KEY, '--space', 'Default', '--log', log, ...extra]);
        const requests = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.type === 'request');
        await check({ r, dst, before, requests });
      } finally {
        await server.close();
        await dst.close();
      }
    };
    const isCreate = (req: IncomingMessage, collection: string) => req.method === 'POST' && new RegExp(`/api/Spaces-\\d+/${collection}$`).test(req.url ?? '');

    it('a 400 with Errors to a create: that item fails, naming it, the request and the errors; the rest is applied', async () => {
      await trial('write-400', (req, res) => (isCreate(req, 'projectgroups') ? BAD['a 400 with Errors'](req, res) : false), [], async ({ r, dst }) => {
        expect(r.code).toBe(3);
        expect(r.stderr).toMatch(/projectGroup\/Services: POST \/api\/Spaces-\d+\/projectgroups \(project group 'Services'\) failed with 400: There was a problem with your request\. The request is not supported here\./);
        expect(r.stderr).toMatch(/run the same plan again/);
        expect(dst.store.all('projectgroups', 'Spaces-1').map((g) => g.Name)).not.toContain('Services');
      });
    });

    it('an HTML error page to every update: each fails naming its item, after a bounded number of tries', async () => {
      await trial('write-html', (req, res) => (req.method === 'PUT' ? BAD['an HTML error page'](req, res) : false), ['--timeout', '1'], async ({ r, requests }) => {
        expect(r.code).toBe(3);
        expect(r.stderr).toMatch(/deploymentProcess\/OctoFX: PUT \/api\/Spaces-\d+\/deploymentprocesses\/[\w-]+ \(deployment process 'OctoFX'\) failed with 502: an HTML error page/);
        expect(r.stderr).toMatch(/project\/OctoFX: PUT \/api\/Spaces-\d+\/projects\/[\w-]+ \(project 'OctoFX'\) failed with 502/);
        // Each update: at most 4 reads and writes (no retry of a write fits in the 1 s timeout).
        const puts = requests.filter((e) => e.method === 'PUT');
        expect(puts.length).toBeLessThanOrEqual(4 * new Set(puts.map((e) => e.path)).size);
      });
    }, 60_000);

    it('no answer to a create that is never carried out: each try abandoned at the timeout, then the item named', async () => {
      await trial('write-hang', (req) => (isCreate(req, 'projectgroups') ? undefined : false), ['--timeout', '1'], async ({ r, requests }) => {
        expect(r.code).toBe(3);
        expect(r.stderr).toMatch(/projectGroup\/Services: POST \/api\/Spaces-\d+\/projectgroups \(project group 'Services'\): no answer from http:\/\/127\.0\.0\.1:\d+ within 1000 ms/);
        const posts = requests.filter((e) => e.method === 'POST' && /projectgroups$/.test(e.path));
        expect(posts.length).toBeGreaterThanOrEqual(2);
        expect(posts.length).toBeLessThanOrEqual(4);
        for (const p of posts) expect(p.ms).toBeLessThan(1500);
      });
    }, 60_000);

    it('no answer to a create that was carried out: abandoned at the timeout, then found by name and adopted', async () => {
      const handle: Handler = (req, _res, forward) => (isCreate(req, 'projectgroups') ? void forward() : false);
      await trial('write-lost', handle, ['--timeout', '1'], async ({ r, dst, before }) => {
        expect(r.code).toBe(0);
        await sync.expectConverged(dst, 'write-lost', before);
      });
    }, 60_000);

    it('JSON cut short in answer to creates that were carried out: the items are adopted, not created twice', async () => {
      const handle: Handler = (req, res, forward) => {
        if (req.method !== 'POST') return false;
        void forward().then((up) => res.writeHead(up.status, { 'Content-Type': 'application/json' }).end(up.text.slice(0, 20)));
      };
      await trial('write-badjson', handle, [], async ({ r, dst, before }) => {
        expect(r.code).toBe(0);
        await sync.expectConverged(dst, 'write-badjson', before);
      });
    }, 60_000);
  });
});
