import got, { HTTPError, RequestError, type Got, type Method } from 'got';
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { AuthenticationError, InputFileError, ServerError } from '../errors.js';
import { Limiter } from '../util/limit.js';
import { registerSecret } from '../util/sanitize.js';
import { normaliseServerUrl } from './url.js';
import { decode, isDoc, optional, number, object, list, shapeError, string, type Doc } from './decode.js';

export interface ClientOptions {
  /** Server URL, e.g. https://octopus.example.com (a trailing /api is accepted). */
  server: string;
  /** An API key (`X-Octopus-ApiKey`), or: */
  apiKey?: string;
  /** An access token (`Authorization: Bearer`), as the OctopusDeploy/login action's OIDC exchange gives. */
  accessToken?: string;
  /** Requests in flight at once (default 8). */
  parallelism?: number;
  /** Whole-request timeout in ms, retries included: no retry starts that would end after it (default 30 s). */
  timeoutMs?: number;
  /** Retries of idempotent requests on 5xx, 429 and connection resets (default 4). */
  retries?: number;
  /** Extra certificate authority (PEM file) for servers behind a private CA. */
  caFile?: string;
  /** Called once per finished HTTP exchange (for --log and benchmarks). Never sees the API key. */
  onRequest?: (event: RequestEvent) => void;
}

export interface RequestEvent {
  method: string;
  path: string;
  status: number | undefined;
  ms: number;
  retries: number;
  error?: string;
  /** The request body of a write (for debug logs; the logger redacts secrets). */
  body?: unknown;
}

export interface RequestCounts {
  total: number;
  byMethod: Record<string, number>;
  retries: number;
  ms: number;
}

const RETRY_STATUS = [429, 500, 502, 503, 504];
// Not ECONNREFUSED: nothing listens there, and a wrong --server should fail at once, not after a minute of
// back-off. A server restarting mid-apply is covered by running the same plan again.
const RETRY_ERRORS = ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'ECONNABORTED'];

/**
 * The HTTP client for one Octopus instance: API key header, timeouts, retries with backoff honouring
 * `Retry-After`, keep-alive sockets bounded by the parallelism, a limiter on requests in flight, and
 * request counts. Errors come out typed and never carry the API key.
 */
export class OctopusClient {
  readonly baseUrl: string;
  readonly counts: RequestCounts = { total: 0, byMethod: {}, retries: 0, ms: 0 };
  private readonly http: Got;
  private readonly limiter: Limiter;
  private readonly agents: { http: http.Agent; https: https.Agent };
  private readonly aborter = new AbortController();

  constructor(private readonly options: ClientOptions) {
    // Whoever builds a client (a command, the bench, a test), its credential never reaches a log or an error.
    registerSecret(options.apiKey);
    registerSecret(options.accessToken);
    this.baseUrl = normaliseServerUrl(options.server);
    const parallelism = options.parallelism ?? 8;
    this.limiter = new Limiter(parallelism);
    const agentOptions = { keepAlive: true, maxSockets: parallelism };
    this.agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
    const ca = options.caFile ? readCertificateAuthority(options.caFile) : undefined;
    this.http = got.extend({
      headers: { ...credentialHeader(options), 'User-Agent': 'octosync', Accept: 'application/json' },
      timeout: { request: this.timeoutMs },
      retry: {
        limit: options.retries ?? 4,
        methods: ['GET', 'PUT', 'HEAD', 'DELETE'],
        statusCodes: RETRY_STATUS,
        errorCodes: RETRY_ERRORS,
        // Honour Retry-After up to a minute; beyond that, fail rather than hang.
        maxRetryAfter: 60_000,
        backoffLimit: 10_000,
      },
      agent: this.agents,
      https: ca ? { certificateAuthority: ca } : undefined,
      throwHttpErrors: true,
      followRedirect: false,
    });
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 30_000;
  }

  /**
   * GET a JSON document by server-relative path (`/api/Spaces-1/projects`). `unknown` unless the caller names
   * a type: decode it (decode.ts) before relying on its members.
   */
  get<T = unknown>(path: string, what?: string): Promise<T> {
    return this.request<T>('GET', path, undefined, what);
  }

  post<T = unknown>(path: string, body: unknown, what?: string): Promise<T> {
    return this.request<T>('POST', path, body, what);
  }

  put<T = unknown>(path: string, body: unknown, what?: string): Promise<T> {
    return this.request<T>('PUT', path, body, what);
  }

  delete(path: string, what?: string): Promise<unknown> {
    return this.request('DELETE', path, undefined, what);
  }

