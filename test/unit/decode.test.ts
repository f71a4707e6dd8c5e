import { describe, expect, it } from '@jest/globals';
import { ServerError } from '../../src/errors.js';
import { decode, decodeItems, number, optional, string, stringList } from '../../src/octopus/decode.js';
import { decodeKindDoc, decodeKindDocs, variablesAreInGit } from '../../src/snapshot/documents.js';

const source = 'GET /api/Spaces-1/projects (projects)';

/** The one line a decoding failure gives. */
function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ServerError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a decoding failure');
}

describe('decoders at the edge', () => {
  it('answer the same object, the members they do not check passed through untouched', () => {
    const doc = { Id: 'Projects-1', Name: 'OctoFX', Extra: { deep: [1, 2] } };
    const decoded = decode(doc, { Id: string, Name: string }, { source });
    expect(decoded).toBe(doc);
    expect(decoded.Extra).toEqual({ deep: [1, 2] });
  });

  it('name the request, the item (with its id) and the member', () => {
    const items = [{ Id: 'Projects-1', Name: 'A' }, { Id: 'Projects-2', Name: 'B' }, { Id: 'Projects-3', Name: 'C' }, { Id: 'Projects-4', Name: 42 }];
    expect(failure(() => decodeItems(items, { Id: string, Name: string }, source))).toBe(
      "unexpected response from GET /api/Spaces-1/projects (projects): item 3 (Projects-4) 'Name' is not a string",
    );
  });

  it('say when a document is not an object at all', () => {
    expect(failure(() => decodeItems([{ Id: 'a' }, 'text'], { Id: string }, source))).toBe('unexpected response from GET /api/Spaces-1/projects (projects): item 1 is not an object');
    expect(failure(() => decode(null, { Id: string }, { source: 'GET /api' }))).toBe('unexpected response from GET /api: is not an object');
  });

  it('accept absent and null optional members, and refuse members of another type', () => {
    const spec = { Version: optional(number), Roles: optional(stringList) };
    expect(() => decode({}, spec, { source })).not.toThrow();
    expect(() => decode({ Version: null, Roles: null }, spec, { source })).not.toThrow();
    expect(failure(() => decode({ Version: '3' }, spec, { source }))).toMatch(/'Version' is not a number or null$/);
    expect(failure(() => decode({ Roles: ['web', 7] }, spec, { source }))).toMatch(/'Roles' is not a list of strings or null$/);
  });
});

