import type { KindSpec } from '../types.js';
import { selfLinks } from './common.js';

/** Project groups (API-FACTS §3.3). */
export const projectGroups: KindSpec = {
  collection: 'projectgroups',
  itemType: 'ProjectGroup',
  idPrefix: 'ProjectGroups',
  scope: 'space',
  required: ['Name'],
  slug: true,
  refs: [{ path: 'EnvironmentIds[]', to: 'environments' }],
  defaults: () => ({ Name: null, Slug: null, Description: null, EnvironmentIds: [], RetentionPolicyId: null }),
  links: (doc, base) =>
    selfLinks(base, 'projectgroups', doc, {
      Projects: 'projects{?skip,take}',
      Web: `/app#/${doc.SpaceId}/projectGroups/${doc.Id}`,
    }),
};
