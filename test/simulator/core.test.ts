import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { READ_ONLY_KEY, withSimulator } from '../helpers/simulator.js';

describe('simulator core conventions', () => {
  let sim: Awaited<ReturnType<typeof withSimulator>>;
  beforeAll(async () => {
    sim = await withSimulator({ version: '2024.3.10989' });
  });
  afterAll(() => sim.close());

  it('serves the root document with the configured version and a Spaces link', async () => {
    const res = await sim.api('GET', '/api');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ Application: 'Octopus Deploy', Version: '2024.3.10989', ApiVersion: '3.0.0' });
    expect(res.body.Links.Spaces).toMatch(/^\/api\/spaces/);
  });

  it('answers 401 in the real shape without a key or with a wrong one', async () => {
    for (const key of [null, 'API-WRONG']) {
      const res = await sim.api('GET', '/api/Spaces-1/environments', undefined, key);
      expect(res.status).toBe(401);
      expect(res.body.ErrorMessage).toMatch(/API key is invalid/);
    }
  });

  it('accepts the key as ?apikey= too', async () => {
    const res = await fetch(`${sim.url}/api/Spaces-1/environments?apikey=${READ_ONLY_KEY}`);
    expect(res.status).toBe(200);
  });

  it('refuses writes with a read-only key (403) and allows reads', async () => {
    const write = await sim.api('POST', '/api/Spaces-1/environments', { Name: 'Nope' }, READ_ONLY_KEY);
    expect(write.status).toBe(403);
    const read = await sim.api('GET', '/api/Spaces-1/environments', undefined, READ_ONLY_KEY);
    expect(read.status).toBe(200);
    expect(read.body.Items.map((e: any) => e.Name)).not.toContain('Nope');
  });

  it('creates with 201, routes legacy and 2025+ paths to the same space, 404s unknown ids', async () => {
    const created = await sim.api('POST', '/api/Spaces-1/environments', { Name: 'Development' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ Name: 'Development', Slug: 'development', SpaceId: 'Spaces-1' });
    expect(created.body.Id).toMatch(/^Environments-\d+$/);
    expect(created.body.Links.Self).toBe(`/api/Spaces-1/environments/${created.body.Id}`);
    for (const path of [`/api/environments/${created.body.Id}`, `/api/spaces/default/environments/${created.body.Id}`]) {
      const res = await sim.api('GET', path);
      expect(res.status).toBe(200);
      expect(res.body.Name).toBe('Development');
    }
    const missing = await sim.api('GET', '/api/Spaces-1/environments/Environments-999999');
    expect(missing.status).toBe(404);
    expect(missing.body).toHaveProperty('ErrorMessage');
  });

  it('answers 400 "The Name field is required." and refuses duplicate names', async () => {
    const noName = await sim.api('POST', '/api/Spaces-1/projectgroups', { Description: 'x' });
    expect(noName.status).toBe(400);
    expect(noName.body).toEqual(expect.objectContaining({ ErrorMessage: 'There was a problem with your request.', Errors: ['The Name field is required.'] }));
    await sim.api('POST', '/api/Spaces-1/projectgroups', { Name: 'Apps' });
    const dup = await sim.api('POST', '/api/Spaces-1/projectgroups', { Name: 'Apps' });
    expect(dup.status).toBe(400);
    expect(dup.body.Errors.join(' ')).toMatch(/Apps/);
  });

  it('ignores unknown and read-only members in bodies', async () => {
    const res = await sim.api('POST', '/api/Spaces-1/projectgroups', { Name: 'Tools', Id: 'ProjectGroups-1', Bogus: 1, Links: { Self: 'x' } });
    expect(res.status).toBe(201);
    expect(res.body.Id).not.toBe('ProjectGroups-1');
    expect(res.body).not.toHaveProperty('Bogus');
  });

  it('answers 400 for a reference to an id that does not exist in the space', async () => {
    const res = await sim.api('POST', '/api/Spaces-1/projectgroups', { Name: 'Refs', EnvironmentIds: ['Environments-424242'] });
    expect(res.status).toBe(400);
    expect(res.body.Errors.join(' ')).toMatch(/Environments-424242/);
  });

  it('gives two instances different ids for the same names', async () => {
    const other = await withSimulator();
    try {
      const a = await sim.api('POST', '/api/Spaces-1/environments', { Name: 'Same' });
      const b = await other.api('POST', '/api/Spaces-1/environments', { Name: 'Same' });
      expect(a.body.Id).not.toBe(b.body.Id);
    } finally {
      await other.close();
    }
  });
});
