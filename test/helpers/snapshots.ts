import { fingerprint, sortKeys } from '../../src/util/canonical.js';
import { SNAPSHOT_FORMAT_VERSION, type ItemTree, type Snapshot } from '../../src/snapshot/types.js';

type Content = Record<string, unknown>;
/** Contents by kind plural; nested maps for children (`channels: { OctoFX: { QA: {...} } }`). */
export type Contents = Record<string, Record<string, unknown>>;

let counter = 0;

/** A snapshot built from contents, as `octosync snapshot` would write it (ids and fingerprints made up). */
export function makeSnapshot(contents: Contents, opts: { url?: string; version?: string; space?: string; machines?: Snapshot['inventory']['machines'] } = {}): Snapshot {
  const resources: Snapshot['resources'] = {};
  for (const [plural, tree] of Object.entries(contents)) resources[plural] = toTree(tree, depthOf(plural));
  const machines = opts.machines ?? [];
  return {
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    tool: { name: 'octosync', version: '0.1.0' },
    takenAt: '2026-01-01T00:00:00.000Z',
    server: { url: opts.url ?? 'http://127.0.0.1:1', version: opts.version ?? '2024.3.10989' },
    space: { name: opts.space ?? 'Default' },
    requests: 0,
    resources,
    inventory: { machines, workers: [], roles: [...new Set(machines.flatMap((m) => m.roles))].sort() },
    warnings: [],
  };
}

const DEPTH: Record<string, number> = { channels: 2, runbooks: 2, runbookProcesses: 2 };
function depthOf(plural: string): number {
  return DEPTH[plural] ?? 1;
}

function toTree(tree: Record<string, unknown>, depth: number): ItemTree {
  const out: ItemTree = {};
  for (const [name, value] of Object.entries(tree)) {
    if (depth > 1) out[name] = toTree(value as Record<string, unknown>, depth - 1);
    else {
      const content = sortKeys(value as Content);
      out[name] = { content, meta: { id: `Items-${++counter}`, fingerprint: fingerprint(content) } };
    }
  }
  return out;
}

export function machine(name: string, roles: string[], environments: string[] = []): Snapshot['inventory']['machines'][number] {
  return { name, roles, environments, tenants: [], tenantTags: [] };
}

export function variable(Name: string, Value: string | null, Scope: Record<string, string[]> = {}, extra: Content = {}): Content {
  const sensitive = extra.IsSensitive === true;
  return { Name, Value: sensitive ? null : Value, Scope, Type: sensitive ? 'Sensitive' : 'String', IsSensitive: sensitive, IsEditable: true, Description: null, Prompt: null, ...extra };
}
