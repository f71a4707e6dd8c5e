import type { SimRoute } from '../routes.js';
import type { KindSpec, SimContext } from '../types.js';
import { environments } from './environments.js';
import { infrastructureKinds, infrastructureRoutes, infrastructureSpaceDefaults } from './infrastructure-kinds.js';
import { lifecycles } from './lifecycles.js';
import { projectGroups } from './projectgroups.js';
import { projectKinds, projectRoutes, projectSpaceDefaults } from './project-kinds.js';
import { spaces } from './spaces.js';
import { createDoc } from '../crud.js';

/** Every collection the simulator serves with plain CRUD. */
export const simKinds: KindSpec[] = [spaces, environments, projectGroups, lifecycles, ...projectKinds, ...infrastructureKinds];

/** Routes beyond plain CRUD (nested documents, computed lists). Checked before the collection routes. */
export const simRoutes: SimRoute[] = [...projectRoutes, ...infrastructureRoutes];

/**
 * What a new space holds on a real server before anyone touches it: "Default Lifecycle", "Default Project
 * Group" (inference: what a fresh install shows), plus the built-in feed, default machine policy and worker pool.
 */
export function initialiseSpace(ctx: SimContext): void {
  createDoc(lifecycles, { Name: 'Default Lifecycle' }, ctx);
  createDoc(projectGroups, { Name: 'Default Project Group' }, ctx);
  for (const init of [...infrastructureSpaceDefaults, ...projectSpaceDefaults]) init(ctx);
}
