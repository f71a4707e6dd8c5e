/**
 * Response shapes of every simulator kind against the Swagger 2.0 document a real Octopus Server 2021.2.4488
 * generated (vendored in `test/vendor/octopus-api/`, README there). Each kind is its own case; a kind the simulator does not
 * serve yet fails its case (by design: the table lists what a faithful simulator must serve).
 *
 * What is checked: the GET-by-id body carries every property the kind's definition defines, with its type,
 * recursively through `$ref`s, arrays and maps; the paged list carries the collection definition
 * (ItemType, TotalResults, ItemsPerPage, NumberOfPages, LastPageNumber, Items, Links) with conforming items;
 * `/all` answers a bare array of conforming items. Extra properties (newer than 2021.2) are fine.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withSimulator } from '../helpers/simulator.js';
import { kindFixtures, type KindFixtures } from '../helpers/kind-fixtures.js';
import {
  checkShape,
  loadSwagger,
  refName,
  responseDefinition,
  unknownExceptionKeys,
  type ShapeOptions,
  type WireFormat,
} from '../helpers/swagger.js';

const swagger = loadSwagger();

interface KindCase {
  /** Collection segment (as the Swagger spells it; the simulator matches it case-insensitively). */
  collection: string;
  /** The definition one item is serialised as. */
  definition: string;
  /** The Swagger route of GET-by-id (basePath `/api` omitted), which must answer `definition`. */
  route: string;
  /** Space-scoped kinds are read at `/api/Spaces-1/<collection>`, system ones at `/api/<collection>`. */
  scope: 'space' | 'system';
}

/** Every collection the simulator serves (or must serve), mapped to its Swagger definition. */
const kinds: KindCase[] = [
  { collection: 'spaces', definition: 'SpaceResource', route: '/spaces/{id}', scope: 'system' },
  { collection: 'environments', definition: 'EnvironmentResource', route: '/{baseSpaceId}/environments/{id}', scope: 'space' },
  { collection: 'projectgroups', definition: 'ProjectGroupResource', route: '/{baseSpaceId}/projectgroups/{id}', scope: 'space' },
  { collection: 'lifecycles', definition: 'LifecycleResource', route: '/{baseSpaceId}/lifecycles/{id}', scope: 'space' },
  { collection: 'projects', definition: 'ProjectResource', route: '/{baseSpaceId}/projects/{projectId}', scope: 'space' },
  { collection: 'channels', definition: 'ChannelResource', route: '/{baseSpaceId}/channels/{id}', scope: 'space' },
  { collection: 'deploymentprocesses', definition: 'DeploymentProcessResource', route: '/{baseSpaceId}/deploymentprocesses/{id}', scope: 'space' },
  { collection: 'runbooks', definition: 'RunbookResource', route: '/{baseSpaceId}/runbooks/{id}', scope: 'space' },
  { collection: 'runbookProcesses', definition: 'RunbookProcessResource', route: '/{baseSpaceId}/runbookProcesses/{id}', scope: 'space' },
  { collection: 'variables', definition: 'VariableSetResource', route: '/{baseSpaceId}/variables/{id}', scope: 'space' },
  { collection: 'libraryvariablesets', definition: 'LibraryVariableSetResource', route: '/{baseSpaceId}/libraryvariablesets/{id}', scope: 'space' },
  { collection: 'releases', definition: 'ReleaseResource', route: '/{baseSpaceId}/releases/{id}', scope: 'space' },
  { collection: 'tenants', definition: 'TenantResource', route: '/{baseSpaceId}/tenants/{id}', scope: 'space' },
  { collection: 'tagsets', definition: 'TagSetResource', route: '/{baseSpaceId}/tagsets/{id}', scope: 'space' },
  { collection: 'actiontemplates', definition: 'ActionTemplateResource', route: '/{baseSpaceId}/actiontemplates/{id}', scope: 'space' },
  { collection: 'workerpools', definition: 'WorkerPoolResource', route: '/{baseSpaceId}/workerpools/{id}', scope: 'space' },
  { collection: 'machinepolicies', definition: 'MachinePolicyResource', route: '/{baseSpaceId}/machinepolicies/{id}', scope: 'space' },
  { collection: 'feeds', definition: 'FeedResource', route: '/{baseSpaceId}/feeds/{id}', scope: 'space' },
  { collection: 'accounts', definition: 'AccountResource', route: '/{baseSpaceId}/accounts/{id}', scope: 'space' },
  { collection: 'certificates', definition: 'CertificateResource', route: '/{baseSpaceId}/certificates/{id}', scope: 'space' },
  { collection: 'teams', definition: 'TeamResource', route: '/teams/{id}', scope: 'system' },
  { collection: 'userroles', definition: 'UserRoleResource', route: '/userroles/{id}', scope: 'system' },
  { collection: 'scopeduserroles', definition: 'ScopedUserRoleResource', route: '/scopeduserroles/{id}', scope: 'system' },
  { collection: 'machines', definition: 'DeploymentTargetResource', route: '/{baseSpaceId}/machines/{id}', scope: 'space' },
  { collection: 'workers', definition: 'WorkerResource', route: '/{baseSpaceId}/workers/{id}', scope: 'space' },
];