  /**
   * Every item of a paged collection: follows `Links['Page.Next']` to the end (never trusts one page), or
   * `TotalResults` where a server leaves the link out, and refuses a next link to another origin. Each page is
   * decoded, and each item must be an object (named by its position in the whole listing when it is not).
   */
  async listAll<T extends Doc = Doc>(path: string, query: Record<string, string> = {}, pageSize = 1000, what?: string): Promise<T[]> {
    const items: T[] = [];
    const source = listingSource(path, query, what);
    let next: string | undefined = withQuery(path, { ...query, skip: '0', take: String(pageSize) });
    for (let pages = 0; next; pages++) {
      if (pages > 100_000) throw new ServerError(`${what ?? path}: the server keeps returning more pages; giving up`);
      const answer = await this.get(next, what);
      if (!isDoc(answer) || !Array.isArray(answer.Items)) {
        throw new ServerError(`unexpected response from GET ${stripKey(next)}${what ? ` (${what})` : ''}: not a collection (no Items array)`);
      }
      const page = decode(answer, PAGE, { source });
      const links = page.Links ? decode(page.Links, PAGE_LINKS, { source }, 'Links') : undefined;
      for (const item of page.Items) {
        if (!isDoc(item)) throw shapeError({ source, item: items.length }, item, undefined, 'is not an object');
        items.push(item as T);
      }
      const link = links?.['Page.Next'];
      const total = page.TotalResults;
      if (link) next = this.sameOriginPath(link, next);
      else if (typeof total === 'number' && items.length < total && page.Items.length > 0) {
        // Some servers leave `Page.Next` out although more pages exist (OctopusDeploy/Issues#8112, 2023.1
        // tenants): go by `TotalResults` rather than return a silently truncated list.
        next = withQuery(path, { ...query, skip: String(items.length), take: String(pageSize) });
      } else next = undefined;
      if (next && page.Items.length === 0) break; // a next link with an empty page would loop forever
    }
    return items;
  }

