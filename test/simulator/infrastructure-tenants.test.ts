/**
 * Tag sets, tenants and tenant variables (API-FACTS §3.11–§3.13), through HTTP. The projects and library variable
 * sets whose `Templates` tenant variables fill belong to another kind family: they are written straight into the
 * store here (the tenant code reads them by collection name), so these tests do not depend on that family's rules.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadSeed } from '../../src/simulator/seed.js';
import { secretOf } from '../../src/simulator/sensitive.js';
import type { Doc, SimContext } from '../../src/simulator/types.js';
import { withSimulator } from '../helpers/simulator.js';

type Sim = Awaited<ReturnType<typeof withSimulator>>;
const S = '/api/Spaces-1';

/** A project or library variable set with templates, as the other kind family stores it. */
function putOwner(sim: Sim, collection: string, prefix: string, doc: Doc, spaceId = 'Spaces-1'): Doc {
  const full = { Id: sim.store.allocateId(prefix), SpaceId: spaceId, Templates: [], ...doc };
  sim.store.put(collection, full);
  return full;
}

const template = (id: string, name: string, control = 'SingleLineText') => ({
  Id: id,
  Name: name,
  Label: name,
  HelpText: null,
  DefaultValue: '',
  DisplaySettings: { 'Octopus.ControlType': control },
});

async function created(sim: Sim, path: string, body: unknown): Promise<Doc> {
  const res = await sim.api('POST', path, body);
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

describe('tag sets (API-FACTS §3.13)', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await withSimulator();
  });
  afterAll(() => sim.close());

  it('assigns tag ids, computes CanonicalTagName, keeps tag ids on PUT and follows a rename', async () => {
    const set = await created(sim, `${S}/tagsets`, {
      Name: 'Tier',
      Description: 'Customer tier',
      Tags: [{ Name: 'Premium', Color: '#36A766', CanonicalTagName: 'ignored/x' }, { Name: 'Standard', Color: '#3156B3' }],
    });
    expect(set.Id).toMatch(/^TagSets-\d+$/);
    expect(set.SpaceId).toBe('Spaces-1');
    expect(set.Links.Self).toBe(`${S}/tagsets/${set.Id}`);
    expect(set.Tags).toEqual([
      expect.objectContaining({ Name: 'Premium', CanonicalTagName: 'Tier/Premium', SortOrder: 0, Color: '#36A766' }),
      expect.objectContaining({ Name: 'Standard', CanonicalTagName: 'Tier/Standard', SortOrder: 1 }),
    ]);
    expect(set.Tags[0].Id).toMatch(/^Tags-\d+$/);
    const renamed = await sim.api('PUT', `${S}/tagsets/${set.Id}`, { ...set, Name: 'Level' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.Tags.map((t: Doc) => t.Id)).toEqual(set.Tags.map((t: Doc) => t.Id));
    expect(renamed.body.Tags[0].CanonicalTagName).toBe('Level/Premium');
    const bogusId = await sim.api('PUT', `${S}/tagsets/${set.Id}`, { ...renamed.body, Tags: [{ Id: 'Tags-999999', Name: 'Gold' }] });
    expect(bogusId.body.Tags[0].Id).not.toBe('Tags-999999');
  });

  it('lists by SortOrder and takes a new order from PUT tagsets/sortorder', async () => {
    const a = await created(sim, `${S}/tagsets`, { Name: 'Zeta', Tags: [] });
    const b = await created(sim, `${S}/tagsets`, { Name: 'Alpha', Tags: [] });
    let names = (await sim.api('GET', `${S}/tagsets/all`)).body.map((s: Doc) => s.Name);
    expect(names.indexOf('Zeta')).toBeLessThan(names.indexOf('Alpha'));
    const ids = (await sim.api('GET', `${S}/tagsets/all`)).body.map((s: Doc) => s.Id).filter((id: string) => id !== b.Id);
    expect((await sim.api('PUT', `${S}/tagsets/sortorder`, [b.Id, ...ids])).status).toBe(200);
    names = (await sim.api('GET', `${S}/tagsets`)).body.Items.map((s: Doc) => s.Name);
    expect(names[0]).toBe('Alpha');
    expect(names.indexOf('Zeta')).toBeGreaterThan(0);
    expect(a.Id).not.toBe(b.Id);
  });

  it('refuses duplicate tag names in a set', async () => {
    const res = await sim.api('POST', `${S}/tagsets`, { Name: 'Dup', Tags: [{ Name: 'A' }, { Name: 'a' }] });
    expect(res.status).toBe(400);
  });
});

