import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withSimulator } from '../helpers/simulator.js';
import { S, type Sim, newProject, staleMessage } from './projects-helpers.js';

describe('simulator variable sets', () => {
  let sim: Sim;
  let project: any;
  let url: string;
  let env: { dev: any; prod: any };
  let actionId: string;
  let runbook: any;
  beforeAll(async () => {
    sim = await withSimulator();
    project = await newProject(sim, 'Vars');
    url = `${S}/projects/${project.Id}/variables`;
    env = {
      dev: (await sim.api('POST', `${S}/environments`, { Name: 'Development' })).body,
      prod: (await sim.api('POST', `${S}/environments`, { Name: 'Production' })).body,
    };
    const processUrl = `${S}/projects/${project.Id}/deploymentprocesses`;
    const process = (await sim.api('GET', processUrl)).body;
    const saved = await sim.api('PUT', processUrl, {
      ...process,
      Steps: [{ Name: 'Deploy web app', Properties: { 'Octopus.Action.TargetRoles': 'web-server' }, Actions: [{ Name: 'Deploy web app', ActionType: 'Octopus.Script' }] }],
    });
    actionId = saved.body.Steps[0].Actions[0].Id;
    runbook = (await sim.api('POST', `${S}/projects/${project.Id}/runbooks`, { Name: 'Restart IIS' })).body;
    // A deployment target as the infrastructure kinds store one (only Id, Name, SpaceId and Roles matter here).
    sim.store.put('machines', { Id: 'Machines-424201', Name: 'web01', SpaceId: 'Spaces-1', Roles: ['db-server'] });
  });
  afterAll(() => sim.close());

  it('masks a sensitive value, keeps it when the Id is sent back, wipes it when the Id is dropped', async () => {
    const current = (await sim.api('GET', url)).body;
    const put = await sim.api('PUT', url, {
      ...current,
      Variables: [
        { Name: 'DbPassword', Value: 's3cr3t', Type: 'Sensitive', IsSensitive: true, Scope: { Environment: [env.prod.Id] } },
        { Name: 'ConnectionString', Value: 'Server=db', Type: 'String' },
      ],
    });
    expect(put.status).toBe(200);
    const secret = put.body.Variables.find((v: any) => v.Name === 'DbPassword');
    expect(secret).toMatchObject({ Value: null, IsSensitive: true, Type: 'Sensitive', IsEditable: true, Prompt: null, Description: null });
    expect(secret.Id).toMatch(/^[0-9a-f-]{36}$/);
    expect(put.body.Variables.find((v: any) => v.Name === 'ConnectionString').Value).toBe('Server=db');
    expect(JSON.stringify((await sim.api('GET', url)).body)).not.toContain('s3cr3t');
    expect(JSON.stringify((await sim.api('GET', `${S}/variables/all`)).body)).not.toContain('s3cr3t');
    const storedValue = () => sim.store.get('variables', project.VariableSetId)!.Variables.find((v: any) => v.Name === 'DbPassword')?.Value;
    expect(storedValue()).toBe('s3cr3t');

    // Round trip with the Id: Value null or "" keeps the secret (API-FACTS §2.10).
    const kept = await sim.api('PUT', url, put.body);
    expect(kept.status).toBe(200);
    expect(storedValue()).toBe('s3cr3t');
    const keptEmpty = structuredClone(kept.body);
    keptEmpty.Variables.find((v: any) => v.Name === 'DbPassword').Value = '';
    await sim.api('PUT', url, keptEmpty);
    expect(storedValue()).toBe('s3cr3t');

    // Without the Id it is a new variable: an empty value wipes the secret.
    const latest = (await sim.api('GET', url)).body;
    const dropped = structuredClone(latest);
    delete dropped.Variables.find((v: any) => v.Name === 'DbPassword').Id;
    const wiped = await sim.api('PUT', url, dropped);
    expect(wiped.status).toBe(200);
    expect(wiped.body.Variables.find((v: any) => v.Name === 'DbPassword').Id).not.toBe(secret.Id);
    expect(storedValue()).toBe('');

    // A non-empty value always replaces it.
    const replaced = structuredClone(wiped.body);
    replaced.Variables.find((v: any) => v.Name === 'DbPassword').Value = 'n3w';
    await sim.api('PUT', url, replaced);
    expect(storedValue()).toBe('n3w');
  });

  it('refuses a stale Version with the real message and increments on success', async () => {
    const current = (await sim.api('GET', `${S}/variables/${project.VariableSetId}`)).body;
    const ok = await sim.api('PUT', `${S}/variables/${project.VariableSetId}`, current);
    expect(ok.body.Version).toBe(current.Version + 1);
    const stale = await sim.api('PUT', `${S}/variables/${project.VariableSetId}`, current);
    expect(stale.status).toBe(400);
    expect(stale.body).toMatchObject({ ErrorMessage: 'There was a problem with your request.', Errors: [staleMessage('VariableSet', project.VariableSetId)] });
  });

  it('computes ScopeValues from the space and the project', async () => {
    const set = (await sim.api('GET', url)).body;
    const sv = set.ScopeValues;
    expect(sv.Environments).toEqual([
      { Id: env.dev.Id, Name: 'Development' },
      { Id: env.prod.Id, Name: 'Production' },
    ]);
    expect(sv.Machines).toEqual([{ Id: 'Machines-424201', Name: 'web01' }]);
    expect(sv.Actions).toEqual([{ Id: actionId, Name: 'Deploy web app' }]);
    expect(sv.Channels).toEqual([{ Id: expect.stringMatching(/^Channels-/), Name: 'Default' }]);
    expect(sv.Roles).toEqual([
      { Id: 'db-server', Name: 'db-server' },
      { Id: 'web-server', Name: 'web-server' },
    ]);
    expect(sv.TenantTags).toEqual([]);
    expect(sv.Processes).toEqual([
      { Id: project.Id, Name: 'Deployment process', ProcessType: 'Deployment' },
      { Id: runbook.Id, Name: 'Restart IIS', ProcessType: 'Runbook' },
    ]);
  });

  it('accepts scopes to environments, machines, channels, actions, processes and roles, and 400s for ids that do not exist', async () => {
    const current = (await sim.api('GET', url)).body;
    const channelId = current.ScopeValues.Channels[0].Id;
    const scoped = await sim.api('PUT', url, {
      ...current,
      Variables: [
        {
          Name: 'Scoped',
          Value: 'x',
          Type: 'String',
          Scope: { Environment: [env.dev.Id], Machine: ['Machines-424201'], Channel: [channelId], Action: [actionId], ProcessOwner: [runbook.Id], Role: ['anything'] },
        },
      ],
    });
    expect(scoped.status).toBe(200);
    expect(scoped.body.Variables[0].Scope).toEqual({
      Environment: [env.dev.Id],
      Machine: ['Machines-424201'],
      Channel: [channelId],
      Action: [actionId],
      ProcessOwner: [runbook.Id],
      Role: ['anything'],
    });
    for (const [key, id] of [
      ['Environment', 'Environments-999999'],
      ['Channel', 'Channels-999999'],
      ['Action', '00000000-0000-0000-0000-000000000000'],
      ['Machine', 'Machines-999999'],
      ['ProcessOwner', 'Runbooks-999999'],
      ['TenantTag', 'Missing/Tag'],
    ]) {
      const res = await sim.api('PUT', url, { ...scoped.body, Variables: [{ Name: 'Bad', Value: '', Type: 'String', Scope: { [key]: [id] } }] });
      expect(res.status).toBe(400);
      expect(res.body.Errors.join(' ')).toContain(id);
    }
    const other = await newProject(sim, 'Other Vars');
    const otherChannel = (await sim.api('GET', `${S}/projects/${other.Id}/channels`)).body.Items[0].Id;
    const foreign = await sim.api('PUT', url, { ...scoped.body, Variables: [{ Name: 'Bad', Value: '', Type: 'String', Scope: { Channel: [otherChannel] } }] });
    expect(foreign.status).toBe(400);
  });

  it('answers 500 for a variable without Type, as 2024.3 does (Issues#8817)', async () => {
    const current = (await sim.api('GET', url)).body;
    const res = await sim.api('PUT', url, { ...current, Variables: [{ Name: 'NoType', Value: 'x' }] });
    expect(res.status).toBe(500);
    expect(res.body.ErrorMessage).toBe('Object reference not set to an instance of an object.');
  });

  it('has no POST or DELETE, and the project route is absent before 2022.3', async () => {
    expect((await sim.api('POST', `${S}/variables`, { OwnerId: project.Id, Variables: [] })).status).toBe(405);
    expect((await sim.api('DELETE', `${S}/variables/${project.VariableSetId}`)).status).toBe(405);
    const old = await withSimulator({ version: '2021.2.4488' });
    try {
      const p = await newProject(old, 'Old');
      expect(p.Links.Variables).toBe(`${S}/variables/${p.VariableSetId}`);
      expect((await old.api('GET', `${S}/projects/${p.Id}/variables`)).status).toBe(404);
      expect((await old.api('GET', p.Links.Variables)).status).toBe(200);
      const runbook = await old.api('POST', `${S}/projects/${p.Id}/runbooks`, { Name: 'Old runbook' });
      expect(runbook.body.RunRetentionPolicy).toEqual({ QuantityToKeep: 100, ShouldKeepForever: false });
    } finally {
      await old.close();
    }
  });
});

