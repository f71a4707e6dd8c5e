/** The snapshot file (schemas/snapshot.schema.json): a space read once, normalised, keyed by name. */

export const SNAPSHOT_FORMAT_VERSION = 2;

export interface ItemMeta {
  /** The item's id on its instance (never compared across instances; apply uses it to re-read). */
  id: string;
  /** The server's `Version` counter where the document has one (processes, variable sets). */
  version?: number;
  /** sha256 of the canonical content: apply compares it to refuse stale plans. */
  fingerprint: string;
  /** Config-as-code project: its process and variables live in git and were not read. */
  versionControlled?: boolean;
  /** Config-as-code project whose non-sensitive variables live in git (only its sensitive ones were read). */
  variablesInGit?: boolean;
}

export interface SnapshotItem {
  content: Record<string, unknown>;
  meta: ItemMeta;
}

/**
 * Items of one kind. Items named within a parent (channels within a project, a runbook's process within its
 * runbook within its project) nest one map level per parent, so no name is ever joined into another.
 */
export type ItemTree = { [name: string]: SnapshotItem | ItemTree };

export interface InventoryMachine {
  name: string;
  roles: string[];
  environments: string[];
  tenants: string[];
  tenantTags: string[];
}

export interface InventoryWorker {
  name: string;
  workerPools: string[];
}

export interface Snapshot {
  formatVersion: number;
  tool: { name: 'octosync'; version: string };
  /** The one field that changes between two snapshots of the same state. */
  takenAt: string;
  /** `tenantVariablesApi`: the tenant-variable endpoints the server speaks (v2: environment-scoped common values). */
  server: { url: string; version: string; tenantVariablesApi?: 'v1' | 'v2' };
  space: { name: string };
  /** Requests the snapshot took (GETs only). */
  requests: number;
  resources: Record<string, ItemTree>;
  /** Targets and workers: never synced, recorded so the planner knows which target scopes and roles match. */
  inventory: { machines: InventoryMachine[]; workers: InventoryWorker[]; roles: string[] };
  warnings: string[];
  /** Kinds (snapshot keys) the API key could not read: their maps are empty, not a statement that none exist. */
  notRead?: string[];
}
