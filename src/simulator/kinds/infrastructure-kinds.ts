import type { SimRoute } from '../routes.js';
import type { KindSpec, SimContext } from '../types.js';
import { accounts } from './accounts.js';
import { actionTemplates } from './actiontemplates.js';
import { certificates } from './certificates.js';
import { createBuiltInFeed, feedRoutes, feeds } from './feeds.js';
import { machineRoutes, machines, workers } from './machines.js';
import { createDefaultMachinePolicy, machinePolicies, machinePolicyRoutes } from './machinepolicies.js';
import { tagSetRoutes, tagSets } from './tagsets.js';
import { createSpaceManagersTeam, ensureSystemBuiltIns, scopedUserRoles, teamRoutes, teams, userRoles } from './teams.js';
import { tenantVariableRoutes } from './tenant-variables.js';
import { featureToggleRoutes } from '../features.js';
import { permissionRoutes } from '../permissions.js';
import { tenants } from './tenants.js';
import { createDefaultWorkerPool, workerPoolRoutes, workerPools } from './workerpools.js';

/** Scaffolding and infrastructure: tenants, tag sets, step templates, worker pools, machine policies, feeds,
 *  accounts, certificates, teams, user roles, targets and workers. */
export const infrastructureKinds: KindSpec[] = [
  tagSets,
  tenants,
  actionTemplates,
  workerPools,
  machinePolicies,
  feeds,
  accounts,
  certificates,
  teams,
  scopedUserRoles,
  userRoles,
  machines,
  workers,
];

export const infrastructureRoutes: SimRoute[] = [
  ...tenantVariableRoutes,
  ...tagSetRoutes,
  ...workerPoolRoutes,
  ...machinePolicyRoutes,
  ...feedRoutes,
  ...machineRoutes,
  ...teamRoutes,
  ...featureToggleRoutes,
  ...permissionRoutes,
];

/**
 * Documents a new space starts with (run in order when a space is created): the built-in feed `feeds-builtin`
 * (§3.17 "Each space has the built-in feed"), "Default Machine Policy" (§3.16, the default `MachinePolicies-…`),
 * "Default Worker Pool" (§3.15 example) and the space's "Space Managers" team (§3.1 PORT payload). The first space
 * also brings the instance's built-in user roles and system teams (§3.20, §3.21).
 */
export const infrastructureSpaceDefaults: ((ctx: SimContext) => void)[] = [
  ensureSystemBuiltIns,
  createBuiltInFeed,
  createDefaultMachinePolicy,
  createDefaultWorkerPool,
  createSpaceManagersTeam,
];
