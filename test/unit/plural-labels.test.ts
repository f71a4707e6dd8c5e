/** Messages name kinds in the plural (`deployment processes`, not `deployment processs`): src/registry/kinds.ts pluralLabel. */
import { describe, expect, it } from '@jest/globals';
import { KINDS, kindDef, pluralLabel } from '../../src/registry/kinds.js';

describe('plural labels', () => {
  it('spells the plurals the registry needs', () => {
    expect(pluralLabel(kindDef('deploymentProcess'))).toBe('deployment processes');
    expect(pluralLabel(kindDef('runbookProcess'))).toBe('runbook processes');
    expect(pluralLabel(kindDef('machinePolicy'))).toBe('machine policies');
    expect(pluralLabel(kindDef('deploymentSettings'))).toBe('deployment settings');
    expect(pluralLabel(kindDef('project'))).toBe('projects');
  });

  it('never ends a kind in a doubled s or a "ys"', () => {
    for (const def of KINDS) expect(pluralLabel(def)).not.toMatch(/sss$|[^aeiou]ys$|settingss$|variabless$/);
  });
});
