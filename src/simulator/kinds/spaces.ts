import type { KindSpec } from '../types.js';
import { initialiseSpace } from './index.js';

/** Spaces (API-FACTS §3.1): system scope. */
export const spaces: KindSpec = {
  collection: 'spaces',
  itemType: 'Space',
  idPrefix: 'Spaces',
  scope: 'system',
  required: ['Name'],
  readOnly: ['IsPrivate'],
  slug: true,
  defaults: () => ({
    Name: null,
    Slug: null,
    Description: null,
    IsDefault: false,
    IsPrivate: false,
    TaskQueueStopped: false,
    SpaceManagersTeams: [],
    SpaceManagersTeamMembers: [],
    Icon: null,
    ExtensionSettings: [],
  }),
  afterCreate: (doc, ctx) => initialiseSpace({ ...ctx, spaceId: doc.Id }),
  links: (doc) => ({
    Self: `/api/spaces/${doc.Id}`,
    SpaceHome: `/api/${doc.Id}`,
    Web: `/app#/spaces/${doc.Id}`,
    Search: `/api/spaces/${doc.Id}/search`,
  }),
};
