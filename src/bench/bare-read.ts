import http from 'node:http';
import https from 'node:https';
import { OctopusClient } from '../octopus/client.js';

/**
 * The floor under a live plan's read (issue 17.1), for the benchmark: the very requests a live plan sent, replayed
 * with nothing but Node's own HTTP client and `JSON.parse`: no got, no retries, no dependency order (every request
 * is known up front), no checking, normalising or snapshot. What octosync's read costs above this is its own; what
 * this costs is the simulators', the latency's and Node's, which no client code could take away.
 *
 * `clientRead` replays them through octosync's own client instead (got, with its retries, timeouts and limiter):
 * the step between the two floors is what the HTTP client costs, the rest of the live plan is octosync's reading
 * code, snapshot files and plan.
 */

export interface BareSide {
  server: string;
  apiKey: string;
  /** Paths with their queries (`/api/Spaces-1/projects?skip=0&take=1000`), as the simulator logged them. */
  paths: string[];
}

export interface BareReadResult {
  requests: number;
  /** The bodies' bytes (the bare read only: counting them through the client would add work it does not do). */
  bytes?: number;
}

/** Reads every side at once, each with `parallelism` requests in flight on kept-alive sockets; throws on any non-2xx. */
export async function bareRead(sides: BareSide[], parallelism: number): Promise<BareReadResult> {
  const totals = { requests: 0, bytes: 0 };
  await Promise.all(
    sides.map(async (side) => {
      const base = new URL(side.server);
      const agent = new (base.protocol === 'https:' ? https : http).Agent({ keepAlive: true, maxSockets: parallelism });
      let next = 0;
      const worker = async () => {
        while (next < side.paths.length) {
          const text = await get(base, side.paths[next++], side.apiKey, agent);
          JSON.parse(text);
          totals.requests++;
          totals.bytes += Buffer.byteLength(text);
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.min(parallelism, side.paths.length) }, worker));
      } finally {
        agent.destroy();
      }
    }),
  );
  return totals;
}

function get(base: URL, path: string, apiKey: string, agent: http.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = (base.protocol === 'https:' ? https : http).request(new URL(path, base), { agent, headers: { 'X-Octopus-ApiKey': apiKey, Accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) resolve(text);
        else reject(new Error(`bare read: GET ${path} answered ${res.statusCode}: ${text.slice(0, 200)}`));
      });
    });
    request.on('error', reject);
    request.end();
  });
}

/** The same replay through `OctopusClient` (as a live plan builds it: the parallelism, a 30 s timeout), `JSON.parse` included. */
export async function clientRead(sides: BareSide[], parallelism: number): Promise<BareReadResult> {
  let requests = 0;
  await Promise.all(
    sides.map(async (side) => {
      const client = new OctopusClient({ server: side.server, apiKey: side.apiKey, parallelism, timeoutMs: 30_000 });
      try {
        // The client's limiter keeps `parallelism` in flight; the rest wait their turn, as in a snapshot.
        await Promise.all(
          side.paths.map(async (path) => {
            await client.get(path);
            requests++;
          }),
        );
      } finally {
        client.close();
      }
    }),
  );
  return { requests };
}
