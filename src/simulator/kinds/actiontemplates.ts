import { badRequest, type Doc, type KindSpec, type SimContext } from '../types.js';
import { selfLinks } from './common.js';
import { asSensitiveIfTemplateIs } from './infra-common.js';
import { keepOnModify, shaped, withGuid } from './project-common.js';

/** An ActionTemplateParameter (API-FACTS §3.14) and a PackageReference (§3.7), as the typed deserialiser reads them. */
const PARAMETER = { Id: null, Name: null, Label: null, HelpText: null, DefaultValue: null, DisplaySettings: {} };
const PACKAGE = { Id: null, Name: '', PackageId: null, FeedId: null, AcquisitionLocation: 'Server', Properties: {} };

function normaliseParameter(p: unknown, ctx: SimContext): Doc {
  const param = withGuid(shaped(PARAMETER, p), ctx);
  param.DefaultValue = asSensitiveIfTemplateIs(param.DefaultValue, param);
  return param;
}

/**
 * Step templates (API-FACTS §3.14). `Version` is server-owned: 0 for a new template (real process exports hold
 * `"Octopus.Action.Template.Version": "0"` for a freshly created template) and +1 on every save. It is not an
 * optimistic-concurrency token (§2.11: only processes, variable sets and tenant variables are checked).
 */
export const actionTemplates: KindSpec = {
  collection: 'actiontemplates',
  itemType: 'ActionTemplate',
  idPrefix: 'ActionTemplates',
  scope: 'space',
  // Name and ActionType are required with the messages §3.14 quotes, so they are checked in onWrite.
  required: [],
  readOnly: ['Version'],
  refs: [{ path: 'Packages[].FeedId', to: 'feeds' }],
  // Property bags mix strings and SensitiveValues (§2.10); a parameter's DefaultValue is a single PropertyValue
  // (`?`: a plain string there is an ordinary value, a SensitiveValue is stored write-only).
  sensitive: ['Properties{}', 'Parameters[].DefaultValue?'],
  defaults: () => ({
    Name: null,
    Description: null,
    ActionType: null,
    Version: 0,
    CommunityActionTemplateId: null,
    Packages: [],
    GitDependencies: [],
    Properties: {},
    Parameters: [],
  }),
  onWrite(doc: Doc, prev: Doc | undefined, ctx: SimContext) {
    if (typeof doc.Name !== 'string' || doc.Name.trim() === '') throw badRequest('Please provide a name for the template.');
    keepOnModify(doc, prev, 'ActionType'); // WoC (§3.14)
    if (typeof doc.ActionType !== 'string' || doc.ActionType === '') throw badRequest('Please provide an action type.');
    for (const f of ['Parameters', 'Packages', 'GitDependencies']) {
      if (doc[f] === null) doc[f] = [];
      if (!Array.isArray(doc[f])) throw badRequest(`${f} must be an array.`);
    }
    if (doc.Properties === null) doc.Properties = {};
    if (typeof doc.Properties !== 'object' || Array.isArray(doc.Properties)) throw badRequest('Properties must be an object.');
    doc.Parameters = doc.Parameters.map((p: unknown) => normaliseParameter(p, ctx));
    doc.Packages = doc.Packages.map((p: unknown) => withGuid(shaped(PACKAGE, p), ctx));
    doc.Version = prev ? (prev.Version ?? 0) + 1 : 0;
  },
  links: (doc, base) =>
    selfLinks(base, 'actiontemplates', doc, {
      Usage: 'usage',
      Logo: 'logo',
      Versions: 'versions/{version}',
      Web: `/app#/${doc.SpaceId}/library/steptemplates/${doc.Id}`,
    }),
};
