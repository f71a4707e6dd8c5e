import type { OctopusClient } from '../octopus/client.js';
import { KINDS, kindDef } from '../registry/kinds.js';
import { assembleSnapshot } from '../snapshot/assemble.js';
import { connectToSpace, type SpaceRef } from '../snapshot/connect.js';
import { readSpace, type RawDoc, type RawSpace } from '../snapshot/read.js';
import type { Snapshot } from '../snapshot/types.js';
import { getItem } from '../snapshot/tree.js';

const pathKey = (kind: string, keyPath: string[]) => `${kind}\u0000${JSON.stringify(keyPath)}`;

/**
 * The destination as apply sees it: read fresh (the same reader and normaliser as `snapshot`), with raw
 * documents by kind and names, and the ids of names, kept current as apply creates items.
 */
export class DestinationState {
  private readonly rawByPath = new Map<string, RawDoc>();
  private readonly ids = new Map<string, string>();

  constructor(
    readonly space: SpaceRef,
    readonly raw: RawSpace,
    readonly resources: Snapshot['resources'],
  ) {
    const { keyPaths } = assembleKeyPaths(raw);
    for (const [kind, byId] of keyPaths) {
      for (const doc of raw.get(kind) ?? []) {
        const keyPath = byId.get(doc.Id);
        if (!keyPath) continue;
        this.rawByPath.set(pathKey(kind, keyPath), doc);
        this.ids.set(pathKey(kind, keyPath), kind === 'tenantVariables' ? doc.TenantId : doc.Id);
      }
    }
  }

  static async read(client: OctopusClient, spaceName: string): Promise<DestinationState> {
    const space = await connectToSpace(client, spaceName);
    const raw = await readSpace(client, { spaceId: space.id, serverVersion: space.serverVersion });
    return new DestinationState(space, raw, assembleSnapshot(raw).resources);
  }

  /** The normalised item as a snapshot would record it. */
  item(kind: string, keyPath: string[]) {
    return getItem({ resources: this.resources } as Snapshot, kind, keyPath);
  }

  rawDoc(kind: string, keyPath: string[]): RawDoc | undefined {
    return this.rawByPath.get(pathKey(kind, keyPath));
  }

  /** The destination id of a named item, including items created earlier in this run. */
  idOf(kind: string, keyPath: string[]): string | undefined {
    return this.ids.get(pathKey(kind, keyPath));
  }

  remember(kind: string, keyPath: string[], doc: RawDoc): void {
    this.ids.set(pathKey(kind, keyPath), doc.Id);
    this.rawByPath.set(pathKey(kind, keyPath), doc);
  }

  /** Names of every environment on the destination (for messages). */
  spacePath(): string {
    return `/api/${this.space.id}`;
  }
}

/** Key paths of every raw document, as the snapshot assembles them (parents before children). */
function assembleKeyPaths(raw: RawSpace): { keyPaths: Map<string, Map<string, string[]>> } {
  const keyPaths = new Map<string, Map<string, string[]>>();
  for (const def of KINDS) {
    const paths = new Map<string, string[]>();
    keyPaths.set(def.kind, paths);
    for (const doc of raw.get(def.kind) ?? []) {
      if (!def.parent) {
        if (typeof doc.Name === 'string') paths.set(doc.Id, [doc.Name]);
        continue;
      }
      const parentPath = keyPaths.get(def.parent.kind)?.get(doc[def.parent.field]);
      if (parentPath) paths.set(doc.Id, def.parent.ownedOne ? parentPath : [...parentPath, doc.Name]);
    }
  }
  return { keyPaths };
}

export { kindDef };
