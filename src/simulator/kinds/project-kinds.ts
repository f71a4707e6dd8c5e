import type { SimRoute } from '../routes.js';
import type { KindSpec, SimContext } from '../types.js';
import { channelRoutes, channels } from './channels.js';
import { libraryVariableSets } from './libraryvariablesets.js';
import { deploymentProcesses, processRoutes, runbookProcesses } from './processes.js';
import { projectOwnRoutes, projects } from './projects.js';
import { deployments, releaseRoutes, releases } from './releases.js';
import { runbookRoutes, runbooks } from './runbooks.js';
import { variableRoutes, variableSets } from './variables.js';

/** Projects and what lives inside them: channels, processes, runbooks, variable sets, library variable sets, releases. */
export const projectKinds: KindSpec[] = [
  projects,
  channels,
  deploymentProcesses,
  runbooks,
  runbookProcesses,
  variableSets,
  libraryVariableSets,
  releases,
  deployments,
];
export const projectRoutes: SimRoute[] = [...projectOwnRoutes, ...channelRoutes, ...processRoutes, ...runbookRoutes, ...variableRoutes, ...releaseRoutes];
/** Documents a new space starts with (run in order when a space is created): a new space has no projects. */
export const projectSpaceDefaults: ((ctx: SimContext) => void)[] = [];