  /**
   * Abandons the requests still in flight or waiting to retry, and closes the kept-alive sockets. After a
   * failure, concurrent reads would otherwise go on (and retry) behind the error the command already reported.
   */
  close(): void {
    this.aborter.abort();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private sameOriginPath(link: string, from: string): string {
    const url = new URL(link, this.baseUrl + from);
    if (url.origin !== new URL(this.baseUrl).origin) {
      throw new ServerError(`the server sent a next-page link to another origin (${url.origin}); refusing to follow it`);
    }
    return url.pathname + url.search;
  }

  private async request<T>(method: Method, path: string, body: unknown, what?: string): Promise<T> {
    return this.limiter.run(async () => {
      const started = performance.now();
      let retries = 0;
      let status: number | undefined;
      try {
        const res = await this.http(this.baseUrl + path, {
          method,
          json: body === undefined ? undefined : body,
          responseType: 'text',
          signal: this.aborter.signal,
          hooks: { beforeRetry: [() => void retries++] },
          // The timeout bounds the request with its retries: a server that hangs is reported within it.
          retry: { calculateDelay: ({ computedValue }) => (computedValue > 0 && performance.now() - started + computedValue < this.timeoutMs ? computedValue : 0) },
        });
        status = res.statusCode;
        if (status >= 300 && status < 400) throw redirected(this.baseUrl, `${method} ${stripKey(path)}${what ? ` (${what})` : ''}`, status, res.headers.location);
        return parseJson<T>(res.body, method, path, what);
      } catch (err) {
        status = err instanceof HTTPError ? err.response.statusCode : status;
        throw this.translate(err, method, path, what);
      } finally {
        const ms = performance.now() - started;
        this.counts.total++;
        this.counts.byMethod[method] = (this.counts.byMethod[method] ?? 0) + 1;
        this.counts.retries += retries;
        this.counts.ms += ms;
        this.options.onRequest?.({ method, path: stripKey(path), status, ms: Math.round(ms), retries, ...(body !== undefined ? { body } : {}) });
      }
    });
  }

  /** One clear line per failure: what was asked, of which server, and what came back. */
  private translate(err: unknown, method: string, path: string, what?: string): Error {
    const op = `${method} ${stripKey(path)}${what ? ` (${what})` : ''}`;
    if (err instanceof ServerError) return err;
    if (err instanceof HTTPError) {
      const status = err.response.statusCode;
      const detail = errorDetail(String(err.response.body ?? ''));
      const credential = this.options.accessToken ? 'access token' : 'API key';
      if (status === 401) return new AuthenticationError(`${this.baseUrl} refused the ${credential} (401)${detail ? `: ${detail}` : ''}`);
      if (status === 403) return new AuthenticationError(`${op}: the ${credential} has no permission for this (403)${detail ? `: ${detail}` : ''}`);
      return new ServerError(`${op} failed with ${status}${detail ? `: ${detail}` : ''}`, { cause: err, status });
    }
    if (err instanceof RequestError) {
      if (err.code === 'ETIMEDOUT' || err.name === 'TimeoutError') return new ServerError(`${op}: no answer from ${this.baseUrl} within ${this.timeoutMs} ms`);
      if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(err.code ?? '')) {
        return new ServerError(`cannot reach ${this.baseUrl} (${err.code}) during ${op}: its certificate is not trusted; for a private certificate authority use --ca-file or NODE_EXTRA_CA_CERTS`);
      }
      if (err.code === 'EPROTO' && this.baseUrl.startsWith('https:')) {
        // OpenSSL's "wrong version number": the port answered in plain HTTP.
        return new ServerError(`cannot reach ${this.baseUrl} (EPROTO): the port speaks plain http, not https; use --server ${this.baseUrl.replace(/^https:/, 'http:')} or the server's https port`);
      }
      return new ServerError(`cannot reach ${this.baseUrl} (${err.code ?? err.message}) during ${op}`);
    }
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** The API key header, or the access token as a bearer token (as @octopusdeploy/api-client's createRequestHeaders sends them). */
function credentialHeader(options: ClientOptions): Record<string, string> {
  if (options.accessToken) return { Authorization: `Bearer ${options.accessToken}` };
  return { 'X-Octopus-ApiKey': options.apiKey ?? '' };
}

/**
 * octosync follows no redirect (the key must not travel to another address): say where the server points
 * to, so that --server can name it.
 */
function redirected(baseUrl: string, op: string, status: number, location: string | undefined): ServerError {
  if (!location) return new ServerError(`${op}: the server answered with a redirect (${status}) and no address`, { status });
  const target = new URL(location, baseUrl + '/api');
  const suggestion = (target.origin + target.pathname).replace(/\/api(\/.*)?$/i, '');
  return new ServerError(`${op}: ${baseUrl} redirects (${status}) to ${target.origin}${target.pathname}; octosync does not follow redirects: use --server ${suggestion}`, {
    status,
  });
}

function readCertificateAuthority(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new InputFileError(file, `cannot read the certificate authority file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function parseJson<T>(text: string, method: string, path: string, what?: string): T {
  if (text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    const looksHtml = /^\s*</.test(text);
    throw new ServerError(
      `unexpected response from ${method} ${stripKey(path)}${what ? ` (${what})` : ''}: ${looksHtml ? 'an HTML page' : 'not JSON'} (is the URL an Octopus server?)`,
    );
  }
}

/** `ErrorMessage` and `Errors` of an Octopus error body, on one line. */
function errorDetail(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return /^\s*</.test(body) ? 'an HTML error page' : body.replace(/\s+/g, ' ').slice(0, 200);
  }
  // Best effort: an error body of another shape adds nothing rather than hide the status behind a shape error.
  const doc = isDoc(parsed) ? parsed : {};
  const parts = [doc.ErrorMessage, ...(Array.isArray(doc.Errors) ? doc.Errors : [])].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.join(' ').replace(/\s+/g, ' ').slice(0, 500);
}

/** A page of a collection (`ResourceCollection`): its items, and where the next page is. */
const PAGE = { Items: list, Links: optional(object), TotalResults: optional(number) };
const PAGE_LINKS = { 'Page.Next': optional(string) };

/**
 * A listing as an error line names it (`GET /api/Spaces-1/projects (projects)`): without paging, nor the id lists
 * of `ids=` batches, which are long.
 */
export function listingSource(path: string, query: Record<string, string>, what?: string): string {
  const shown = Object.fromEntries(Object.entries(query).filter(([k]) => k !== 'ids'));
  return `GET ${stripKey(withQuery(path, shown))}${what ? ` (${what})` : ''}`;
}

/** Removes any `apikey=` query parameter before a path reaches a message or a log. */
export function stripKey(path: string): string {
  return path.replace(/([?&])apikey=[^&]*/gi, '$1apikey=REDACTED');
}

export function withQuery(path: string, query: Record<string, string>): string {
  const qs = new URLSearchParams(query).toString();
  if (!qs) return path;
  return path + (path.includes('?') ? '&' : '?') + qs;
}
