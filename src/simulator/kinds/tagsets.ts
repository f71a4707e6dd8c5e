import { badRequest, type Doc, type KindSpec, type SimContext } from '../types.js';
import { selfLinks } from './common.js';
import { sortOrderRoute } from './infra-common.js';
import { hasScopedTags, settleTagSetScopes } from './tags-2025.js';

/**
 * Tag sets (API-FACTS §3.13). Tags carry server-assigned ids and a computed `CanonicalTagName`
 * (`TagSet/Tag`), the form every other document references them by. Sorted by `SortOrder`.
 * On 2025+ servers tag sets have `Scopes` and `Type` (tags-2025.ts); `IsSystem` is not modelled.
 */
export const tagSets: KindSpec = {
  collection: 'tagsets',
  itemType: 'TagSet',
  idPrefix: 'TagSets',
  scope: 'space',
  required: ['Name'],
  sortBy: 'SortOrder',
  defaults: (ctx) => ({
    Name: null,
    Description: null,
    SortOrder: ctx.store.all('tagsets', ctx.spaceId).length,
    Tags: [],
    ...(hasScopedTags(ctx) ? { Scopes: null, Type: null } : {}),
  }),
  onWrite(doc: Doc, prev: Doc | undefined, ctx: SimContext) {
    if (doc.Tags === null) doc.Tags = [];
    if (!Array.isArray(doc.Tags)) throw badRequest('Tags must be an array.');
    const names = new Set<string>();
    // Tag ids: the 2025+ reference form `TagSets-1/Tags-1` (API-FACTS §2.8) shows tags numbered `Tags-<n>`; a
    // client may only keep the id of a tag the set already has (PUT replaces the whole list, §3.13).
    const known = new Set<string>((prev?.Tags ?? []).map((t: Doc) => t.Id));
    doc.Tags = doc.Tags.map((t: Doc, i: number) => {
      if (typeof t?.Name !== 'string' || t.Name.trim() === '') throw badRequest('Every tag needs a Name.');
      // Canonical names split on the first '/', so a '/' in a name would make references ambiguous (inference).
      if (t.Name.includes('/')) throw badRequest(`Tag names cannot contain '/': '${t.Name}'.`);
      if (names.has(t.Name.toLowerCase())) throw badRequest(`Tag names must be unique within a tag set: '${t.Name}' is repeated.`);
      names.add(t.Name.toLowerCase());
      return {
        Id: typeof t.Id === 'string' && known.has(t.Id) ? t.Id : ctx.store.allocateId('Tags'),
        Name: t.Name,
        Color: t.Color ?? null,
        Description: t.Description ?? null,
        SortOrder: typeof t.SortOrder === 'number' ? t.SortOrder : i,
      };
    });
    if (typeof doc.Name === 'string' && doc.Name.includes('/')) throw badRequest(`Tag set names cannot contain '/': '${doc.Name}'.`);
    settleTagSetScopes(doc, ctx);
  },
  // `CanonicalTagName` is computed on output (read-only, §3.13), so renaming the set renames every tag.
  present: (doc) => ({
    ...doc,
    Tags: (doc.Tags ?? []).map((t: Doc) => ({
      Id: t.Id,
      Name: t.Name,
      CanonicalTagName: `${doc.Name}/${t.Name}`,
      Color: t.Color,
      Description: t.Description,
      SortOrder: t.SortOrder,
    })),
  }),
  links: (doc, base) => selfLinks(base, 'tagsets', doc, { Web: `/app#/${doc.SpaceId}/library/tagsets/${doc.Id}` }),
};

export const tagSetRoutes = [sortOrderRoute(tagSets)];
