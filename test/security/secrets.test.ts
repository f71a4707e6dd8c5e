import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { READ_ONLY_KEY, withSimulator } from '../helpers/simulator.js';
import { workDir } from '../helpers/sync.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { DESTINATION_FIXTURE, SOURCE_FIXTURE } from '../helpers/fixtures.js';
import { EXAMPLE_POLICY_FILE, filesUnder } from '../helpers/reliability.js';

/**
 * End-to-end flows through the CLI (snapshot, plan, show, validate, apply with its log, journal and clean-up
 * report, failures included), with API keys given by flag, by OCTOPUS_API_KEY and by --api-key-file. Every
 * file octosync wrote and everything it printed is scanned for the keys and for every sensitive value the
 * simulators were seeded with. The source is read with a read-only key: no write request ever reaches it.
 */

const FLAG_KEY = 'API-FLAGKEY0000000000000000000001';
const ENV_KEY = 'API-ENVKEY00000000000000000000002';
const FILE_KEY = 'API-FILEKEY0000000000000000000003';
const KEYS = [READ_ONLY_KEY, FLAG_KEY, ENV_KEY, FILE_KEY];

/** Every sensitive value a seed holds: SensitiveValue `NewValue`s, values of sensitive variables, `Sup3rSecret-…` strings. */
function seededSecrets(file: string): string[] {
  const found = new Set<string>();
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (typeof x === 'string' && /Sup3rSecret-/.test(x)) found.add(x);
    if (!x || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (typeof o.NewValue === 'string') found.add(o.NewValue);
    if ((o.Type === 'Sensitive' || o.IsSensitive === true) && typeof o.Value === 'string') found.add(o.Value);
    Object.values(o).forEach(walk);
  };
  walk(JSON.parse(readFileSync(file, 'utf8')));
  return [...found].filter((s) => s.length >= 6);
}

