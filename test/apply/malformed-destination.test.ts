/**
 * Apply reads the destination with the snapshot's decoders: a destination answer of another shape than octosync
 * relies on stops the apply before its first write, with one line naming the request, the item and the member.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from '../helpers/cli.js';
import { startProxy, type ProxyOptions, type RunningProxy } from '../helpers/proxy.js';
import { FixtureSync } from '../helpers/reliability.js';
import { API_KEY } from '../helpers/simulator.js';

describe('apply against a destination whose answers have another shape', () => {
  let sync: FixtureSync;
  let dst: Awaited<ReturnType<FixtureSync['destination']>>;
  let planFile: string;
  // The plan names the address it was made for: the proxy's, which answers as the destination until told otherwise.
  let proxy: RunningProxy;
  const answers: NonNullable<ProxyOptions['answer']> = [];

  beforeAll(async () => {
    sync = await FixtureSync.start(false);
    dst = await sync.destination();
    proxy = await startProxy(dst.url, { answer: answers });
    ({ planFile } = await sync.planFor({ ...dst, url: proxy.url }, 'malformed'));
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await dst?.close();
    await sync?.close();
  });

  it('a lifecycle whose Name is not a string, read before any write: exit 1, one line, nothing written', async () => {
    const page = (await dst.api('GET', '/api/Spaces-1/lifecycles?skip=0&take=1000')).body;
    expect(page.Items.length).toBeGreaterThan(0);
    page.Items[0].Name = ['Default Lifecycle'];
    answers.push({ match: /^\/api\/Spaces-1\/lifecycles\?/, status: 200, body: JSON.stringify(page) });
    dst.stats.reset();
    const r = await runCli(['apply', planFile, '--server', proxy.url, '--api-key', API_KEY, '--space', 'Default']);
    expect(r.code).toBe(1);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('octosync:'));
    expect(errors).toEqual([`octosync: unexpected response from GET /api/Spaces-1/lifecycles (lifecycles): item 0 (${page.Items[0].Id}) 'Name' is not a string`]);
    expect(dst.stats.writes).toBe(0);
  });
});
