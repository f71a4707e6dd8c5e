import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withSimulator } from '../helpers/simulator.js';
import { applyTo, planSync, workDir } from '../helpers/sync.js';
import { byName, defaultSpace, editDoc, editProcess, expectNoChanges, processOf, productionOnly, variablesOf } from './helpers.js';

/**
 * Issue 12 point 6: what must match exactly, matches exactly, end to end over HTTP against the simulator.
 * Script module bodies and languages follow the source whatever `variables.overwrite` says (it governs
 * variable values, not code); step template usages record the destination template's version (SpaceCloner
 * `ActionCloner.ps1` rewrites `Octopus.Action.Template.Version` so), so Octopus offers no false update.
 */

const MODULE = 'Logging';
const body = `Octopus.Script.Module[${MODULE}]`;
const language = `Octopus.Script.Module.Language[${MODULE}]`;
const scriptModule = (code: string, syntax: string) => ({
  Name: MODULE,
  ContentType: 'ScriptModule',
  $variables: [
    { Name: body, Value: code },
    { Name: language, Value: syntax },
  ],
});

const template = (script: string) => ({
  Name: 'Notify',
  ActionType: 'Octopus.Script',
  Properties: { 'Octopus.Action.Script.ScriptBody': script, 'Octopus.Action.Script.Syntax': 'PowerShell' },
  Parameters: [{ Name: 'Channel', Label: 'Channel', DefaultValue: '#deployments', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } }],
});

/** A step using the template, at the given template version (a string, as Octopus stores it). */
const usage = (version: string) => ({
  Name: 'Notify',
  Actions: [{
    Name: 'Notify',
    ActionType: 'Octopus.Script',
    Properties: {
      'Octopus.Action.Template.Id': 'Notify',
      'Octopus.Action.Template.Version': version,
      'Octopus.Action.Script.ScriptBody': 'notify',
      Channel: '#ops',
    },
  }],
});

const project = (steps: unknown[]) => ({ Name: 'Shop', ProjectGroupId: 'Default Project Group', LifecycleId: 'Default Lifecycle', $deploymentProcess: { Steps: steps } });

const base = productionOnly;

/** The version of a step template and that of each usage of it in a project's process. */
async function versions(api: Parameters<typeof byName>[0], projectName: string): Promise<{ template: number; usages: string[] }> {
  const t = await byName(api, 'actiontemplates', 'Notify');
  const p = await processOf(api, projectName);
  const usages = p.Steps.flatMap((s: any) => s.Actions).filter((a: any) => a.Properties['Octopus.Action.Template.Id'] === t.Id).map((a: any) => a.Properties['Octopus.Action.Template.Version']);
  return { template: t.Version, usages };
}

describe('script modules match the source exactly, whatever variables.overwrite says', () => {
  let src: Awaited<ReturnType<typeof withSimulator>>;
  let dst: Awaited<ReturnType<typeof withSimulator>>;
  const dir = workDir();

  beforeAll(async () => {
    src = await withSimulator({ seed: defaultSpace({ libraryvariablesets: [scriptModule('function Log($m) { Write-Host $m }', 'PowerShell')] }) });
    dst = await withSimulator({ seed: defaultSpace({ libraryvariablesets: [scriptModule('log() { echo "$1"; }', 'Bash')] }) });
  });
  afterAll(async () => {
    await src.close();
    await dst.close();
  });

  it('overwrites a differing body and language with the default policy (overwrite: never), then plans no changes', async () => {
    const { plan, file } = await planSync(dir, src.url, dst.url, undefined, 'modules');
    const op = plan.operations.find((o) => o.id === `scriptModuleVariables/${MODULE}`);
    expect(op?.action).toBe('update');
    expect(op?.reason).toMatch(/must match it exactly/);
    await applyTo(dst.url, file);
    const values = Object.fromEntries((await variablesOf(dst.api, { librarySet: MODULE })).map((v) => [v.Name, v.Value]));
    expect(values).toEqual({ [body]: 'function Log($m) { Write-Host $m }', [language]: 'PowerShell' });
    expectNoChanges((await planSync(dir, src.url, dst.url, undefined, 'modules-again')).plan);
  });

  it('removes a destination-only variable of the module set: the set is code, not values', async () => {
    // Someone added a stray variable to the module's set on the destination: exact means exact.
    const set = await byName(dst.api, 'libraryvariablesets', MODULE);
    const vars = (await dst.api('GET', `/api/Spaces-1/variables/${set.VariableSetId}`)).body;
    vars.Variables.push({ Name: 'Stray', Value: 'x', Type: 'String', IsSensitive: false, Scope: {} });
    expect((await dst.api('PUT', `/api/Spaces-1/variables/${set.VariableSetId}`, vars)).status).toBe(200);
    const { file } = await planSync(dir, src.url, dst.url, undefined, 'stray');
    await applyTo(dst.url, file);
    expect((await variablesOf(dst.api, { librarySet: MODULE })).map((v) => v.Name)).toEqual([language, body]);
    expectNoChanges((await planSync(dir, src.url, dst.url, undefined, 'stray-again')).plan);
  });
});

