import type { SimRoute } from '../routes.js';
import type { KindSpec, SimContext } from '../types.js';

/** Projects and what lives inside them: channels, processes, runbooks, variable sets, library variable sets, releases. */
export const projectKinds: KindSpec[] = [];
export const projectRoutes: SimRoute[] = [];
/** Documents a new space starts with (run in order when a space is created). */
export const projectSpaceDefaults: ((ctx: SimContext) => void)[] = [];
