import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { docsWithIds, filterDocs, pageOf, sortDocs } from './collections.js';
import { assertVerb, createDoc, deleteDoc, getDoc, modifyDoc, presentDoc } from './crud.js';
import { FaultInjector, type FaultOptions } from './faults.js';
import { simKinds, simRoutes } from './kinds/index.js';
import { matchPattern, type Method, type RouteResult } from './routes.js';
import { loadSeed, type SeedFile } from './seed.js';
import { RequestStats } from './stats.js';
import { Store } from './store.js';
import { ApiError, notFound, type Doc, type KindSpec, type SimContext } from './types.js';
import { atLeast } from '../util/version.js';
import { defaultToggles } from './features.js';
import { missingPermission, permissionsOf, readPermissionFor, withoutUnscopedVariables, type KeyGrant } from './permissions.js';

export interface ApiKeyOption extends KeyGrant {
  key: string;
  /** A read-only key gets 403 on every write, as a user with only view permissions does. */
  readOnly?: boolean;
  /** Permissions the key's user lacks (a limited read-only key; see permissions.ts). */
  missingPermissions?: string[];
}

export interface SimulatorOptions extends FaultOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Valid keys. `apiKey` and `readOnlyApiKey` are shorthands. */
  apiKeys?: ApiKeyOption[];
  apiKey?: string;
  readOnlyApiKey?: string;
  /**
   * Valid access tokens (OIDC, as the OctopusDeploy/login action obtains): accepted only as
   * `Authorization: Bearer …`, which is how Octopus clients send them (@octopusdeploy/api-client's
   * createRequestHeaders); API keys only in `X-Octopus-ApiKey` or the `apikey` query parameter.
   */
  accessTokens?: ApiKeyOption[];
  /** The `Version` of `GET /api` (default 2024.3.10989). */
  version?: string;
  /** Feature toggles over the version's defaults (features.ts), e.g. `{ CommonVariableScopingFeatureToggle: false }`. */
  featureToggles?: Record<string, boolean>;
  /** A fixture to load at start (a parsed seed or a file path). Ignored when `stateFile` exists. */
  seed?: SeedFile | string;
  /** Load state from this file when it exists, and save it (atomically) after every write. */
  stateFile?: string;
  /** Base of the id counters (random by default, so two instances never share ids). */
  idOffset?: number;
  /** Fixed clock for LastModifiedOn, for reproducible fixtures. */
  now?: () => Date;
}

export interface RunningSimulator {
  url: string;
  port: number;
  store: Store;
  stats: RequestStats;
  faults: FaultInjector;
  close(): Promise<void>;
}

const DEFAULT_VERSION = '2024.3.10989';
const kindsByCollection = new Map(simKinds.map((k) => [k.collection.toLowerCase(), k]));

