import { kindDef } from '../registry/kinds.js';
import { getItem, itemsOf } from '../snapshot/tree.js';
import type { Snapshot, SnapshotItem } from '../snapshot/types.js';
import { EnvironmentMap } from './environments.js';
import type { Policy } from './policy-types.js';
import { pathKey, Selection } from './selection.js';
import type { KindName } from '../registry/kinds.js';
import type { ThreeWay } from './three-way.js';

/**
 * What planning steps learn for later ones. Each fact is filled by the steps that declare they provide it and
 * read by those that declare they need it (plan/steps.ts); the planner settles a fact once its providers are
 * planned, and a read before that, or a fill after, throws: the order is checked, not assumed.
 */
export interface PlanFacts {
  /** Per project: actions its desired processes will hold, as `Action` scope values `<owner> / <action>`. */
  desiredActions: Map<string, Set<string>>;
  /** Per project: names of the actions its deployment process will hold (steps named by channel rules and package settings). */
  deploymentActions: Map<string, Set<string>>;
  /**
   * Step templates by name: the fingerprint each will have on the destination once the plan is applied
   * (usages record "at the template's current version" against it).
   */
  templateResults: Map<string, string>;
}

export type PlanFact = keyof PlanFacts;

/**
 * Everything a planning step may consult: both snapshots, the policy, the selection, the environment map,
 * and what will exist on the destination once the plan is applied. Pure data: no network, no clock.
 */
export class PlanContext {
  readonly selection: Selection;
  readonly environments: EnvironmentMap;
  readonly warnings: string[] = [];
  readonly errors: string[] = [];
  /** What earlier planning steps leave for later ones: filled through `fill`, read through `fact` (below). */
  private readonly facts: PlanFacts = { desiredActions: new Map(), deploymentActions: new Map(), templateResults: new Map() };
  /** Facts whose every provider has been planned: readable, no longer fillable. */
  private readonly settled = new Set<PlanFact>();
  /** Environments this plan creates on the destination. */
  readonly createdEnvironments = new Set<string>();
  /** With a baseline (issue 18): the three-way judge of each element. */
  threeWay?: ThreeWay;
  /** Items the plan skips: what refers to them cannot count on them (the QA lifecycle → QA channel cascade). */
  private readonly skipped = new Set<string>();

  constructor(
    readonly source: Snapshot,
    readonly destination: Snapshot,
    readonly policy: Policy,
  ) {
    this.selection = new Selection(source, policy);
    const destEnvs = new Set(itemsOf(destination, 'environment').map((e) => e.keyPath[0]));
    if (policy.environments.create) {
      for (const { keyPath } of this.selection.items('environment')) {
        const mapped = Object.prototype.hasOwnProperty.call(policy.environments.map, keyPath[0]) ? policy.environments.map[keyPath[0]] : keyPath[0];
        if (mapped && !destEnvs.has(mapped)) this.createdEnvironments.add(mapped);
      }
    }
    this.environments = new EnvironmentMap(policy, destEnvs, this.createdEnvironments);
    // Two source environments landing on one destination environment merge their values and steps there.
    const landing = new Map<string, string[]>();
    for (const { keyPath } of itemsOf(source, 'environment')) {
      const target = this.environments.map(keyPath[0]);
      if (target) landing.set(target, [...(landing.get(target) ?? []), keyPath[0]]);
    }
    for (const [target, sources] of landing) {
      if (sources.length > 1) {
        this.warnings.push(`environments ${sources.map((s) => `'${s}'`).join(' and ')} all map to '${target}' on the destination: what is scoped to each lands on '${target}'`);
      }
    }
  }

  /**
   * A fact for a planning step that provides it (plan/steps.ts) to fill. Refused once the fact is settled: a
   * provider planned after a step that read the fact would be missed by it.
   */
  fill<F extends PlanFact>(fact: F): PlanFacts[F] {
    if (this.settled.has(fact)) throw new Error(`planning order: '${fact}' is filled after a step read it (see plan/steps.ts)`);
    return this.facts[fact];
  }

  /** A fact for a planning step that needs it: only once every step that provides it has been planned. */
  fact<F extends PlanFact>(fact: F): PlanFacts[F] {
    if (!this.settled.has(fact)) throw new Error(`planning order: '${fact}' is read before every step that provides it was planned (see plan/steps.ts)`);
    return this.facts[fact];
  }

  /** Every provider of the fact has been planned (the planner says so, from the step table's declarations). */
  settle(fact: PlanFact): void {
    this.settled.add(fact);
  }

  /** Every step is planned: every fact is final (one no kind provides is empty). */
  settleAll(): void {
    for (const fact of Object.keys(this.facts) as PlanFact[]) this.settled.add(fact);
  }

  destItem(kind: KindName, keyPath: string[]): SnapshotItem | undefined {
    return getItem(this.destination, kind, keyPath);
  }

  sourceItem(kind: KindName, keyPath: string[]): SnapshotItem | undefined {
    return getItem(this.source, kind, keyPath);
  }

  /** Whether an item will exist on the destination after apply: it is there, or the plan brings it. */
  willExist(kind: KindName, keyPath: string[]): boolean {
    if (kindDef(kind).syncClass === 'environment') return this.environments.map(keyPath[0]) !== undefined || this.createdEnvironments.has(keyPath[0]);
    if (this.destItem(kind, keyPath)) return true;
    if (this.skipped.has(`${kind}:${pathKey(keyPath)}`)) return false;
    return this.selection.has(kind, keyPath) && kindDef(kind).syncClass !== 'never';
  }

  markSkipped(kind: KindName, keyPath: string[]): void {
    this.skipped.add(`${kind}:${pathKey(keyPath)}`);
  }

  /** Whether a canonical tag `Set/Tag` will exist on the destination. */
  tagWillExist(canonical: string): boolean {
    const slash = canonical.indexOf('/');
    if (slash < 0) return false;
    const set = canonical.slice(0, slash);
    const tag = canonical.slice(slash + 1);
    const has = (item: SnapshotItem | undefined) => ((item?.content.Tags as { Name: string }[]) ?? []).some((t) => t.Name === tag);
    // Tag sets must match exactly, so a selected source tag set replaces the destination's.
    if (this.selection.has('tagSet', [set])) return has(this.sourceItem('tagSet', [set]));
    return has(this.destItem('tagSet', [set]));
  }

  /** Machine names on the destination (never synced: only its own targets count). */
  destinationMachines(): Set<string> {
    return new Set(this.destination.inventory.machines.map((m) => m.name));
  }
}
