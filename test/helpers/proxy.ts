import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxyOptions {
  /** Caps `take` on every request, as a server with a smaller page size does. */
  maxTake?: number;
  /** Removes `Page.Next` from collection answers (OctopusDeploy/Issues#8112: 2023.1 tenants lacked it). */
  dropPageNext?: boolean;
  /** Answers these paths (regex on path and query) itself, with this status and body. */
  answer?: { match: RegExp; status: number; body: string; contentType?: string }[];
  /** Changes the server's answers to requests of this method (or any) on these paths, as a misbehaving server would. */
  rewrite?: { match: RegExp; method?: string; change: (answer: { status: number; text: string }) => { status: number; text: string } }[];
  /** Holds answers to these paths back for this long, as a slow server does. */
  delay?: { match: RegExp; ms: number }[];
}

export interface RunningProxy {
  url: string;
  /** Every request path with its query, in order. */
  requests: string[];
  /** `request <path>` when a request arrives and `answer <path>` when its answer is sent, in the order they happened. */
  events: string[];
  /** Requests whose client is still waiting for the answer. */
  inFlight(): number;
  close(): Promise<void>;
}

/** A loopback HTTP proxy in front of a simulator that can change what the server answers. */
export async function startProxy(target: string, options: ProxyOptions = {}): Promise<RunningProxy> {
  const requests: string[] = [];
  const events: string[] = [];
  const sockets = new Set<Socket>();
  let open = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    open++;
    res.once('close', () => open--); // answered, or the client gave up
    void (async () => {
      const url = new URL(req.url ?? '/', target);
      if (options.maxTake !== undefined && url.searchParams.has('take')) {
        url.searchParams.set('take', String(Math.min(options.maxTake, Number(url.searchParams.get('take')))));
      }
      const path = url.pathname + url.search;
      requests.push(path);
      events.push(`request ${path}`);
      res.once('finish', () => events.push(`answer ${path}`));
      const delay = options.delay?.find((d) => d.match.test(path));
      if (delay) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay.ms);
          res.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      if (res.destroyed) return;
      const canned = options.answer?.find((a) => a.match.test(path));
      if (canned) {
        res.writeHead(canned.status, { 'Content-Type': canned.contentType ?? 'application/json' });
        res.end(canned.body);
        return;
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers[k] = v;
      const upstream = await fetch(new URL(path, target), { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
      let text = await upstream.text();
      if (options.dropPageNext && text.startsWith('{')) {
        const body = JSON.parse(text);
        if (body?.Links?.['Page.Next']) {
          delete body.Links['Page.Next'];
          text = JSON.stringify(body);
        }
      }
      let status = upstream.status;
      for (const r of options.rewrite ?? []) {
        if (r.match.test(path) && (!r.method || r.method === req.method)) ({ status, text } = r.change({ status, text }));
      }
      res.writeHead(status, { 'Content-Type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(text);
    })().catch((err) => {
      res.writeHead(502);
      res.end(String(err));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    events,
    inFlight: () => open,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
