import { createDoc } from '../crud.js';
import type { KindSpec } from '../types.js';
import { checkEnum, keepOnModify, normaliseTemplates, removeAll, TEMPLATE_SECRETS, webLink } from './project-common.js';
import { seedVariables, variableSets } from './variables.js';

/**
 * Library variable sets and script modules (API-FACTS §3.10): `ContentType` `Variables` or `ScriptModule`
 * (write-once), the variables in `variableset-<Id>`, tenant common-variable `Templates`. A script module's body
 * and language are two variables of its set: `Octopus.Script.Module[<Name>]` and
 * `Octopus.Script.Module.Language[<Name>]` (GO `pkg/scriptmodules`).
 */
export const libraryVariableSets: KindSpec = {
  collection: 'libraryvariablesets',
  itemType: 'LibraryVariableSet',
  linkName: 'LibraryVariables', // root link name (CANNED 2019.7.12, API-FACTS §2.3)
  idPrefix: 'LibraryVariableSets',
  scope: 'space',
  required: ['Name'],
  readOnly: ['VariableSetId'],
  sensitive: [TEMPLATE_SECRETS],
  filters: { contentType: (doc, value) => doc.ContentType === value },
  defaults: () => ({
    Name: null,
    Description: null,
    VariableSetId: null,
    ContentType: 'Variables',
    Templates: [],
  }),
  onWrite(doc, prev, ctx) {
    keepOnModify(doc, prev, 'ContentType'); // WoC (CS LibraryVariableSetResource)
    checkEnum('ContentType', doc.ContentType, ['Variables', 'ScriptModule']);
    normaliseTemplates(doc, ctx);
  },
  afterCreate(doc, ctx) {
    doc.VariableSetId = createDoc(variableSets, { OwnerId: doc.Id, Variables: [] }, ctx).Id;
  },
  afterDelete(doc, ctx) {
    removeAll(ctx, 'variables', ctx.store.all('variables', ctx.spaceId).filter((s) => s.Id === doc.VariableSetId));
    // Projects stop including a deleted set (inference: their documents must stay valid to write back).
    for (const project of ctx.store.all('projects', ctx.spaceId)) {
      project.IncludedLibraryVariableSetIds = (project.IncludedLibraryVariableSetIds ?? []).filter((id: string) => id !== doc.Id);
    }
  },
  seedChildren(created, children, helpers) {
    for (const [name, value] of Object.entries(children)) {
      if (name !== 'variables') throw new Error(`seed: library variable set '${created.Name}' takes '$variables', not '$${name}'`);
      seedVariables(created.VariableSetId, value, helpers);
    }
  },
  links: (doc, base) => ({
    Self: `${base}/libraryvariablesets/${doc.Id}`,
    Variables: `${base}/variables/${doc.VariableSetId}`,
    Usages: `${base}/libraryvariablesets/${doc.Id}/usages`,
    Web: webLink(doc, doc.ContentType === 'ScriptModule' ? `library/scripts/${doc.Id}` : `library/variables/${doc.Id}`),
  }),
};