describe('tenants (API-FACTS §3.11)', () => {
  let sim: Sim;
  let dev: Doc;
  let prod: Doc;
  let web: Doc;
  let api: Doc;
  beforeAll(async () => {
    sim = await withSimulator();
    dev = await created(sim, `${S}/environments`, { Name: 'Development' });
    prod = await created(sim, `${S}/environments`, { Name: 'Production' });
    web = putOwner(sim, 'projects', 'Projects', { Name: 'Web' });
    api = putOwner(sim, 'projects', 'Projects', { Name: 'Api' });
    await created(sim, `${S}/tagsets`, { Name: 'Tier', Tags: [{ Name: 'Premium' }, { Name: 'Standard' }] });
    await created(sim, `${S}/tagsets`, { Name: 'Region', Tags: [{ Name: 'EU' }, { Name: 'US' }] });
    await created(sim, `${S}/tenants`, {
      Name: 'Bob',
      TenantTags: ['Tier/Premium', 'Region/EU'],
      ProjectEnvironments: { [web.Id]: [dev.Id, prod.Id] },
    });
    await created(sim, `${S}/tenants`, { Name: 'Alice', TenantTags: ['Tier/Standard', 'Region/EU'], ProjectEnvironments: { [api.Id]: [prod.Id] } });
    await created(sim, `${S}/tenants`, { Name: 'Carol', TenantTags: ['Tier/Premium', 'Region/US'], IsDisabled: true });
  });
  afterAll(() => sim.close());

  it('creates with the real members, Slug, Links, and lists by name', async () => {
    const list = await sim.api('GET', `${S}/tenants`);
    expect(list.body.ItemType).toBe('Tenant');
    expect(list.body.Items.map((t: Doc) => t.Name)).toEqual(['Alice', 'Bob', 'Carol']);
    const bob = list.body.Items[1];
    expect(bob).toMatchObject({
      Name: 'Bob',
      Slug: 'bob',
      Description: null,
      ClonedFromTenantId: null,
      IsDisabled: false,
      TenantTags: ['Tier/Premium', 'Region/EU'],
      ProjectEnvironments: { [web.Id]: [dev.Id, prod.Id] },
      SpaceId: 'Spaces-1',
      LastModifiedBy: expect.any(String),
    });
    expect(bob.Links).toMatchObject({ Self: `${S}/tenants/${bob.Id}`, Variables: `${S}/tenants/${bob.Id}/variables` });
  });

  it('answers 400 for an unknown project, environment or tag', async () => {
    for (const body of [
      { Name: 'X1', ProjectEnvironments: { 'Projects-999999': [] } },
      { Name: 'X2', ProjectEnvironments: { [web.Id]: ['Environments-999999'] } },
      { Name: 'X3', TenantTags: ['Tier/Gold'] },
    ]) {
      const res = await sim.api('POST', `${S}/tenants`, body);
      expect(res.status).toBe(400);
      expect(res.body.ErrorMessage).toBe('There was a problem with your request.');
      expect(res.body.Errors.join(' ')).toMatch(/Projects-999999|Environments-999999|Tier\/Gold/);
    }
  });

  it('filters by projectId, tags (OR within a tag set, AND across sets), isDisabled and partialName', async () => {
    const names = async (q: string) => (await sim.api('GET', `${S}/tenants?${q}`)).body.Items.map((t: Doc) => t.Name);
    expect(await names(`projectId=${web.Id}`)).toEqual(['Bob']);
    expect(await names(`tags=${encodeURIComponent('Tier/Premium')}`)).toEqual(['Bob', 'Carol']);
    expect(await names(`tags=${encodeURIComponent('Tier/Premium,Region/EU')}`)).toEqual(['Bob']);
    expect(await names(`tags=${encodeURIComponent('Tier/Premium,Tier/Standard,Region/EU')}`)).toEqual(['Alice', 'Bob']);
    expect(await names('isDisabled=true')).toEqual(['Carol']);
    expect(await names('isDisabled=false')).toEqual(['Alice', 'Bob']);
    expect(await names('partialName=AL')).toEqual(['Alice']);
    const all = await sim.api('GET', `${S}/tenants/all?projectId=${api.Id}`);
    expect(all.body.map((t: Doc) => t.Name)).toEqual(['Alice']);
  });

  it('modifies and deletes', async () => {
    const t = await created(sim, `${S}/tenants`, { Name: 'Dave' });
    const put = await sim.api('PUT', `${S}/tenants/${t.Id}`, { ...t, Description: 'changed', ProjectEnvironments: { [api.Id]: [dev.Id] } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ Description: 'changed', ProjectEnvironments: { [api.Id]: [dev.Id] }, Slug: 'dave' });
    expect((await sim.api('DELETE', `${S}/tenants/${t.Id}`)).status).toBe(200);
    expect((await sim.api('GET', `${S}/tenants/${t.Id}`)).status).toBe(404);
    expect((await sim.api('GET', `${S}/tenants/${t.Id}/variables`)).status).toBe(404);
  });
});

