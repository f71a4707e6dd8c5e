/**
 * Cross-cutting behaviour of the simulator that test/simulator/core.test.ts does not cover: paging and filters
 * (API-FACTS §2.5), routing errors (§2.6, §2.7), the test hooks (faults, latency, stats, state file) and the
 * pre-2019.1 server shape (§2.3, §2.5, §4).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { API_KEY, withSimulator } from '../helpers/simulator.js';

type Sim = Awaited<ReturnType<typeof withSimulator>>;

const S = '/api/Spaces-1';
const NAMES = ['Development', 'Test', 'Staging', 'Production', 'Pre-development'];

async function createEnvironments(sim: Sim, names: string[]): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const Name of names) {
    const res = await sim.api('POST', `${S}/environments`, { Name });
    expect(res.status).toBe(201);
    ids[Name] = res.body.Id;
  }
  return ids;
}

interface SimStats {
  total: number;
  byMethod: Record<string, number>;
  byPattern: Record<string, number>;
  faults: Record<string, number>;
}

async function simStats(sim: Sim): Promise<SimStats> {
  const res = await fetch(`${sim.url}/_sim/stats`);
  expect(res.status).toBe(200);
  return (await res.json()) as SimStats;
}

/** `skip` and `take` of a paging link (`/api/Spaces-1/environments?skip=2&take=2`). */
function pageOf(link: string): { path: string; skip: number; take: number } {
  const url = new URL(link, 'http://x');
  return { path: url.pathname, skip: Number(url.searchParams.get('skip')), take: Number(url.searchParams.get('take')) };
}

describe('paging and filters (API-FACTS §2.5)', () => {
  let sim: Sim;
  let ids: Record<string, string>;
  beforeAll(async () => {
    sim = await withSimulator();
    ids = await createEnvironments(sim, NAMES);
  });
  afterAll(() => sim.close());

  it('pages with skip/take: counts, zero-based LastPageNumber, Page.Next/Page.Last/Page.Current/Page.All links', async () => {
    const first = await sim.api('GET', `${S}/environments?skip=0&take=2`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ItemType: 'Environment', TotalResults: 5, ItemsPerPage: 2, NumberOfPages: 3, LastPageNumber: 2 });
    expect(first.body.Items).toHaveLength(2);
    const links = first.body.Links;
    expect(pageOf(links['Page.Next'])).toEqual({ path: `${S}/environments`, skip: 2, take: 2 });
    expect(pageOf(links['Page.Last'])).toEqual({ path: `${S}/environments`, skip: 4, take: 2 });
    expect(pageOf(links['Page.Current'])).toEqual({ path: `${S}/environments`, skip: 0, take: 2 });
    expect(pageOf(links['Page.All']).take).toBe(2147483647);
    expect(links.Self).toBeDefined();
    expect(links.Template).toMatch(/\{\?[^}]*skip[^}]*\}/);

    const last = await sim.api('GET', `${S}/environments?skip=4&take=2`);
    expect(last.body.Items).toHaveLength(1);
    expect(last.body.Links).not.toHaveProperty(['Page.Next']);
    expect(pageOf(last.body.Links['Page.Last'])).toEqual({ path: `${S}/environments`, skip: 4, take: 2 });

    // Walking Page.Next visits every item exactly once.
    const seen: string[] = [];
    let next: string | undefined = `${S}/environments?skip=0&take=2`;
    while (next) {
      const page: { body: { Items: { Id: string }[]; Links: Record<string, string> } } = await sim.api('GET', next);
      seen.push(...page.body.Items.map((e) => e.Id));
      next = page.body.Links['Page.Next'];
    }
    expect(seen.sort()).toEqual(Object.values(ids).sort());
  });

  it('has one page (LastPageNumber 0, no Page.Next) when everything fits', async () => {
    const res = await sim.api('GET', `${S}/environments?take=30`);
    expect(res.body).toMatchObject({ TotalResults: 5, NumberOfPages: 1, LastPageNumber: 0 });
    expect(res.body.Links).not.toHaveProperty(['Page.Next']);
  });

  it('answers take=2147483647 ("all", TS BasicRepository.TakeAll) with every item', async () => {
    const res = await sim.api('GET', `${S}/environments?skip=0&take=2147483647`);
    expect(res.body.Items).toHaveLength(5);
    expect(res.body.LastPageNumber).toBe(0);
  });

  it('answers /all with a bare JSON array of full resources', async () => {
    const res = await sim.api('GET', `${S}/environments/all`);
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body.map((e: { Name: string }) => e.Name).sort()).toEqual([...NAMES].sort());
    expect(res.body[0]).toHaveProperty('Links.Self');
  });

  it('filters by ids= (comma-separated list), in the list and in /all', async () => {
    const wanted = [ids.Test, ids.Production];
    const list = await sim.api('GET', `${S}/environments?ids=${wanted.join(',')}`);
    expect(list.body.TotalResults).toBe(2);
    expect(list.body.Items.map((e: { Id: string }) => e.Id).sort()).toEqual([...wanted].sort());
    const all = await sim.api('GET', `${S}/environments/all?ids=${wanted.join(',')}`);
    expect(all.body.map((e: { Id: string }) => e.Id).sort()).toEqual([...wanted].sort());
  });

  it('filters by partialName: a case-insensitive "contains" match ("Dev" finds "Development")', async () => {
    const names = async (q: string) =>
      (await sim.api('GET', `${S}/environments?partialName=${encodeURIComponent(q)}`)).body.Items.map((e: { Name: string }) => e.Name).sort();
    expect(await names('Dev')).toEqual(['Development', 'Pre-development']);
    expect(await names('dev')).toEqual(['Development', 'Pre-development']);
    expect(await names('OPMENT')).toEqual(['Development', 'Pre-development']);
    expect(await names('Prod')).toEqual(['Production']);
    expect(await names('nothing like it')).toEqual([]);
  });

  it('keeps TotalResults the count of matches, not of the page', async () => {
    const res = await sim.api('GET', `${S}/environments?partialName=dev&take=1`);
    expect(res.body).toMatchObject({ TotalResults: 2, ItemsPerPage: 1, NumberOfPages: 2, LastPageNumber: 1 });
    expect(res.body.Links).toHaveProperty(['Page.Next']);
  });
});