describe('simulator library variable sets', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await withSimulator();
  });
  afterAll(() => sim.close());

  it('creates the variable set, filters by contentType and keeps ContentType on PUT', async () => {
    const lvs = await sim.api('POST', `${S}/libraryvariablesets`, {
      Name: 'Shared Database',
      Templates: [
        { Name: 'Tenant.Database.Name', Label: 'Database name', DefaultValue: '', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } },
        { Name: 'Tenant.Database.Password', Label: 'Password', DefaultValue: { HasValue: true, NewValue: 'pa55' }, DisplaySettings: { 'Octopus.ControlType': 'Sensitive' } },
      ],
    });
    expect(lvs.status).toBe(201);
    expect(lvs.body).toMatchObject({ ContentType: 'Variables', VariableSetId: `variableset-${lvs.body.Id}` });
    expect(lvs.body.Links.Variables).toBe(`${S}/variables/variableset-${lvs.body.Id}`);
    const [plain, sensitive] = lvs.body.Templates;
    expect(plain.Id).toMatch(/^[0-9a-f-]{36}$/);
    expect(plain.DefaultValue).toBe('');
    expect(sensitive.DefaultValue).toEqual({ HasValue: true, NewValue: null, Hint: null });
    expect(JSON.stringify(lvs.body)).not.toContain('pa55');

    const set = await sim.api('GET', lvs.body.Links.Variables);
    expect(set.body).toMatchObject({ OwnerId: lvs.body.Id, Variables: [], ScopeValues: { Channels: [], Actions: [], Processes: [] } });

    const module = await sim.api('POST', `${S}/libraryvariablesets`, { Name: 'Retry Helpers', ContentType: 'ScriptModule' });
    const modules = await sim.api('GET', `${S}/libraryvariablesets?contentType=ScriptModule`);
    expect(modules.body.Items.map((i: any) => i.Name)).toEqual(['Retry Helpers']);
    const put = await sim.api('PUT', `${S}/libraryvariablesets/${module.body.Id}`, { ...module.body, ContentType: 'Variables' });
    expect(put.body.ContentType).toBe('ScriptModule');
    const roundTrip = await sim.api('PUT', `${S}/libraryvariablesets/${lvs.body.Id}`, lvs.body);
    expect(roundTrip.body.Templates[1].DefaultValue.HasValue).toBe(true);
    expect((await sim.api('POST', `${S}/libraryvariablesets`, { Name: 'Bad', ContentType: 'Nope' })).status).toBe(400);

    const library = await sim.api('PUT', lvs.body.Links.Variables, {
      ...set.body,
      Variables: [{ Name: 'Scoped', Value: '1', Type: 'String', Scope: { Channel: ['Channels-1'] } }],
    });
    expect(library.status).toBe(400); // a library variable set has no channels to scope to

    const del = await sim.api('DELETE', `${S}/libraryvariablesets/${lvs.body.Id}`);
    expect(del.status).toBe(200);
    expect((await sim.api('GET', lvs.body.Links.Variables)).status).toBe(404);
  });
});