describe('tenant variables, the v1 document (API-FACTS §3.12)', () => {
  let sim: Sim;
  let dev: Doc;
  let prod: Doc;
  let web: Doc;
  let other: Doc;
  let shared: Doc;
  let tenant: Doc;
  beforeAll(async () => {
    sim = await withSimulator();
    dev = await created(sim, `${S}/environments`, { Name: 'Development' });
    prod = await created(sim, `${S}/environments`, { Name: 'Production' });
    shared = putOwner(sim, 'libraryvariablesets', 'LibraryVariableSets', {
      Name: 'Shared Database',
      Templates: [template('lib-name', 'Tenant.Database.Name'), template('lib-pass', 'Tenant.Database.Password', 'Sensitive')],
    });
    putOwner(sim, 'libraryvariablesets', 'LibraryVariableSets', { Name: 'No templates' });
    web = putOwner(sim, 'projects', 'Projects', {
      Name: 'Web Store',
      IncludedLibraryVariableSetIds: [shared.Id],
      Templates: [template('url', 'Tenant.Site.Url'), template('key', 'Tenant.Api.Key', 'Sensitive')],
    });
    other = putOwner(sim, 'projects', 'Projects', { Name: 'Not connected', Templates: [template('o', 'Other')] });
    tenant = await created(sim, `${S}/tenants`, { Name: "Bob's Wood Shop", ProjectEnvironments: { [web.Id]: [dev.Id, prod.Id] } });
  });
  afterAll(() => sim.close());

  it('serves the document with templates from the connected project and its library variable sets', async () => {
    const res = await sim.api('GET', `${S}/tenants/${tenant.Id}/variables`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      TenantId: tenant.Id,
      TenantName: "Bob's Wood Shop",
      SpaceId: 'Spaces-1',
      ConcurrencyToken: expect.any(String),
      Links: { Self: `${S}/tenants/${tenant.Id}/variables` },
    });
    expect(Object.keys(res.body.ProjectVariables)).toEqual([web.Id]);
    expect(res.body.ProjectVariables[web.Id]).toMatchObject({
      ProjectId: web.Id,
      ProjectName: 'Web Store',
      Variables: { [dev.Id]: {}, [prod.Id]: {} },
      Links: { Project: `${S}/projects/${web.Id}` },
    });
    expect(res.body.ProjectVariables[web.Id].Templates.map((t: Doc) => t.Name)).toEqual(['Tenant.Site.Url', 'Tenant.Api.Key']);
    // Only included sets with templates.
    expect(Object.keys(res.body.LibraryVariables)).toEqual([shared.Id]);
    expect(res.body.LibraryVariables[shared.Id]).toMatchObject({ LibraryVariableSetId: shared.Id, LibraryVariableSetName: 'Shared Database', Variables: {} });
  });

  it('stores values, never returns a sensitive one, and keeps it for {HasValue: true, NewValue: null}', async () => {
    const doc = (await sim.api('GET', `${S}/tenants/${tenant.Id}/variables`)).body;
    doc.ProjectVariables[web.Id].Variables[dev.Id] = { url: 'https://dev.bob.example', key: { HasValue: true, NewValue: 'dev-api-key' } };
    doc.ProjectVariables[web.Id].Variables[prod.Id] = { url: 'https://bob.example', key: 'prod-api-key-in-clear' };
    doc.LibraryVariables[shared.Id].Variables = { 'lib-name': 'bobs_db', 'lib-pass': { HasValue: true, NewValue: 'db-pass' } };
    const put = await sim.api('PUT', `${S}/tenants/${tenant.Id}/variables`, doc);
    expect(put.status).toBe(200);
    const masked = { HasValue: true, NewValue: null, Hint: null };
    expect(put.body.ProjectVariables[web.Id].Variables).toEqual({
      [dev.Id]: { url: 'https://dev.bob.example', key: masked },
      [prod.Id]: { url: 'https://bob.example', key: masked },
    });
    expect(put.body.LibraryVariables[shared.Id].Variables).toEqual({ 'lib-name': 'bobs_db', 'lib-pass': masked });
    const text = JSON.stringify((await sim.api('GET', `${S}/tenants/${tenant.Id}/variables`)).body);
    for (const secret of ['dev-api-key', 'prod-api-key-in-clear', 'db-pass']) expect(text).not.toContain(secret);
    expect(JSON.stringify((await sim.api('GET', `${S}/tenantvariables/all`)).body)).not.toContain('db-pass');

    // Round trip of the GET document: HasValue true, NewValue null keeps every secret.
    const again = (await sim.api('GET', `${S}/tenants/${tenant.Id}/variables`)).body;
    again.ProjectVariables[web.Id].Variables[dev.Id].url = 'https://dev2.bob.example';
    expect((await sim.api('PUT', `${S}/tenants/${tenant.Id}/variables`, again)).status).toBe(200);
    const stored = storedValue(sim, tenant.Id);
    expect(secretOf(stored(web.Id, 'key', dev.Id))).toBe('dev-api-key');
    expect(secretOf(stored(web.Id, 'key', prod.Id))).toBe('prod-api-key-in-clear');
    expect(secretOf(stored(shared.Id, 'lib-pass'))).toBe('db-pass');
    expect(stored(web.Id, 'url', dev.Id)).toBe('https://dev2.bob.example');
  });

  it('refuses a stale ConcurrencyToken with the real message, accepts the current one or none', async () => {
    const first = (await sim.api('GET', `${S}/tenants/${tenant.Id}/variables`)).body;
    const ok = await sim.api('PUT', `${S}/tenants/${tenant.Id}/variables`, first);
    expect(ok.status).toBe(200);
    expect(ok.body.ConcurrencyToken).not.toBe(first.ConcurrencyToken);
    const stale = await sim.api('PUT', `${S}/tenants/${tenant.Id}/variables`, first);
    expect(stale.status).toBe(400);
    expect(stale.body.Errors).toEqual([
      `Modification failed for 'TenantVariable' document with '${first.Id}' Id because submitted data was out of date. Refresh the document and try again.`,
    ]);
    const { ConcurrencyToken: _omitted, ...withoutToken } = first;
    expect((await sim.api('POST', `${S}/tenants/${tenant.Id}/variables`, withoutToken)).status).toBe(200);
  });

  it('answers 400 for values of a project the tenant is not connected to, an unknown environment or template', async () => {
    const doc = (await sim.api('GET', `${S}/tenants/${tenant.Id}/variables`)).body;
    const cases = [
      { ...doc, ProjectVariables: { ...doc.ProjectVariables, [other.Id]: { Variables: { [dev.Id]: { o: 'x' } } } } },
      { ...doc, ProjectVariables: { [web.Id]: { Variables: { 'Environments-999999': { url: 'x' } } } } },
      { ...doc, ProjectVariables: { [web.Id]: { Variables: { [dev.Id]: { 'no-such-template': 'x' } } } } },
      { ...doc, LibraryVariables: { 'LibraryVariableSets-999999': { Variables: {} } } },
    ];
    for (const body of cases) {
      const res = await sim.api('PUT', `${S}/tenants/${tenant.Id}/variables`, { ...body, ConcurrencyToken: undefined });
      expect(res.status).toBe(400);
      expect(res.body.ErrorMessage).toBe('There was a problem with your request.');
    }
  });

  it('lists every tenant at tenantvariables/all, filtered by projectId', async () => {
    const loner = await created(sim, `${S}/tenants`, { Name: 'Loner' });
    const all = await sim.api('GET', `${S}/tenantvariables/all`);
    expect(all.body.map((d: Doc) => d.TenantId).sort()).toEqual([tenant.Id, loner.Id].sort());
    const filtered = await sim.api('GET', `${S}/tenantvariables/all?projectId=${web.Id}`);
    expect(filtered.body.map((d: Doc) => d.TenantId)).toEqual([tenant.Id]);
  });

  it('is seeded by name from a tenant\'s $variables, secrets in clear', async () => {
    const ctx = (spaceId?: string): SimContext => ({ store: sim.store, spaceId, version: '2024.3.10989', user: 'seed', now: () => new Date().toISOString() });
    loadSeed(
      {
        spaces: [
          {
            Name: 'Default',
            collections: {
              tenants: [
                {
                  Name: 'Seeded',
                  ProjectEnvironments: { 'Web Store': ['Production'] },
                  $variables: {
                    ProjectVariables: { 'Web Store': { Variables: { Production: { 'Tenant.Site.Url': 'https://seeded.example', 'Tenant.Api.Key': 'seeded-key' } } } },
                    LibraryVariables: { 'Shared Database': { Variables: { 'Tenant.Database.Password': 'seeded-db-pass' } } },
                  },
                },
              ],
            },
          },
        ],
      },
      ctx,
    );
    const seeded = (await sim.api('GET', `${S}/tenants?partialName=seeded`)).body.Items[0];
    expect(seeded.ProjectEnvironments).toEqual({ [web.Id]: [prod.Id] });
    const vars = await sim.api('GET', `${S}/tenants/${seeded.Id}/variables`);
    expect(vars.body.ProjectVariables[web.Id].Variables[prod.Id]).toEqual({
      url: 'https://seeded.example',
      key: { HasValue: true, NewValue: null, Hint: null },
    });
    expect(vars.body.LibraryVariables[shared.Id].Variables).toEqual({ 'lib-pass': { HasValue: true, NewValue: null, Hint: null } });
    expect(JSON.stringify(vars.body)).not.toMatch(/seeded-key|seeded-db-pass/);
    expect(secretOf(storedValue(sim, seeded.Id)(web.Id, 'key', prod.Id))).toBe('seeded-key');
  });
});

/** A stored tenant value (the simulator keeps one list for both API generations): owner, template, environment. */
function storedValue(sim: { store: { get(c: string, id: string): Doc | undefined } }, tenantId: string) {
  const values: Doc[] = sim.store.get('tenantvariables', `TenantVariables-${tenantId}`)?.Values ?? [];
  return (ownerId: string, templateId: string, env?: string) =>
    values.find((v) => v.OwnerId === ownerId && v.TemplateId === templateId && (env ? v.EnvironmentIds.includes(env) : v.EnvironmentIds.length === 0))?.Value;
}
