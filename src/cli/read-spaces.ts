import { takeSnapshot, type SnapshotResult } from '../snapshot/take.js';
import type { Connection } from './connection.js';
import { ProgressLine } from './progress.js';
import { kindTable } from './summary.js';

export interface SpaceRead {
  /** The column of the summary table (`Items`, `Source`, `Destination`). */
  label: string;
  connection: Connection;
}

export interface SpacesRead {
  results: SnapshotResult[];
  /** Items per kind (the registry's singular name), one number per space read, and as a table. */
  byKind: Map<string, number[]>;
  table: string;
  failedRequests: number;
}

/**
 * Reads spaces concurrently (`snapshot` reads one, a live `plan` two), with one progress line over all of them.
 * When one read fails the others are abandoned: the first failure is the one reported, prefixed with its
 * label when there are several.
 */
export async function readSpaces(reads: SpaceRead[]): Promise<SpacesRead> {
  const byKind = new Map<string, number[]>();
  let requests = 0;
  let failedRequests = 0;
  const totals = reads.map(() => 0);
  const progress = new ProgressLine('Snapshot', { unit: 'kinds', rate: () => ({ count: requests, unit: 'requests' }) }).start();
  const stop = new AbortController();
  let failure: { error: unknown } | undefined;
  const one = (read: SpaceRead, column: number) =>
    takeSnapshot({
      ...read.connection,
      signal: stop.signal,
      onRequest: (e) => {
        requests++;
        if (e.error || e.status === undefined || e.status >= 400) failedRequests++;
      },
      onKinds: (defs) => {
        totals[column] = defs.length;
        progress.setTotal(totals.reduce((a, b) => a + b, 0));
      },
      onKind: (def, count) => {
        const row = byKind.get(def.kind) ?? reads.map(() => 0);
        row[column] = count;
        byKind.set(def.kind, row);
        progress.advance();
      },
    }).catch((err: unknown) => {
      // The first failure is the one reported; the reads it stopped fail after it, for that reason only.
      if (!failure) {
        if (reads.length > 1 && err instanceof Error) err.message = `${read.label.toLowerCase()} ${read.connection.server}: ${err.message}`;
        failure = { error: err };
        stop.abort();
      }
      throw err;
    });
  // allSettled, not all: the abandoned reads end (their sockets closed) before the error is reported.
  const settled = await Promise.allSettled(reads.map(one));
  if (failure) {
    progress.abandon();
    throw failure.error;
  }
  progress.finish();
  const results = settled.map((s) => (s as PromiseFulfilledResult<SnapshotResult>).value);
  return { results, byKind, table: kindTable(reads.map((r) => r.label), byKind), failedRequests };
}