/** `2015-12-10T12:49:05.153+00:00`: the server's date format (API-FACTS §2.9). */
function octopusDate(d: Date): string {
  return d.toISOString().replace('Z', '+00:00');
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const version = options.version ?? DEFAULT_VERSION;
  const keys = new Map<string, ApiKeyOption>();
  for (const k of options.apiKeys ?? []) keys.set(k.key, k);
  if (options.apiKey) keys.set(options.apiKey, { key: options.apiKey });
  if (options.readOnlyApiKey) keys.set(options.readOnlyApiKey, { key: options.readOnlyApiKey, readOnly: true });
  const tokens = new Map<string, ApiKeyOption>((options.accessTokens ?? []).map((t) => [t.key, t]));
  if (keys.size === 0 && tokens.size === 0) throw new Error('the simulator needs at least one API key or access token');

  const clock = options.now ?? (() => new Date());
  const featureToggles = { ...defaultToggles(version), ...options.featureToggles };
  // The caller of the request being dispatched (dispatch runs synchronously, one request at a time).
  let grant: KeyGrant | undefined;
  const store =
    options.stateFile && existsSync(options.stateFile) ? Store.load(options.stateFile) : new Store(undefined, options.idOffset);
  const baseCtx = (spaceId?: string): SimContext => ({
    store,
    spaceId,
    version,
    featureToggles,
    grant,
    user: 'octosync-simulator',
    now: () => octopusDate(clock()),
  });
  if (!(options.stateFile && existsSync(options.stateFile))) {
    ensureDefaultSpace(baseCtx());
    if (options.seed) loadSeed(options.seed, baseCtx);
  }
  const installationId = randomUUID();
  const stats = new RequestStats();
  const faults = new FaultInjector(options);
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => sendError(res, err));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = (req.method ?? 'GET').toUpperCase() as Method;
    const bodyText = await readBody(req);

    if (url.pathname.startsWith('/_sim/')) return simulatorEndpoint(url.pathname, method, res, bodyText);
    if (!/^\/api(\/|$)/i.test(url.pathname)) throw notFound('The resource you requested was not found.');

    stats.record(method, url.pathname, url.search);
    const decision = faults.decide();
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    const isWrite = method !== 'GET';
    if (decision.fault && !(isWrite && decision.afterWrite)) return injectFault(res, decision.fault);

    const credential = credentialOf(req, url);
    const known = credential && (credential.bearer ? tokens : keys).get(credential.value);
    if (!known) {
      throw new ApiError(401, 'Either your API key is invalid, or your account has been disabled. Please contact your Octopus administrator.');
    }
    if (isWrite && (known.readOnly || known.missingPermissions?.length)) {
      throw new ApiError(403, 'You do not have permission to perform this action. Please see your Octopus administrator.');
    }
    const granted = permissionsOf(known);
    const needs = readPermissionFor(url.pathname);
    if (needs && !granted.has(needs.permission)) throw missingPermission(needs.permission, needs.help);
    let body: unknown;
    if (bodyText.length > 0) {
      try {
        body = JSON.parse(bodyText);
      } catch {
        throw new ApiError(400, 'There was a problem with your request.', ['The request body is not valid JSON.']);
      }
    }
    grant = known;
    const result = dispatch(method, url, body);
    grant = undefined;
    if (!isWrite && !granted.has('VariableViewUnscoped')) withoutUnscopedVariables(result.body);
    if (isWrite && options.stateFile) store.save(options.stateFile);
    if (decision.fault) return injectFault(res, decision.fault); // ambiguous failure: the write happened
    send(res, result.status ?? 200, result.body);
  }

  function dispatch(method: Method, url: URL, body: unknown): RouteResult {
    const segments = url.pathname.replace(/\/+$/, '').split('/').slice(2).map(decodeURIComponent); // after /api
    if (segments.length === 0) {
      if (method !== 'GET') throw new ApiError(405, 'The method is not allowed on this resource.');
      return { body: rootDocument(version, installationId, defaultSpaceId()) };
    }
    // /api/Spaces-1/…  (2019.1+: older servers have no spaces and no space-prefixed routes, API-FACTS §4)
    if (/^Spaces-\d+$/i.test(segments[0])) {
      if (!atLeast(version, '2019.1')) throw notFound('The resource you requested was not found.');
      const space = spaceOr404(segments[0]);
      return spaceRoute(method, space.Id, segments.slice(1), url, body, `/api/${space.Id}`);
    }
    // /api/spaces/{idOrSlug}/<collection>…  (2025+ route family)
    if (
      segments[0].toLowerCase() === 'spaces' &&
      segments.length >= 3 &&
      !['logo', 'search'].includes(segments[2].toLowerCase()) &&
      atLeast(version, '2019.1')
    ) {
      const space = store.all('spaces').find((s) => s.Id === segments[1] || s.Slug === segments[1]);
      if (!space) throw notFound(`The space '${segments[1]}' was not found.`);
      return spaceRoute(method, space.Id, segments.slice(2), url, body, `/api/${space.Id}`);
    }
    // The API key's user: the root document's `CurrentUser` link (API-FACTS §2.3), read by the official TS client's
    // `userGetCurrent` (api-client 3.11.0 dist/features/users/user-get-current.js).
    if (segments.length === 2 && segments[0].toLowerCase() === 'users' && segments[1].toLowerCase() === 'me') {
      if (method !== 'GET') throw new ApiError(405, 'The method is not allowed on this resource.');
      return { body: currentUser(baseCtx()) };
    }
    // System-scoped collections and routes.
    const systemKind = kindsByCollection.get(segments[0].toLowerCase());
    const custom = findRoute(method, 'system', segments);
    if (custom || systemKind?.scope === 'system') {
      if (!atLeast(version, '2019.1') && segments[0].toLowerCase() === 'spaces') throw notFound();
      return runRoute(method, segments, url, body, baseCtx(), '/api', 'system');
    }
    // Legacy /api/<collection>: the default space (DOCS: "your API calls will automatically use the default space").
    return spaceRoute(method, defaultSpaceId(), segments, url, body, '/api');
  }

  function spaceRoute(method: Method, spaceId: string, segments: string[], url: URL, body: unknown, base: string): RouteResult {
    const ctx = baseCtx(spaceId);
    if (segments.length === 0) {
      if (method !== 'GET') throw new ApiError(405, 'The method is not allowed on this resource.');
      return { body: spaceRoot(spaceId) };
    }
    return runRoute(method, segments, url, body, ctx, base, 'space');
  }

  function findRoute(method: Method, scope: 'space' | 'system', segments: string[]) {
    for (const route of simRoutes) {
      if (route.method !== method || route.scope !== scope) continue;
      const params = matchPattern(route.pattern, segments);
      if (params) return { route, params };
    }
    return undefined;
  }

  function runRoute(
    method: Method,
    segments: string[],
    url: URL,
    body: unknown,
    ctx: SimContext,
    base: string,
    scope: 'space' | 'system',
  ): RouteResult {
    const found = findRoute(method, scope, segments);
    if (found) {
      const out = found.route.handle({ params: found.params, query: url.searchParams, body, ctx, base, path: url.pathname });
      return 'body' in out || 'status' in out ? (out as RouteResult) : { body: out };
    }
    const kind = kindsByCollection.get(segments[0].toLowerCase());
    if (!kind || kind.scope !== scope || segments.length > 2) throw notFound('The resource you requested was not found.');
    return crudRoute(kind, method, segments, url, body, ctx);
  }

  const listings = new Map<string, { generation: number; docs: Doc[] }>();
  /**
   * A collection's documents for a listing (paged or `/all`): its filters applied, in its order. `ids=` are looked
   * up by id, not by walking the collection, and a whole collection read page by page is sorted once per write.
   */
  function listed(kind: KindSpec, ctx: SimContext, query: URLSearchParams): Doc[] {
    const spaceId = kind.scope === 'space' ? ctx.spaceId : undefined;
    const ids = query.get('ids');
    const pool = ids ? docsWithIds(store, kind.collection, ids, spaceId) : store.all(kind.collection, spaceId);
    const filtered = filterDocs(kind, pool, query);
    if (filtered !== pool || ids) return sortDocs(kind, filtered);
    const key = `${kind.collection}/${spaceId ?? ''}`;
    const cached = listings.get(key);
    if (cached?.generation === store.generation) return cached.docs;
    const sorted = sortDocs(kind, pool);
    listings.set(key, { generation: store.generation, docs: sorted });
    return sorted;
  }

  function crudRoute(kind: KindSpec, method: Method, segments: string[], url: URL, body: unknown, ctx: SimContext): RouteResult {
    const id = segments[1];
    if (id === undefined) {
      if (method === 'GET') {
        return { body: pageOf(kind, listed(kind, ctx, url.searchParams), url.searchParams, url.pathname, ctx, !atLeast(version, '2020.1')) };
      }
      if (method === 'POST') {
        assertVerb(kind, 'create');
        return { status: 201, body: presentDoc(kind, createDoc(kind, body, ctx), ctx) };
      }
      throw new ApiError(405, 'The method is not allowed on this resource.');
    }
    if (id.toLowerCase() === 'all' && method === 'GET') {
      // `/all` is a bare array (API-FACTS §2.5); most accept `ids`.
      return { body: listed(kind, ctx, url.searchParams).map((d) => presentDoc(kind, d, ctx)) };
    }
    if (method === 'GET') return { body: presentDoc(kind, getDoc(kind, id, ctx), ctx) };
    if (method === 'PUT') {
      assertVerb(kind, 'modify');
      return { body: presentDoc(kind, modifyDoc(kind, id, body, ctx), ctx) };
    }
    if (method === 'DELETE') {
      assertVerb(kind, 'delete');
      deleteDoc(kind, id, ctx);
      return { status: 200 };
    }
    throw new ApiError(405, 'The method is not allowed on this resource.');
  }

  function defaultSpaceId(): string {
    const space = store.all('spaces').find((s) => s.IsDefault);
    if (!space) throw notFound('There is no default space.');
    return space.Id;
  }

  function spaceOr404(id: string): Doc {
    const space = store.get('spaces', id);
    if (!space) throw notFound(`The space '${id}' was not found.`);
    return space;
  }

  function spaceRoot(spaceId: string): Doc {
    const links: Record<string, string> = { Self: `/api/${spaceId}` };
    for (const k of simKinds) {
      if (k.scope === 'space') links[linkName(k)] = `/api/${spaceId}/${k.collection}{/id}{?skip,take,ids,partialName}`;
    }
    return { Links: links };
  }

  function simulatorEndpoint(path: string, method: Method, res: ServerResponse, bodyText: string): void {
    const simBody = bodyText ? JSON.parse(bodyText) : {};
    if (path === '/_sim/stats' && method === 'GET') return send(res, 200, { ...stats.toJSON(), faults: faults.injected });
    if (path === '/_sim/faults' && method === 'POST') {
      faults.configure(simBody as FaultOptions);
      return send(res, 200, { configured: true });
    }
    if (path === '/_sim/reset' && method === 'POST') {
      stats.reset();
      return send(res, 200, { reset: true });
    }
    throw notFound('Unknown simulator endpoint.');
  }

  function injectFault(res: ServerResponse, fault: string): void {
    if (fault === 'reset') {
      res.socket?.destroy();
      return;
    }
    const status = Number(fault);
    const headers: Record<string, string> = {};
    if (status === 503 || status === 429) headers['Retry-After'] = String(faults.retryAfterSeconds);
    send(res, status, { ErrorMessage: status === 429 ? 'Too many requests.' : 'The server is unavailable (injected fault).', Errors: [] }, headers);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    store,
    stats,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        if (options.stateFile) store.save(options.stateFile);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function ensureDefaultSpace(ctx: SimContext): void {
  if (ctx.store.all('spaces').length > 0) return;
  const spaces = kindsByCollection.get('spaces')!;
  createDoc(spaces, { Name: 'Default', IsDefault: true, SpaceManagersTeams: [] }, ctx);
}

/**
 * `GET /api/users/me`: a UserResource (SW21 definition: Id, Username, DisplayName, EmailAddress, Password, IsActive,
 * IsService, IsRequestor, CanPasswordBeEdited, Identities, Links) for the one user every API key of the simulator belongs to.
 */
function currentUser(ctx: SimContext): Doc {
  const id = 'Users-1';
  return {
    Id: id,
    Username: ctx.user,
    DisplayName: ctx.user,
    EmailAddress: null,
    Password: null, // write-only; the server serialises nulls (API-FACTS §3 conventions)
    IsActive: true,
    IsService: false,
    IsRequestor: true,
    CanPasswordBeEdited: false,
    Identities: [],
    LastModifiedOn: null,
    LastModifiedBy: null,
    Links: {
      Self: `/api/users/${id}`,
      Permissions: `/api/users/${id}/permissions`,
      ApiKeys: `/api/users/${id}/apikeys{/id}{?skip,take}`,
    },
  };
}

/** Link names are the collection's PascalCase name: `projectgroups` → `ProjectGroups` (or the kind's `linkName`). */
function linkName(kind: KindSpec): string {
  if (kind.linkName) return kind.linkName;
  return kind.itemType.endsWith('s') ? kind.itemType : `${kind.itemType}s`;
}

export function rootDocument(version: string, installationId: string, defaultSpaceId: string): Doc {
  const links: Record<string, string> = { Self: '/api' };
  const withSpaces = atLeast(version, '2019.1');
  for (const k of simKinds) {
    if (k.scope === 'system' && k.collection === 'spaces' && !withSpaces) continue;
    const prefix = k.scope === 'space' && withSpaces ? `/api/${defaultSpaceId}` : '/api';
    links[linkName(k)] = `${prefix}/${k.collection}{/id}{?skip,take,ids,partialName}`;
  }
  if (withSpaces) links.SpaceHome = '/api/{spaceId}';
  links.CurrentUser = '/api/users/me';
  links.Web = '/app';
  return {
    Application: 'Octopus Deploy',
    Version: version,
    ApiVersion: '3.0.0',
    InstallationId: installationId,
    Links: links,
  };
}

function credentialOf(req: IncomingMessage, url: URL): { value: string; bearer: boolean } | undefined {
  const header = req.headers['x-octopus-apikey'];
  if (typeof header === 'string' && header) return { value: header, bearer: false };
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer /i.test(auth)) return { value: auth.slice(7).trim(), bearer: true };
  for (const [k, v] of url.searchParams) if (k.toLowerCase() === 'apikey') return { value: v, bearer: false };
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof ApiError) {
    send(res, err.status, { ErrorMessage: err.errorMessage, Errors: err.errors, FullException: null, HelpText: null, HelpLink: null, ParsedHelpLinks: [], Details: null });
    return;
  }
  // An unhandled exception: the real server answers 500 with the exception text (API-FACTS §2.7).
  const message = err instanceof Error ? err.message : String(err);
  send(res, 500, { ErrorMessage: message, Errors: [], FullException: err instanceof Error ? err.stack ?? null : null });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
