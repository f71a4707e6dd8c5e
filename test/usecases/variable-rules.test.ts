import { afterEach, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasChanges } from '../../src/plan-format/operations.js';
import { DEFAULT_PLACEHOLDER } from '../../src/plan/policy-types.js';
import type { Plan } from '../../src/plan-format/types.js';
import type { SeedFile } from '../../src/simulator/seed.js';
import { withSimulator } from '../helpers/simulator.js';
import { applyTo, planSync, snapshotTo, workDir } from '../helpers/sync.js';
import {
  byName, connection, decisionsOf, defaultSpace, environments, expectNoChanges, list, octosync, processOf, scriptStep, secret, storedValues, valuesOf,
} from './helpers.js';

/**
 * Issue 12, points 1 to 5, end to end over HTTP: the guide's "Variable Scoping" tables as written, every
 * scope-mismatch mode, secrets on the destination, and plans that hold nothing back silently. Source: Development
 * and Test; destination: Staging and Production (the guide's setting). Each case reads the destination back
 * through the API, then plans again: nothing left to write, and what is held back still listed.
 */

type Sim = Awaited<ReturnType<typeof withSimulator>>;
const octofx = { project: 'OctoFX' };
const shared = { librarySet: 'Shared' };

const space = (envs: string[], variables: unknown[], extra: Record<string, Record<string, any>[]> = {}): SeedFile =>
  defaultSpace({
    environments: environments(...envs),
    projectgroups: [{ Name: 'Web Apps' }],
    libraryvariablesets: [{ Name: 'Shared', $variables: variables }],
    projects: [{ Name: 'OctoFX', ProjectGroupId: 'Web Apps', LifecycleId: 'Default Lifecycle', IncludedLibraryVariableSetIds: ['Shared'], $variables: variables }],
    ...extra,
  });
const source = (variables: unknown[]) => space(['Development', 'Test'], variables);
const destination = (variables: unknown[], extra: Record<string, Record<string, any>[]> = {}) => space(['Staging', 'Production'], variables, extra);

/** The guide's first table: the source before its change. */
const GUIDE_BEFORE = [
  { Name: 'Application.Database.Name', Value: 'OctoFx-Dev', Scope: { Environment: ['Development'] } },
  { Name: 'Application.Database.Name', Value: 'OctoFX-Test', Scope: { Environment: ['Test'] } },
  { Name: 'ConnectionString', Value: 'Database=#{Application.Database.Name}' },
];
/** The guide's "To this" table: the source after its change. */
const GUIDE_AFTER = [
  { Name: 'Application.Database.Name', Value: 'OctoFx-#{Octopus.Environment.Name}' },
  { Name: 'ConnectionString', Value: 'Database=#{Application.Database.Name}', Scope: { Role: ['SQL-Server'] } },
  { Name: 'ConnectionString', Value: 'Data Source=#{Application.Database.Name}', Scope: { Role: ['Oracle'] } },
];

let sims: Sim[] = [];
async function pair(src: SeedFile, dst: SeedFile): Promise<[Sim, Sim]> {
  const s = await withSimulator({ seed: src });
  const d = await withSimulator({ seed: dst });
  sims.push(s, d);
  return [s, d];
}
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

/** Plans, applies, and plans again: the second plan must have nothing to write. */
async function syncTwice(src: Sim, dst: Sim, policy: unknown): Promise<{ first: Plan; again: Plan; dir: string }> {
  const dir = workDir();
  const first = await planSync(dir, src.url, dst.url, policy, 'first');
  const result = await applyTo(dst.url, first.file);
  expect(result.failed).toEqual([]);
  const again = (await planSync(dir, src.url, dst.url, policy, 'again')).plan;
  expectNoChanges(again);
  expect(hasChanges(again)).toBe(false);
  return { first: first.plan, again, dir };
}

const variablesOp = (plan: Plan, id = 'projectVariables/OctoFX') => plan.operations.find((o) => o.id === id);

