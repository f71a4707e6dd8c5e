import type { TenantVariablesApi } from '../octopus/capabilities.js';
import type { OctopusClient } from '../octopus/client.js';
import { kindDef, supersededMembers } from '../registry/kinds.js';
import { indexSpace, normalizeItem, templateState } from '../snapshot/assemble.js';
import { indexInner } from '../snapshot/modules/index.js';
import type { TemplateState } from '../snapshot/modules/template-usage.js';
import type { SpaceRef } from '../snapshot/connect.js';
import type { IdIndex } from '../snapshot/id-index.js';
import { openSpace } from '../snapshot/open.js';
import { decodeKindDoc, type OctopusDoc } from '../snapshot/documents.js';
import { readSpace, type RawSpace } from '../snapshot/read.js';
import type { SnapshotItem } from '../snapshot/types.js';
import type { KindName } from '../registry/kinds.js';
import { registerSecretsIn } from '../util/sanitize.js';

const pathKey = (kind: KindName, keyPath: string[]) => `${kind}\u0000${JSON.stringify(keyPath)}`;

/**
 * The destination as apply sees it: read fresh with the same reader and normaliser as `snapshot`, raw
 * documents by kind and names, and the ids of names, kept current as apply creates items.
 */
export class DestinationState {
  private readonly rawByPath = new Map<string, OctopusDoc>();
  private readonly ids = new Map<string, string>();
  readonly index: IdIndex;
  private readonly keyPathsById: Map<KindName, Map<string, string[]>>;

  /** `aliases`: items a plan matched by a case-only difference, keyed by the source's names (see plan/case-names.ts and plan-format/case-matches.ts). */
  constructor(
    readonly space: SpaceRef,
    readonly raw: RawSpace,
    /** The tenant-variable endpoints the destination speaks (capabilities.ts). */
    readonly tenantVariablesApi: TenantVariablesApi = 'v1',
    aliases?: Map<string, string>,
  ) {
    const { index, keyPaths } = indexSpace(raw, aliases);
    this.index = index;
    this.keyPathsById = keyPaths;
    for (const [kind, byId] of keyPaths) {
      for (const doc of raw.get(kind) ?? []) {
        const keyPath = byId.get(doc.Id);
        if (keyPath) this.record(kind, keyPath, doc);
      }
    }
  }

  /** `contents: false`: the server and space only (their identity and version), none of the space's items. */
  static async read(client: OctopusClient, spaceName: string, aliases?: Map<string, string>, contents = true): Promise<DestinationState> {
    // Apply writes what it reads: a key that cannot see teams or unscoped variables is refused before any write.
    const { space, tenantVariablesApi } = await openSpace(client, spaceName, true);
    const raw = contents ? await readSpace(client, { spaceId: space.id, serverVersion: space.serverVersion, tenantVariablesApi }) : new Map();
    return new DestinationState(space, raw, tenantVariablesApi, aliases);
  }

  rawDoc(kind: KindName, keyPath: string[]): OctopusDoc | undefined {
    return this.rawByPath.get(pathKey(kind, keyPath));
  }

  /** The names of the item of a kind that has this id, as read at the start of the run. */
  keyPathOfId(kind: KindName, id: string): string[] | undefined {
    return this.keyPathsById.get(kind)?.get(id);
  }

  /** The destination id of a named item, including items created earlier in this run. */
  idOf(kind: KindName, keyPath: string[]): string | undefined {
    return this.ids.get(pathKey(kind, keyPath));
  }

  /**
   * Records a document the server answered in this run (written, or found by name), so later operations resolve
   * its name: checked as a read is (snapshot/documents.ts), since what comes back is what later writes build on.
   */
  remember(kind: KindName, keyPath: string[], answer: unknown): void {
    this.record(kind, keyPath, decodeAnswer(kind, keyPath, answer));
  }

  private record(kind: KindName, keyPath: string[], doc: OctopusDoc): void {
    // A sensitive value a server leaks (it should send none) is scrubbed from every output from now on.
    registerSecretsIn(doc);
    const def = kindDef(kind);
    const id = String(doc[def.idMember ?? 'Id']);
    this.ids.set(pathKey(kind, keyPath), id);
    this.rawByPath.set(pathKey(kind, keyPath), doc);
    if (!def.parent?.ownedOne) this.index.add(doc.Id, { kind, name: keyPath[keyPath.length - 1], keyPath });
    indexInner(def, this.index, keyPath, doc);
  }

  /** An item this run deleted: its name no longer resolves (issue 18). */
  forget(kind: KindName, keyPath: string[]): void {
    this.ids.delete(pathKey(kind, keyPath));
    this.rawByPath.delete(pathKey(kind, keyPath));
  }

  /**
   * Step templates as the plan saw them on the destination (the plan's template updates record version and
   * fingerprint): a re-run may find those updates done already, and the usages not yet.
   */
  readonly plannedTemplates = new Map<string, TemplateState>();

  /**
   * A raw document normalised as a snapshot would record it. `asPlanned`: step template usages are judged
   * against the templates as planned (a plan's patch and staleness check were made against those).
   */
  normalize(kind: KindName, keyPath: string[], answer: unknown, asPlanned = false): SnapshotItem {
    // Apply reads items afresh before it writes them (and after an ambiguous write): checked as a snapshot's are.
    const doc = decodeAnswer(kind, keyPath, answer);
    const warnings: string[] = [];
    const templates = (name: string) => (asPlanned ? this.templateAsPlanned(name) : this.template(name));
    const superseded = supersededMembers(kind, (k) => this.raw.has(k));
    return normalizeItem(kindDef(kind), doc, { index: this.index, warnings, where: `${kind} '${keyPath.join(' / ')}'`, templates, superseded });
  }

  /** A step template as it is now (after this run's writes): its version and content fingerprint. */
  template(name: string): TemplateState | undefined {
    const doc = this.rawDoc('stepTemplate', [name]);
    return doc ? templateState(doc, this.normalize('stepTemplate', [name], doc)) : undefined;
  }

  private templateAsPlanned(name: string): TemplateState | undefined {
    const planned = this.plannedTemplates.get(name);
    if (planned) return planned;
    const doc = this.raw.get('stepTemplate')?.find((d) => d.Name === name);
    return doc ? templateState(doc, this.normalize('stepTemplate', [name], doc)) : undefined;
  }

  get spaceBase(): string {
    return `/api/${this.space.id}`;
  }
}

/** A document the destination answered (read or written by apply), checked as a snapshot's are (documents.ts). */
function decodeAnswer(kind: KindName, keyPath: string[], answer: unknown): OctopusDoc {
  return decodeKindDoc(kind, answer, { source: `the server (${kindDef(kind).label.toLowerCase()} '${keyPath.join(' / ')}')` });
}