/** The wire formats of definitions the document models differently (test/vendor/octopus-api/README.md). */
const wireFormats: Record<string, WireFormat> = {
  PropertyValueResource: {
    reason:
      'README: PropertyValueResource (step/action Properties, template DefaultValue) is a plain JSON string or a ' +
      'SensitiveValue object on the wire, not {IsSensitive, Value, SensitiveValue} (CS PropertyValueJsonConverter)',
    check: (value, at, recurse) =>
      typeof value === 'string' || value === null
        ? []
        : typeof value === 'object' && !Array.isArray(value)
          ? recurse('SensitiveValue', value, at)
          : [`${at}: expected a string or a SensitiveValue object (PropertyValueResource on the wire), got ${JSON.stringify(value)}`],
  },
  VariableType: {
    reason: 'README: VariableType is modelled as {Value: string} but is a plain string ("String", "Sensitive", ...) on the wire',
    check: (value, at) => (typeof value === 'string' ? [] : [`${at}: expected the variable type as a plain string, got ${JSON.stringify(value)}`]),
  },
};

/** Properties a definition lists that real servers do not serialise, each with the evidence. */
const propertyExceptions: Record<string, string> = {
  'DeploymentActionResource.LastModifiedOn':
    'Resource base member of the C# class; real action JSON carries `"Links": {}` and no LastModified* ' +
    '(server-captured process JSON in OctopusDeploy Specs, ProcessAsCode/FileFormatExamples/k8.json)',
  'DeploymentActionResource.LastModifiedBy': 'as DeploymentActionResource.LastModifiedOn',
};

/** Objects the document models with every member but that are sparse maps on the wire. */
const sparseObjects: Record<string, string> = {
  'VariableResource.Scope':
    'README / API-FACTS §1.3, §3.9: Scope is a map {"<ScopeField>": string[]} holding only the scoped fields ' +
    '(omitted keys = unscoped; GO variable_scope.go omitempty); the document lists every ScopeField as a property',
};

/**
 * Collections: the C# collection class derives from Resource, so the document lists Id/LastModifiedOn/LastModifiedBy;
 * the wire shape is {ItemType, TotalResults, ItemsPerPage, NumberOfPages, LastPageNumber, Items, Links}
 * (API-FACTS §2.5: GO pkg/resources/paged_results.go, TS src/resourceCollection.ts, recorded CANNED pages).
 */
function collectionExceptions(collectionDefinition: string): Record<string, string> {
  const reason = 'Resource base member of the C# collection class, not part of the wire shape (API-FACTS §2.5)';
  return Object.fromEntries(['Id', 'LastModifiedOn', 'LastModifiedBy'].map((p) => [`${collectionDefinition}.${p}`, reason]));
}

const collectionDefinitions = kinds
  .map((k) => responseDefinition(swagger, 'get', listRoute(k)))
  .filter((d): d is string => !!d && !d.endsWith('[]'));

const options: ShapeOptions = {
  wireFormats,
  sparseObjects,
  exceptions: { ...propertyExceptions, ...Object.assign({}, ...collectionDefinitions.map(collectionExceptions)) },
};

function listRoute(k: KindCase): string {
  return k.scope === 'space' ? `/{baseSpaceId}/${k.collection}` : `/${k.collection}`;
}

function base(k: KindCase, fx: KindFixtures): string {
  return k.scope === 'space' ? `${fx.space}/${k.collection}` : `/api/${k.collection}`;
}

function shapeReport(problems: string[]): string {
  return problems.length ? `\n  ${problems.join('\n  ')}` : '';
}

