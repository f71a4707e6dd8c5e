/**
 * The bench's floors under a live plan's read (issue 17.1, src/bench/bare-read.ts), over HTTP to two simulators:
 * the requests a live plan sent, as the simulators logged them, replayed with nothing but node:http and through
 * octosync's client; the same requests arrive again, a refused one fails the replay, and the log keeps no key.
 * No timings (`npm run bench`'s).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BENCH_SPACE, shapeFor, sourceSeed } from '../../src/bench/generate.js';
import { bareRead, clientRead } from '../../src/bench/bare-read.js';
import { readSpaces } from '../../src/cli/read-spaces.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { API_KEY } from '../helpers/simulator.js';

const shape = shapeFor(3, { tenants: 4, runbooksPerProject: 2 });

describe("the bench's bare read of a live plan's requests", () => {
  let sims: RunningSimulator[];
  let logged: string[][];
  beforeAll(async () => {
    sims = [await startSimulator({ apiKey: API_KEY, seed: sourceSeed(shape) }), await startSimulator({ apiKey: API_KEY, seed: sourceSeed(shape) })];
    for (const sim of sims) sim.stats.logRequests = true;
    // What a live plan reads: both spaces at once (read-spaces.ts).
    await readSpaces(sims.map((sim, i) => ({ label: `Side ${i}`, connection: { server: sim.url, apiKey: API_KEY, space: BENCH_SPACE, parallelism: 8, timeoutMs: 30_000 } })));
    logged = sims.map((sim) => [...sim.stats.requests]);
  });
  afterAll(async () => {
    for (const sim of sims) await sim.close();
  });

  it('logs every request a live plan sends, with its query (the ids= batches, the paging)', () => {
    for (const [i, sim] of sims.entries()) expect(logged[i]).toHaveLength(sim.stats.toJSON().total);
    expect(logged[0].every((line) => line.startsWith('GET /api'))).toBe(true);
    expect(logged[0].some((line) => /^GET \/api\/Spaces-\d+\/projects\?.*take=/.test(line))).toBe(true);
    expect(logged[0].some((line) => /\?ids=|&ids=/.test(line))).toBe(true);
  });

  /** Replays the logged requests with `read`; each simulator must see exactly its side's requests again. */
  const replay = async (read: typeof bareRead) => {
    for (const sim of sims) sim.stats.reset();
    const paths = logged.map((side) => side.map((line) => line.replace(/^GET /, '')));
    const result = await read(
      sims.map((sim, i) => ({ server: sim.url, apiKey: API_KEY, paths: paths[i] })),
      8,
    );
    expect(result.requests).toBe(logged[0].length + logged[1].length);
    // Concurrent: the order may differ, the requests may not.
    for (const [i, sim] of sims.entries()) expect([...sim.stats.requests].sort()).toEqual([...logged[i]].sort());
    return result;
  };

  it('sends the same requests again, all of them answered, each side to its own server', async () => {
    expect((await replay(bareRead)).bytes).toBeGreaterThan(10_000);
  });

  it("sends the same requests through octosync's client too", async () => {
    expect((await replay(clientRead)).bytes).toBeUndefined();
    await expect(clientRead([{ server: sims[0].url, apiKey: 'API-WRONG', paths: ['/api/spaces'] }], 8)).rejects.toThrow(/refused the API key \(401\)/);
  });

  it('fails on a refused request, naming it', async () => {
    await expect(bareRead([{ server: sims[0].url, apiKey: 'API-WRONG', paths: ['/api/spaces'] }], 8)).rejects.toThrow(/GET \/api\/spaces answered 401/);
  });

  it('never logs an API key sent as a query parameter', async () => {
    sims[0].stats.reset();
    const res = await fetch(`${sims[0].url}/api/spaces?apikey=${API_KEY}&take=5`);
    expect(res.status).toBe(200);
    expect(sims[0].stats.requests).toEqual(['GET /api/spaces?apikey=REDACTED&take=5']);
  });

  it('logs nothing unless asked to', async () => {
    const quiet = await startSimulator({ apiKey: API_KEY });
    try {
      await fetch(`${quiet.url}/api`, { headers: { 'X-Octopus-ApiKey': API_KEY } });
      expect(quiet.stats.toJSON().total).toBe(1);
      expect(quiet.stats.requests).toEqual([]);
    } finally {
      await quiet.close();
    }
  });
});
