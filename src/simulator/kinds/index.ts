import type { SimRoute } from '../routes.js';
import type { KindSpec } from '../types.js';
import { environments } from './environments.js';
import { projectGroups } from './projectgroups.js';
import { spaces } from './spaces.js';

/** Every collection the simulator serves with plain CRUD. */
export const simKinds: KindSpec[] = [spaces, environments, projectGroups];

/** Routes beyond plain CRUD (nested documents, computed lists). Checked before the collection routes. */
export const simRoutes: SimRoute[] = [];
