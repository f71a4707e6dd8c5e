import { describe, expect, it } from '@jest/globals';
import { createPlan, PlanError } from '../../src/plan/planner.js';
import { withDefaults } from '../../src/plan/policy.js';
import { canonicalJson } from '../../src/util/canonical.js';
import { makeSnapshot, variable } from '../helpers/snapshots.js';

const plan = (src: any, dst: any, policy = {}) =>
  createPlan({ source: src, destination: dst, policy: withDefaults(policy), createdAt: '2026-01-01T00:00:00.000Z' });
const op = (p: ReturnType<typeof plan>, id: string) => p.operations.find((o) => o.id === id);

const step = (Name: string, action: Record<string, unknown> = {}) => ({ Name, Properties: {}, Actions: [{ Name, ActionType: 'Octopus.Script', Properties: {}, ...action }] });
const sourceEnvs = { Development: { Name: 'Development' }, Test: { Name: 'Test' }, Staging: { Name: 'Staging' }, Production: { Name: 'Production' } };
const destEnvs = { Staging: { Name: 'Staging' }, Production: { Name: 'Production' } };
const base = {
  projectGroups: { Apps: { Name: 'Apps' } },
  lifecycles: {
    'Default Lifecycle': { Name: 'Default Lifecycle', Phases: [] },
    QA: { Name: 'QA', Phases: [{ Name: 'QA', AutomaticDeploymentTargets: ['Development', 'Test'], OptionalDeploymentTargets: [] }] },
  },
  projects: { OctoFX: { Name: 'OctoFX', ProjectGroupId: 'Apps', LifecycleId: 'Default Lifecycle' } },
};

