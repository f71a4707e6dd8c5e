import type { Policy } from './policy-types.js';

/**
 * Source environment names to destination names, under the policy's map: a mapped name, or the same
 * name when the destination has it (`unmapped: same-name`), or nothing (dropped).
 */
export class EnvironmentMap {
  constructor(
    private readonly policy: Policy,
    private readonly destination: Set<string>,
    /** Environments this plan creates on the destination (policy `environments.create`). */
    private readonly created: Set<string> = new Set(),
  ) {}

  /** The destination name, or undefined when the environment does not carry over. */
  map(source: string): string | undefined {
    const { map, unmapped } = this.policy.environments;
    if (Object.prototype.hasOwnProperty.call(map, source)) {
      const target = map[source];
      if (target === null) return undefined;
      return this.destination.has(target) || this.created.has(target) ? target : undefined;
    }
    if (unmapped === 'drop') return undefined;
    return this.destination.has(source) || this.created.has(source) ? source : undefined;
  }

  /** Why `source` does not carry over (for reasons in the plan). */
  whyDropped(source: string): string {
    const { map } = this.policy.environments;
    if (Object.prototype.hasOwnProperty.call(map, source)) {
      return map[source] === null ? `the policy drops environment '${source}'` : `environment '${map[source]}' (mapped from '${source}') is not on the destination`;
    }
    return `environment '${source}' is not on the destination`;
  }
}