describe('point 2: roles are names, the same on every instance', () => {
  it('the guide\'s recurring example with the default policy, no target or step carrying the roles: project and library set alike', async () => {
    // The destination as the guide's first table left it (values cloned unscoped); no SQL-Server or Oracle anywhere.
    const firstTable = GUIDE_BEFORE.map((v) => ({ ...v, Scope: {} }));
    const [src, dst] = await pair(source(GUIDE_AFTER), destination(firstTable));
    const { first, again } = await syncTwice(src, dst, {});

    for (const [id, owner] of [['projectVariables/OctoFX', octofx], ['libraryVariables/Shared', shared]] as const) {
      expect(decisionsOf(first, id)).toEqual([
        "keep variable 'Application.Database.Name' (unscoped)",
        "update variable 'ConnectionString' (Role: SQL-Server)",
        "create variable 'ConnectionString' (Role: Oracle)",
      ]);
      // "Leave Application.Database.Name alone", "add the scoping of SQL-Server", "add an additional ConnectionString … Oracle".
      expect(await valuesOf(dst.api, owner, 'Application.Database.Name')).toEqual(['OctoFX-Test @ unscoped', 'OctoFx-Dev @ unscoped']);
      expect(await valuesOf(dst.api, owner, 'ConnectionString')).toEqual([
        'Data Source=#{Application.Database.Name} @ Role: Oracle',
        'Database=#{Application.Database.Name} @ Role: SQL-Server',
      ]);
      // Held back on every run, and said so: a skip operation with the kept value, not "unchanged".
      const op = variablesOp(again, id)!;
      expect(op.action).toBe('skip');
      expect(decisionsOf(again, id)).toEqual(["keep variable 'Application.Database.Name' (unscoped)"]);
    }
  });
});

describe('point 1: no silent decision', () => {
  it('a held-back difference is a skip in the counts, in show (text and markdown), and exit code 0 with --detailed-exitcode', async () => {
    const [src, dst] = await pair(source(GUIDE_BEFORE), destination([{ Name: 'ConnectionString', Value: 'Database=#{Application.Database.Name}' }]));
    const dir = workDir();
    const files = { source: join(dir, 'source.json'), destination: join(dir, 'destination.json'), plan: join(dir, 'plan.json') };
    await snapshotTo(src.url, files.source);
    await snapshotTo(dst.url, files.destination);
    const planned = await octosync('plan', '--source', files.source, '--destination', files.destination, '--out', files.plan, '--detailed-exitcode', '--no-color');
    expect(planned.code).toBe(0); // nothing to apply: only values held back
    expect(planned.stderr).toMatch(/0 to create, 0 to update, 2 skipped, \d+ unchanged/);
    expect(planned.stdout).toMatch(/= Project Variables "OctoFX" is skipped: left as it is on the destination: 2 source differences are held back/i);
    expect(planned.stdout).toMatch(/skip variable 'Application.Database.Name' \(Environment: Development\): environment 'Development' is not on the destination/);
    expect(planned.stdout).toMatch(/No changes to write\. 2 items keep source differences held back under this policy/);

    const markdown = await octosync('show', files.plan, '--format', 'markdown');
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toMatch(/\*\*No changes to write\. 2 items keep source differences held back under this policy \(listed with the skips\)\.\*\* 2 skipped/);
    expect(markdown.stdout).toMatch(/- `skip` variable 'Application.Database.Name' \(Environment: Test\): environment 'Test' is not on the destination/);
    const text = await octosync('show', files.plan, '--no-color');
    expect(text.stdout).toMatch(/skip variable 'Application.Database.Name' \(Environment: Test\)/);

    // Applying it writes nothing.
    const applied = await octosync('apply', files.plan, ...connection(dst.url));
    expect(applied.code).toBe(0);
    expect(await valuesOf(dst.api, octofx, 'Application.Database.Name')).toEqual([]);
  });
});

