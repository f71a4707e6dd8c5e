import type { KindName } from '../registry/kinds.js';
/** What an id stands for: an item of a kind, or a step (action) of a process, which variables scope to by id. */
export type IndexKind = KindName | 'action';

/** Ids of one instance → the names they stand for. Ids are unique per instance (API-FACTS §2.8). */
export interface IndexEntry {
  kind: IndexKind;
  /** The item's own name (a channel's name, not its project's); an action's is its `Action` scope value, `<owner> / <action>`. */
  name: string;
  /** Names from the outermost parent down to the item. */
  keyPath: string[];
}

export class IdIndex {
  private readonly byId = new Map<string, IndexEntry>();

  add(id: string, entry: IndexEntry): void {
    this.byId.set(id, entry);
  }

  get(id: string): IndexEntry | undefined {
    return this.byId.get(id);
  }

  /** The name behind `id` if it is of one of `kinds`. */
  nameOf(id: string, kinds: readonly IndexKind[]): string | undefined {
    const e = this.byId.get(id);
    return e && kinds.includes(e.kind) ? e.name : undefined;
  }
}
