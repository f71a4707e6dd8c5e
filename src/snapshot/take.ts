import { OctopusClient, type ClientOptions } from '../octopus/client.js';
import type { KindDef } from '../registry/types.js';
import { kindDef } from '../registry/kinds.js';
import { TOOL_VERSION } from '../version.js';
import { assembleSnapshot } from './assemble.js';
import { openSpace, type OpenSpace } from './open.js';
import { readSpace } from './read.js';
import { SNAPSHOT_FORMAT_VERSION, type Snapshot } from './types.js';

export interface TakeSnapshotOptions extends ClientOptions {
  space: string;
  /** Clock for `takenAt` (tests pin it). */
  now?: () => Date;
  onKinds?: (defs: KindDef[]) => void;
  onKind?: (def: KindDef, count: number) => void;
  /** Abandons the read (its requests in flight too): a live plan stops one side when the other fails. */
  signal?: AbortSignal;
}

export interface SnapshotResult {
  snapshot: Snapshot;
  /** Items per snapshot key (plural kind name). */
  counts: Record<string, number>;
  requests: number;
  seconds: number;
}

/** Reads a space over the REST API into a normalised, name-keyed snapshot. Reads only: a read-only key suffices. */
export async function takeSnapshot(options: TakeSnapshotOptions): Promise<SnapshotResult> {
  const started = performance.now();
  const client = new OctopusClient(options);
  const abandon = () => client.close();
  options.signal?.addEventListener('abort', abandon, { once: true });
  const counts: Record<string, number> = {};
  let opened: OpenSpace;
  let raw: Awaited<ReturnType<typeof readSpace>>;
  try {
    opened = await openSpace(client, options.space);
    const { space, tenantVariablesApi, permissions } = opened;
    raw = await readSpace(client, {
      spaceId: space.id,
      serverVersion: space.serverVersion,
      tenantVariablesApi,
      leaveOut: permissions.leaveOut,
      onKinds: options.onKinds,
      onKind: (def, count) => {
        counts[def.plural] = count;
        options.onKind?.(def, count);
      },
    });
  } finally {
    // When one read fails, the others must not go on (and retry) behind the reported error.
    client.close();
    options.signal?.removeEventListener('abort', abandon);
  }
  const { space, tenantVariablesApi, permissions } = opened;
  const { resources, inventory, warnings } = assembleSnapshot(raw);
  const snapshot: Snapshot = {
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    tool: { name: 'octosync', version: TOOL_VERSION },
    takenAt: (options.now?.() ?? new Date()).toISOString(),
    // The URL only: the key is never written.
    server: { url: client.baseUrl, version: space.serverVersion, tenantVariablesApi },
    space: { name: space.name },
    requests: client.counts.total,
    resources,
    inventory,
    warnings: [...permissions.warnings, ...warnings],
    ...(permissions.leaveOut.size ? { notRead: [...permissions.leaveOut].map((k) => kindDef(k).plural).sort() } : {}),
  };
  return { snapshot, counts, requests: client.counts.total, seconds: (performance.now() - started) / 1000 };
}