describe('point 1: a matched value is unchanged only when it agrees', () => {
  it('a description or prompt changed on the source reaches the matched destination value; then nothing is left', async () => {
    const conn = { Name: 'ConnectionString', Value: 'Database=#{Application.Database.Name}' };
    const prompt = { Label: 'Connection string', Description: 'Asked at deploy time', Required: true, DisplaySettings: {} };
    const [src, dst] = await pair(source([{ ...conn, Description: 'The main database', Prompt: prompt }]), destination([conn]));
    const { first } = await syncTwice(src, dst, {});
    expect(decisionsOf(first, 'projectVariables/OctoFX')).toEqual(["update variable 'ConnectionString' (unscoped)"]);
    const project = await byName(dst.api, 'projects', 'OctoFX');
    const [written] = (await dst.api('GET', `/api/Spaces-1/variables/${project.VariableSetId}`)).body.Variables;
    expect(written).toEqual(expect.objectContaining({ Description: 'The main database', Prompt: expect.objectContaining({ Label: 'Connection string' }) }));
  });
});

describe('point 3: the guide\'s initial-sync tables', () => {
  it('newValues: placeholder gives the second table: one unscoped placeholder per name, ConnectionString copied as it is', async () => {
    const [src, dst] = await pair(source(GUIDE_BEFORE), destination([]));
    const { first, again } = await syncTwice(src, dst, { variables: { newValues: 'placeholder' } });
    for (const owner of [octofx, shared]) {
      expect(await valuesOf(dst.api, owner, 'Application.Database.Name')).toEqual([`${DEFAULT_PLACEHOLDER} @ unscoped`]);
      expect(await valuesOf(dst.api, owner, 'ConnectionString')).toEqual(['Database=#{Application.Database.Name} @ unscoped']);
    }
    expect(variablesOp(first)!.cleanup).toEqual([expect.objectContaining({ field: "variable 'Application.Database.Name' (unscoped)" })]);
    expect(decisionsOf(first, 'projectVariables/OctoFX')).toEqual([
      "skip variable 'Application.Database.Name' (Environment: Development)",
      "skip variable 'Application.Database.Name' (Environment: Test)",
      "create variable 'Application.Database.Name' (unscoped)",
      "create variable 'ConnectionString' (unscoped)",
    ]);
    // Again: the placeholder is there; the two scoped values stay held back, listed.
    expect(variablesOp(again)!.action).toBe('skip');
    expect(variablesOp(again)!.decisions!.map((d) => d.reason)).toEqual([
      expect.stringMatching(/environment 'Development' is not on the destination.*no placeholder is added/),
      expect.stringMatching(/environment 'Test' is not on the destination.*no placeholder is added/),
    ]);
  });

  it('environment: ignore gives the first table; values that become the same value and scope are written once', async () => {
    const [src, dst] = await pair(
      source([...GUIDE_BEFORE, { Name: 'Feature.Flag', Value: 'on', Scope: { Environment: ['Development'] } }, { Name: 'Feature.Flag', Value: 'on', Scope: { Environment: ['Test'] } }]),
      destination([]),
    );
    const { first, again } = await syncTwice(src, dst, { scopeMismatch: { variables: { environment: 'ignore' } } });
    for (const owner of [octofx, shared]) {
      expect(await valuesOf(dst.api, owner, 'Application.Database.Name')).toEqual(['OctoFX-Test @ unscoped', 'OctoFx-Dev @ unscoped']);
      expect(await valuesOf(dst.api, owner, 'ConnectionString')).toEqual(['Database=#{Application.Database.Name} @ unscoped']);
      expect(await valuesOf(dst.api, owner, 'Feature.Flag')).toEqual(['on @ unscoped']);
    }
    expect(decisionsOf(first, 'projectVariables/OctoFX')).toContain("skip variable 'Feature.Flag' (Environment: Test)");
    // Again: the dropped environment scopes stay listed (held back), and so does the value written once.
    expect(decisionsOf(again, 'projectVariables/OctoFX')).toEqual([
      "skip variable 'Application.Database.Name' (Environment: Development)",
      "skip variable 'Application.Database.Name' (Environment: Test)",
      "skip variable 'Feature.Flag' (Environment: Development)",
      "skip variable 'Feature.Flag' (Environment: Test)",
    ]);
    expect(variablesOp(again)!.decisions![0].reason).toBe("environment 'Development' is not on the destination (ignore): dropped from its scope");
  });
});

