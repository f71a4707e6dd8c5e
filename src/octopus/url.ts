import { UsageError } from '../errors.js';

/**
 * The server's base URL from what a user typed: a scheme is required (`octopus.example.com` says which to
 * add), a browser address (`…/app#/Spaces-1/projects`) names the address to use instead, credentials in the
 * URL are refused, and a trailing `/api` is accepted.
 */
export function normaliseServerUrl(server: string, flag = '--server'): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(server.trim())) {
    throw new UsageError(`${flag} ${server}: no scheme; use https://${server.trim().replace(/^\/+/, '')} (or http:// for a server without TLS)`);
  }
  let url: URL;
  try {
    url = new URL(server.trim());
  } catch {
    throw new UsageError(`${flag} ${server}: not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${flag} ${server}: not an http(s) URL`);
  if (url.username || url.password) throw new UsageError('put credentials in --api-key or --access-token, not in the server URL');
  const app = url.pathname.search(/\/app(\/|$)/i);
  if (url.hash.startsWith('#/') || app >= 0) {
    const base = (url.origin + (app >= 0 ? url.pathname.slice(0, app) : url.pathname)).replace(/\/+$/, '');
    const space = /^#\/(Spaces-\d+)/i.exec(url.hash)?.[1];
    throw new UsageError(`${flag} ${server} is the address of a page in the browser; use the server's address: ${flag} ${base}${space ? ` (and --space ${space})` : ''}`);
  }
  if (url.search || url.hash) throw new UsageError(`${flag} ${server}: a server address has no query or fragment; use ${flag} ${url.origin}${url.pathname.replace(/\/+$/, '')}`);
  return (url.origin + url.pathname).replace(/\/+$/, '').replace(/\/api$/i, '');
}