describe('the check itself', () => {
  it('reads the 2021.2.4488 document', () => {
    expect(swagger.swagger).toBe('2.0');
    expect(swagger.info.version).toBe('2021.2.4488');
    expect(swagger.basePath).toBe('/api');
  });

  it('names only properties the document defines in its exceptions', () => {
    expect(unknownExceptionKeys(swagger, options.exceptions!)).toEqual([]);
    expect(unknownExceptionKeys(swagger, sparseObjects)).toEqual([]);
    for (const name of Object.keys(wireFormats)) expect(swagger.definitions[name]).toBeDefined();
  });

  it('flags a missing property, a wrong type and a null integer, and accepts the documented wire formats', () => {
    const problems = checkShape(swagger, 'EnvironmentResource', { Id: 'Environments-1', Name: 5, SortOrder: null, Links: {} }, options);
    expect(problems.join('\n')).toMatch(/\$\.Name: expected a string/);
    expect(problems.join('\n')).toMatch(/\$\.SortOrder: null/);
    expect(problems.join('\n')).toMatch(/\$\.UseGuidedFailure: missing/);
    const bag = { Properties: { a: 'x', b: { HasValue: true, NewValue: null, Hint: null } } };
    expect(checkShape(swagger, 'DeploymentStepResource', bag, options).filter((p) => p.includes('Properties'))).toEqual([]);
    expect(checkShape(swagger, 'VariableResource', { Type: 'String' }, options).filter((p) => p.includes('Type'))).toEqual([]);
    const scoped = (Scope: unknown) => checkShape(swagger, 'VariableResource', { Scope }, options).filter((p) => p.includes('Scope'));
    expect(scoped({ Environment: ['Environments-1'] })).toEqual([]);
    expect(scoped({ Environment: 'Environments-1' }).join('\n')).toMatch(/Scope\.Environment: expected an array/);
  });
});

describe('Swagger shapes of simulator responses (2021.2.4488)', () => {
  let sim: Awaited<ReturnType<typeof withSimulator>>;
  let fx: KindFixtures;
  beforeAll(async () => {
    sim = await withSimulator();
    fx = kindFixtures(sim.api);
  });
  afterAll(() => sim.close());

  it('GET /api/users/me (the root document\'s CurrentUser link) is a UserResource', async () => {
    const res = await sim.api('GET', '/api/users/me');
    expect(res.status).toBe(200);
    expect(shapeReport(checkShape(swagger, 'UserResource', res.body, options))).toBe('');
  });

  describe.each(kinds)('$collection ($definition)', (k) => {
    const listDefinition = responseDefinition(swagger, 'get', listRoute(k));
    const allDefinition = responseDefinition(swagger, 'get', `${listRoute(k)}/all`);

    it(`is what GET ${k.route} answers in the document`, () => {
      expect(responseDefinition(swagger, 'get', k.route)).toBe(k.definition);
    });

    it('GET by id carries every property of the definition', async () => {
      const doc = await fx.byCollection[k.collection]();
      const res = await sim.api('GET', `${base(k, fx)}/${encodeURIComponent(doc.Id)}`);
      expect(res.status).toBe(200);
      expect(shapeReport(checkShape(swagger, k.definition, res.body, options))).toBe('');
    });

    if (listDefinition) {
      it(`the paged list is a ${listDefinition}`, async () => {
        const doc = await fx.byCollection[k.collection]();
        const res = await sim.api('GET', `${base(k, fx)}?ids=${encodeURIComponent(doc.Id)}`);
        expect(res.status).toBe(200);
        expect(res.body.Items.map((d: { Id: string }) => d.Id)).toContain(doc.Id);
        expect(shapeReport(checkShape(swagger, listDefinition, res.body, options))).toBe('');
        // ItemType is the item class name without "Resource" (API-FACTS §2.5, CS ResourceCollection.ItemType).
        expect(res.body.ItemType).toBe(listDefinition.replace(/ResourceCollection$/, ''));
      });
    }

    if (allDefinition) {
      it(`/all is a bare array of ${refName(allDefinition.replace(/\[\]$/, ''))}`, async () => {
        const doc = await fx.byCollection[k.collection]();
        const res = await sim.api('GET', `${base(k, fx)}/all`);
        expect(res.status).toBe(200);
        expect(Array.isArray(res.body)).toBe(true);
        expect(res.body.map((d: { Id: string }) => d.Id)).toContain(doc.Id);
        const problems = (res.body as unknown[]).flatMap((item, i) =>
          checkShape(swagger, allDefinition.replace(/\[\]$/, ''), item, options).map((p) => p.replace(/^\$/, `$[${i}]`)),
        );
        expect(shapeReport(problems)).toBe('');
      });
    }
  });
});