describe('the guide\'s situations', () => {
  it('QA channel cascade: QA lifecycle and channel are skipped, and so are the step and the value scoped only to QA', () => {
    const source = makeSnapshot({
      environments: sourceEnvs,
      ...base,
      channels: { OctoFX: { Default: { Name: 'Default', IsDefault: true }, QA: { Name: 'QA', LifecycleId: 'QA', IsDefault: false } } },
      deploymentProcesses: { OctoFX: { Steps: [step('Deploy'), step('QA approval', { Channels: ['QA'] })] } },
      projectVariables: { OctoFX: { Variables: [variable('QaValue', 'x', { Channel: ['QA'] }), variable('Shared', 'y', { Channel: ['Default', 'QA'] })] } },
    });
    const p = plan(source, makeSnapshot({ environments: destEnvs }));
    expect(op(p, 'lifecycle/QA')).toMatchObject({ action: 'skip', reason: expect.stringMatching(/none of its phases/) });
    expect(op(p, 'channel/OctoFX/QA')).toMatchObject({ action: 'skip', reason: expect.stringMatching(/lifecycle 'QA'/) });
    const process = op(p, 'deploymentProcess/OctoFX')!;
    expect((process.desired!.Steps as any[]).map((s) => s.Name)).toEqual(['Deploy']);
    expect(process.decisions).toEqual(expect.arrayContaining([expect.objectContaining({ subject: expect.stringMatching(/QA approval/), action: 'skip', reason: expect.stringMatching(/channel 'QA'/) })]));
    const vars = op(p, 'projectVariables/OctoFX')!.desired!.Variables as any[];
    expect(vars.map((v) => [v.Name, v.Scope])).toEqual([['Shared', { Channel: ['Default'] }]]);
  });

  it('tenants: "Internal" is synced on Staging and Production, "Development Team A" is not', () => {
    const source = makeSnapshot({
      environments: sourceEnvs,
      ...base,
      tenants: {
        Internal: { Name: 'Internal', ProjectEnvironments: { OctoFX: ['Development', 'Production', 'Staging', 'Test'] }, TenantTags: [] },
        'Development Team A': { Name: 'Development Team A', ProjectEnvironments: { OctoFX: ['Development', 'Test'] }, TenantTags: [] },
      },
    });
    const p = plan(source, makeSnapshot({ environments: destEnvs }));
    expect(op(p, 'tenant/Development Team A')).toMatchObject({ action: 'skip', reason: expect.stringMatching(/'Development', 'Test'/) });
    // Tenants are planned after projects: created with the link to the new project in one write.
    const internal = op(p, 'tenant/Internal')!;
    expect(internal).toMatchObject({ action: 'create', desired: expect.objectContaining({ ProjectEnvironments: { OctoFX: ['Production', 'Staging'] } }) });
    expect(internal.dependsOn).toContain('project/OctoFX');
    expect(p.operations.indexOf(internal)).toBeGreaterThan(p.operations.indexOf(op(p, 'project/OctoFX')!));
    expect(op(p, 'tenant/Internal#references')).toBeUndefined();
  });

  it('a reference to an item created later (a new project\'s release-creation channel) is set by a later operation', () => {
    const source = makeSnapshot({
      environments: destEnvs,
      ...base,
      projects: { OctoFX: { ...base.projects.OctoFX, ReleaseCreationStrategy: { ChannelId: 'Default', ReleaseCreationPackage: null } } },
      channels: { OctoFX: { Default: { Name: 'Default', IsDefault: true } } },
    });
    const p = plan(source, makeSnapshot({ environments: destEnvs }));
    expect(op(p, 'project/OctoFX')!.desired!.ReleaseCreationStrategy).toEqual({ ChannelId: null, ReleaseCreationPackage: null });
    const late = op(p, 'project/OctoFX#references')!;
    expect(late.lateReferencesOf).toBe('project/OctoFX');
    expect(op(p, 'project/OctoFX')!.lateReferencesOf).toBeUndefined();
    expect(late.dependsOn).toEqual(['channel/OctoFX/Default', 'project/OctoFX']);
    expect(late.patch).toEqual([
      { op: 'test', path: '/ReleaseCreationStrategy/ChannelId', value: null },
      { op: 'replace', path: '/ReleaseCreationStrategy/ChannelId', value: 'Default' },
    ]);
    expect(p.operations.indexOf(late)).toBeGreaterThan(p.operations.indexOf(op(p, 'channel/OctoFX/Default')!));
  });

  it('a step scoped to Test follows the environment map (Test → Staging)', () => {
    const source = makeSnapshot({ environments: sourceEnvs, ...base, deploymentProcesses: { OctoFX: { Steps: [step('Manual intervention', { Environments: ['Test'] })] } } });
    const dest = makeSnapshot({ environments: destEnvs });
    expect((op(plan(source, dest), 'deploymentProcess/OctoFX')!.desired!.Steps as any[])).toEqual([]);
    const mapped = plan(source, dest, { environments: { map: { Test: 'Staging' } } });
    expect((op(mapped, 'deploymentProcess/OctoFX')!.desired!.Steps as any[])[0].Actions[0].Environments).toEqual(['Staging']);
  });

  it('error-unless-exact stops the plan with the reason', () => {
    const source = makeSnapshot({ environments: sourceEnvs, ...base, deploymentProcesses: { OctoFX: { Steps: [step('Approve', { Environments: ['Test', 'Production'] })] } } });
    expect(() => plan(source, makeSnapshot({ environments: destEnvs }), { scopeMismatch: { steps: { environment: 'error-unless-exact' } } })).toThrow(PlanError);
    expect(() => plan(source, makeSnapshot({ environments: destEnvs }), { scopeMismatch: { steps: { environment: 'error-unless-exact' } } })).toThrow(/step 'Approve'.*environment 'Test'/);
  });

  it('a lifecycle with different phases on the destination is left alone (same name, own details) unless syncPhases', () => {
    const source = makeSnapshot({ environments: sourceEnvs, lifecycles: { Main: { Name: 'Main', Phases: [{ Name: 'Prod', AutomaticDeploymentTargets: ['Production', 'Staging'], OptionalDeploymentTargets: [] }] } } });
    const dest = makeSnapshot({ environments: destEnvs, lifecycles: { Main: { Name: 'Main', Phases: [{ Name: 'Prod', AutomaticDeploymentTargets: ['Production'], OptionalDeploymentTargets: [] }] } } });
    expect(op(plan(source, dest), 'lifecycle/Main')).toBeUndefined();
    expect(plan(source, dest).counts.unchanged).toBeGreaterThan(0);
    const synced = op(plan(source, dest, { lifecycles: { syncPhases: true } }), 'lifecycle/Main')!;
    expect(synced.action).toBe('update');
    expect(synced.patch).toEqual([{ op: 'add', path: '/Phases/Prod/AutomaticDeploymentTargets/1', value: 'Staging' }]);
  });

  it('a renamed item is a create (matching is by name), and the plan says so', () => {
    const source = makeSnapshot({ environments: destEnvs, ...base, projects: { 'OctoFX Web': { ...base.projects.OctoFX, Name: 'OctoFX Web' } } });
    const dest = makeSnapshot({ environments: destEnvs, ...base });
    const p = plan(source, dest);
    expect(op(p, 'project/OctoFX Web')).toMatchObject({ action: 'create', reason: 'not on the destination' });
    expect(op(p, 'project/OctoFX')).toBeUndefined(); // never deleted
  });

  it('match-exactly kinds are updated to match; same-name-own-details kinds are never updated', () => {
    const source = makeSnapshot({
      stepTemplates: { Notify: { Name: 'Notify', Properties: { 'Octopus.Action.Script.ScriptBody': 'v2' }, Parameters: [] } },
      feeds: { 'Docker Hub': { Name: 'Docker Hub', FeedUri: 'https://index.docker.io', Password: { HasValue: true } } },
    });
    const dest = makeSnapshot({
      stepTemplates: { Notify: { Name: 'Notify', Properties: { 'Octopus.Action.Script.ScriptBody': 'v1' }, Parameters: [] } },
      feeds: { 'Docker Hub': { Name: 'Docker Hub', FeedUri: 'https://mirror.example', Password: { HasValue: false } } },
    });
    const p = plan(source, dest);
    // Each change is preceded by a test of the old value: reviewers see old → new; apply checks it.
    expect(op(p, 'stepTemplate/Notify')).toMatchObject({
      action: 'update',
      patch: [
        { op: 'test', path: '/Properties/Octopus.Action.Script.ScriptBody', value: 'v1' },
        { op: 'replace', path: '/Properties/Octopus.Action.Script.ScriptBody', value: 'v2' },
      ],
    });
    expect(op(p, 'feed/Docker Hub')).toBeUndefined();
  });

  it('a new account gets placeholder secrets and clean-up entries; a certificate cannot be created', () => {
    const source = makeSnapshot({
      environments: destEnvs,
      accounts: { Azure: { Name: 'Azure', AccountType: 'AzureServicePrincipal', ClientSecret: { HasValue: true }, EnvironmentIds: ['Production'], TenantIds: [], TenantTags: [] } },
      certificates: { 'Wildcard': { Name: 'Wildcard', CertificateData: { HasValue: true }, Password: { HasValue: true }, EnvironmentIds: [], TenantIds: [], TenantTags: [] } },
    });
    const p = plan(source, makeSnapshot({ environments: destEnvs }));
    expect(op(p, 'account/Azure')).toMatchObject({ action: 'create', cleanup: [expect.objectContaining({ field: 'secret ClientSecret' })] });
    expect(op(p, 'certificate/Wildcard')).toMatchObject({ action: 'skip', reason: expect.stringMatching(/by hand/) });
  });

  it('a project filter pulls in what the selected projects need, and nothing else', () => {
    const source = makeSnapshot({
      environments: destEnvs,
      ...base,
      projectGroups: { Apps: { Name: 'Apps' }, Other: { Name: 'Other' } },
      projects: { ...base.projects, Billing: { Name: 'Billing', ProjectGroupId: 'Other', LifecycleId: 'QA' } },
      feeds: { Unused: { Name: 'Unused', FeedUri: 'x' } },
    });
    const p = plan(source, makeSnapshot({ environments: destEnvs }), { filters: { projects: { include: ['OctoFX'] } } });
    const ids = p.operations.map((o) => o.id);
    expect(ids).toEqual(expect.arrayContaining(['projectGroup/Apps', 'project/OctoFX']));
    expect(ids).not.toEqual(expect.arrayContaining(['projectGroup/Other']));
    expect(ids.some((i) => i.startsWith('project/Billing') || i.startsWith('feed/'))).toBe(false);
  });

  it('refuses source and destination more than one minor version apart unless allowed', () => {
    const source = makeSnapshot({ environments: destEnvs }, { version: '2024.3.100' });
    const dest = makeSnapshot({ environments: destEnvs }, { version: '2024.1.5' });
    expect(() => plan(source, dest)).toThrow(/more than one minor version apart/);
    expect(() => plan(source, dest, { versions: { allowSkew: true } })).not.toThrow();
    expect(() => plan(source, makeSnapshot({}, { version: '2025.3.1' }))).toThrow(PlanError);
  });

  it('is deterministic: the same inputs give the same bytes', () => {
    const source = makeSnapshot({ environments: sourceEnvs, ...base, deploymentProcesses: { OctoFX: { Steps: [step('A', { Environments: ['Test', 'Production', 'Staging'] }), step('B')] } } });
    const dest = makeSnapshot({ environments: destEnvs });
    expect(canonicalJson(plan(source, dest))).toBe(canonicalJson(plan(source, dest)));
    const p = plan(source, dest, { environments: { map: { Test: 'Staging' } } });
    expect((op(p, 'deploymentProcess/OctoFX')!.desired!.Steps as any[])[0].Actions[0].Environments).toEqual(['Production', 'Staging']);
  });
});

