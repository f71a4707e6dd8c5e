/**
 * The simulator store's lookups by name and slug (src/simulator/store.ts `matching`), which name checks and
 * seeding use instead of walking a collection: they must see every put, rename and removal, as a walk would.
 */
import { describe, expect, it } from '@jest/globals';
import { Store } from '../../src/simulator/store.js';
import type { Doc } from '../../src/simulator/types.js';

const names = (docs: Doc[]) => docs.map((d) => String(d.Id)).sort();

describe('Store.matching', () => {
  it('finds names without regard to case, per space or across spaces', () => {
    const store = new Store(undefined, 100);
    store.put('projects', { Id: 'Projects-1', SpaceId: 'Spaces-1', Name: 'Web' });
    store.put('projects', { Id: 'Projects-2', SpaceId: 'Spaces-2', Name: 'WEB' });
    store.put('projects', { Id: 'Projects-3', SpaceId: 'Spaces-1', Name: 'Api' });
    expect(names(store.matching('projects', 'Name', 'web'))).toEqual(['Projects-1', 'Projects-2']);
    expect(names(store.matching('projects', 'Name', 'wEb', 'Spaces-1'))).toEqual(['Projects-1']);
    expect(store.matching('projects', 'Name', 'nothing')).toEqual([]);
    expect(store.matching('environments', 'Name', 'web')).toEqual([]);
  });

  it('follows a rename, a document changed in place and put again, and a removal', () => {
    const store = new Store(undefined, 100);
    store.put('projects', { Id: 'Projects-1', SpaceId: 'Spaces-1', Name: 'Web', Slug: 'web' });
    expect(names(store.matching('projects', 'Slug', 'web'))).toEqual(['Projects-1']); // the index is built here
    store.put('projects', { Id: 'Projects-1', SpaceId: 'Spaces-1', Name: 'Portal', Slug: 'portal' });
    expect(store.matching('projects', 'Name', 'web')).toEqual([]);
    expect(store.matching('projects', 'Slug', 'web')).toEqual([]);
    expect(names(store.matching('projects', 'Name', 'portal'))).toEqual(['Projects-1']);
    const doc = store.get('projects', 'Projects-1')!;
    doc.Name = 'Shop';
    store.put('projects', doc);
    expect(store.matching('projects', 'Name', 'portal')).toEqual([]);
    expect(names(store.matching('projects', 'Name', 'SHOP'))).toEqual(['Projects-1']);
    store.remove('projects', 'Projects-1');
    expect(store.matching('projects', 'Name', 'shop')).toEqual([]);
    expect(store.all('projects')).toEqual([]);
  });

  it('indexes what was stored before its first lookup', () => {
    const store = new Store(undefined, 100);
    for (let i = 1; i <= 50; i++) store.put('runbooks', { Id: `Runbooks-${i}`, SpaceId: 'Spaces-1', ProjectId: `Projects-${i}`, Name: 'Runbook 1' });
    expect(store.matching('runbooks', 'Name', 'runbook 1')).toHaveLength(50);
  });
});
