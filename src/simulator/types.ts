/** Shared types of the Octopus REST API simulator. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Doc = Record<string, any>;

/** An error answered in the real server's shape: `{ErrorMessage, Errors}` (API-FACTS §2.7). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorMessage: string,
    readonly errors: string[] = [],
  ) {
    super(`${status} ${errorMessage}${errors.length ? ' ' + errors.join('; ') : ''}`);
  }
}

/** The validation 400 of post-2022 (ASP.NET Core) servers: "There was a problem with your request." + Errors. */
export function badRequest(...errors: string[]): ApiError {
  return new ApiError(400, 'There was a problem with your request.', errors);
}

export function notFound(what = 'The resource you requested was not found.'): ApiError {
  // Current wording unverified (API-FACTS §2.7 quotes the 2013 text); the shape is what clients rely on.
  return new ApiError(404, what, []);
}

/**
 * A path into a document naming where references or secrets live. Segments are separated by `.`;
 * `[]` iterates an array, `{}` iterates an object's values. E.g. `Steps[].Actions[].Environments[]`.
 */
export type DocPath = string;

export interface RefSpec {
  path: DocPath;
  /** Collection of the referenced kind, e.g. `environments`. */
  to: string;
}

/** What a request handler or hook can see. */
export interface SimContext {
  /** Space id of the request (undefined for system scope). */
  spaceId?: string;
  store: import('./store.js').Store;
  /** The server version the simulator reports. */
  version: string;
  /** Username written to LastModifiedBy. */
  user: string;
  /** Feature toggles of the server (features.ts): name → enabled. */
  featureToggles?: Record<string, boolean>;
  /** The caller's API key: what it may do (permissions.ts). */
  grant?: import('./permissions.js').KeyGrant;
  now(): string;
}

export interface KindSpec {
  /** URL segment of the collection, e.g. `environments`. */
  collection: string;
  /** `ItemType` of the collection, e.g. `Environment`. */
  itemType: string;
  /** Id prefix: `Environments` gives `Environments-12`. */
  idPrefix: string;
  scope: 'space' | 'system';
  /** Where names must be unique: in the space (the default), within a parent field (channels: ProjectId), or nowhere. */
  uniqueName?: 'space' | { withinField: string } | false;
  /** Top-level members whose absence gives 400 "The X field is required." */
  required: string[];
  /** Members the server computes; values sent by clients are ignored. Id, SpaceId, Links, LastModified* always are. */
  readOnly?: string[];
  /** The default document: every member the server returns, with its default value. */
  defaults(ctx: SimContext): Doc;
  /** References to other documents, validated on write (400 when the id does not exist in the space). */
  refs?: RefSpec[];
  /**
   * Paths holding `SensitiveValue` members (`{HasValue, NewValue, Hint}`), property bags (`Properties{}`) whose
   * values may be, or single PropertyValues marked with a trailing `?` (`Templates[].DefaultValue?`).
   */
  sensitive?: DocPath[];
  /** `ctx` lets links follow the server version (a route that older servers lack must not be linked). */
  links(doc: Doc, base: string, ctx: SimContext): Record<string, string>;
  /** Name of the collection's link in the root and space root documents, when not `itemType` + `s`
   *  (e.g. `LibraryVariables`, `DeploymentProcesses`). */
  linkName?: string;
  /** List order (API-FACTS §2.5): by `SortOrder`, by `Name` (the default) or by `Id`. */
  sortBy?: 'Name' | 'SortOrder' | 'Id';
  /** Default `take` when the client sends none (30 for most collections). */
  defaultTake?: number;
  /** Generate a Slug from the name when none is sent. */
  slug?: boolean;
  /** Which verbs the collection supports on its own routes. Defaults: all. */
  verbs?: { create?: boolean; modify?: boolean; delete?: boolean };
  /** Optimistic concurrency on `Version` (API-FACTS §2.11): the document type named in the rejection. */
  versioned?: string;
  /** Allocates the id itself (derived ids such as `deploymentprocess-Projects-1`). */
  deriveId?(doc: Doc, ctx: SimContext): string;
  /** Kind-specific validation and normalisation on create and modify. `prev` is undefined on create. */
  onWrite?(doc: Doc, prev: Doc | undefined, ctx: SimContext): void;
  /** Side effects after a create (a project creates its process, variable set and Default channel). */
  afterCreate?(doc: Doc, ctx: SimContext): void;
  /** Side effects after a delete. */
  afterDelete?(doc: Doc, ctx: SimContext): void;
  /** Shapes a stored document for output (beyond secrets masking and Links), e.g. computed members. */
  present?(doc: Doc, ctx: SimContext): Doc;
  /** Seeds child documents written inside a fixture item as `$name` members (see seed.ts). */
  seedChildren?: import('./seed.js').SeedChildren;
  /** Extra list filters: query parameter → predicate. */
  filters?: Record<string, (doc: Doc, value: string) => boolean>;
}
