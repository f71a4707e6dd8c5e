import type { KindSpec } from '../types.js';
import { selfLinks } from './common.js';
import { checkTagScope, hasScopedTags } from './tags-2025.js';

/** Environments (API-FACTS §3.2). */
export const environments: KindSpec = {
  collection: 'environments',
  itemType: 'Environment',
  idPrefix: 'Environments',
  scope: 'space',
  required: ['Name'],
  slug: true,
  sortBy: 'SortOrder',
  // DOCGEN documents a default page size of 10 for environments (API-FACTS §2.5); 30 elsewhere.
  defaultTake: 10,
  defaults: (ctx) => ({
    Name: null,
    Slug: null,
    Description: null,
    SortOrder: ctx.store.all('environments', ctx.spaceId).length,
    UseGuidedFailure: false,
    AllowDynamicInfrastructure: false,
    ExtensionSettings: [],
    ...(hasScopedTags(ctx) ? { EnvironmentTags: [] } : {}),
  }),
  refs: [{ path: 'EnvironmentTags[]', to: 'tags' }],
  onWrite(doc, _prev, ctx) {
    if (doc.EnvironmentTags === null) doc.EnvironmentTags = [];
    checkTagScope(doc.EnvironmentTags, 'Environment', ctx);
  },
  links: (doc, base) =>
    selfLinks(base, 'environments', doc, {
      Machines: 'machines{?skip,take,partialName,roles,isDisabled,healthStatuses,commStyles,tenantIds,tenantTags,shellNames}',
      SinglyScopedVariableDetails: 'singlyScopedVariableDetails',
      Metadata: 'metadata',
      Web: `/app#/${doc.SpaceId}/infrastructure/environments/${doc.Id}`,
    }),
};
