/**
 * A server answer that does not have the shape octosync relies on (a name that is not a string, an action without
 * a name, a permissions document of another shape): `snapshot` exits 1 with one line naming the request, the item
 * and the member, and writes no file. The simulator serves the space; a proxy in front of it corrupts one answer.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';
import { SOURCE_FIXTURE } from '../helpers/fixtures.js';
import { startProxy } from '../helpers/proxy.js';
import { API_KEY, withSimulator } from '../helpers/simulator.js';

type Sim = Awaited<ReturnType<typeof withSimulator>>;

let dir: string;
let out: string;
let sim: Sim;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'octosync-malformed-'));
  out = join(dir, 'snapshot.json');
  sim = await withSimulator({ seed: SOURCE_FIXTURE });
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `snapshot` through a proxy that answers `match` with `body` (the simulator's own answer, changed). */
async function snapshotThrough(match: RegExp, body: unknown): Promise<CliResult> {
  const proxy = await startProxy(sim.url, { answer: [{ match, status: 200, body: JSON.stringify(body) }] });
  try {
    return await runCli(['snapshot', '--server', proxy.url, '--api-key', API_KEY, '--space', 'Default', '--out', out]);
  } finally {
    await proxy.close();
  }
}

/** Exit 1, exactly one error line, and nothing written. */
function expectOneLine(res: CliResult): string {
  expect(res.code).toBe(1);
  const errors = res.stderr.split('\n').filter((l) => l.startsWith('octosync:'));
  expect(errors).toHaveLength(1);
  expect(errors[0]).not.toMatch(/internal error|TypeError|undefined/);
  expect(existsSync(out)).toBe(false);
  expect(readdirSync(dir)).toEqual([]);
  return errors[0];
}

describe('snapshot of a server whose answers have another shape', () => {
  it('a project whose Name is not a string: one line naming the listing, the item and the member', async () => {
    const page = (await sim.api('GET', '/api/Spaces-1/projects?skip=0&take=1000')).body;
    expect(page.Items.length).toBeGreaterThan(1);
    const bad = page.Items[1];
    bad.Name = 42;
    const line = expectOneLine(await snapshotThrough(/^\/api\/Spaces-1\/projects\?/, page));
    expect(line).toBe(`octosync: unexpected response from GET /api/Spaces-1/projects (projects): item 1 (${bad.Id}) 'Name' is not a string`);
  });

  it('a deployment process with an action that has no name: the member is named by its path in the document', async () => {
    const { body: projects } = await sim.api('GET', '/api/Spaces-1/projects?skip=0&take=1000');
    const ids = projects.Items.map((p: { DeploymentProcessId: string | null }) => p.DeploymentProcessId).filter(Boolean);
    const page = (await sim.api('GET', `/api/Spaces-1/deploymentprocesses?ids=${ids.join(',')}&skip=0&take=100`)).body;
    const index = page.Items.findIndex((p: { Steps: { Actions: unknown[] }[] }) => p.Steps.length > 0 && p.Steps[0].Actions.length > 0);
    expect(index).toBeGreaterThanOrEqual(0);
    delete page.Items[index].Steps[0].Actions[0].Name;
    const line = expectOneLine(await snapshotThrough(/^\/api\/Spaces-1\/deploymentprocesses\?ids=/, page));
    expect(line).toBe(
      `octosync: unexpected response from GET /api/Spaces-1/deploymentprocesses (deployment processes): item ${index} (${page.Items[index].Id}) 'Steps[0].Actions[0].Name' is not a string`,
    );
  });

  it('a collection item that is not an object, and a page without Items', async () => {
    const page = (await sim.api('GET', '/api/Spaces-1/environments?skip=0&take=1000')).body;
    page.Items.splice(1, 0, 'Production');
    expect(expectOneLine(await snapshotThrough(/^\/api\/Spaces-1\/environments\?/, page))).toBe(
      'octosync: unexpected response from GET /api/Spaces-1/environments (environments): item 1 is not an object',
    );
    expect(expectOneLine(await snapshotThrough(/^\/api\/Spaces-1\/lifecycles\?/, { Items: null }))).toMatch(/GET \/api\/Spaces-1\/lifecycles\?skip=0&take=1000 \(lifecycles\): not a collection/);
  });

  it("a permissions document of another shape: one line naming it, before the space's content is read", async () => {
    const me = (await sim.api('GET', '/api/users/me')).body;
    const path = String(me.Links.Permissions).replace(/\{.*\}$/, '');
    const line = expectOneLine(await snapshotThrough(new RegExp(`^${path}$`), { SpacePermissions: { ProjectView: 'all of them' } }));
    expect(line).toBe(`octosync: unexpected response from GET ${path}: 'SpacePermissions.ProjectView' is not a list`);
  });
});
