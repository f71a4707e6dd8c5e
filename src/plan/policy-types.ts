/** The policy (schemas/policy.schema.json): every choice the guide leaves open, with a safe default. */

export type MismatchPolicy =
  | 'skip-unless-exact'
  | 'skip-unless-partial'
  | 'ignore'
  | 'ignore-on-new-leave-existing'
  | 'error-unless-exact'
  | 'error-unless-partial';

export const VARIABLE_SCOPE_DIMENSIONS = ['environment', 'channel', 'processOwner', 'step', 'role', 'target', 'tenantTag'] as const;
export const STEP_SCOPE_DIMENSIONS = ['environment', 'channel', 'tenantTag'] as const;
export type VariableDimension = (typeof VARIABLE_SCOPE_DIMENSIONS)[number];
export type StepDimension = (typeof STEP_SCOPE_DIMENSIONS)[number];

export interface NameFilter {
  /** Exact names or globs (`*`, `?`); an empty or absent list includes everything. */
  include?: string[];
  exclude?: string[];
}

export interface Policy {
  version: 1;
  /** Per filterable kind of the registry (`filterable`), by its plural: `projects`, `tenants`… */
  filters: Partial<Record<string, NameFilter>>;
  environments: {
    /** Source name → destination name, or null to drop it. */
    map: Record<string, string | null>;
    /** Environments the map does not name: kept when the destination has one of the same name (`same-name`), or dropped. */
    unmapped: 'same-name' | 'drop';
    /** Create mapped environments the destination lacks. Off by default: environments are the destination's. */
    create: boolean;
  };
  lifecycles: {
    /** Update the phases of existing lifecycles to match the source (mapped environments). */
    syncPhases: boolean;
  };
  scopeMismatch: {
    variables: Record<VariableDimension, MismatchPolicy>;
    steps: Record<StepDimension, MismatchPolicy>;
  };
  variables: {
    /**
     * Overwrite the value of an existing destination variable that differs; `unless-edited-on-destination`
     * (with a baseline: its default) overwrites what changed on the source only, never a destination edit.
     */
    overwrite: 'never' | 'always' | 'unless-edited-on-destination';
    /** New non-sensitive values: copied, or written as a placeholder to fill in. */
    newValues: 'copy' | 'placeholder';
    /** Text written for placeholders. */
    placeholder: string;
  };
  processes: {
    /** Steps on the destination that the source does not have. */
    destinationOnlySteps: 'keep' | 'remove';
  };
  tenants: {
    /** Tenant variable values: not touched, copied, or written as placeholders. */
    variables: 'skip' | 'copy' | 'placeholder';
  };
  versions: {
    /** Allow source and destination more than one minor version apart, or on different majors. */
    allowSkew: boolean;
  };
  /** With a baseline: an element changed on both sides since the last sync. Absent: `fail` (no default written, so plans without a baseline stay as they were). */
  conflicts?: 'source-wins' | 'destination-wins' | 'fail';
  /** With a baseline: what was synced and is gone from the source since. Absent: `report`. */
  deletions?: 'report' | 'propagate';
  names: {
    /**
     * A source item whose name differs from a destination item's only in case (Octopus refuses the create):
     * `stop` refuses to plan; `adopt` matches the destination's item, which the plan then updates and renames.
     */
    caseOnly: 'stop' | 'adopt';
  };
}

export const DEFAULT_PLACEHOLDER = 'REPLACE ME (octosync placeholder)';

export function defaultPolicy(): Policy {
  const partial = 'skip-unless-partial' as const;
  return {
    version: 1,
    filters: {},
    environments: { map: {}, unmapped: 'same-name', create: false },
    lifecycles: { syncPhases: false },
    scopeMismatch: {
      variables: { environment: partial, channel: partial, processOwner: partial, step: partial, role: partial, target: partial, tenantTag: partial },
      steps: { environment: partial, channel: partial, tenantTag: partial },
    },
    variables: { overwrite: 'never', newValues: 'copy', placeholder: DEFAULT_PLACEHOLDER },
    processes: { destinationOnlySteps: 'keep' },
    tenants: { variables: 'skip' },
    versions: { allowSkew: false },
    names: { caseOnly: 'stop' },
  };
}
