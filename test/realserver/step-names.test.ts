import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withSimulator } from '../helpers/simulator.js';
import { snapshotTo, workDir } from '../helpers/sync.js';
import { apply, byName, decisionsOf, defaultSpace, derivedPolicy, editDoc, editProcess, environments, examplePolicyFile, expectNoChanges, lifecycle, planOne, processOf, stepNames } from '../usecases/helpers.js';

/**
 * Issue 13 point 1, end to end over HTTP: channel version rules and a project's donor and release-creation
 * packages name steps, which a real server refuses before the process holds them (OctopusDeploy/Issues #7961,
 * #7071; terraform-provider `resource_project.go` for auto-create-release). octosync writes them after the
 * process, on a first sync and on a recurring one where the source renamed the step. Before the simulator
 * refused such writes, octosync wrote them first and these syncs "passed".
 */

const POLICY = examplePolicyFile('dev-test-to-staging-prod.yaml');
const packageStep = (name: string) => ({
  Name: name,
  Actions: [{ Name: name, ActionType: 'Octopus.TentaclePackage', Packages: [{ Name: '', PackageId: 'Web', FeedId: 'feeds-builtin', AcquisitionLocation: 'Server' }], Properties: {} }],
});
const pkg = (step: string) => ({ DeploymentAction: step, PackageReference: '' });

const seed = defaultSpace({
  environments: environments('Development', 'Test', 'Staging', 'Production'),
  lifecycles: [lifecycle(['Development', 'Test', 'Staging', 'Production'])],
  projectgroups: [{ Name: 'Web Apps' }],
  projects: [{
    Name: 'OctoFX',
    ProjectGroupId: 'Web Apps',
    LifecycleId: 'Default Lifecycle',
    $channels: [{ Name: 'Hotfix', Rules: [{ VersionRange: '[1.0,2.0)', Tag: '', ActionPackages: [pkg('Deploy web')] }] }],
    $deploymentProcess: { Steps: [packageStep('Deploy web')] },
    $settings: {
      VersioningStrategy: { Template: null, DonorPackage: pkg('Deploy web') },
      AutoCreateRelease: true,
      ReleaseCreationStrategy: { ChannelId: null, ReleaseCreationPackage: pkg('Deploy web') },
    },
  }],
});