describe('routing errors (API-FACTS §2.6, §2.7)', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await withSimulator();
  });
  afterAll(() => sim.close());

  it.each([
    ['an unknown collection', `${S}/nosuchthings`],
    ['an unknown collection at system scope', '/api/nosuchthings/Things-1'],
    ['an unknown id', `${S}/environments/Environments-999999`],
    ['an unknown space', '/api/Spaces-999/environments'],
    ['a path below an item that does not exist', `${S}/environments/Environments-1/nosuchlink`],
  ])('answers 404 with {ErrorMessage, Errors} for %s', async (_what, p) => {
    const res = await sim.api('GET', p);
    expect(res.status).toBe(404);
    expect(typeof res.body.ErrorMessage).toBe('string');
    expect(Array.isArray(res.body.Errors)).toBe(true);
  });

  it.each([
    ['DELETE on a collection', 'DELETE', `${S}/environments`],
    ['PUT on a collection', 'PUT', `${S}/environments`],
    ['POST to an item', 'POST', `${S}/environments/Environments-1`],
    ['POST to the root document', 'POST', '/api'],
    ['PUT on the space root', 'PUT', S],
  ])('answers 405 for %s', async (_what, method, p) => {
    const res = await sim.api(method, p, method === 'DELETE' ? undefined : {});
    expect(res.status).toBe(405);
    expect(typeof res.body.ErrorMessage).toBe('string');
  });

  // A deployment process and a variable set exist with their owner: no POST, no DELETE (API-FACTS §3.7, §3.9).
  it.each([
    ['POST', `${S}/deploymentprocesses`],
    ['POST', `${S}/variables`],
  ])('answers 405 for %s %s (documents owned by a project)', async (method, p) => {
    const res = await sim.api(method, p, { Steps: [] });
    expect(res.status).toBe(405);
  });

  it('answers 400 "There was a problem with your request." for a body that is not JSON', async () => {
    for (const [method, p] of [['POST', `${S}/environments`], ['PUT', `${S}/environments/Environments-1`]]) {
      const res = await fetch(sim.url + p, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-Octopus-ApiKey': API_KEY },
        body: '{"Name": "Broken",',
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { ErrorMessage: string; Errors: string[] };
      expect(body.ErrorMessage).toBe('There was a problem with your request.');
      expect(body.Errors.length).toBeGreaterThan(0);
    }
    const list = await sim.api('GET', `${S}/environments/all`);
    expect(list.body.map((e: { Name: string }) => e.Name)).not.toContain('Broken');
  });
});