describe('documents of registry kinds', () => {
  it('check ids and names of named kinds, and the parent id of children', () => {
    expect(decodeKindDoc('project', { Id: 'Projects-1', Name: 'OctoFX', DeploymentProcessId: 'deploymentprocess-Projects-1' }, { source })).toMatchObject({ Name: 'OctoFX' });
    expect(failure(() => decodeKindDocs('project', [{ Id: 'Projects-1' }], source))).toMatch(/item 0 \(Projects-1\) 'Name' is not a string$/);
    expect(failure(() => decodeKindDocs('environment', [{ Name: 'Production' }], 'GET /api/Spaces-1/environments'))).toMatch(/item 0 'Id' is not a string$/);
    expect(failure(() => decodeKindDoc('channel', { Id: 'Channels-1', Name: 'Default', ProjectId: null }, { source: 'GET /api/Spaces-1/channels' }))).toMatch(
      /'ProjectId' is not a string$/,
    );
  });

  it('check the ids of owned documents a parent holds (null where config as code has none)', () => {
    expect(() => decodeKindDoc('project', { Id: 'Projects-1', Name: 'P', DeploymentProcessId: null, IsVersionControlled: true }, { source })).not.toThrow();
    expect(failure(() => decodeKindDoc('project', { Id: 'Projects-1', Name: 'P', VariableSetId: 17 }, { source }))).toMatch(/'VariableSetId' is not a string or null$/);
    expect(failure(() => decodeKindDoc('project', { Id: 'Projects-1', Name: 'P', IsVersionControlled: 'yes' }, { source }))).toMatch(/'IsVersionControlled' is not true or false or null$/);
  });

  it('need no name where a kind has none of its own (processes, scoped user roles), but what names them', () => {
    expect(() => decodeKindDoc('deploymentProcess', { Id: 'deploymentprocess-Projects-1', ProjectId: 'Projects-1', Steps: [] }, { source })).not.toThrow();
    expect(() => decodeKindDoc('scopedUserRole', { Id: 'ScopedUserRoles-1', TeamId: 'Teams-1', UserRoleId: 'userroles-x' }, { source })).not.toThrow();
    expect(failure(() => decodeKindDoc('scopedUserRole', { Id: 'ScopedUserRoles-1', TeamId: 'Teams-1' }, { source }))).toMatch(/'UserRoleId' is not a string$/);
  });

  it('walk the steps and actions of a process and the variables of a set, naming the nested member', () => {
    const process = { Id: 'deploymentprocess-Projects-1', ProjectId: 'Projects-1', Steps: [{ Actions: [{ Id: 'a1', Name: 'Deploy' }] }, { Actions: [{ Id: 'a2' }] }] };
    expect(failure(() => decodeKindDocs('deploymentProcess', [process], 'GET /api/Spaces-1/deploymentprocesses'))).toBe(
      "unexpected response from GET /api/Spaces-1/deploymentprocesses: item 0 (deploymentprocess-Projects-1) 'Steps[1].Actions[0].Name' is not a string",
    );
    const variables = { Id: 'variableset-Projects-1', OwnerId: 'Projects-1', Variables: [{ Id: 'v1', Name: 'Url' }, { Id: 'v2', Name: null }] };
    expect(failure(() => decodeKindDoc('projectVariables', variables, { source: 'GET /api/Spaces-1/variables/all' }))).toMatch(/'Variables\[1\]\.Name' is not a string$/);
  });

  it('check the inventory members of targets', () => {
    expect(failure(() => decodeKindDoc('machine', { Id: 'Machines-1', Name: 'web01', Roles: 'web' }, { source: 'GET /api/Spaces-1/machines' }))).toMatch(/'Roles' is not a list of strings/);
  });

  it('tell a config-as-code project whose variables are in git', () => {
    expect(variablesAreInGit({ PersistenceSettings: { ConversionState: { VariablesAreInGit: true } } })).toBe(true);
    expect(variablesAreInGit({ PersistenceSettings: { Type: 'Database' } })).toBe(false);
    expect(variablesAreInGit({ PersistenceSettings: null })).toBe(false);
  });
});

describe('documents apply is answered with', () => {
  it('are checked as reads are, naming the item the answer was for', async () => {
    const { DestinationState } = await import('../../src/apply/destination.js');
    const dest = new DestinationState({ id: 'Spaces-1', name: 'Default', serverVersion: '2024.3.1' }, new Map());
    dest.remember('environment', ['Production'], { Id: 'Environments-1', Name: 'Production' });
    expect(dest.idOf('environment', ['Production'])).toBe('Environments-1');
    expect(failure(() => dest.remember('environment', ['Staging'], { Name: 'Staging' }))).toBe(
      "unexpected response from the server (environment 'Staging'): 'Id' is not a string",
    );
  });
});

describe('variable sets', () => {
  const set = (scopeValues: unknown) => ({ Id: 'variableset-Projects-1', OwnerId: 'Projects-1', Variables: [{ Id: 'v1', Name: 'Url', Value: 'x' }], ScopeValues: scopeValues });

  it('check the ScopeValues lists scopes are named through', () => {
    expect(() => decodeKindDoc('libraryVariables', set({ Environments: [{ Id: 'Environments-1', Name: 'Production' }], Machines: null }), { source })).not.toThrow();
    expect(failure(() => decodeKindDoc('projectVariables', set({ Environments: [{ Id: 'Environments-1' }] }), { source }))).toMatch(/'ScopeValues\.Environments\[0\]\.Name' is not a string$/);
    expect(failure(() => decodeKindDoc('projectVariables', set({ Roles: 'web' }), { source }))).toMatch(/'ScopeValues\.Roles' is not a list$/);
  });

  it('are checked where apply normalises one it has just read, naming the operation', async () => {
    const { normalizeVariablesWithIds } = await import('../../src/snapshot/modules/variables.js');
    const { IdIndex } = await import('../../src/snapshot/id-index.js');
    const ctx = { index: new IdIndex(), warnings: [], where: "project variables 'OctoFX'" };
    expect(normalizeVariablesWithIds(set({}), ctx).map((v) => v.id)).toEqual(['v1']);
    expect(failure(() => normalizeVariablesWithIds({ ...set({}), Variables: [{ Id: 'v1', Name: 7 }] }, ctx))).toBe(
      "unexpected response from the server (project variables 'OctoFX'): 'Variables[0].Name' is not a string",
    );
  });
});
