import { describe, expect, it } from '@jest/globals';
import { KINDS } from '../../src/registry/kinds.js';
import { SPECIAL_MODULES, type KindDef, type SpecialModule } from '../../src/registry/types.js';
import { PlanContext } from '../../src/plan/context.js';
import { withDefaults } from '../../src/plan/policy.js';
import { MODULE_STEPS, planningOrder, type ModuleStep } from '../../src/plan/steps.js';
import { makeSnapshot } from '../helpers/snapshots.js';

/** The registry with one kind moved to just after another. */
function moved(kind: string, after: string): KindDef[] {
  const rest = KINDS.filter((k) => k.kind !== kind);
  const at = rest.findIndex((k) => k.kind === after);
  return [...rest.slice(0, at + 1), KINDS.find((k) => k.kind === kind)!, ...rest.slice(at + 1)];
}

const position = (kind: string) => KINDS.findIndex((k) => k.kind === kind);

describe('planning steps depend on each other explicitly, checked against the registry’s order', () => {
  it('the registry’s order satisfies every declared need; each fact settles after its last provider', () => {
    const settles = planningOrder(KINDS);
    expect(settles.get(position('stepTemplate'))).toEqual(['templateResults']);
    expect(settles.get(position('deploymentProcess'))).toEqual(['deploymentActions']);
    expect(settles.get(position('runbookProcess'))).toEqual(['desiredActions']);
  });

  it('project variables moved before the processes: refused, naming both', () => {
    expect(() => planningOrder(moved('projectVariables', 'project'))).toThrow(
      "planning order: projectVariables needs 'desiredActions', which deploymentProcess, runbookProcess provide only after it",
    );
  });

  it('step templates moved after the processes: refused (usages record the template’s planned result)', () => {
    expect(() => planningOrder(moved('stepTemplate', 'runbookProcess'))).toThrow(/deploymentProcess needs 'templateResults', which stepTemplate provides only after it/);
  });

  it('library variables, which no process scope reaches, may come first', () => {
    expect(() => planningOrder(moved('libraryVariables', 'environment'))).not.toThrow();
  });

  it('at run time, a fact is read only once settled, and filled only before', () => {
    const s = makeSnapshot({});
    const ctx = new PlanContext(s, s, withDefaults({}));
    expect(() => ctx.fact('desiredActions')).toThrow("planning order: 'desiredActions' is read before every step that provides it was planned");
    ctx.fill('desiredActions').set('OctoFX', new Set(['Deploy']));
    ctx.settle('desiredActions');
    expect(ctx.fact('desiredActions').get('OctoFX')).toEqual(new Set(['Deploy']));
    expect(() => ctx.fill('desiredActions')).toThrow("planning order: 'desiredActions' is filled after a step read it");
  });
});

describe('special handling is a table per stage, complete by construction', () => {
  it('the planner has a step for every special module the registry names', () => {
    expect(Object.keys(MODULE_STEPS).sort()).toEqual([...SPECIAL_MODULES].sort());
    for (const def of KINDS) if (def.module) expect(SPECIAL_MODULES).toContain(def.module);
  });

  it('a table missing a module does not compile (ts-jest type-checks this file)', () => {
    const { scopedUserRole: _left, ...rest } = MODULE_STEPS;
    // @ts-expect-error a Record<SpecialModule, …> without 'scopedUserRole' is a compile error
    const incomplete: Record<SpecialModule, ModuleStep> = rest;
    expect(Object.keys(incomplete)).not.toContain('scopedUserRole');
  });
});
