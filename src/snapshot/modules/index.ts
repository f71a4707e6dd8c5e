/**
 * The snapshot's table of special handling: one entry per special module of the registry
 * (`Record<SpecialModule, …>`: a module added to the registry without one here does not compile).
 */
import type { KindName } from '../../registry/kinds.js';
import type { KindDef, SpecialModule } from '../../registry/types.js';
import type { IdIndex } from '../id-index.js';
import { normalizeDocument, type NormalizeContext } from '../normalize.js';
import type { RawDoc } from '../read.js';
import { markCurrentUsages } from './template-usage.js';
import { normalizeTenantVariables } from './tenant-variables.js';
import { actionScopeName, normalizeVariableSet, processOwnerOf } from './variables.js';

type Json = Record<string, any>;

export interface SnapshotModule {
  /** The item's content, and the document whose id and version its meta takes. */
  normalize(def: KindDef, doc: RawDoc, ctx: NormalizeContext): { doc: RawDoc; content: Json };
  /** Ids inside the document that other items name (a process's actions, named by `Action` scopes). */
  index?(index: IdIndex, kind: KindName, keyPath: string[], doc: RawDoc): void;
}

export const SNAPSHOT_MODULES: Record<SpecialModule, SnapshotModule> = {
  process: {
    normalize: (def, doc, ctx) => {
      const content = normalizeDocument(def, doc, ctx);
      if (ctx.templates) markCurrentUsages(content, ctx.templates);
      return { doc, content };
    },
    index: indexActions,
  },
  variables: { normalize: (_def, doc, ctx) => ({ doc, content: normalizeVariableSet(doc, ctx) }) },
  // The document's Id is not the tenant's; apply reads it through the tenant.
  tenantVariables: { normalize: (_def, doc, ctx) => ({ doc: { ...doc, Id: doc.TenantId }, content: normalizeTenantVariables(doc, ctx) }) },
  // Named from its user role (derived-names.ts), its content is generic.
  scopedUserRole: { normalize: (def, doc, ctx) => ({ doc, content: normalizeDocument(def, doc, ctx) }) },
};

/** The module's indexing of a document's inner ids, where it has one (snapshot and apply keep the same index). */
export function indexInner(def: KindDef, index: IdIndex, keyPath: string[], doc: RawDoc): void {
  if (def.module) SNAPSHOT_MODULES[def.module].index?.(index, def.kind, keyPath, doc);
}

/**
 * A process document's actions in the index, named `<owner> / <action>` (an `Action` scope value); the key
 * path ends with the action's own name, which is what channel rules and package settings name.
 */
function indexActions(index: IdIndex, kind: KindName, keyPath: string[], doc: RawDoc): void {
  const owner = processOwnerOf(kind, keyPath);
  for (const step of doc.Steps ?? []) {
    for (const action of step.Actions ?? []) {
      index.add(action.Id, { kind: 'action', name: actionScopeName(owner, action.Name), keyPath: [...keyPath, action.Name] });
    }
  }
}