describe('point 4: every scope-mismatch mode, end to end', () => {
  const SOURCE = [
    { Name: 'New.Partial', Value: 'p', Scope: { Environment: ['Development', 'Production'] } },
    { Name: 'New.None', Value: 'n', Scope: { Environment: ['Development'] } },
    { Name: 'Old.None', Value: 'o2', Scope: { Environment: ['Test'] } },
  ];
  const DEST = [{ Name: 'Old.None', Value: 'o1', Scope: { Environment: ['Production'] } }];
  const srcSpace = defaultSpace({
    environments: environments('Development', 'Test', 'Production'),
    projectgroups: [{ Name: 'Web Apps' }],
    projects: [{ Name: 'OctoFX', ProjectGroupId: 'Web Apps', LifecycleId: 'Default Lifecycle', $variables: SOURCE }],
  });
  const dstSpace = defaultSpace({
    environments: environments('Staging', 'Production'),
    projectgroups: [{ Name: 'Web Apps' }],
    projects: [{ Name: 'OctoFX', ProjectGroupId: 'Web Apps', LifecycleId: 'Default Lifecycle', $variables: DEST }],
  });
  const cases: [mode: string, values: Record<string, string[]>][] = [
    ['skip-unless-exact', { 'New.Partial': [], 'New.None': [], 'Old.None': ['o1 @ Environment: Production'] }],
    ['skip-unless-partial', { 'New.Partial': ['p @ Environment: Production'], 'New.None': [], 'Old.None': ['o1 @ Environment: Production'] }],
    ['ignore', { 'New.Partial': ['p @ Environment: Production'], 'New.None': ['n @ unscoped'], 'Old.None': ['o1 @ Environment: Production', 'o2 @ unscoped'] }],
    ['ignore-on-new-leave-existing', { 'New.Partial': ['p @ Environment: Production'], 'New.None': ['n @ unscoped'], 'Old.None': ['o1 @ Environment: Production'] }],
  ];
  it.each(cases)('%s', async (mode, expected) => {
    const [src, dst] = await pair(srcSpace, dstSpace);
    const { again } = await syncTwice(src, dst, { scopeMismatch: { variables: { environment: mode } } });
    for (const [name, values] of Object.entries(expected)) expect(await valuesOf(dst.api, octofx, name)).toEqual(values);
    if (mode === 'ignore-on-new-leave-existing') {
      // Once they exist, the new ones are "existing" too: from then on their mismatches leave them as they are.
      const left = (name: string, env: string) => ({ subject: expect.stringContaining(`'${name}'`), action: 'keep', reason: `environment '${env}' is not on the destination; the existing one is left as it is (ignore-on-new-leave-existing)`, reasonCode: 'scope-mismatch-leave-existing' });
      expect(variablesOp(again)!.decisions).toEqual([left('New.None', 'Development'), left('New.Partial', 'Development'), left('Old.None', 'Test')]);
    }
  });

  it.each(cases.map(([mode]) => mode))('steps under %s: scoped as the mode says, and applied', async (mode) => {
    const step = (Name: string, Environments: string[]) => scriptStep(Name, { Environments });
    const seed = (envs: string[], steps: unknown[]) =>
      defaultSpace({
        environments: environments(...envs),
        projectgroups: [{ Name: 'Web Apps' }],
        projects: [{ Name: 'OctoFX', ProjectGroupId: 'Web Apps', LifecycleId: 'Default Lifecycle', $deploymentProcess: { Steps: steps } }],
      });
    const [src, dst] = await pair(
      seed(['Development', 'Test', 'Production'], [step('Existing', ['Test']), step('Smoke', ['Development', 'Production']), step('Dev only', ['Development'])]),
      seed(['Staging', 'Production'], [step('Existing', ['Production'])]),
    );
    await syncTwice(src, dst, { scopeMismatch: { steps: { environment: mode } } });
    const envs = await list(dst.api, 'environments');
    const steps = Object.fromEntries((await processOf(dst.api, 'OctoFX')).Steps.map((st: any) => [st.Name, st.Actions[0].Environments.map((id: string) => envs.find((e) => e.Id === id)?.Name).join(',')]));
    const expected: Record<string, Record<string, string>> = {
      'skip-unless-exact': { Existing: 'Production' },
      'skip-unless-partial': { Existing: 'Production', Smoke: 'Production' },
      ignore: { Existing: '', Smoke: 'Production', 'Dev only': '' },
      'ignore-on-new-leave-existing': { Existing: 'Production', Smoke: 'Production', 'Dev only': '' },
    };
    expect(steps).toEqual(expected[mode]);
  });

  it.each([
    ['error-unless-exact', /New\.Partial.*environment 'Development' is not on the destination \(error-unless-exact\)/],
    ['error-unless-partial', /New\.None.*environment 'Development' is not on the destination, so no environment scope matches \(error-unless-partial\)/],
  ])('%s stops the plan with the reason, and nothing is written', async (mode, message) => {
    const [src, dst] = await pair(srcSpace, dstSpace);
    const dir = workDir();
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ scopeMismatch: { variables: { environment: mode } } }));
    await snapshotTo(src.url, join(dir, 's.json'));
    await snapshotTo(dst.url, join(dir, 'd.json'));
    const r = await octosync('plan', '--source', join(dir, 's.json'), '--destination', join(dir, 'd.json'), '--policy', policy, '--out', join(dir, 'p.json'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(await valuesOf(dst.api, octofx, 'Old.None')).toEqual(['o1 @ Environment: Production']);
  });
});

