import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withSimulator } from '../helpers/simulator.js';
import { workDir } from '../helpers/sync.js';
import { apply, byName, defaultSpace, editProcess, environments, examplePolicyFile, expectNoChanges, lifecycle, planOne, processOf } from '../usecases/helpers.js';

/**
 * Issue 13 point 4, end to end over HTTP between two 2025.2 servers: a step-package action's
 * `StepPackageVersion` and `Inputs`, a step's `Type`, a project's `ProjectTags` and a tag set's `Scopes`/`Type`
 * survive, and the ids inside `Inputs` (account, feed, worker pool) are the destination's, by name. The lenient
 * simulator dropped these members, so octosync's sync of them was never tested.
 */

const POLICY = examplePolicyFile('dev-test-to-staging-prod.yaml');
const VERSION = '2025.2.11370';
const S = '/api/Spaces-1';
const base = { environments: environments('Development', 'Test', 'Staging', 'Production'), lifecycles: [lifecycle(['Development', 'Test', 'Staging', 'Production'])] };
const account = (Name: string) => ({ Name, AccountType: 'UsernamePassword', Username: 'deploy', Password: { HasValue: true, NewValue: 'pw' }, TenantedDeploymentParticipation: 'Untenanted' });

describe('members a real server keeps (issue 13, point 4)', () => {
  let source: Awaited<ReturnType<typeof withSimulator>>;
  let dest: Awaited<ReturnType<typeof withSimulator>>;
  const dir = workDir();
  const idOf = async (sim: typeof source, collection: string, name: string) => (await byName(sim.api, collection, name)).Id;
  const inputs = async (sim: typeof source, accountName: string) => ({
    name: 'web',
    authentication: { credentials: { type: 'account', account: await idOf(sim, 'accounts', accountName) } },
    containers: [{ containerImageReference: { imageName: 'nginx', feedId: await idOf(sim, 'feeds', 'Docker Hub') } }],
    workerPool: await idOf(sim, 'workerpools', 'Default Worker Pool'),
    desiredCount: 2,
  });

  beforeAll(async () => {
    source = await withSimulator({
      version: VERSION,
      seed: defaultSpace({
        ...base,
        projectgroups: [{ Name: 'Web Apps' }],
        tagsets: [{ Name: 'Region', Scopes: ['Project', 'Environment'], Type: 'SingleSelect', Tags: [{ Name: 'EU' }, { Name: 'US' }] }],
        accounts: [account('AWS prod'), account('AWS dev')],
        feeds: [{ Name: 'Docker Hub', FeedType: 'Docker', FeedUri: 'https://index.docker.io', ApiVersion: 'v2' }],
        projects: [{ Name: 'OctoFX', ProjectGroupId: 'Web Apps', LifecycleId: 'Default Lifecycle', ProjectTags: ['Region/EU'] }],
      }),
    });
    await editProcess(source.api, 'OctoFX', async (p) => {
      p.Steps = [{ Name: 'Deploy ECS', Type: 'Step', Properties: {}, Actions: [{ Name: 'Deploy ECS', ActionType: 'aws-ecs', StepPackageVersion: '1.1.1', Inputs: {}, Properties: {} }] }];
    });
    const process = await processOf(source.api, 'OctoFX');
    process.Steps[0].Actions[0].Inputs = await inputs(source, 'AWS prod');
    expect((await source.api('PUT', `${S}/projects/${process.ProjectId}/deploymentprocesses`, process)).status).toBe(200);
    dest = await withSimulator({ version: VERSION, seed: defaultSpace(base) });
  });
  afterAll(async () => {
    await source.close();
    await dest.close();
  });

  it('first sync: the members arrive, ids inside Inputs are the destination\'s, tags map by name', async () => {
    const made = await planOne(dir, 'kept', source.url, dest.url, POLICY);
    const processOp = made.plan.operations.find((o) => o.id === 'deploymentProcess/OctoFX')!;
    // The plan holds names, never the source's ids.
    expect(JSON.stringify(processOp)).toContain('{"$ref":"account","name":"AWS prod"}');
    expect(processOp.dependsOn).toEqual(expect.arrayContaining(['account/AWS prod', 'feed/Docker Hub']));
    await apply(dest.url, made);

    const step = (await processOf(dest.api, 'OctoFX')).Steps[0];
    expect(step.Type).toBe('Step');
    expect(step.Actions[0].StepPackageVersion).toBe('1.1.1');
    expect(step.Actions[0].Inputs).toEqual(await inputs(dest, 'AWS prod'));
    expect(await idOf(dest, 'workerpools', 'Default Worker Pool')).not.toBe(await idOf(source, 'workerpools', 'Default Worker Pool'));
    expect((await byName(dest.api, 'projects', 'OctoFX')).ProjectTags).toEqual(['Region/EU']);
    expect(await byName(dest.api, 'tagsets', 'Region')).toMatchObject({ Scopes: ['Project', 'Environment'], Type: 'SingleSelect' });
    expectNoChanges((await planOne(dir, 'kept-again', source.url, dest.url, POLICY)).plan);
  });

  it('recurring sync: a changed account inside Inputs is written as the destination\'s id of that account', async () => {
    const process = await processOf(source.api, 'OctoFX');
    process.Steps[0].Actions[0].Inputs = await inputs(source, 'AWS dev');
    expect((await source.api('PUT', `${S}/projects/${process.ProjectId}/deploymentprocesses`, process)).status).toBe(200);
    const made = await planOne(dir, 'kept-change', source.url, dest.url, POLICY);
    await apply(dest.url, made);
    expect((await processOf(dest.api, 'OctoFX')).Steps[0].Actions[0].Inputs).toEqual(await inputs(dest, 'AWS dev'));
    expectNoChanges((await planOne(dir, 'kept-change-again', source.url, dest.url, POLICY)).plan);
  });
});
