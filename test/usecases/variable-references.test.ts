import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TEST_CERTIFICATE_BASE64 } from '../helpers/kind-fixtures.js';
import { withSimulator } from '../helpers/simulator.js';
import { applyTo, planSync, workDir } from '../helpers/sync.js';
import { byName, decisionsOf, defaultSpace, expectNoChanges, list, productionOnly, variablesOf } from './helpers.js';
import { defaultPolicy } from '../../src/plan/policy-types.js';

/**
 * Issue 12 point 8: variables of type Certificate, an account type or WorkerPool hold the id of that item.
 * End to end over HTTP: where the item is on the destination (or the plan creates it) the value becomes the
 * destination's id; where it is missing and not synced (excluded by the policy, or a certificate, which cannot
 * be created) the value is skipped with the reason. A name is never written where Octopus expects an id.
 */

const base = () => ({ ...productionOnly(), workerpools: [{ Name: 'Linux pool', WorkerPoolType: 'StaticWorkerPool' }] });

const source = defaultSpace({
  ...base(),
  accounts: [
    { Name: 'Prod AWS', AccountType: 'AmazonWebServicesAccount', AccessKey: 'AKIAEXAMPLE', SecretKey: { HasValue: true, NewValue: 'Sup3rSecret-Aws!' } },
    { Name: 'Deploy User', AccountType: 'UsernamePassword', Username: 'deploy', Password: { HasValue: true, NewValue: 'Sup3rSecret-Deploy!' } },
  ],
  certificates: [{ Name: 'Site cert', CertificateData: { HasValue: true, NewValue: TEST_CERTIFICATE_BASE64 } }],
  projects: [{
    Name: 'Shop',
    ProjectGroupId: 'Default Project Group',
    LifecycleId: 'Default Lifecycle',
    $variables: [
      { Name: 'Aws', Type: 'AmazonWebServicesAccount', Value: 'Prod AWS' },
      { Name: 'Login', Type: 'UsernamePasswordAccount', Value: 'Deploy User' },
      { Name: 'Cert', Type: 'Certificate', Value: 'Site cert' },
      { Name: 'Pool', Type: 'WorkerPool', Value: 'Linux pool' },
      { Name: 'Plain', Value: 'Prod AWS' },
    ],
  }],
});

describe('variables whose value is the id of an account, certificate or worker pool', () => {
  let src: Awaited<ReturnType<typeof withSimulator>>;
  let dst: Awaited<ReturnType<typeof withSimulator>>;
  const dir = workDir();
  // The AWS account is excluded by the policy and not on the destination.
  const policy = { ...defaultPolicy(), filters: { accounts: { exclude: ['Prod AWS'] } } };

  beforeAll(async () => {
    src = await withSimulator({ seed: source });
    dst = await withSimulator({ seed: defaultSpace(base()) });
  });
  afterAll(async () => {
    await src.close();
    await dst.close();
  });

  it('writes destination ids, and skips values whose item the destination will not have, saying why', async () => {
    const { plan, file } = await planSync(dir, src.url, dst.url, policy, 'first');
    const reasons = (plan.operations.find((o) => o.id === 'projectVariables/Shop')?.decisions ?? []).filter((d) => d.action === 'skip').map((d) => `${d.subject}: ${d.reason}`);
    expect(reasons).toEqual([
      expect.stringMatching(/^variable 'Aws' .*account 'Prod AWS'.*not on the destination.*excluded by the policy/),
      expect.stringMatching(/^variable 'Cert' .*certificate 'Site cert'.*not on the destination/),
    ]);
    expect(decisionsOf(plan, 'projectVariables/Shop')).toEqual(expect.arrayContaining(["create variable 'Login' (unscoped)", "create variable 'Pool' (unscoped)", "create variable 'Plain' (unscoped)"]));
    await applyTo(dst.url, file);

    const [accounts, pools] = await Promise.all([list(dst.api, 'accounts'), list(dst.api, 'workerpools')]);
    const login = accounts.find((a) => a.Name === 'Deploy User')!;
    const pool = pools.find((p) => p.Name === 'Linux pool')!;
    const values = Object.fromEntries((await variablesOf(dst.api, { project: 'Shop' })).map((v) => [v.Name, `${v.Type}=${v.Value}`]));
    expect(values).toEqual({
      Login: `UsernamePasswordAccount=${login.Id}`,
      Pool: `WorkerPool=${pool.Id}`,
      Plain: 'String=Prod AWS', // a plain string is a name, not a reference
    });
    expect(accounts.map((a) => a.Name)).not.toContain('Prod AWS');
    expectNoChanges((await planSync(dir, src.url, dst.url, policy, 'first-again')).plan);
  });

  it('once the item exists on the destination, the skipped value follows as its id', async () => {
    const created = await dst.api('POST', '/api/Spaces-1/accounts', { Name: 'Prod AWS', AccountType: 'AmazonWebServicesAccount', AccessKey: 'AKIADEST', SecretKey: { HasValue: true, NewValue: 'Sup3rSecret-Dest!' } });
    expect(created.status).toBe(201);
    const { file } = await planSync(dir, src.url, dst.url, policy, 'later');
    await applyTo(dst.url, file);
    const aws = (await variablesOf(dst.api, { project: 'Shop' })).find((v) => v.Name === 'Aws');
    expect(aws?.Value).toBe(created.body.Id);
    expect((await byName(dst.api, 'accounts', 'Prod AWS')).AccessKey).toBe('AKIADEST'); // the destination's own account, untouched
    expectNoChanges((await planSync(dir, src.url, dst.url, policy, 'later-again')).plan);
  });
});
