import { createDoc } from '../crud.js';
import { badRequest, type Doc, type KindSpec, type SimContext } from '../types.js';
import { selfLinks } from './common.js';
import { guardedDelete, soleDefault, sortOrderRoute } from './infra-common.js';
import { keepOnModify } from './project-common.js';

const POOL_TYPES = ['StaticWorkerPool', 'DynamicWorkerPool'];

/**
 * Worker pools (API-FACTS §3.15): sorted by `SortOrder`; one default pool per space; `WorkerPoolType` is the
 * discriminator and is kept from creation; `CanAddWorkers` is computed (static pools only); `WorkerType` exists
 * on dynamic pools only.
 */
export const workerPools: KindSpec = {
  collection: 'workerpools',
  itemType: 'WorkerPool',
  idPrefix: 'WorkerPools',
  scope: 'space',
  required: ['Name'],
  readOnly: ['CanAddWorkers'],
  slug: true,
  sortBy: 'SortOrder',
  defaults: (ctx) => ({
    Name: null,
    Slug: null,
    Description: null,
    IsDefault: false,
    SortOrder: ctx.store.all('workerpools', ctx.spaceId).length,
    WorkerPoolType: 'StaticWorkerPool',
    CanAddWorkers: true,
    WorkerType: null,
  }),
  onWrite(doc: Doc, prev: Doc | undefined, ctx: SimContext) {
    keepOnModify(doc, prev, 'WorkerPoolType');
    if (!POOL_TYPES.includes(doc.WorkerPoolType)) throw badRequest(`WorkerPoolType must be one of ${POOL_TYPES.join(', ')}.`);
    const dynamic = doc.WorkerPoolType === 'DynamicWorkerPool';
    doc.CanAddWorkers = !dynamic;
    // Dynamic worker type names come from `workerpools/dynamicworkertypes` (values unverified, §3.15).
    if (dynamic) doc.WorkerType ??= 'UbuntuDefault';
    else delete doc.WorkerType;
    soleDefault('workerpools', doc, ctx);
  },
  links: (doc, base) =>
    selfLinks(base, 'workerpools', doc, {
      Workers: 'workers{?skip,take}',
      Web: `/app#/${doc.SpaceId}/infrastructure/workerpools/${doc.Id}`,
    }),
};

export const workerPoolRoutes = [
  sortOrderRoute(workerPools),
  // The default pool cannot be deleted (inference, like the default machine policy in §3.16; wording unverified).
  guardedDelete(workerPools, (doc) => (doc.IsDefault ? 'The default worker pool cannot be deleted.' : undefined)),
];

/** "Default Worker Pool", what a new space holds (API-FACTS §3.15 example). */
export function createDefaultWorkerPool(ctx: SimContext): void {
  if (ctx.store.all('workerpools', ctx.spaceId).some((p) => p.IsDefault)) return;
  createDoc(workerPools, { Name: 'Default Worker Pool', IsDefault: true, WorkerPoolType: 'StaticWorkerPool' }, ctx);
}
