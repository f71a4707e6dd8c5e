/**
 * A live plan (issue 17.2): `octosync plan --source-server … --destination-server …` reads both spaces at once,
 * keeps both snapshots beside the plan, and makes byte for byte the plan of snapshot + snapshot + plan.
 * Over HTTP to two simulators, the CLI in-process.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { DESTINATION_FIXTURE, SOURCE_FIXTURE } from '../helpers/fixtures.js';
import { API_KEY, READ_ONLY_KEY, withSimulator } from '../helpers/simulator.js';
import { workDir } from '../helpers/workdir.js';

const POLICY = 'examples/dev-test-to-staging-prod.yaml';
/** No Octopus or octosync settings of the machine running the tests leak in. */
const NO_ENV = {
  OCTOPUS_URL: undefined,
  OCTOPUS_API_KEY: undefined,
  OCTOPUS_ACCESS_TOKEN: undefined,
  OCTOPUS_SPACE: undefined,
  OCTOSYNC_SOURCE_API_KEY: undefined,
  OCTOSYNC_SOURCE_ACCESS_TOKEN: undefined,
  OCTOSYNC_DESTINATION_API_KEY: undefined,
  OCTOSYNC_DESTINATION_ACCESS_TOKEN: undefined,
};

let source: Awaited<ReturnType<typeof withSimulator>>;
let destination: Awaited<ReturnType<typeof withSimulator>>;
let dir: string;
let sourceKey: string;
let destinationKey: string;

beforeAll(async () => {
  source = await withSimulator({ seed: SOURCE_FIXTURE });
  destination = await withSimulator({ seed: DESTINATION_FIXTURE });
  dir = workDir();
  sourceKey = join(dir, 'source.key');
  destinationKey = join(dir, 'destination.key');
  writeFileSync(sourceKey, `${READ_ONLY_KEY}\n`);
  writeFileSync(destinationKey, `${API_KEY}\n`);
});
afterAll(async () => {
  await Promise.all([source?.close(), destination?.close()]);
});

const at = (name: string) => join(dir, name);
const read = (file: string) => readFileSync(file, 'utf8');
/** The plan file without its date: the only member allowed to differ between two runs. */
const withoutDate = (file: string) => read(file).replace(/"createdAt": "[^"]*"/, '"createdAt": ""');
const withoutTakenAt = (file: string) => read(file).replace(/"takenAt": "[^"]*"/, '"takenAt": ""');
const sourceFlags = () => ['--source-server', source.url, '--source-space', 'Default', '--source-api-key-file', sourceKey];
const destinationFlags = () => ['--destination-server', destination.url, '--destination-space', 'Default', '--destination-api-key-file', destinationKey];

async function threeCommands(name: string): Promise<void> {
  for (const [server, key, out] of [
    [source.url, sourceKey, at(`${name}-source.json`)],
    [destination.url, destinationKey, at(`${name}-destination.json`)],
  ]) {
    expect((await runCli(['snapshot', '--server', server, '--api-key-file', key, '--space', 'Default', '--out', out], NO_ENV)).code).toBe(0);
  }
  const plan = await runCli(['plan', '--source', at(`${name}-source.json`), '--destination', at(`${name}-destination.json`), '--policy', POLICY, '--out', at(`${name}.json`), '--quiet'], NO_ENV);
  expect(plan.stderr).toContain('plan saved to');
  expect(plan.code).toBe(0);
}

