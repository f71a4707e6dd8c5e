import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Doc } from './types.js';

/** The simulator's in-memory database: documents per collection, and id counters per prefix. */
export interface StoreData {
  formatVersion: 1;
  /** Ids are `<Prefix>-<n>`, counted per prefix from this offset, so two instances never share ids. */
  idOffset: number;
  counters: Record<string, number>;
  collections: Record<string, Record<string, Doc>>;
}

export class Store {
  private data: StoreData;

  constructor(data?: StoreData, idOffset?: number) {
    this.data = data ?? {
      formatVersion: 1,
      // Real instances allocate ids from their own history; a random base keeps two fresh simulators apart.
      idOffset: idOffset ?? randomInt(1, 90) * 100,
      counters: {},
      collections: {},
    };
  }

  /** `Environments-101`, `Projects-2301`: per-prefix counters starting after the instance's offset. */
  allocateId(prefix: string): string {
    const base = prefix === 'Spaces' ? 0 : this.data.idOffset;
    const next = (this.data.counters[prefix] ?? base) + 1;
    this.data.counters[prefix] = next;
    return `${prefix}-${next}`;
  }

  guid(): string {
    return randomUUID();
  }

  get(collection: string, id: string): Doc | undefined {
    return this.data.collections[collection]?.[id];
  }

  /** Every document of a collection, in insertion order, optionally only those of one space. */
  all(collection: string, spaceId?: string): Doc[] {
    const docs = Object.values(this.data.collections[collection] ?? {});
    return spaceId === undefined ? docs : docs.filter((d) => d.SpaceId === spaceId);
  }

  put(collection: string, doc: Doc): void {
    (this.data.collections[collection] ??= {})[doc.Id] = doc;
  }

  remove(collection: string, id: string): boolean {
    const coll = this.data.collections[collection];
    if (!coll || !(id in coll)) return false;
    delete coll[id];
    return true;
  }

  toJSON(): StoreData {
    return this.data;
  }

  static load(file: string): Store {
    const data = JSON.parse(readFileSync(file, 'utf8')) as StoreData;
    if (data?.formatVersion !== 1 || typeof data.collections !== 'object') {
      throw new Error(`${file}: not a simulator state file (formatVersion 1 expected)`);
    }
    return new Store(data);
  }

  /** Atomic save: write a temporary file beside the target, then rename over it. */
  save(file: string): void {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data));
    renameSync(tmp, file);
  }
}