describe('secrets never leave the servers, and the source is never written to', () => {
  let src: Awaited<ReturnType<typeof withSimulator>>;
  let dsts: Awaited<ReturnType<typeof withSimulator>>[];
  let dir: string;
  const printed: CliResult[] = [];
  const secrets = [...new Set([...seededSecrets(SOURCE_FIXTURE), ...seededSecrets(DESTINATION_FIXTURE)])];

  /** octosync <args>: every output is kept for the scan. */
  const octosync = async (args: string[], env: Record<string, string | undefined> = {}, expected = 0) => {
    const r = await runCli(args, { OCTOPUS_API_KEY: undefined, OCTOPUS_URL: undefined, OCTOPUS_SPACE: undefined, ...env });
    printed.push(r);
    expect({ args, code: r.code, stderr: r.code === expected ? '' : r.stderr }).toEqual({ args, code: expected, stderr: '' });
    return r;
  };

  beforeAll(async () => {
    dir = workDir();
    src = await withSimulator({ seed: SOURCE_FIXTURE });
    const keys = [{ key: FLAG_KEY }, { key: ENV_KEY }, { key: FILE_KEY }];
    dsts = [await withSimulator({ seed: DESTINATION_FIXTURE, apiKeys: keys }), await withSimulator({ seed: DESTINATION_FIXTURE, apiKeys: keys })];
    writeFileSync(join(dir, 'dest.key'), `${FILE_KEY}\n`);
  });
  afterAll(async () => {
    await src?.close();
    for (const d of dsts ?? []) await d.close();
  });

  it('the seeded secrets are on the servers (so that the scan below means something)', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(15);
    const stored = JSON.stringify(src.store.toJSON()) + JSON.stringify(dsts[0].store.toJSON());
    expect(secrets.filter((s) => !stored.includes(s))).toEqual([]);
  });

  it('runs snapshot, plan, show, validate and apply (and their failures) with keys from flag, environment and file', async () => {
    const at = (f: string) => join(dir, f);
    const conn = (url: string) => ['--server', url, '--space', 'Default'];
    // Source: a read-only key, by flag. Destinations: by environment and by file.
    await octosync(['snapshot', ...conn(src.url), '--api-key', READ_ONLY_KEY, '--out', at('source.json')]);
    await octosync(['snapshot', ...conn(dsts[0].url), '--out', at('dest-a.json')], { OCTOPUS_API_KEY: ENV_KEY });
    await octosync(['snapshot', '--out', at('dest-b.json')], { OCTOPUS_API_KEY: FLAG_KEY, OCTOPUS_URL: dsts[1].url, OCTOPUS_SPACE: 'Default' });
    // Plans: the example policy for one destination, the defaults (tenant variables synced) for the other.
    await octosync(['plan', '--source', at('source.json'), '--destination', at('dest-a.json'), '--policy', EXAMPLE_POLICY_FILE, '--out', at('plan-a.json')]);
    await octosync(['plan', '--source', at('source.json'), '--destination', at('dest-b.json'), '--out', at('plan-b.json'), '--detailed-exitcode'], {}, 2);
    for (const format of ['text', 'markdown', 'json']) for (const p of ['plan-a.json', 'plan-b.json']) await octosync(['show', at(p), '--format', format]);
    for (const f of ['source.json', 'dest-a.json', 'plan-a.json', 'plan-b.json']) await octosync(['validate', at(f)]);
    // Applying to the source (read-only key) is refused before any write: the plan was made for another server.
    await octosync(['apply', at('plan-a.json'), ...conn(src.url), '--api-key', READ_ONLY_KEY], {}, 1);
    // A partial apply (the destination fails every write after the tenth), then the same plan again; logs on.
    let writes = 0;
    const record = dsts[0].stats.record.bind(dsts[0].stats);
    dsts[0].stats.record = (method, path) => {
      record(method, path);
      if (method !== 'GET' && ++writes === 10) dsts[0].faults.configure({ faultRate: 1, faultKinds: ['500'] });
    };
    await octosync(['apply', at('plan-a.json'), ...conn(dsts[0].url), '--api-key-file', at('dest.key'), '--log', at('apply-a1.log'), '--timeout', '1'], {}, 3);
    dsts[0].stats.record = record;
    dsts[0].faults.configure({ faultRate: 0 });
    await octosync(['apply', at('plan-a.json'), ...conn(dsts[0].url), '--api-key-file', at('dest.key'), '--log', at('apply-a2.log'), '--log-level', 'debug']);
    await octosync(['apply', at('plan-b.json'), ...conn(dsts[1].url), '--log', at('logs/apply-b.log'), '--log-level', 'debug', '--cleanup-report', at('reports/cleanup-b')], { OCTOPUS_API_KEY: ENV_KEY });
    // Converged; a stale plan is refused (the error lists what changed); wrong keys are refused without echoing them.
    await octosync(['snapshot', ...conn(dsts[0].url), '--api-key', FLAG_KEY, '--out', at('dest-a-after.json')]);
    await octosync(['plan', '--source', at('source.json'), '--destination', at('dest-a-after.json'), '--policy', EXAMPLE_POLICY_FILE, '--out', at('plan-a-again.json'), '--detailed-exitcode']);
    await octosync(['snapshot', ...conn(dsts[1].url), '--api-key', 'API-WRONGKEY000000000000000000099', '--out', at('never.json')], {}, 1);
    await octosync(['apply', at('plan-b.json'), ...conn(dsts[0].url), '--api-key', FLAG_KEY], {}, 1);
    expect(printed.some((r) => /refused the API key \(401\)/.test(r.stderr))).toBe(true);
    expect(printed.some((r) => /placeholder/.test(r.stderr))).toBe(true);
  }, 120_000);

  it('no key and no seeded secret appears in any file octosync wrote or anything it printed', () => {
    const files = filesUnder(dir).filter((f) => !f.endsWith('dest.key'));
    expect(files.length).toBeGreaterThanOrEqual(15);
    expect(files.filter((f) => /\.log$/.test(f))).toHaveLength(3);
    expect(readFileSync(join(dir, 'logs/apply-b.log'), 'utf8')).toContain('"body":'); // debug: request bodies too
    expect(files.filter((f) => /journal/.test(f)).length).toBeGreaterThanOrEqual(2);
    expect(files.filter((f) => /cleanup/.test(f)).length).toBeGreaterThanOrEqual(4);
    const texts = [...files.map((f) => ({ where: f, text: readFileSync(f, 'utf8') })), ...printed.map((r, i) => ({ where: `output ${i}`, text: r.stdout + r.stderr }))];
    const leaks = texts.flatMap(({ where, text }) => [...KEYS, 'API-WRONGKEY000000000000000000099', ...secrets].filter((s) => text.includes(s)).map((s) => `${where}: ${s.slice(0, 24)}`));
    expect(leaks).toEqual([]);
    process.stdout.write(`secrets: ${files.length} files and ${printed.length} outputs scanned for ${KEYS.length + 1} API keys and ${secrets.length} seeded secrets: none found\n`);
  });

  it('no write request reached the source in the whole flow', () => {
    expect(src.stats.toJSON().total).toBeGreaterThan(20);
    expect(src.stats.writes).toBe(0);
  });
});