describe('step template usages record the destination template\'s version', () => {
  let src: Awaited<ReturnType<typeof withSimulator>>;
  let dst: Awaited<ReturnType<typeof withSimulator>>;
  const dir = workDir();

  beforeAll(async () => {
    src = await withSimulator({ seed: defaultSpace({ ...base(), actiontemplates: [template('v1')], projects: [project([usage('0')])] }) });
    // Saved three more times on the source: version 3, and the usage brought up to date.
    for (const script of ['v2', 'v3', 'v4']) await editDoc(src.api, 'actiontemplates', 'Notify', (t) => { t.Properties['Octopus.Action.Script.ScriptBody'] = script; });
    await editProcess(src.api, 'Shop', (p) => { p.Steps[0].Actions[0].Properties['Octopus.Action.Template.Version'] = '3'; });
    dst = await withSimulator({ seed: defaultSpace(base()) });
  });
  afterAll(async () => {
    await src.close();
    await dst.close();
  });

  it('first sync: the template is created (version 0 there) and the usage records 0, not the source\'s 3', async () => {
    expect(await versions(src.api, 'Shop')).toEqual({ template: 3, usages: ['3'] });
    const { file } = await planSync(dir, src.url, dst.url, undefined, 'first');
    await applyTo(dst.url, file);
    expect(await versions(dst.api, 'Shop')).toEqual({ template: 0, usages: ['0'] });
    expectNoChanges((await planSync(dir, src.url, dst.url, undefined, 'first-again')).plan);
  });

  it('recurring sync: a template changed on the source is updated, and its usages follow in the same apply', async () => {
    await editDoc(src.api, 'actiontemplates', 'Notify', (t) => { t.Properties['Octopus.Action.Script.ScriptBody'] = 'v5'; });
    await editProcess(src.api, 'Shop', (p) => { p.Steps[0].Actions[0].Properties['Octopus.Action.Template.Version'] = '4'; });
    const { plan, file } = await planSync(dir, src.url, dst.url, undefined, 'recurring');
    const processOp = plan.operations.find((o) => o.id === 'deploymentProcess/Shop');
    expect(processOp?.dependsOn).toContain('stepTemplate/Notify');
    await applyTo(dst.url, file);
    expect(await versions(dst.api, 'Shop')).toEqual({ template: 1, usages: ['1'] });
    expectNoChanges((await planSync(dir, src.url, dst.url, undefined, 'recurring-again')).plan);
  });

  it('a destination usage left behind its template is brought up to the template\'s version', async () => {
    await editDoc(dst.api, 'actiontemplates', 'Notify', (t) => { t.Description = 'touched on the destination'; });
    // The template differs from the source now (its description): the plan updates it, so version 3 there.
    const { plan, file } = await planSync(dir, src.url, dst.url, undefined, 'behind');
    expect(plan.operations.find((o) => o.id === 'deploymentProcess/Shop')?.action).toBe('update');
    await applyTo(dst.url, file);
    expect(await versions(dst.api, 'Shop')).toEqual({ template: 3, usages: ['3'] });
    expectNoChanges((await planSync(dir, src.url, dst.url, undefined, 'behind-again')).plan);
  });

  it('a source usage behind its template is recorded at the destination template\'s version, and the plan says so', async () => {
    await editDoc(src.api, 'actiontemplates', 'Notify', (t) => { t.Properties['Octopus.Action.Script.ScriptBody'] = 'v6'; });
    const { plan, file } = await planSync(dir, src.url, dst.url, undefined, 'source-behind');
    const decisions = plan.operations.find((o) => o.id === 'deploymentProcess/Shop')?.decisions ?? [];
    expect(decisions.map((d) => `${d.action} ${d.subject}: ${d.reason}`)).toContainEqual(expect.stringMatching(/step 'Notify', action 'Notify'.*version 4.*template is at version 5/));
    await applyTo(dst.url, file);
    expect(await versions(dst.api, 'Shop')).toEqual({ template: 4, usages: ['4'] });
  });

  it('a re-run that finds the template written but not yet its usages continues (the plan is not stale)', async () => {
    await editDoc(src.api, 'actiontemplates', 'Notify', (t) => { t.Properties['Octopus.Action.Script.ScriptBody'] = 'v7'; });
    await editProcess(src.api, 'Shop', (p) => { p.Steps[0].Actions[0].Properties['Octopus.Action.Template.Version'] = '6'; });
    const { plan, file } = await planSync(dir, src.url, dst.url, undefined, 'rerun');
    expect(plan.operations.filter((o) => o.action !== 'skip').map((o) => `${o.action} ${o.id}`)).toEqual(['update stepTemplate/Notify', 'update deploymentProcess/Shop']);
    // What a first run that stopped after the template's write leaves: the template saved (version 5), its usage at 4.
    const sourceTemplate = await byName(src.api, 'actiontemplates', 'Notify');
    await editDoc(dst.api, 'actiontemplates', 'Notify', (t) => { t.Properties = sourceTemplate.Properties; });
    expect(await versions(dst.api, 'Shop')).toEqual({ template: 5, usages: ['4'] });
    const result = await applyTo(dst.url, file);
    expect(result).toMatchObject({ alreadyApplied: 1, updated: 1, failed: [] });
    expect(await versions(dst.api, 'Shop')).toEqual({ template: 5, usages: ['5'] });
    expectNoChanges((await planSync(dir, src.url, dst.url, undefined, 'rerun-again')).plan);
  });
});
