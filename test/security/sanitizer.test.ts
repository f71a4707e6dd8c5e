import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resetSanitizer } from '../../src/util/sanitize.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { DESTINATION_FIXTURE, SOURCE_FIXTURE } from '../helpers/fixtures.js';
import { startProxy, type RunningProxy } from '../helpers/proxy.js';
import { filesUnder } from '../helpers/reliability.js';
import { API_KEY, withSimulator } from '../helpers/simulator.js';
import { workDir } from '../helpers/sync.js';

/**
 * The output sanitizer end to end (issue 16.4), over HTTP: a destination that misbehaves as no Octopus should.
 * It leaks the sensitive values it was seeded with (a sensitive variable's value, an account's password) in
 * the documents it answers, and quotes them in the 400 it gives every write of variables and accounts. Apply
 * must still print and write none of them (they are registered as seen), nor any API key it was given by flag,
 * by OCTOPUS_API_KEY or by --api-key-file; the quoted errors still reach the user, with the secret blanked.
 */

const FLAG_KEY = 'API-SANFLAG0000000000000000000001';
const ENV_KEY = 'API-SANENV00000000000000000000002';
const FILE_KEY = 'API-SANFILE0000000000000000000003';

/** The destination's seeded secrets, by the name of the variable or account that holds them. */
function destinationSecrets(): Map<string, string> {
  const space = JSON.parse(readFileSync(DESTINATION_FIXTURE, 'utf8')).spaces[0].collections;
  const out = new Map<string, string>();
  for (const set of [...space.projects, ...space.libraryvariablesets]) {
    for (const v of set.$variables ?? []) if (v.Type === 'Sensitive') out.set(v.Name, v.Value);
  }
  for (const a of space.accounts) if (a.Password?.NewValue) out.set(a.Name, a.Password.NewValue);
  return out;
}

/** A server's answer with the seeded secrets put back where Octopus answers only `HasValue` or null. */
function leak(text: string, secrets: Map<string, string>): string {
  if (!text.startsWith('{') && !text.startsWith('[')) return text;
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    const o = x as Record<string, any>;
    const secret = typeof o.Name === 'string' ? secrets.get(o.Name) : undefined;
    if (secret && o.IsSensitive === true && o.Value == null) o.Value = secret;
    if (secret && o.Password && typeof o.Password === 'object' && o.Password.NewValue == null) o.Password.NewValue = secret;
    Object.values(o).forEach(walk);
  };
  const doc = JSON.parse(text);
  walk(doc);
  return JSON.stringify(doc);
}