describe('point 5: secrets on the destination are never shadowed', () => {
  it('a re-scoped or changed source secret leaves the destination\'s alone (same id, same value, nothing beside it); a truly new one gets a placeholder', async () => {
    const [src, dst] = await pair(
      space(['Development', 'Test', 'Production'], [
        { Name: 'DbPassword', Value: secret('DevDb'), Type: 'Sensitive', IsSensitive: true, Scope: { Environment: ['Production'] } },
        { Name: 'ApiKey', Value: secret('DevApi'), Type: 'Sensitive', IsSensitive: true },
        { Name: 'Token', Value: 'dev-token' },
        { Name: 'Payment.Key', Value: secret('DevPayment'), Type: 'Sensitive', IsSensitive: true },
      ]),
      destination([
        { Name: 'DbPassword', Value: secret('ProdDb'), Type: 'Sensitive', IsSensitive: true },
        { Name: 'ApiKey', Value: secret('ProdApi'), Type: 'Sensitive', IsSensitive: true, Scope: { Environment: ['Production'] } },
        { Name: 'Token', Value: secret('ProdToken'), Type: 'Sensitive', IsSensitive: true },
      ]),
    );
    const ids = async () => {
      const project = await byName(dst.api, 'projects', 'OctoFX');
      const set = (await dst.api('GET', `/api/Spaces-1/variables/${project.VariableSetId}`)).body;
      return Object.fromEntries(['DbPassword', 'ApiKey', 'Token'].map((n) => [n, set.Variables.filter((v: any) => v.Name === n).map((v: any) => v.Id)]));
    };
    const before = await ids();
    const { first, again } = await syncTwice(src, dst, {});
    expect(await ids()).toEqual(before);
    expect(storedValues(dst, 'OctoFX', 'DbPassword')).toEqual([secret('ProdDb')]);
    expect(storedValues(dst, 'OctoFX', 'ApiKey')).toEqual([secret('ProdApi')]);
    expect(storedValues(dst, 'OctoFX', 'Token')).toEqual([secret('ProdToken')]);
    expect(await valuesOf(dst.api, octofx, 'ApiKey')).toEqual(['(sensitive) @ Environment: Production']);
    // The truly new one: a placeholder and a clean-up entry.
    expect(storedValues(dst, 'OctoFX', 'Payment.Key')).toEqual([DEFAULT_PLACEHOLDER]);
    expect(variablesOp(first)!.cleanup!.map((c) => c.field)).toEqual(["variable 'Payment.Key' (unscoped)"]);
    // The plan says so, and goes on saying so.
    for (const plan of [first, again]) {
      const decisions = variablesOp(plan)!.decisions!;
      for (const name of ['DbPassword', 'ApiKey', 'Token']) {
        expect(decisions).toContainEqual(expect.objectContaining({ subject: expect.stringContaining(`'${name}'`), action: 'keep', reason: expect.stringMatching(/sensitive value/) }));
      }
    }
    expect(variablesOp(again)!.action).toBe('skip');
  });
});
