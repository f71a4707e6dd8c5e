import { readFileSync } from 'node:fs';
import { createDoc, modifyDoc } from './crud.js';
import { walkPath } from './paths.js';
import { simKinds } from './kinds/index.js';
import type { Doc, KindSpec, SimContext } from './types.js';

/**
 * A fixture, written by name: documents in the API's shape where every id reference holds the referenced
 * item's name instead (the simulator assigns ids, so fixtures stay valid on every instance).
 *
 * ```json
 * { "spaces": [ { "Name": "Default", "collections": {
 *     "environments": [ { "Name": "Development" } ],
 *     "projects": [ { "Name": "OctoFX", "ProjectGroupId": "Apps", "LifecycleId": "Default Lifecycle",
 *                     "$deploymentProcess": { "Steps": [] }, "$variables": [] } ] } } ] }
 * ```
 * Collections load in the order written. Members starting with `$` are child documents handed to the kind's
 * `seedChildren` hook (a project's process and variables, a runbook's process, a tenant's variables).
 */
export interface SeedFile {
  spaces: SeedSpace[];
}

export interface SeedSpace {
  Name: string;
  IsDefault?: boolean;
  Description?: string;
  collections: Record<string, Doc[]>;
}

/** What a kind's `seedChildren` hook gets to turn names into ids. */
export interface SeedHelpers {
  /** The id of the `to` document named `name` (within `hint`'s parent where names are per parent). */
  idOf(to: string, name: string, hint?: Doc): string;
  /** Replaces names with ids along `refs`, in place. */
  resolveRefs(doc: Doc, refs: { path: string; to: string }[], hint?: Doc): void;
  /** Seeds one item of `kind` as a fixture item is (names resolved, created or updated, its own `$` children). */
  seed(kind: KindSpec, item: Doc): Doc;
  ctx: SimContext;
}

export type SeedChildren = (created: Doc, children: Record<string, unknown>, helpers: SeedHelpers) => void;

export function readSeedFile(file: string): SeedFile {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as SeedFile;
  if (!parsed || !Array.isArray(parsed.spaces)) throw new Error(`${file}: a seed needs a "spaces" array`);
  return parsed;
}

export function loadSeed(seed: SeedFile | string, ctxFor: (spaceId?: string) => SimContext): void {
  const kinds = new Map(simKinds.map((k) => [k.collection.toLowerCase(), k]));
  const data = typeof seed === 'string' ? readSeedFile(seed) : seed;
  const spacesKind = kinds.get('spaces')!;
  for (const s of data.spaces) {
    const sys = ctxFor();
    let space = sys.store.all('spaces').find((d) => d.Name === s.Name);
    if (!space) {
      space = createDoc(spacesKind, { Name: s.Name, IsDefault: s.IsDefault ?? false, Description: s.Description ?? null, SpaceManagersTeams: [] }, sys);
    }
    const ctx = ctxFor(space.Id);
    const helpers = seedHelpers(ctx, kinds);
    for (const [collection, items] of Object.entries(s.collections ?? {})) {
      const kind = kinds.get(collection.toLowerCase());
      if (!kind) throw new Error(`seed: unknown collection '${collection}' in space '${s.Name}'`);
      const kctx = kind.scope === 'system' ? ctxFor() : ctx;
      const khelpers = kind.scope === 'system' ? seedHelpers(kctx, kinds) : helpers;
      for (const item of items) seedItem(kind, item, kctx, khelpers);
    }
  }
}

function seedItem(kind: KindSpec, item: Doc, ctx: SimContext, helpers: SeedHelpers): Doc {
  const doc: Doc = {};
  const children: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(structuredClone(item))) {
    if (k.startsWith('$')) children[k.slice(1)] = v;
    else doc[k] = v;
  }
  // Resolve the parent first: channel and runbook names are unique only within their project.
  const parentRefs = (kind.refs ?? []).filter((r) => r.path === 'ProjectId');
  helpers.resolveRefs(doc, parentRefs);
  helpers.resolveRefs(doc, (kind.refs ?? []).filter((r) => r.path !== 'ProjectId'), doc);
  // Documents without a name (releases, deployments) are always new; a project's children are looked for among its own.
  const byProject = typeof doc.ProjectId === 'string' && doc.ProjectId !== '';
  const existing =
    typeof doc.Name === 'string'
      ? ctx.store
          .matching(kind.collection, byProject ? 'ProjectId' : 'Name', byProject ? doc.ProjectId : doc.Name, kind.scope === 'space' ? ctx.spaceId : undefined)
          .find((d) => d.Name === doc.Name && (!doc.ProjectId || d.ProjectId === doc.ProjectId))
      : undefined;
  const created = existing ? modifyDoc(kind, existing.Id, { ...existing, ...doc }, ctx) : createDoc(kind, doc, ctx);
  if (Object.keys(children).length) {
    const hook = kind.seedChildren;
    if (!hook) throw new Error(`seed: ${kind.collection} '${doc.Name}' has child documents (${Object.keys(children).join(', ')}) but the kind takes none`);
    hook(created, children, helpers);
  }
  return created;
}

function seedHelpers(ctx: SimContext, kinds: Map<string, KindSpec>): SeedHelpers {
  const idOf = (to: string, name: string, hint?: Doc): string => {
    if (to === 'tags') return name; // canonical `TagSet/Tag` names are the reference
    if (ctx.store.get(to, name)) return name; // already an id (e.g. `feeds-builtin`)
    const kind = kinds.get(to);
    const within = kind && typeof kind.uniqueName === 'object' ? kind.uniqueName.withinField : undefined;
    const parent = within ? hint?.[within] : undefined;
    // A project's children by their project, anything else by name (both from the store's indexes).
    const space = kind?.scope === 'system' ? undefined : ctx.spaceId;
    const candidates = (within && typeof parent === 'string' ? ctx.store.matching(to, within, parent, space) : ctx.store.matching(to, 'Name', name, space)).filter(
      (d) => d.Name === name && (!within || !parent || d[within] === parent),
    );
    if (candidates.length !== 1) {
      throw new Error(`seed: ${candidates.length ? 'several' : 'no'} ${to} named '${name}'${within && hint?.[within] ? ` in ${hint[within]}` : ''}`);
    }
    return candidates[0].Id;
  };
  const helpers: SeedHelpers = {
    ctx,
    idOf,
    seed: (kind, item) => seedItem(kind, item, ctx, helpers),
    resolveRefs(doc, refs, hint) {
      for (const ref of refs) {
        walkPath(doc, undefined, ref.path, (container, key) => {
          const v = (container as any)[key];
          if (typeof v === 'string' && v !== '') (container as any)[key] = idOf(ref.to, v, hint);
        });
      }
    },
  };
  return helpers;
}