describe('octosync plan with servers', () => {
  it('makes byte for byte the plan of snapshot, snapshot and plan, and keeps both snapshots beside it', async () => {
    await threeCommands('files');
    const live = await runCli(['plan', ...sourceFlags(), ...destinationFlags(), '--policy', POLICY, '--out', at('live.json'), '--detailed-exitcode'], NO_ENV);
    expect(live.stderr).toContain(`Snapshots written to ${at('live.source.json')}`);
    expect(live.code).toBe(2);
    expect(live.stdout).toMatch(/to create/);
    expect(live.stderr).toMatch(/Kind\s+.*Source\s+.*Destination/);

    expect(withoutDate(at('live.json'))).toBe(withoutDate(at('files.json')));
    expect(read(at('live.json'))).not.toBe(''); // a plan was written, not two empty files compared
    // The audit trail: the snapshots `octosync snapshot` writes, and the plan made from them is the same plan.
    expect(withoutTakenAt(at('live.source.json'))).toBe(withoutTakenAt(at('files-source.json')));
    expect(withoutTakenAt(at('live.destination.json'))).toBe(withoutTakenAt(at('files-destination.json')));
    const again = await runCli(['plan', '--source', at('live.source.json'), '--destination', at('live.destination.json'), '--policy', POLICY, '--out', at('again.json'), '--quiet'], NO_ENV);
    expect(again.code).toBe(0);
    expect(withoutDate(at('again.json'))).toBe(withoutDate(at('live.json')));
  });

  it('reads both servers at once: the destination is asked before the source has answered everything', async () => {
    // Read one after the other, the destination's first request would come after the source's last.
    const slowSource = await withSimulator({ seed: SOURCE_FIXTURE, latencyMs: 40 });
    const slowDestination = await withSimulator({ seed: DESTINATION_FIXTURE, latencyMs: 40 });
    const arrivals = (sim: typeof slowSource) => {
      const seen: number[] = [];
      const record = sim.stats.record.bind(sim.stats);
      sim.stats.record = (method, path) => {
        seen.push(performance.now());
        record(method, path);
      };
      return seen;
    };
    const [fromSource, fromDestination] = [arrivals(slowSource), arrivals(slowDestination)];
    try {
      const res = await runCli(
        [
          'plan', '--source-server', slowSource.url, '--source-space', 'Default', '--source-api-key-file', sourceKey,
          '--destination-server', slowDestination.url, '--destination-space', 'Default', '--destination-api-key-file', destinationKey,
          '--out', at('overlap.json'), '--quiet',
        ],
        NO_ENV,
      );
      expect(res.code).toBe(0);
      expect(fromSource.length).toBeGreaterThan(5);
      expect(fromDestination[0]).toBeLessThan(fromSource[fromSource.length - 1]);
    } finally {
      await Promise.all([slowSource.close(), slowDestination.close()]);
    }
  });

  it('takes the keys from OCTOSYNC_SOURCE_API_KEY and OCTOSYNC_DESTINATION_API_KEY, and never prints or writes them', async () => {
    const res = await runCli(
      ['plan', '--source-server', source.url, '--source-space', 'Default', '--destination-server', destination.url, '--destination-space', 'Default', '--out', at('env.json'), '--json'],
      { ...NO_ENV, OCTOSYNC_SOURCE_API_KEY: READ_ONLY_KEY, OCTOSYNC_DESTINATION_API_KEY: API_KEY },
    );
    expect(res.code).toBe(0);
    const doc = JSON.parse(res.stdout);
    expect(doc.result.snapshots.map((s: { side: string; file: string }) => [s.side, s.file])).toEqual([
      ['source', at('env.source.json')],
      ['destination', at('env.destination.json')],
    ]);
    for (const text of [res.stdout, res.stderr, read(at('env.json')), read(at('env.source.json')), read(at('env.destination.json'))]) {
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(READ_ONLY_KEY);
    }
  });

  it('mixes a snapshot file for one side with a server for the other, to the same plan', async () => {
    const res = await runCli(['plan', '--source', at('files-source.json'), ...destinationFlags(), '--policy', POLICY, '--out', at('mixed.json'), '--quiet'], NO_ENV);
    expect(res.code).toBe(0);
    expect(existsSync(at('mixed.source.json'))).toBe(false);
    expect(withoutDate(at('mixed.json'))).toBe(withoutDate(at('files.json')));
    const other = await runCli(['plan', ...sourceFlags(), '--destination', at('files-destination.json'), '--policy', POLICY, '--out', at('mixed2.json'), '--quiet'], NO_ENV);
    expect(other.code).toBe(0);
    expect(withoutDate(at('mixed2.json'))).toBe(withoutDate(at('files.json')));
  });
});

