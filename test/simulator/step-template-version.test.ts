import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withSimulator } from '../helpers/simulator.js';
import { S, type Sim, newProject } from './projects-helpers.js';

/**
 * Issue 13 point 5: the simulator checks a step template usage's version against the template's. Evidence
 * (cited in src/simulator/kinds/processes.ts `checkTemplateVersion`): the server hydrates a templated action
 * from its template at the usage's `int TemplateVersion` (OctopusDeploy/Architecture
 * `OctopusServer/ConfigAsCode/StepTemplates.md`), and past versions are read by number
 * (`actiontemplates/{id}/versions/{version}`, Swagger 2021.2): a version the template never had cannot load.
 */

const usage = (templateId: string, version: unknown) => ({
  Name: 'Notify',
  Actions: [{ Name: 'Notify', ActionType: 'Octopus.Script', Properties: { 'Octopus.Action.Template.Id': templateId, 'Octopus.Action.Template.Version': version } }],
});

describe('simulator: step template usages name a version their template has had', () => {
  let sim: Sim;
  let template: any;
  let url: string;
  beforeAll(async () => {
    sim = await withSimulator();
    const created = await sim.api('POST', `${S}/actiontemplates`, { Name: 'Notify', ActionType: 'Octopus.Script', Properties: { 'Octopus.Action.Script.ScriptBody': 'v1' } });
    expect(created.status).toBe(201);
    // Saved twice more: version 2.
    template = created.body;
    for (const body of ['v2', 'v3']) {
      template = (await sim.api('PUT', `${S}/actiontemplates/${template.Id}`, { ...template, Properties: { 'Octopus.Action.Script.ScriptBody': body } })).body;
    }
    expect(template.Version).toBe(2);
    const project = await newProject(sim, 'Uses templates');
    url = `${S}/projects/${project.Id}/deploymentprocesses`;
  });
  afterAll(() => sim.close());

  it('accepts the current version and older ones (an older one is "update available")', async () => {
    for (const version of ['2', '0', 1]) {
      const current = (await sim.api('GET', url)).body;
      const res = await sim.api('PUT', url, { ...current, Steps: [usage(template.Id, version)] });
      expect(res.status).toBe(200);
      expect(res.body.Steps[0].Actions[0].Properties['Octopus.Action.Template.Version']).toBe(String(version));
    }
  });

  it('refuses a version the template never had, or one that is not a whole number, and writes nothing', async () => {
    const before = (await sim.api('GET', url)).body;
    for (const version of ['3', '17', 'latest', '-1', '1.5']) {
      const res = await sim.api('PUT', url, { ...before, Steps: [usage(template.Id, version)] });
      expect(res.status).toBe(400);
      expect(res.body.Errors.join(' ')).toMatch(new RegExp(`Template.Version.*'${version.replace('.', '\\.')}'.*'Notify' has versions 0 to 2`));
    }
    expect((await sim.api('GET', url)).body.Version).toBe(before.Version);
  });

  it('accepts the new version once the template is saved again', async () => {
    const saved = (await sim.api('PUT', `${S}/actiontemplates/${template.Id}`, { ...template, Description: 'saved' })).body;
    expect(saved.Version).toBe(3);
    const current = (await sim.api('GET', url)).body;
    expect((await sim.api('PUT', url, { ...current, Steps: [usage(template.Id, '3')] })).status).toBe(200);
  });
});
