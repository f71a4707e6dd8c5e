import { badRequest, type Doc, type KindSpec, type SimContext } from '../types.js';
import { selfLinks } from './common.js';
import { isFlag, listParam, matchesTags, uniqueStrings } from './infra-common.js';
import { deleteTenantVariables, seedTenantVariables } from './tenant-variables.js';

/**
 * Tenants (API-FACTS §3.11). `ProjectEnvironments` connects the tenant to projects (keys) and, per project, to
 * environments (values); `TenantTags` holds canonical `TagSet/Tag` names. Sorted by name. Their variables are the
 * separate v1 document of `tenant-variables.ts` (§3.12), seeded as `$variables`.
 */
export const tenants: KindSpec = {
  collection: 'tenants',
  itemType: 'Tenant',
  idPrefix: 'Tenants',
  scope: 'space',
  required: ['Name'],
  readOnly: ['ClonedFromTenantId', 'Icon'],
  slug: true,
  refs: [
    { path: 'ProjectEnvironments{key}', to: 'projects' },
    { path: 'ProjectEnvironments{}[]', to: 'environments' },
    { path: 'TenantTags[]', to: 'tags' },
  ],
  filters: {
    // Tenants connected to any of the projects.
    projectId: (doc, v) => listParam(v).some((p) => p in (doc.ProjectEnvironments ?? {})),
    // OR within a tag set, AND across tag sets (Issues#8088).
    tags: (doc, v) => matchesTags(doc.TenantTags, listParam(v)),
    isDisabled: isFlag('IsDisabled'),
  },
  defaults: () => ({
    Name: null,
    Slug: null,
    Description: null,
    ClonedFromTenantId: null,
    IsDisabled: false,
    TenantTags: [],
    ProjectEnvironments: {},
    Icon: null,
  }),
  onWrite(doc: Doc) {
    doc.TenantTags = uniqueStrings(doc.TenantTags, 'TenantTags');
    const pe = doc.ProjectEnvironments ?? {};
    if (typeof pe !== 'object' || Array.isArray(pe)) throw badRequest('ProjectEnvironments must be an object keyed by project id.');
    doc.ProjectEnvironments = Object.fromEntries(
      Object.entries(pe).map(([projectId, envs]) => [projectId, uniqueStrings(envs, `ProjectEnvironments.${projectId}`)]),
    );
  },
  afterDelete: (doc: Doc, ctx: SimContext) => deleteTenantVariables(doc.Id, ctx),
  seedChildren: seedTenantVariables,
  links: (doc, base) =>
    selfLinks(base, 'tenants', doc, {
      Variables: 'variables',
      Logo: 'logo',
      Web: `/app#/${doc.SpaceId}/tenants/${doc.Id}/overview`,
    }),
};
