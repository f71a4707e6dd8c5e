import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KINDS, isKindName, kindDef } from '../../src/registry/kinds.js';
import { VARIABLE_SCOPES } from '../../src/registry/variable-scopes.js';
import { VARIABLE_SCOPE_DIMENSIONS } from '../../src/plan/policy-types.js';

/**
 * The JSON Schemas name kinds by hand (editors complete them from there); the registry is the source of truth.
 * A kind added to the registry and not to the schemas would make its snapshots and plans invalid files.
 */
const schema = (name: string) => JSON.parse(readFileSync(join(process.cwd(), 'schemas', `${name}.schema.json`), 'utf8'));
const synced = KINDS.filter((k) => k.syncClass !== 'never');
const sorted = (names: readonly string[]) => [...names].sort();

describe('the schemas name the registry’s kinds', () => {
  it('snapshot: one resource tree per kind read as content (plural names); never-synced kinds only in the inventory', () => {
    expect(sorted(schema('snapshot').properties.resources.propertyNames.enum)).toEqual(sorted(synced.map((k) => k.plural)));
  });

  it('plan: an operation’s kind is any synced kind', () => {
    expect(sorted(schema('plan').$defs.operation.properties.kind.enum)).toEqual(sorted(synced.map((k) => k.kind)));
  });

  it('policy: a filter per filterable kind (its plural name)', () => {
    expect(sorted(Object.keys(schema('policy').properties.filters.properties))).toEqual(sorted(KINDS.filter((k) => k.filterable).map((k) => k.plural)));
  });

  it('policy: a variable scope-mismatch setting per dimension of the variable scope table', () => {
    const dimensions = VARIABLE_SCOPES.map((s) => s.dimension);
    expect(sorted(Object.keys(schema('policy').properties.scopeMismatch.properties.variables.properties))).toEqual(sorted(dimensions));
    expect(sorted(VARIABLE_SCOPE_DIMENSIONS)).toEqual(sorted(dimensions));
  });
});

describe('the registry', () => {
  it('has unique kind names and plurals', () => {
    expect(new Set(KINDS.map((k) => k.kind)).size).toBe(KINDS.length);
    expect(new Set(KINDS.map((k) => k.plural)).size).toBe(KINDS.length);
  });

  it('knows its own names and no others (names read from files are checked with isKindName)', () => {
    expect(KINDS.every((k) => isKindName(k.kind) && kindDef(k.kind) === k)).toBe(true);
    expect(isKindName('projects')).toBe(false);
    expect(isKindName('Project')).toBe(false);
  });

  it('refuses a misspelt kind at compile time (ts-jest type-checks this file) and at run time', () => {
    // @ts-expect-error 'projekt' is no KindName
    expect(() => kindDef('projekt')).toThrow("unknown resource kind 'projekt'");
  });

  it('lists parents before their children', () => {
    const index = new Map(KINDS.map((k, i) => [k.kind, i]));
    expect(KINDS.filter((k) => k.parent && index.get(k.parent.kind)! > index.get(k.kind)!).map((k) => k.kind)).toEqual([]);
  });
});