// From 2021.2 the donor package lives in the project's deployment settings, which name the step too; an older
// server keeps it on the project document (no settings endpoint).
describe.each([
  { server: '2024.3 (deployment settings)', version: '2024.3.10989', late: ['channel/OctoFX/Hotfix#references', 'deploymentSettings/OctoFX#references', 'project/OctoFX#references'] },
  { server: '2020.6 (settings on the project)', version: '2020.6.4200', late: ['channel/OctoFX/Hotfix#references', 'project/OctoFX#references'] },
])('steps named by channel rules and package settings (issue 13, point 1), $server', ({ version, late: expectedLate }) => {
  let source: Awaited<ReturnType<typeof withSimulator>>;
  let dest: Awaited<ReturnType<typeof withSimulator>>;
  const dir = workDir();
  beforeAll(async () => {
    source = await withSimulator({ version, seed });
    dest = await withSimulator({ version, seed: defaultSpace({ environments: environments('Development', 'Test', 'Staging', 'Production'), lifecycles: [lifecycle(['Development', 'Test', 'Staging', 'Production'])] }) });
  });
  afterAll(async () => {
    await source.close();
    await dest.close();
  });

  const state = async () => {
    const project = await byName(dest.api, 'projects', 'OctoFX');
    const channel = (await dest.api('GET', `/api/Spaces-1/projects/${project.Id}/channels`)).body.Items.find((c: any) => c.Name === 'Hotfix');
    return {
      steps: stepNames(await processOf(dest.api, 'OctoFX')),
      rule: channel.Rules.map((r: any) => r.ActionPackages.map((p: any) => p.DeploymentAction)),
      donor: project.VersioningStrategy.DonorPackage?.DeploymentAction,
      release: project.ReleaseCreationStrategy.ReleaseCreationPackage?.DeploymentAction,
      auto: project.AutoCreateRelease,
    };
  };

  it('first sync: creates the project, then its process, then sets the rules and packages that name its step', async () => {
    const made = await planOne(dir, 'first', source.url, dest.url, POLICY);
    const ops = made.plan.operations;
    const late = ops.filter((o) => o.lateReferencesOf !== undefined).map((o) => o.id).sort();
    expect(late).toEqual(expectedLate);
    for (const id of late) expect(ops.find((o) => o.id === id)!.dependsOn).toContain('deploymentProcess/OctoFX');
    // The create itself carries no step names and no auto-create-release (the server refuses both before the process).
    const create = ops.find((o) => o.id === 'project/OctoFX')!;
    expect(create.desired).toMatchObject({ AutoCreateRelease: false, ReleaseCreationStrategy: { ReleaseCreationPackage: null } });
    await apply(dest.url, made);
    expect(await state()).toEqual({ steps: ['Deploy web'], rule: [['Deploy web']], donor: 'Deploy web', release: 'Deploy web', auto: true });
    expectNoChanges((await planOne(dir, 'first-again', source.url, dest.url, POLICY)).plan);
  });

  it('recurring sync: a step renamed on the source is renamed in the process before the rules and packages name it', async () => {
    // Renamed on the source the way a client renames it there: the new step, what names it, then the old one goes.
    await editProcess(source.api, 'OctoFX', (p) => {
      p.Steps.push(packageStep('Deploy site'));
    });
    await editDoc(source.api, 'channels', 'Hotfix', (c) => {
      c.Rules[0].ActionPackages[0].DeploymentAction = 'Deploy site';
    });
    await editDoc(source.api, 'projects', 'OctoFX', (p) => {
      p.VersioningStrategy.DonorPackage.DeploymentAction = 'Deploy site';
      p.ReleaseCreationStrategy.ReleaseCreationPackage.DeploymentAction = 'Deploy site';
    });
    await editProcess(source.api, 'OctoFX', (p) => {
      p.Steps = p.Steps.filter((s: { Name: string }) => s.Name !== 'Deploy web');
    });
    // The old step goes from the destination: the process write waits for the writes that stop naming it
    // (a project naming a step its process lost cannot be read, Issues #7521).
    const policy = derivedPolicy(dir, 'dev-test-to-staging-prod.yaml', 'remove-steps', (p) => (p.processes.destinationOnlySteps = 'remove'));
    const made = await planOne(dir, 'rename', source.url, dest.url, policy);
    const process = made.plan.operations.find((o) => o.id === 'deploymentProcess/OctoFX')!;
    expect(process.action).toBe('update');
    expect(process.dependsOn).toEqual(expect.arrayContaining(['project/OctoFX', 'channel/OctoFX/Hotfix']));
    if (expectedLate.includes('deploymentSettings/OctoFX#references')) {
      // The settings' donor package too: cleared before the process drops the step, set after it has the new one
      // (no plain wait for the process, which waits for them: that was a cycle).
      const dependsOn = (id: string) => made.plan.operations.find((o) => o.id === id)!.dependsOn;
      expect(process.dependsOn).toContain('deploymentSettings/OctoFX');
      expect(dependsOn('deploymentSettings/OctoFX')).not.toContain('deploymentProcess/OctoFX');
      expect(dependsOn('deploymentSettings/OctoFX#references')).toEqual(expect.arrayContaining(['deploymentProcess/OctoFX', 'project/OctoFX#references']));
    }
    await apply(dest.url, made);
    const after = await state();
    expect(after).toMatchObject({ rule: [['Deploy site']], donor: 'Deploy site', release: 'Deploy site', auto: true });
    expect(after.steps).toEqual(['Deploy site']);
    expectNoChanges((await planOne(dir, 'rename-again', source.url, dest.url, policy)).plan);
  });

  it('a step the destination will not get is left out of the rules and packages, saying so', async () => {
    // A step needing a feed the destination lacks is skipped; what names it cannot be written.
    const feed = (await source.api('POST', '/api/Spaces-1/feeds', { Name: 'Private NuGet', FeedType: 'NuGet', FeedUri: 'https://nuget.example/v3/index.json' })).body;
    await editProcess(source.api, 'OctoFX', (p) => {
      const step = packageStep('Deploy api');
      step.Actions[0].Packages[0].FeedId = feed.Id;
      p.Steps.push(step);
    });
    await editDoc(source.api, 'channels', 'Hotfix', (c) => {
      c.Rules.push({ VersionRange: '[3.0,4.0)', Tag: '', ActionPackages: [pkg('Deploy api')] });
    });
    const policy = derivedPolicy(dir, 'dev-test-to-staging-prod.yaml', 'no-feed', (p) => (p.filters.feeds = { exclude: ['Private NuGet'] }));
    const made = await planOne(dir, 'missing', source.url, dest.url, policy);
    // The rule naming the skipped step is all that differs in the channel: held back, saying why.
    const channel = made.plan.operations.find((o) => o.id === 'channel/OctoFX/Hotfix')!;
    expect(channel.action).toBe('skip');
    expect(decisionsOf(made.plan, channel.id)).toEqual(["skip step 'Deploy api'"]);
    expect(channel.decisions![0].reason).toMatch(/deployment process of project 'OctoFX' will not have this step/);
    await apply(dest.url, made);
    expect((await state()).rule).toEqual([['Deploy site']]);
  });

  it('leaves out a package a rule names when the destination will not get its step, keeping the rest of the rule', async () => {
    await editDoc(source.api, 'channels', 'Hotfix', (c) => {
      c.Rules = [{ ...c.Rules[0], ActionPackages: [pkg('Deploy site'), pkg('Deploy api')], VersionRange: '[1.5,2.0)' }];
    });
    const policy = derivedPolicy(dir, 'dev-test-to-staging-prod.yaml', 'no-feed-2', (p) => (p.filters.feeds = { exclude: ['Private NuGet'] }));
    const made = await planOne(dir, 'missing-2', source.url, dest.url, policy);
    expect(decisionsOf(made.plan, 'channel/OctoFX/Hotfix')).toEqual(["skip step 'Deploy api'"]);
    await apply(dest.url, made);
    const project = await byName(dest.api, 'projects', 'OctoFX');
    const channel = (await dest.api('GET', `/api/Spaces-1/projects/${project.Id}/channels`)).body.Items.find((c: any) => c.Name === 'Hotfix');
    expect(channel.Rules).toMatchObject([{ VersionRange: '[1.5,2.0)', ActionPackages: [pkg('Deploy site')] }]);
  });
});

describe('old data naming a step by its id (terraform-provider-octopusdeploy PR #548)', () => {
  it('is read as the step name, so plans compare names', async () => {
    const sim = await withSimulator({ seed });
    try {
      const project = await byName(sim.api, 'projects', 'OctoFX');
      const actionId = (await processOf(sim.api, 'OctoFX')).Steps[0].Actions[0].Id;
      const channels = (await sim.api('GET', `/api/Spaces-1/projects/${project.Id}/channels`)).body.Items;
      const hotfix = channels.find((c: any) => c.Name === 'Hotfix');
      hotfix.Rules[0].ActionPackages[0].DeploymentAction = actionId;
      expect((await sim.api('PUT', `/api/Spaces-1/channels/${hotfix.Id}`, hotfix)).status).toBe(200);
      const snapshot = await snapshotTo(sim.url, `${workDir()}/snapshot.json`);
      const content = (snapshot.resources.channels as any).OctoFX.Hotfix.content;
      expect(content.Rules[0].ActionPackages).toEqual([pkg('Deploy web')]);
    } finally {
      await sim.close();
    }
  });
});
