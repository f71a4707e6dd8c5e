/**
 * The resource-kind registry's vocabulary. One declarative entry per kind drives snapshot (what to read and
 * how to normalise it), plan (how to compare and in which order) and apply (what to write where).
 */

/**
 * What octosync does with a kind, from the guide (shared/docs/sync-instances-guide.md):
 * - `match-exactly`: "must be an exact match" (script modules, step templates, tenant tags, user roles):
 *   created or updated to match the source;
 * - `exists-by-name`: "same name but different details" (accounts, worker pools, machine policies, certificates,
 *   feeds, lifecycles, teams, project groups): created when missing, never updated;
 * - `environment`: mapped by the policy's environment map; created only when the policy says so;
 * - `sync`: projects and what they hold, library variable sets, tenants: created and updated under the policy;
 * - `never`: never synced (targets, workers, releases, deployments); read only as an inventory, or not at all.
 */
export type SyncClass = 'match-exactly' | 'exists-by-name' | 'environment' | 'sync' | 'never';

/**
 * A path into a document (`Steps[].Actions[].Environments[]`): `.` separates members, `[]` iterates an
 * array, `{}` iterates an object's values, `{key}` iterates an object's keys (the keys themselves are ids).
 */
export type DocPath = string;

import type { KindName } from './kinds.js';

export type { KindName };

/** `K`: the kind names a field may point at (the registry's `KindName`; any string while the registry is being built). */
/**
 * A list whose elements have identity (steps, actions, phases, tags): plans patch it as a map by `by`
 * (`/Steps/Deploy web/...`, not positions), its order kept in a `<member>Order` list (src/registry/keyed.ts).
 */
export interface KeyedList {
  /** Member holding the list. */
  member: string;
  /** Member of each element that names it. */
  by: string;
  /** Lists nested in each element. */
  nested?: readonly KeyedList[];
}

export interface RefField<K extends string = KindName> {
  path: DocPath;
  /** The kind(s) the id points at. Several kinds share one collection (library variable sets and script modules). */
  to: K | readonly K[];
  /** The member holds several ids in one string, separated by this (`"Teams-1,Teams-2"`). */
  separator?: string;
  /**
   * Values that name no item of the space pass unchanged: built-in ids that are the same on every instance
   * (`teams-managers`), which a space's listing does not hold.
   */
  passUnknown?: boolean;
}

/** How the snapshot reads the documents of a kind. */
export type FetchSpec =
  /** A paged collection of the space (or the system), read completely; `query` narrows it. */
  | { from: 'collection'; path: string; query?: Record<string, string> }
  /**
   * One document per parent, whose id the parent holds in `idField`; read in `ids=` batches from the paged
   * list, or from `<path>/all?ids=` where the collection has no paged list (variable sets).
   */
  | { from: 'owned'; path: string; idField: string; list?: 'paged' | 'all' }
  /**
   * One document per parent, read and written at `<parent's collection>/<parent id>/<path>` (a project's
   * deployment settings); parents kept in git (config as code) are not read.
   */
  | { from: 'nested'; path: string }
  /** Read by the kind's own module (tenant variables). */
  | { from: 'module' };

/**
 * A kind's definition: `N` its name, `K` the names its parent and references may use. The registry infers `N`
 * from its entries (src/registry/kinds.ts), so `KindName` is the union of their names and a misspelt kind, in
 * the registry or in any stage, does not compile.
 */