describe('octosync plan with servers: errors, one line each, nothing written', () => {
  /** Files in the work folder before and after: a refused plan writes none. */
  async function refused(args: string[], env: Record<string, string | undefined> = {}): Promise<string> {
    const before = readdirSync(dir).sort();
    const res = await runCli(['plan', ...args], { ...NO_ENV, ...env });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(readdirSync(dir).sort()).toEqual(before);
    const lines = res.stderr.trim().split('\n');
    return lines[lines.length - 1];
  }

  it('a missing key names the flags and the environment variables of that side', async () => {
    const line = await refused([...sourceFlags(), '--destination-server', destination.url, '--destination-space', 'Default', '--out', at('x.json')]);
    expect(line).toBe('octosync: missing --destination-api-key-file, --destination-api-key, --destination-access-token (or OCTOSYNC_DESTINATION_API_KEY, OCTOSYNC_DESTINATION_ACCESS_TOKEN)');
  });

  it("OCTOPUS_API_KEY is not taken for either side (which would it be?)", async () => {
    const line = await refused(['--source-server', source.url, '--source-space', 'Default', ...destinationFlags(), '--out', at('x.json')], { OCTOPUS_API_KEY: API_KEY });
    expect(line).toMatch(/^octosync: missing --source-api-key-file, .*OCTOSYNC_SOURCE_API_KEY/);
  });

  it('a file and a server for one side, two keys, a side flag without its server, or no side at all are refused', async () => {
    expect(await refused(['--source', at('files-source.json'), ...sourceFlags(), ...destinationFlags(), '--out', at('x.json')])).toBe(
      'octosync: give --source (a snapshot file) or --source-server (read the space live), not both',
    );
    expect(await refused([...sourceFlags(), '--source-api-key', READ_ONLY_KEY, ...destinationFlags(), '--out', at('x.json')])).toBe(
      'octosync: give one of --source-api-key, --source-api-key-file, not several',
    );
    expect(await refused(['--source', at('files-source.json'), '--destination', at('files-destination.json'), '--destination-space', 'Default', '--out', at('x.json')])).toBe(
      'octosync: --destination-space: only with --destination-server (to read the destination live)',
    );
    expect(await refused([...sourceFlags(), '--out', at('x.json')])).toBe(
      'octosync: name the destination: --destination FILE, or --destination-server URL with --destination-space and --destination-api-key-file',
    );
    expect(await refused(['--source-server', 'octopus.example', '--source-space', 'Default', '--source-api-key-file', sourceKey, ...destinationFlags(), '--out', at('x.json')])).toMatch(
      /^octosync: --source-server octopus.example: no scheme/,
    );
  });

  it('a snapshot kept for the audit trail may not overwrite a file the plan reads', async () => {
    writeFileSync(at('keep.destination.json'), 'mine');
    const line = await refused(['--source', at('keep.destination.json'), ...destinationFlags(), '--out', at('keep.json')]);
    expect(line).toBe(`octosync: the destination snapshot read live would be written to ${at('keep.destination.json')}, which this plan also names: choose another --out`);
    expect(read(at('keep.destination.json'))).toBe('mine');
  });

  it('a wrong key on one side fails the plan with that side named; nothing is written', async () => {
    writeFileSync(at('wrong.key'), 'API-WRONGKEY00000000000000000000\n');
    const line = await refused([...sourceFlags(), '--destination-server', destination.url, '--destination-space', 'Default', '--destination-api-key-file', at('wrong.key'), '--out', at('x.json')]);
    expect(line).toMatch(new RegExp(`^octosync: destination ${destination.url}: .*401`));
  });
});