describe('fault injection', () => {
  it('answers every /api request 503 with Retry-After when faultRate is 1 and faultKinds is [503]', async () => {
    const sim = await withSimulator({ faultRate: 1, faultKinds: ['503'], retryAfterSeconds: 7 });
    try {
      for (const [method, p, body] of [
        ['GET', '/api', undefined],
        ['GET', `${S}/environments`, undefined],
        ['POST', `${S}/environments`, { Name: 'Faulty' }],
      ] as const) {
        const res = await sim.api(method, p, body);
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('7');
        expect(typeof res.body.ErrorMessage).toBe('string');
      }
      expect((await simStats(sim)).faults['503']).toBe(3);
    } finally {
      await sim.close();
    }
  });

  it('destroys the connection for a "reset" fault', async () => {
    const sim = await withSimulator({ faultRate: 1, faultKinds: ['reset'] });
    try {
      await expect(sim.api('GET', `${S}/environments`)).rejects.toThrow();
    } finally {
      await sim.close();
    }
  });

  it('gives the same schedule for the same faultSeed, another for another seed', async () => {
    const schedule = async (faultSeed: number): Promise<number[]> => {
      const sim = await withSimulator({ faultRate: 0.5, faultKinds: ['503', '500'], faultSeed });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 24; i++) statuses.push((await sim.api('GET', `${S}/environments`)).status);
        return statuses;
      } finally {
        await sim.close();
      }
    };
    const a = await schedule(42);
    const b = await schedule(42);
    const c = await schedule(43);
    expect(a).toEqual(b);
    expect(a.some((s) => s === 200)).toBe(true);
    expect(a.some((s) => s !== 200)).toBe(true);
    expect(c).not.toEqual(a);
  });

  it('applies latencyMs to every /api request', async () => {
    const sim = await withSimulator({ latencyMs: 150 });
    try {
      for (const p of ['/api', `${S}/environments`]) {
        const started = performance.now();
        const res = await sim.api('GET', p);
        expect(res.status).toBe(200);
        expect(performance.now() - started).toBeGreaterThanOrEqual(140);
      }
    } finally {
      await sim.close();
    }
  });
});

describe('/_sim/stats and /_sim/reset', () => {
  it('counts /api requests by method and by path pattern, and resets', async () => {
    const sim = await withSimulator();
    try {
      expect((await fetch(`${sim.url}/_sim/reset`, { method: 'POST' })).status).toBe(200);
      const created = await sim.api('POST', `${S}/environments`, { Name: 'Counted' });
      await sim.api('GET', `${S}/environments`);
      await sim.api('GET', `${S}/environments?skip=0&take=1`);
      await sim.api('GET', `${S}/environments/${created.body.Id}`);
      await sim.api('PUT', `${S}/environments/${created.body.Id}`, { ...created.body, Description: 'changed' });

      const stats = await simStats(sim);
      expect(stats.total).toBe(5);
      expect(stats.byMethod).toEqual({ POST: 1, GET: 3, PUT: 1 });
      expect(stats.byPattern).toMatchObject({
        'POST /api/{spaceId}/environments': 1,
        'GET /api/{spaceId}/environments': 2,
        'GET /api/{spaceId}/environments/{id}': 1,
        'PUT /api/{spaceId}/environments/{id}': 1,
      });

      expect((await fetch(`${sim.url}/_sim/reset`, { method: 'POST' })).status).toBe(200);
      const after = await simStats(sim);
      expect(after.total).toBe(0);
      expect(after.byMethod).toEqual({});
      expect(after.byPattern).toEqual({});
    } finally {
      await sim.close();
    }
  });
});

