import type { Doc, SimContext } from './types.js';
import type { Query } from './collections.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteRequest {
  params: Record<string, string>;
  query: Query;
  body: unknown;
  ctx: SimContext;
  /** `/api/Spaces-1` for space routes, `/api` for system ones: the prefix of the Links the answer carries. */
  base: string;
  /** The request path, for collection links. */
  path: string;
}

export interface RouteResult {
  status?: number;
  body?: unknown;
}

/**
 * A route that is not plain collection CRUD: nested documents (`projects/:id/deploymentprocesses`),
 * computed lists (`machineroles/all`), tenant variables. Patterns are relative to the space (`scope:
 * 'space'`) or to `/api` (`scope: 'system'`); `:name` captures a segment.
 */
export interface SimRoute {
  method: Method;
  pattern: string;
  scope: 'space' | 'system';
  /** A write (counts for read-only keys and write faults). Defaults to method !== GET. */
  write?: boolean;
  handle(req: RouteRequest): RouteResult | Doc;
}

export function matchPattern(pattern: string, segments: string[]): Record<string, string> | undefined {
  const parts = pattern.split('/');
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].startsWith(':')) params[parts[i].slice(1)] = segments[i];
    else if (parts[i].toLowerCase() !== segments[i].toLowerCase()) return undefined;
  }
  return params;
}
