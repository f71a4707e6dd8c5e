import type { OctopusClient } from '../octopus/client.js';
import { isLateReferences } from '../plan-format/operations.js';
import type { Operation } from '../plan-format/types.js';
import { kindDef, type KindName } from '../registry/kinds.js';
import type { OctopusDoc } from '../snapshot/documents.js';
import { readOwnedByIds, type RawDoc } from '../snapshot/read.js';
import type { DestinationState } from './destination.js';

/** Ids per `ids=` request, as the snapshot reads them (keeps a URL near 3 KB). */
const BATCH = 100;

const key = (kind: KindName, id: string) => `${kind}\u0000${id}`;

/**
 * The first read of each owned document apply writes (a process, a variable set, a runbook process), in
 * `ids=` batches (issue 17.4): a read for one operation also fetches the documents of the other operations of
 * its kind whose parents are on the destination by now (a parent created in this run answered its create with
 * the ids). A document read ahead may change before its PUT: these kinds are versioned, so the server refuses
 * a PUT with an old `Version` ("submitted data was out of date", simulator/crud.ts) and readModifyWrite reads
 * the single document again; retries always read the single document. A second write of the same document in
 * one run (`#references`) is never read ahead: the first write changes its `Version`.
 */
export class OwnedReads {
  private readonly waiting = new Map<KindName, Set<Operation>>();
  private readonly fetched = new Map<string, Promise<OctopusDoc | undefined>>();

  constructor(
    operations: Operation[],
    private readonly client: OctopusClient,
    private readonly dest: DestinationState,
  ) {
    for (const op of operations) {
      if (kindDef(op.kind).fetch.from !== 'owned' || isLateReferences(op)) continue;
      if (!this.waiting.has(op.kind)) this.waiting.set(op.kind, new Set());
      this.waiting.get(op.kind)!.add(op);
    }
  }

  /** `op`'s document (id `id`), from a batch; `single` reads it alone (an operation not read ahead, or missing from its batch). */
  async first(op: Operation, id: string, single: () => Promise<RawDoc>): Promise<RawDoc> {
    const waiting = this.waiting.get(op.kind);
    if (!waiting?.delete(op)) return single();
    const k = key(op.kind, id);
    const ahead = this.fetched.get(k) ?? this.batch(op.kind, id, waiting);
    this.fetched.delete(k);
    return (await ahead) ?? single();
  }

  private batch(kind: KindName, id: string, waiting: Set<Operation>): Promise<OctopusDoc | undefined> {
    const ids = new Set([id]);
    for (const other of waiting) {
      if (ids.size >= BATCH) break;
      const otherId = this.idOf(other);
      if (otherId && !this.fetched.has(key(kind, otherId))) ids.add(otherId);
    }
    // A batch that fails (an id the server does not return, a lost connection) is no error of its own: each
    // operation then reads its document alone, and a failure there names that document.
    const docs = readOwnedByIds(this.client, kindDef(kind), this.dest.spaceBase, [...ids], BATCH).then(
      (list) => new Map(list.map((d) => [String(d.Id), d])),
      () => new Map<string, OctopusDoc>(),
    );
    for (const i of ids) this.fetched.set(key(kind, i), docs.then((m) => m.get(i)));
    return this.fetched.get(key(kind, id))!;
  }

  /** The id of an operation's document, once its parent is on the destination. */
  private idOf(op: Operation): string | undefined {
    const def = kindDef(op.kind);
    if (def.fetch.from !== 'owned' || !def.parent) return undefined;
    const parent = this.dest.rawDoc(def.parent.kind, op.keyPath);
    // Config-as-code projects keep their process in git (registry `inGit`): nothing to read ahead.
    if (!parent || (def.inGit && parent.IsVersionControlled)) return undefined;
    const id = parent[def.fetch.idField];
    return typeof id === 'string' && id !== '' ? id : undefined;
  }
}