describe('state file (--state FILE)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'octosync-sim-state-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the data across a restart from the same file, with its id counters', async () => {
    const stateFile = path.join(dir, 'state.json');
    const first = await withSimulator({ stateFile });
    const created = await first.api('POST', `${S}/environments`, { Name: 'Persistent', Description: 'kept' });
    expect(created.status).toBe(201);
    await first.close();

    const second = await withSimulator({ stateFile });
    try {
      const res = await second.api('GET', `${S}/environments/${created.body.Id}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ Name: 'Persistent', Description: 'kept' });
      const spaces = await second.api('GET', '/api/spaces/all');
      expect(spaces.body.filter((s: { IsDefault: boolean }) => s.IsDefault)).toHaveLength(1);
      const again = await second.api('POST', `${S}/environments`, { Name: 'After restart' });
      expect(again.status).toBe(201);
      expect(again.body.Id).not.toBe(created.body.Id);
    } finally {
      await second.close();
    }
  });

  it('writes the file atomically (a new file renamed over the old one, never a partial write)', async () => {
    const stateFile = path.join(dir, 'atomic.json');
    const sim = await withSimulator({ stateFile });
    try {
      await sim.api('POST', `${S}/environments`, { Name: 'One' });
      const before = statSync(stateFile).ino;
      JSON.parse(readFileSync(stateFile, 'utf8'));
      await sim.api('POST', `${S}/environments`, { Name: 'Two' });
      // Written in place, the inode would stay; write-to-temporary-then-rename gives the path a new inode.
      expect(statSync(stateFile).ino).not.toBe(before);
      const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
      expect(JSON.stringify(saved)).toContain('"Two"');
      expect(readdirSync(dir).filter((f) => f.startsWith('atomic.json') && f !== 'atomic.json')).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});

describe('an old server (version 2018.10.0, before spaces)', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await withSimulator({ version: '2018.10.0' });
  });
  afterAll(() => sim.close());

  it('has no Spaces or SpaceHome link in /api, and unprefixed collection links (API-FACTS §2.3, §4)', async () => {
    const res = await sim.api('GET', '/api');
    expect(res.body.Version).toBe('2018.10.0');
    expect(res.body.Links).not.toHaveProperty('Spaces');
    expect(res.body.Links).not.toHaveProperty('SpaceHome');
    expect(res.body.Links.Environments).toMatch(/^\/api\/environments/);
  });

  it('answers collections in the legacy shape: IsStale, Page.N links, no NumberOfPages/LastPageNumber (API-FACTS §2.5)', async () => {
    for (const Name of ['A', 'B', 'C']) expect((await sim.api('POST', '/api/environments', { Name })).status).toBe(201);
    const res = await sim.api('GET', '/api/environments?take=2');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ItemType: 'Environment', IsStale: false, TotalResults: 3, ItemsPerPage: 2 });
    expect(res.body).not.toHaveProperty('NumberOfPages');
    expect(res.body).not.toHaveProperty('LastPageNumber');
    expect(res.body.Links).toHaveProperty(['Page.0']);
    expect(res.body.Links).toHaveProperty(['Page.1']);
    expect(res.body.Links).toHaveProperty(['Page.Next']);
    expect(res.body.Links).toHaveProperty(['Page.Current']);
  });

  it('does not serve /api/spaces or space-prefixed routes (spaces arrived in 2019.1)', async () => {
    expect((await sim.api('GET', '/api/spaces')).status).toBe(404);
    expect((await sim.api('GET', '/api/Spaces-1/environments')).status).toBe(404);
  });
});
