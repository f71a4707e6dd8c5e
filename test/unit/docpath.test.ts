import { describe, expect, it } from '@jest/globals';
import { deleteAtPath, visitPath } from '../../src/util/docpath.js';

describe('document paths', () => {
  it('visits nested arrays, quoted members with dots, and stacked iterators', () => {
    const doc = {
      Steps: [{ Actions: [{ Properties: { 'Octopus.Action.Template.Id': 'ActionTemplates-1' }, Environments: ['Environments-1'] }] }],
      ProjectEnvironments: { 'Projects-1': ['Environments-1', 'Environments-2'] },
    };
    const seen: unknown[] = [];
    visitPath(doc, 'Steps[].Actions[].Properties."Octopus.Action.Template.Id"', (v, set) => {
      seen.push(v);
      set('My template');
    });
    visitPath(doc, 'ProjectEnvironments{}[]', (v, set) => set(String(v).replace('Environments-', 'Env ')));
    visitPath(doc, 'ProjectEnvironments{key}', (_k, set) => set('OctoFX'));
    expect(seen).toEqual(['ActionTemplates-1']);
    expect(doc.Steps[0].Actions[0].Properties['Octopus.Action.Template.Id']).toBe('My template');
    expect(doc.ProjectEnvironments).toEqual({ OctoFX: ['Env 1', 'Env 2'] });
  });

  it('deletes members inside lists', () => {
    const doc = { Steps: [{ Id: 'a', Actions: [{ Id: 'b', Name: 'x' }] }] };
    deleteAtPath(doc, 'Steps[].Actions[].Id');
    deleteAtPath(doc, 'Steps[].Id');
    expect(doc).toEqual({ Steps: [{ Actions: [{ Name: 'x' }] }] });
  });
});
