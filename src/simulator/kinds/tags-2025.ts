import { badRequest, type Doc, type SimContext } from '../types.js';
import { atLeast } from '../../util/version.js';

/**
 * 2025+ tag members (API-FACTS §3.13, §4 "2025.1+"): tag sets gain `Scopes` (what their tags may be put on)
 * and `Type`; projects gain `ProjectTags` and environments `EnvironmentTags` (canonical `Set/Tag` names).
 * go-octopusdeploy `pkg/tagsets/tag_set.go` (TagSetScope, TagSetType; `NewTagSet` defaults `["Tenant"]`,
 * `MultiSelect`), `pkg/projects/project.go` (`ProjectTags`).
 */
export const TAG_SET_SCOPES = ['Tenant', 'Environment', 'Project', 'Runbook', 'Target'];
export const TAG_SET_TYPES = ['MultiSelect', 'SingleSelect', 'FreeText'];

export function hasScopedTags(ctx: SimContext): boolean {
  return atLeast(ctx.version, '2025.1');
}

/** A tag set's 2025+ members: defaults, and 400 for values the server's enums do not have. */
export function settleTagSetScopes(doc: Doc, ctx: SimContext): void {
  if (!hasScopedTags(ctx)) return;
  if (doc.Scopes === null || doc.Scopes === undefined) doc.Scopes = ['Tenant'];
  if (!Array.isArray(doc.Scopes) || doc.Scopes.some((s: unknown) => !TAG_SET_SCOPES.includes(s as string))) {
    throw badRequest(`Scopes must be a list of: ${TAG_SET_SCOPES.join(', ')}.`);
  }
  if (doc.Type === null || doc.Type === undefined) doc.Type = 'MultiSelect';
  if (!TAG_SET_TYPES.includes(doc.Type)) throw badRequest(`The value '${String(doc.Type)}' is not valid for Type. Valid values are: ${TAG_SET_TYPES.join(', ')}.`);
}

/**
 * Tags put on a project or environment must come from a tag set scoped to that kind of item (inference from
 * the scopes' meaning: the portal offers only such sets); the existence of each tag is checked as a reference.
 */
export function checkTagScope(tags: unknown, scope: 'Project' | 'Environment', ctx: SimContext): void {
  if (!Array.isArray(tags)) return;
  const errors: string[] = [];
  for (const tag of tags) {
    const setName = String(tag).slice(0, String(tag).indexOf('/'));
    const set = ctx.store.all('tagsets', ctx.spaceId).find((s) => s.Name === setName);
    if (set && Array.isArray(set.Scopes) && !set.Scopes.includes(scope)) errors.push(`The tag '${String(tag)}' belongs to tag set '${set.Name}', which is not scoped to ${scope.toLowerCase()}s.`);
  }
  if (errors.length) throw badRequest(...errors);
}