describe('the output sanitizer, end to end against a destination that leaks its secrets', () => {
  let src: Awaited<ReturnType<typeof withSimulator>>;
  let dst: Awaited<ReturnType<typeof withSimulator>>;
  let proxy: RunningProxy;
  let dir: string;
  const printed: { args: string[]; r: CliResult }[] = [];
  const secrets = destinationSecrets();
  const quoted = [...secrets.values()];

  const octosync = async (args: string[], env: Record<string, string | undefined> = {}) => {
    // Every CLI run is a fresh process: nothing registered by an earlier run helps this one.
    resetSanitizer();
    const r = await runCli(args, { OCTOPUS_API_KEY: undefined, OCTOPUS_URL: undefined, OCTOPUS_SPACE: undefined, ...env });
    printed.push({ args, r });
    return r;
  };

  beforeAll(async () => {
    dir = workDir();
    src = await withSimulator({ seed: SOURCE_FIXTURE });
    dst = await withSimulator({ seed: DESTINATION_FIXTURE, apiKeys: [{ key: FLAG_KEY }, { key: ENV_KEY }, { key: FILE_KEY }] });
    const refuse = (what: string) => () => ({
      status: 400,
      text: JSON.stringify({ ErrorMessage: 'There was a problem with your request.', Errors: [`${what}: the values ${quoted.join(', ')} are not accepted`] }),
    });
    proxy = await startProxy(dst.url, {
      rewrite: [
        { match: /^\/api\/Spaces-\d+\/(variables|accounts)\b/, method: 'PUT', change: refuse('variables') },
        { match: /^\/api\/Spaces-\d+\/accounts\b/, method: 'POST', change: refuse('accounts') },
        { match: /^\/api\//, method: 'GET', change: (a) => ({ status: a.status, text: leak(a.text, secrets) }) },
      ],
    });
    writeFileSync(join(dir, 'dest.key'), `${FILE_KEY}\n`);
  });
  afterAll(async () => {
    await proxy?.close();
    await src?.close();
    await dst?.close();
  });

  it('the leaking server does answer the seeded secrets (so that the scan below means something)', async () => {
    expect(secrets.size).toBeGreaterThanOrEqual(3);
    const answered = await (await fetch(`${proxy.url}/api/Spaces-1/accounts/all`, { headers: { 'X-Octopus-ApiKey': FLAG_KEY } })).text();
    expect(answered).toContain(secrets.get('Azure Production'));
  });

  it('snapshot, plan and a failing apply (keys by flag, environment and file; JSON output; debug log) print and write no secret', async () => {
    const at = (f: string) => join(dir, f);
    const conn = ['--server', proxy.url, '--space', 'Default'];
    expect((await octosync(['snapshot', '--server', src.url, '--space', 'Default', '--api-key', API_KEY, '--out', at('source.json')])).code).toBe(0);
    expect((await octosync(['snapshot', ...conn, '--api-key', FLAG_KEY, '--out', at('destination.json')])).code).toBe(0);
    expect((await octosync(['plan', '--source', at('source.json'), '--destination', at('destination.json'), '--out', at('plan.json')])).code).toBe(0);
    const apply = await octosync(
      ['apply', at('plan.json'), ...conn, '--api-key-file', at('dest.key'), '--log', at('apply.log'), '--log-level', 'debug', '--cleanup-report', at('cleanup'), '--output-format', 'json'],
    );
    const again = await octosync(['apply', at('plan.json'), ...conn, '--journal', at('again.journal.jsonl'), '--output-format', 'json'], { OCTOPUS_API_KEY: ENV_KEY });
    for (const run of [apply, again]) {
      // Partly applied: everything but the variables and accounts the server refused, with their errors quoted.
      expect(run.code).toBe(3);
      const json = JSON.parse(run.stdout);
      expect(json.error.result.failed.length).toBeGreaterThan(0);
      expect(json.error.result.failed.map((f: { error: string }) => f.error).join('\n')).toMatch(/the values \*\*\*, \*\*\*/);
      expect(run.stderr).toMatch(/are not accepted/);
    }

    const files = filesUnder(dir).filter((f) => !f.endsWith('dest.key'));
    const names = files.map((f) => f.slice(dir.length + 1));
    expect(names).toEqual(expect.arrayContaining(['plan.json', 'apply.log', 'plan.json.journal.jsonl', 'again.journal.jsonl', 'cleanup.md', 'cleanup.json']));
    expect(names.some((n) => /^octosync-placeholders-.*\.jsonl$/.test(n))).toBe(true);
    const log = readFileSync(at('apply.log'), 'utf8');
    expect(log).toContain('"body":'); // debug: request bodies too
    expect(log).toContain('are not accepted'); // the server's quoted error, secrets blanked
    const texts = [
      ...files.map((f) => ({ where: f.slice(dir.length + 1), text: readFileSync(f, 'utf8') })),
      ...printed.map(({ args, r }) => ({ where: `octosync ${args[0]} (stdout, stderr)`, text: r.stdout + r.stderr })),
    ];
    const leaks = texts.flatMap(({ where, text }) => [FLAG_KEY, ENV_KEY, FILE_KEY, API_KEY, ...quoted].filter((s) => text.includes(s)).map((s) => `${where}: ${s}`));
    expect(leaks).toEqual([]);
  }, 120_000);
});