describe('references held as comma-separated lists', () => {
  it('a manual intervention\'s responsible teams: synced teams by name, built-in team ids unchanged, excluded teams dropped', () => {
    const manual = step('Sign-off', { ActionType: 'Octopus.Manual', Properties: { 'Octopus.Action.Manual.ResponsibleTeamIds': 'Release Managers,teams-managers,Contractors' } });
    const source = makeSnapshot({
      environments: destEnvs,
      ...base,
      teams: { 'Release Managers': { Name: 'Release Managers', Description: null }, Contractors: { Name: 'Contractors', Description: null } },
      deploymentProcesses: { OctoFX: { Steps: [manual] } },
    });
    const p = plan(source, makeSnapshot({ environments: destEnvs }), { filters: { teams: { exclude: ['Contractors'] } } });
    const action = (op(p, 'deploymentProcess/OctoFX')!.desired!.Steps as any[])[0].Actions[0];
    expect(action.Properties['Octopus.Action.Manual.ResponsibleTeamIds']).toBe('Release Managers,teams-managers');
    expect(op(p, 'team/Release Managers')).toMatchObject({ action: 'create' });
  });
});

describe('environment map warnings', () => {
  it('warns when two source environments map to one destination environment', () => {
    const p = plan(makeSnapshot({ environments: sourceEnvs }), makeSnapshot({ environments: destEnvs }), { environments: { map: { Test: 'Staging' } } });
    expect(p.warnings).toContain("environments 'Staging' and 'Test' all map to 'Staging' on the destination: what is scoped to each lands on 'Staging'");
  });
});
