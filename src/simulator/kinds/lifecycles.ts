import type { Doc, KindSpec, SimContext } from '../types.js';
import { retention, selfLinks } from './common.js';

/** Lifecycles (API-FACTS §3.4). Phases get GUID ids; an empty `Phases` means one implicit phase per environment. */
export const lifecycles: KindSpec = {
  collection: 'lifecycles',
  itemType: 'Lifecycle',
  idPrefix: 'Lifecycles',
  scope: 'space',
  required: ['Name'],
  slug: true,
  refs: [
    { path: 'Phases[].AutomaticDeploymentTargets[]', to: 'environments' },
    { path: 'Phases[].OptionalDeploymentTargets[]', to: 'environments' },
  ],
  defaults: () => ({
    Name: null,
    Slug: null,
    Description: null,
    Phases: [],
    ReleaseRetentionPolicy: retention('Days', 30),
    TentacleRetentionPolicy: retention('Days', 30),
  }),
  onWrite(doc: Doc, _prev: Doc | undefined, ctx: SimContext) {
    if (!Array.isArray(doc.Phases)) doc.Phases = [];
    doc.Phases = doc.Phases.map((p: Doc) => ({
      Id: p.Id || ctx.store.guid(),
      Name: p.Name ?? null,
      AutomaticDeploymentTargets: p.AutomaticDeploymentTargets ?? [],
      OptionalDeploymentTargets: p.OptionalDeploymentTargets ?? [],
      MinimumEnvironmentsBeforePromotion: p.MinimumEnvironmentsBeforePromotion ?? 0,
      IsOptionalPhase: p.IsOptionalPhase ?? false,
      IsPriorityPhase: p.IsPriorityPhase ?? false,
      ReleaseRetentionPolicy: p.ReleaseRetentionPolicy ?? null,
      TentacleRetentionPolicy: p.TentacleRetentionPolicy ?? null,
    }));
  },
  links: (doc, base) =>
    selfLinks(base, 'lifecycles', doc, {
      Preview: 'preview',
      Projects: 'projects',
      Web: `/app#/${doc.SpaceId}/library/lifecycles/${doc.Id}`,
    }),
};
