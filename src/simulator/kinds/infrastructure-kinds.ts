import type { SimRoute } from '../routes.js';
import type { KindSpec, SimContext } from '../types.js';

/** Scaffolding and infrastructure: tenants, tag sets, step templates, worker pools, machine policies, feeds,
 *  accounts, certificates, teams, user roles, targets and workers. */
export const infrastructureKinds: KindSpec[] = [];
export const infrastructureRoutes: SimRoute[] = [];
/** Documents a new space starts with (run in order when a space is created). */
export const infrastructureSpaceDefaults: ((ctx: SimContext) => void)[] = [];
