import { badRequest, type Doc, type KindSpec, type SimContext } from '../types.js';
import { selfLinks } from './common.js';
import { equalsField, guardedDelete, insertBuiltIn } from './infra-common.js';
import { keepOnModify } from './project-common.js';

const SECRET = () => ({ HasValue: false, NewValue: null, Hint: null });
const DOWNLOAD = { DownloadAttempts: 5, DownloadRetryBackoffSeconds: 10 };
const CREDENTIALS = () => ({ Username: null, Password: SECRET() });
const REGISTRY = () => ({ FeedUri: null, ApiVersion: null, RegistryPath: null, ...CREDENTIALS(), ...DOWNLOAD });

/** Type-specific members with their defaults, per `FeedType` (API-FACTS §3.17; CS `*FeedResource.cs`, GO `feed_resource.go`). */
const FEED_MEMBERS: Record<string, () => Doc> = {
  BuiltIn: () => ({ DeleteUnreleasedPackagesAfterDays: null, DeletePackagesAssociatedWithReleases: null, IsBuiltInRepoSyncEnabled: false }),
  OctopusProject: () => ({}),
  NuGet: () => ({ FeedUri: null, ...CREDENTIALS(), EnhancedMode: false, ...DOWNLOAD }),
  Docker: REGISTRY,
  AzureContainerRegistry: REGISTRY,
  GoogleContainerRegistry: REGISTRY,
  OciRegistry: () => ({ FeedUri: null, ...CREDENTIALS(), ...DOWNLOAD }),
  AwsElasticContainerRegistry: () => ({ Region: null, AccessKey: null, SecretKey: SECRET(), ...DOWNLOAD }),
  Maven: () => ({ FeedUri: null, ...CREDENTIALS(), ...DOWNLOAD }),
  GitHub: () => ({ FeedUri: null, ...CREDENTIALS(), ...DOWNLOAD }),
  Helm: () => ({ FeedUri: null, ...CREDENTIALS(), ...DOWNLOAD }),
  Npm: () => ({ FeedUri: null, ...CREDENTIALS(), ...DOWNLOAD }),
  PyPi: () => ({ FeedUri: null, ...CREDENTIALS(), ...DOWNLOAD }),
  ArtifactoryGeneric: () => ({ FeedUri: null, Repository: null, LayoutRegex: null, ...CREDENTIALS(), ...DOWNLOAD }),
  S3: () => ({ AccessKey: null, SecretKey: SECRET(), UseMachineCredentials: false, ...DOWNLOAD }),
  GcsStorage: () => ({ UseServiceAccountKey: false, ServiceAccountJsonKey: SECRET(), Project: null, ...DOWNLOAD }),
};

/** Container registries are not acquired by the server (inference from the `Server`/`ExecutionTarget`/`NotAcquired` options, §3.17). */
const CONTAINER_FEEDS = ['Docker', 'AzureContainerRegistry', 'GoogleContainerRegistry', 'OciRegistry', 'AwsElasticContainerRegistry'];
/** Feeds the server creates itself, one per space, never by POST (§3.17). */
const SERVER_OWNED = ['BuiltIn', 'OctopusProject'];

function allTypeMembers(): Doc {
  return Object.assign({}, ...Object.values(FEED_MEMBERS).map((f) => f()));
}

/**
 * Feeds (API-FACTS §3.17), polymorphic on `FeedType` (kept from creation). `defaults()` holds the union of every
 * type's members so the generic write keeps them; `onWrite` then drops the members the type does not have, as
 * the server's typed deserialiser does. Secrets (`Password`, `SecretKey`, `ServiceAccountJsonKey`) are write-only.
 */
export const feeds: KindSpec = {
  collection: 'feeds',
  itemType: 'Feed',
  idPrefix: 'Feeds',
  scope: 'space',
  required: ['Name', 'FeedType'],
  readOnly: ['PackageAcquisitionLocationOptions'],
  slug: true,
  sensitive: ['Password', 'SecretKey', 'ServiceAccountJsonKey'],
  filters: { feedType: equalsField('FeedType') },
  defaults: () => ({ Name: null, Slug: null, FeedType: null, PackageAcquisitionLocationOptions: [], ...allTypeMembers() }),
  onWrite(doc: Doc, prev: Doc | undefined) {
    keepOnModify(doc, prev, 'FeedType');
    const members = FEED_MEMBERS[doc.FeedType];
    if (!members) throw badRequest(`'${doc.FeedType}' is not a known FeedType. Known types: ${Object.keys(FEED_MEMBERS).join(', ')}.`);
    if (!prev && SERVER_OWNED.includes(doc.FeedType) && !doc.Id) {
      // Wording unverified; every space already has its built-in feed (§3.17).
      throw badRequest(`A feed of type ${doc.FeedType} cannot be created: each space has exactly one, created by the server.`);
    }
    const own = members();
    for (const k of Object.keys(allTypeMembers())) if (!(k in own)) delete doc[k];
    for (const f of ['DownloadAttempts', 'DownloadRetryBackoffSeconds']) {
      if (f in doc && !Number.isInteger(doc[f])) throw badRequest(`${f} must be an integer.`);
    }
    doc.PackageAcquisitionLocationOptions = CONTAINER_FEEDS.includes(doc.FeedType)
      ? ['ExecutionTarget', 'NotAcquired']
      : ['Server', 'ExecutionTarget'];
  },
  links: (doc, base) =>
    selfLinks(base, 'feeds', doc, {
      SearchPackagesTemplate: 'packages/search{?term,skip,take}',
      SearchPackageVersionsTemplate:
        'packages/versions{?packageId,take,skip,includePreRelease,versionRange,preReleaseTag,filter,includeReleaseNotes}',
      Web: `/app#/${doc.SpaceId}/library/feeds/${doc.Id}`,
    }),
};

/** The built-in feed's id, the same in every space (§2.8, §3.17; scripts use `/api/<any space>/feeds/feeds-builtin`). */
const BUILT_IN_FEED_ID = 'feeds-builtin';

export const feedRoutes = [
  // "they cannot be deleted" (§3.17); wording unverified.
  guardedDelete(feeds, (doc) => (SERVER_OWNED.includes(doc.FeedType) ? 'The built-in feed cannot be deleted.' : undefined)),
];

/**
 * The space's built-in package repository. Its id is `feeds-builtin` in every space, while the simulator's store
 * keys documents by id: the store keeps a second space's copy under `<SpaceId>/feeds-builtin` and looks it up by
 * (space, id), so every space serves, and validates references to, its own `feeds-builtin` (see `Store.get`).
 * Name "Octopus Server (built-in)" as the portal shows it (inference).
 */
export function createBuiltInFeed(ctx: SimContext): void {
  insertBuiltIn(feeds, ctx, BUILT_IN_FEED_ID, { Name: 'Octopus Server (built-in)', FeedType: 'BuiltIn' }, ctx.spaceId);
}
