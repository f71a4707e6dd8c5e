/** Field prints split the registry's keyed members one level deeper: src/plan-format/field-prints.ts, src/registry/keyed.ts. */
import { describe, expect, it } from '@jest/globals';
import { fieldPrints } from '../../src/plan-format/field-prints.js';
import { KEYED_MEMBERS } from '../../src/registry/keyed.js';

describe('field prints', () => {
  it('splits the members that were written out by hand before the registry named them (plans store the prints)', () => {
    expect(KEYED_MEMBERS).toEqual(expect.arrayContaining(['Phases', 'Steps', 'Tags', 'Variables']));
  });

  it('prints each keyed entry on its own, and other members whole', () => {
    const prints = fieldPrints('tagSet', { Name: 'Region', Tags: [{ Name: 'EU' }, { Name: 'US' }] });
    expect(Object.keys(prints).sort()).toEqual(['Name', 'Tags/EU', 'Tags/US', 'TagsOrder']);
  });

  it('splits a keyed member name on any kind, as the hand-written list did', () => {
    const prints = fieldPrints('project', { Name: 'Web', Tags: { a: 1 } });
    expect(Object.keys(prints).sort()).toEqual(['Name', 'Tags/a']);
  });
});
