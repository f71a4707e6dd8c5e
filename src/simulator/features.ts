import type { SimRoute } from './routes.js';
import { atLeast } from '../util/version.js';
import type { Doc, SimContext } from './types.js';

/**
 * Feature toggles: `GET /api/configuration/feature-toggles{?Name}` answers `{FeatureToggles: [{Name, IsEnabled}]}`
 * (go-octopusdeploy `pkg/configuration/feature_toggle_configuration.go` and `…_service.go`).
 *
 * - `CommonVariableScopingFeatureToggle` guards the v2 tenant-variable endpoints (go-octopusdeploy PR #301: "both of
 *   the above endpoints are under CommonVariableScopingFeatureToggle"). Backend support shipped in 2025.1.7559
 *   (OctopusDeploy/Issues #9222), general availability in 2025.2.11370 (Issues #9414): listed from 2025.1, on by
 *   default from 2025.2; the simulator's `featureToggles` option overrides.
 * - Older servers do not recognise `Name` and answer every toggle (OctopusDeploy/cli
 *   `pkg/util/featuretoggle/feature_toggles.go`: "Verify name to avoid error in older versions of Octopus where Name
 *   param is not recognised"): before 2025.1 the filter is ignored here too.
 */
export const COMMON_VARIABLE_SCOPING = 'CommonVariableScopingFeatureToggle';

/** Toggles a server of this version has, with their default state. */
export function defaultToggles(version: string): Record<string, boolean> {
  const toggles: Record<string, boolean> = {};
  if (atLeast(version, '2025.1')) toggles[COMMON_VARIABLE_SCOPING] = atLeast(version, '2025.2');
  return toggles;
}

export function isEnabled(ctx: SimContext, name: string): boolean {
  return ctx.featureToggles?.[name] === true;
}

export const featureToggleRoutes: SimRoute[] = [
  {
    method: 'GET',
    pattern: 'configuration/feature-toggles',
    scope: 'system',
    handle: ({ query, ctx }) => {
      const all: Doc[] = Object.entries(ctx.featureToggles ?? {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([Name, IsEnabled]) => ({ Name, IsEnabled }));
      const name = query.get('Name') ?? query.get('name');
      const filtered = name && atLeast(ctx.version, '2025.1') ? all.filter((t) => t.Name.toLowerCase() === name.toLowerCase()) : all;
      return { body: { FeatureToggles: filtered } };
    },
  },
];
