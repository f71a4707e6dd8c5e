import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { API_KEY, withSimulator } from '../helpers/simulator.js';
import { snapshotTo, workDir } from '../helpers/sync.js';
import { runCli } from '../helpers/cli.js';
import { DESTINATION_FIXTURE } from '../helpers/fixtures.js';
import { ensureBuilt, filesUnder, MAIN, resourceContents, ROOT } from '../helpers/reliability.js';

/**
 * TLS: a simulator behind an HTTPS server whose certificate a private certificate authority signed (made with
 * openssl in a temporary folder). octosync verifies certificates always: it trusts the server only when given
 * the authority, by `--ca-file` or by Node's `NODE_EXTRA_CA_CERTS`.
 */

const openssl = (dir: string, ...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A certificate authority and a server certificate for 127.0.0.1 that it signed; and an unrelated authority. */
function makeCertificates(dir: string): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  for (const ca of ['ca', 'other-ca']) openssl(dir, 'req', '-x509', ...ec, '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '2', '-subj', `/CN=octosync test ${ca}`);
  openssl(dir, 'req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  openssl(dir, 'x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
}

describe('TLS with a private certificate authority', () => {
  let dir: string;
  let sim: Awaited<ReturnType<typeof withSimulator>>;
  let server: Server;
  let url: string;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    dir = workDir();
    makeCertificates(dir);
    sim = await withSimulator({ seed: DESTINATION_FIXTURE });
    // An HTTPS front for the simulator, as a reverse proxy terminating TLS would be.
    server = createServer({ key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) }, async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k))) as Record<string, string>;
      const up = await fetch(sim.url + req.url!, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
      res.writeHead(up.status, { 'Content-Type': 'application/json' }).end(await up.text());
    });
    server.on('secureConnection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server?.close(resolve));
    await sim?.close();
  });

  const conn = (server = url) => ['--server', server, '--api-key', API_KEY, '--space', 'Default'];

  it('snapshot, plan and apply over HTTPS with --ca-file', async () => {
    const r = await runCli(['snapshot', ...conn(), '--ca-file', join(dir, 'ca.pem'), '--out', join(dir, 'dest.json')]);
    expect(r).toMatchObject({ code: 0 });
    const plain = await snapshotTo(sim.url, join(dir, 'dest-http.json'));
    expect(resourceContents(JSON.parse(readFileSync(join(dir, 'dest.json'), 'utf8')))).toEqual(resourceContents(plain));
    // A plan that creates one project group, applied over HTTPS.
    const source = JSON.parse(readFileSync(join(dir, 'dest.json'), 'utf8'));
    const group = structuredClone(source.resources.projectGroups['Web Apps']);
    source.resources.projectGroups['Made over TLS'] = { ...group, content: { ...group.content, Name: 'Made over TLS' } };
    writeFileSync(join(dir, 'source.json'), JSON.stringify(source));
    expect((await runCli(['plan', '--source', join(dir, 'source.json'), '--destination', join(dir, 'dest.json'), '--out', join(dir, 'plan.json'), '--quiet'])).code).toBe(0);
    const applied = await runCli(['apply', join(dir, 'plan.json'), ...conn(), '--ca-file', join(dir, 'ca.pem')]);
    expect(applied.stderr).toContain('Apply complete: 1 created, 0 updated, 0 failed.');
    expect(sim.store.all('projectgroups', 'Spaces-1').map((g) => g.Name)).toContain('Made over TLS');
  });

  it('refuses the server without the authority, with another authority, and under another name', async () => {
    const cases: [string[], RegExp][] = [
      [conn(), /cannot reach https:\/\/127\.0\.0\.1:\d+ \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\) during GET \/api \(root document\): its certificate is not trusted; for a private certificate authority use --ca-file or NODE_EXTRA_CA_CERTS/],
      [[...conn(), '--ca-file', join(dir, 'other-ca.pem')], /certificate is not trusted/],
      [[...conn(url.replace('127.0.0.1', 'localhost')), '--ca-file', join(dir, 'ca.pem')], /ERR_TLS_CERT_ALTNAME_INVALID/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['snapshot', ...args, '--out', join(dir, 'never.json')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error/);
    }
    sim.stats.reset();
    const r = await runCli(['apply', join(dir, 'plan.json'), ...conn()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/certificate is not trusted/);
    expect(sim.stats.toJSON().total).toBe(0);
  });

  it('a --ca-file that cannot be read is a clear error', async () => {
    const r = await runCli(['snapshot', ...conn(), '--ca-file', join(dir, 'missing.pem'), '--out', join(dir, 'never.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`octosync: ${join(dir, 'missing.pem')}: cannot read the certificate authority file (ENOENT)`);
  });

  it('NODE_EXTRA_CA_CERTS works for the built CLI', async () => {
    ensureBuilt();
    const run = (env: NodeJS.ProcessEnv) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [MAIN, 'snapshot', ...conn(), '--out', join(dir, 'extra.json')], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('exit', (code) => resolve({ code, stderr }));
      });
    expect(await run({ NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') })).toMatchObject({ code: 0 });
    const without = await run({ NODE_EXTRA_CA_CERTS: '' });
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/certificate is not trusted/);
  }, 60_000);

  it('nothing in octosync turns certificate verification off', () => {
    const offending = filesUnder(join(ROOT, 'src')).filter((f) => /rejectUnauthorized|NODE_TLS_REJECT_UNAUTHORIZED|checkServerIdentity/.test(readFileSync(f, 'utf8')));
    expect(offending).toEqual([]);
  });
});