export interface KindDefOf<N extends string, K extends string = N> {
  /** Registry key, singular camelCase: `project`, `deploymentProcess`. */
  kind: N;
  /** Key of the kind's map in a snapshot (plural): `projects`, `deploymentProcesses`. */
  plural: string;
  /** For people: "Deployment process". */
  label: string;
  scope: 'space' | 'system';
  syncClass: SyncClass;
  fetch: FetchSpec;
  /**
   * The kind's items are named within a parent item (channels and runbooks within a project; a project's
   * process and variables are keyed by the project's name alone). `field` holds the parent's id.
   */
  parent?: {
    kind: K;
    field: string;
    ownedOne?: boolean;
    /**
     * The server makes items of this kind inside a new parent (a project's "Default" channel): apply looks for
     * them in a new parent before creating; a kind without it has none there (a new project has no runbooks).
     */
    createdWithParent?: boolean;
  };
  /**
   * The kind exists to serve projects (groups, lifecycles, feeds, accounts, library sets…): under a project
   * include filter only the items the selected projects need are synced, and children it owns follow it.
   */
  scaffolding?: boolean;
  /** The policy may filter the kind's items by name (`filters.<plural>` in schemas/policy.schema.json). */
  filterable?: boolean;
  /**
   * A whole item may be deleted under `deletions: propagate` (issue 18), with what lives in it. `releases`: the
   * item carries releases (`{collection}/{id}/releases`), which are never octosync's: apply refuses the delete
   * while any exists.
   */
  deletable?: { releases: boolean };
  /**
   * The member that identifies a document that has no `Id` of its own (tenant variables: their tenant's id):
   * what a plan records as the destination item's id, and why a rename cannot be told from it.
   */
  idMember?: string;
  /** Id references to translate into names. */
  refs: readonly RefField<K>[];
  /**
   * Free-form objects whose string leaves may be ids of these kinds anywhere (a step-package action's
   * `Inputs`): recorded as `{"$ref": kind, "name": …}` markers (src/util/inline-refs.ts).
   */
  inlineRefs?: readonly { path: DocPath; to: readonly K[] }[];
  /** Members a create must send that the content leaves out (a library set's `ContentType`). */
  createWith?: Record<string, unknown>;
  /**
   * Members naming a step (action) of the owning project's deployment process by name (a channel's version
   * rules, a project's donor and release-creation packages). The server refuses a name its process lacks, so
   * the planner writes such a name only once the process holds that step (a late reference, after the
   * process), and leaves out names the destination's process will not have, saying so.
   */
  actionRefs?: DocPath[];
  /** Lists compared and patched by name (a variable set's variables are keyed by its module). */
  keyed?: readonly KeyedList[];
  /** Members holding canonical tag names (`TagSet/Tag`): no translation, but a dependency on tag sets. */
  tags?: DocPath[];
  /**
   * Members apply never sends, although reads carry them: a project's `PersistenceSettings`, which only
   * `POST …/git/convert` sets, one way (a PUT carrying the other persistence type is refused).
   */
  omitOnWrite?: string[];
  /** Server- or instance-owned members left out of the content (besides Id, Links, SpaceId, LastModified*, Version). */
  ignore: string[];
  /**
   * Instance-owned members of nested items (ids of steps, actions, phases, tags, template parameters; a
   * channel rule's Links and LastModified*) left out of the content; apply restores ids from the current
   * document by the item's Name.
   */
  nestedIds?: DocPath[];
  /** SensitiveValue members, recorded only as `{HasValue}`. */
  secrets?: DocPath[];
  /** Arrays whose order carries no meaning, sorted by this key (or by value for strings) in the content. */
  unordered?: { path: DocPath; by?: string }[];
  /**
   * The module that handles the kind's special shape (variables, processes, tenant variables, scoped user roles).
   * Each stage maps every module to its handler in a `Record<SpecialModule, …>` table (plan/steps.ts,
   * snapshot/modules/index.ts, apply/modules.ts), so a module named here without a handler in each does not compile.
   */
  module?: SpecialModule;
  /**
   * The kind's documents have no `Name`: each is named by the item this reference points at (a scoped user
   * role by its user role's name), with ` (2)`, ` (3)` … for further copies under the same parent
   * (src/snapshot/modules/derived-names.ts).
   */
  nameFrom?: RefField<K>;
  /**
   * Held in git for a version-controlled (config-as-code) project: not read for one, and skipped with the
   * reason (a deployment process; deployment settings).
   */
  inGit?: boolean;
  /** Octopus version that introduced the kind (runbooks: 2019.11). */
  minVersion?: string;
  /**
   * Members of the parent's document that hold the same settings (obsolete copies the server still returns,
   * written through to this kind): left out of the parent's content where this kind is read, so that each
   * setting is compared and written once. Servers older than `minVersion` keep them on the parent.
   */
  supersedes?: string[];
}

/** Special modules: kinds whose shape the generic handling of each stage does not cover. */
export const SPECIAL_MODULES = ['process', 'variables', 'tenantVariables', 'scopedUserRole'] as const;
export type SpecialModule = (typeof SPECIAL_MODULES)[number];

/** A kind of the registry. */
export type KindDef = KindDefOf<KindName>;
