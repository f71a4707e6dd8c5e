import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { StalePlanError } from '../../src/errors.js';
import { applyTo } from '../helpers/sync.js';
import { FixtureSync } from '../helpers/reliability.js';

/**
 * Someone edits the destination between plan and apply. Apply reads every item the plan touches again and
 * refuses when any changed: the error names the resource and the field, and nothing is written. Each case is
 * a different kind of edit, made over HTTP as a user would make it.
 */

type Sim = Awaited<ReturnType<FixtureSync['destination']>>;
const SPACE = '/api/Spaces-1';

/** GET a document, change it, PUT it back (asserting the server took it). */
async function edit(dst: Sim, path: string, change: (doc: any) => void): Promise<void> {
  const res = await dst.api('GET', path);
  expect(res.status).toBe(200);
  change(res.body);
  expect((await dst.api('PUT', path, res.body)).status).toBe(200);
}

const idOf = (dst: Sim, collection: string, name: string) => dst.store.all(collection, 'Spaces-1').find((d) => d.Name === name)!.Id;
const octoFx = (dst: Sim) => dst.store.all('projects', 'Spaces-1').find((p) => p.Name === 'OctoFX')!;

const EDITS: { name: string; edit: (dst: Sim) => Promise<void>; refusal: RegExp }[] = [
  {
    name: 'a property of a process step',
    edit: (dst) =>
      edit(dst, `${SPACE}/deploymentprocesses/${octoFx(dst).DeploymentProcessId}`, (doc) => {
        const step = doc.Steps.find((s: any) => s.Name === 'Deploy web app');
        step.Actions[0].Properties['Octopus.Action.Script.ScriptBody'] = 'edited by hand';
      }),
    refusal: /deployment process 'OctoFX': changed since planning \(.*Steps\/Deploy web app/,
  },
  {
    name: 'a process step removed',
    edit: (dst) => edit(dst, `${SPACE}/deploymentprocesses/${octoFx(dst).DeploymentProcessId}`, (doc) => void (doc.Steps = doc.Steps.filter((s: any) => s.Name !== 'Notify change board'))),
    refusal: /deployment process 'OctoFX': changed since planning \(.*Steps\/Notify change board/,
  },
  {
    name: 'a project field',
    edit: (dst) => edit(dst, `${SPACE}/projects/${octoFx(dst).Id}`, (doc) => void (doc.Description = 'edited by hand')),
    refusal: /project 'OctoFX': changed since planning \(Description\)/,
  },
  {
    name: 'a library variable value',
    edit: (dst) =>
      edit(dst, `${SPACE}/variables/${dst.store.all('libraryvariablesets', 'Spaces-1').find((l) => l.Name === 'OctoFX Shared')!.VariableSetId}`, (doc) => {
        doc.Variables.find((v: any) => v.Name === 'Shared.Api.Url').Value = 'https://edited.example';
      }),
    refusal: /library variables 'OctoFX Shared': changed since planning \(Variables\/Shared\.Api\.Url\)/i,
  },
  {
    name: 'a project variable added',
    edit: (dst) => edit(dst, `${SPACE}/variables/${octoFx(dst).VariableSetId}`, (doc) => void doc.Variables.push({ Name: 'Added.By.Hand', Value: 'x', Type: 'String', Scope: {} })),
    refusal: /project variables 'OctoFX': changed since planning \(Variables\/Added\.By\.Hand\)/,
  },
  {
    name: 'a library variable set deleted',
    edit: async (dst) => expect((await dst.api('DELETE', `${SPACE}/libraryvariablesets/${idOf(dst, 'libraryvariablesets', 'OctoFX Shared')}`)).status).toBeLessThan(300),
    refusal: /library variables 'OctoFX Shared': deleted from the destination since planning/i,
  },
  {
    name: 'an item the plan creates, created by hand with other content',
    edit: async (dst) => expect((await dst.api('POST', `${SPACE}/projectgroups`, { Name: 'Services', Description: 'made by hand' })).status).toBe(201),
    refusal: /project group 'Services': created on the destination since planning/,
  },
  {
    name: 'a project renamed and another made with its name',
    edit: async (dst) => {
      const old = octoFx(dst);
      await edit(dst, `${SPACE}/projects/${old.Id}`, (doc) => void (doc.Name = 'OctoFX (old)'));
      const made = await dst.api('POST', `${SPACE}/projects`, { Name: 'OctoFX', ProjectGroupId: old.ProjectGroupId, LifecycleId: old.LifecycleId, Description: old.Description });
      expect(made.status).toBe(201);
    },
    refusal: /project 'OctoFX': replaced since planning \(the name now belongs to Projects-\d+, not to Projects-\d+ as when planned; Projects-\d+ is now named 'OctoFX \(old\)'\)/,
  },
  {
    name: 'a project renamed',
    edit: (dst) => edit(dst, `${SPACE}/projects/${octoFx(dst).Id}`, (doc) => void (doc.Name = 'OctoFX Legacy')),
    refusal: /project 'OctoFX': replaced since planning \(Projects-\d+ is now named 'OctoFX Legacy'\)/,
  },
  {
    name: 'a library variable set deleted and made again with its name (a rebuilt destination)',
    edit: async (dst) => {
      expect((await dst.api('DELETE', `${SPACE}/libraryvariablesets/${idOf(dst, 'libraryvariablesets', 'OctoFX Shared')}`)).status).toBeLessThan(300);
      expect((await dst.api('POST', `${SPACE}/libraryvariablesets`, { Name: 'OctoFX Shared', ContentType: 'Variables' })).status).toBe(201);
    },
    refusal: /library variables 'OctoFX Shared': replaced since planning \(the name now belongs to variableset-LibraryVariableSets-\d+, not to variableset-LibraryVariableSets-\d+ as when planned\)/i,
  },
];

describe('an edit on the destination between plan and apply', () => {
  let sync: FixtureSync;
  let dst: Sim;
  beforeAll(async () => {
    sync = await FixtureSync.start(false);
  }, 60_000);
  afterAll(() => sync?.close());
  beforeEach(async () => {
    dst = await sync.destination();
  });
  afterEach(() => dst.close());

  it.each(EDITS)('$name: apply refuses, names the resource and field, writes nothing', async ({ name, edit, refusal }) => {
    const { planFile } = await sync.planFor(dst, name.replace(/\W+/g, '-'));
    await edit(dst);
    dst.stats.reset();
    const err = await applyTo(dst.url, planFile).catch((e) => e);
    expect(err).toBeInstanceOf(StalePlanError);
    expect(err.message).toMatch(/nothing was written\. Plan again/);
    expect(err.message).toMatch(refusal);
    expect(dst.stats.writes).toBe(0);
  });

  it('the destination rebuilt at the same address (the same names, other ids): refused, nothing written', async () => {
    const { planFile } = await sync.planFor(dst, 'rebuilt');
    const port = Number(new URL(dst.url).port);
    await dst.close();
    dst = await sync.destination({ port });
    const err = await applyTo(dst.url, planFile).catch((e) => e);
    expect(err).toBeInstanceOf(StalePlanError);
    expect(err.message).toMatch(/project 'OctoFX': replaced since planning \(the name now belongs to Projects-\d+, not to Projects-\d+ as when planned\)/);
    expect(dst.stats.writes).toBe(0);
  });

  it('an edit to an item the plan does not touch does not stop it', async () => {
    const { planFile } = await sync.planFor(dst, 'untouched');
    await edit(dst, `${SPACE}/environments/${idOf(dst, 'environments', 'Production')}`, (doc) => void (doc.Description = 'edited by hand'));
    const result = await applyTo(dst.url, planFile);
    expect(result.failed).toEqual([]);
    expect(dst.store.all('environments', 'Spaces-1').find((e) => e.Name === 'Production')!.Description).toBe('edited by hand');
  });
});
