/**
 * Infrastructure kinds through HTTP (API-FACTS §3.14–§3.22): space defaults, feeds, accounts, certificates,
 * step templates, worker pools, machine policies, targets and workers, teams, scoped user roles, user roles.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { secretOf } from '../../src/simulator/sensitive.js';
import type { Doc } from '../../src/simulator/types.js';
import { withSimulator } from '../helpers/simulator.js';

type Sim = Awaited<ReturnType<typeof withSimulator>>;
const S = '/api/Spaces-1';
const MASKED = { HasValue: true, NewValue: null, Hint: null };

async function created(sim: Sim, path: string, body: unknown): Promise<Doc> {
  const res = await sim.api('POST', path, body);
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The stored document (with its hidden secrets), as no API client can see it. */
function stored(sim: Sim, collection: string, id: string): Doc {
  return sim.store.get(collection, id, 'Spaces-1')!;
}

/** A self-signed PEM certificate (CN=www.octosync.example, O=Octosync Test), SHA-1 1EDA7987…618087. */
const PEM = `-----BEGIN CERTIFICATE-----
MIICbTCCAdagAwIBAgIUUyW9aquDxRdC5RUomRqNguGOaRkwDQYJKoZIhvcNAQEL
BQAwNzEdMBsGA1UEAwwUd3d3Lm9jdG9zeW5jLmV4YW1wbGUxFjAUBgNVBAoMDU9j
dG9zeW5jIFRlc3QwIBcNMjYxMTI1MTIwMDQ0WhgPMjEyNjExMDExMjAwNDRaMDcx
HTAbBgNVBAMMFHd3dy5vY3Rvc3luYy5leGFtcGxlMRYwFAYDVQQKDA1PY3Rvc3lu
YyBUZXN0MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDBsrsab2Cdu0F2FuV4
HOf2QVf2Ae8PxxrTSzZhO5elxeEK4YuhsEBj760Bdk2lcHA19Pv+6A8gBk1l5GKG
aFqADOP/GK/x+Eg9MU0M6EpMhikdIIJb32SNhhnfsScKQRyvjYFQdkRZGIjBBTH4
9ztBx+qqbiPXdV8qmO0jAY32yQIDAQABo3QwcjAdBgNVHQ4EFgQUiMMjVyKq09BS
xm9NIzmBWsFb7NMwHwYDVR0jBBgwFoAUiMMjVyKq09BSxm9NIzmBWsFb7NMwDwYD
VR0TAQH/BAUwAwEB/zAfBgNVHREEGDAWghR3d3cub2N0b3N5bmMuZXhhbXBsZTAN
BgkqhkiG9w0BAQsFAAOBgQCZisIEzhGO8GioCqbFGEGpF5B+yZvRtj0rrPIvSyfX
fj7TpmGj2IV8nlT3CHWers57fotozh5G2elz/PrAvaEohr9BB4Jl9H8IVBohCDOF
flFnILqlrpqPO9AWP80ogrvWNoqpr/crezW4otJWs+D5oUoPE8iBnR5KMdHxtrvn
6w==
-----END CERTIFICATE-----
`;

describe('what a new space holds', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await withSimulator();
  });
  afterAll(() => sim.close());

  it('has the built-in feed, Default Machine Policy, Default Worker Pool and its Space Managers team', async () => {
    const feed = await sim.api('GET', `${S}/feeds/feeds-builtin`);
    expect(feed.status).toBe(200);
    expect(feed.body).toMatchObject({ Id: 'feeds-builtin', FeedType: 'BuiltIn', SpaceId: 'Spaces-1', Name: 'Octopus Server (built-in)' });
    const policies = (await sim.api('GET', `${S}/machinepolicies/all`)).body;
    expect(policies).toEqual([expect.objectContaining({ Name: 'Default Machine Policy', IsDefault: true })]);
    expect(policies[0].Id).toMatch(/^MachinePolicies-\d+$/);
    expect(policies[0].MachineHealthCheckPolicy.PowerShellHealthCheckPolicy.RunType).toBe('Inline');
    expect(policies[0].ConnectionConnectTimeout).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    const pools = (await sim.api('GET', `${S}/workerpools/all`)).body;
    expect(pools).toEqual([expect.objectContaining({ Name: 'Default Worker Pool', IsDefault: true, WorkerPoolType: 'StaticWorkerPool', CanAddWorkers: true })]);
    const team = await sim.api('GET', '/api/teams/teams-spacemanagers-Spaces-1');
    expect(team.body).toMatchObject({ Name: 'Space Managers', SpaceId: 'Spaces-1', CanBeDeleted: false });
    const space = await sim.api('GET', '/api/spaces/Spaces-1');
    expect(space.body.SpaceManagersTeams).toEqual(['teams-administrators', 'teams-managers', 'teams-spacemanagers-Spaces-1']);
  });

  it('gives every space its own feeds-builtin, under the same id', async () => {
    const space = await created(sim, '/api/spaces', { Name: 'Second', SpaceManagersTeams: [] });
    const other = await sim.api('GET', `/api/${space.Id}/feeds/feeds-builtin`);
    expect(other.status).toBe(200);
    expect(other.body.SpaceId).toBe(space.Id);
    expect((await sim.api('GET', `${S}/feeds/feeds-builtin`)).body.SpaceId).toBe('Spaces-1');
    // References to feeds-builtin are valid in the second space too.
    const tpl = await sim.api('POST', `/api/${space.Id}/actiontemplates`, {
      Name: 'Deploy',
      ActionType: 'Octopus.TentaclePackage',
      Packages: [{ Name: '', PackageId: 'MyCo.Web', FeedId: 'feeds-builtin' }],
    });
    expect(tpl.status).toBe(201);
    const modified = await sim.api('PUT', `/api/${space.Id}/feeds/feeds-builtin`, { ...other.body, IsBuiltInRepoSyncEnabled: true });
    expect(modified.body).toMatchObject({ SpaceId: space.Id, IsBuiltInRepoSyncEnabled: true });
    expect((await sim.api('GET', `${S}/feeds/feeds-builtin`)).body.IsBuiltInRepoSyncEnabled).toBe(false);
    expect((await sim.api('GET', `/api/${space.Id}/feeds/all`)).body.map((f: Doc) => f.Id)).toEqual(['feeds-builtin']);
    expect((await sim.api('GET', `/api/${space.Id}/machinepolicies/all`)).body).toHaveLength(1);
  });

  it('refuses to delete the built-in feed, the default machine policy and the default worker pool', async () => {
    const policy = (await sim.api('GET', `${S}/machinepolicies/all`)).body[0];
    const pool = (await sim.api('GET', `${S}/workerpools/all`)).body[0];
    for (const path of [`${S}/feeds/feeds-builtin`, `${S}/machinepolicies/${policy.Id}`, `${S}/workerpools/${pool.Id}`]) {
      const res = await sim.api('DELETE', path);
      expect(res.status).toBe(400);
      expect((await sim.api('GET', path)).status).toBe(200);
    }
  });
});

describe('feeds (API-FACTS §3.17)', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await withSimulator();
  });
  afterAll(() => sim.close());

  it('creates a NuGet feed with its members only, never returns the password, keeps it for {HasValue: true}', async () => {
    const feed = await created(sim, `${S}/feeds`, {
      Name: 'NuGet.org',
      FeedType: 'NuGet',
      FeedUri: 'https://api.nuget.org/v3/index.json',
      Username: 'me',
      Password: { HasValue: true, NewValue: 'feed-secret' },
      Region: 'eu-west-1',
      Bogus: true,
    });
    expect(feed).toMatchObject({
      Id: expect.stringMatching(/^Feeds-\d+$/),
      Slug: 'nuget-org',
      FeedType: 'NuGet',
      EnhancedMode: false,
      DownloadAttempts: 5,
      DownloadRetryBackoffSeconds: 10,
      Password: MASKED,
      PackageAcquisitionLocationOptions: ['Server', 'ExecutionTarget'],
    });
    expect(feed).not.toHaveProperty('Region');
    expect(feed).not.toHaveProperty('Bogus');
    expect(feed.Links.Self).toBe(`${S}/feeds/${feed.Id}`);
    expect(JSON.stringify(await sim.api('GET', `${S}/feeds/${feed.Id}`))).not.toContain('feed-secret');

    const kept = await sim.api('PUT', `${S}/feeds/${feed.Id}`, { ...feed, FeedType: 'Docker', Password: { HasValue: true, NewValue: null } });
    expect(kept.status).toBe(200);
    expect(kept.body.FeedType).toBe('NuGet'); // write-once
    expect(secretOf(stored(sim, 'feeds', feed.Id).Password)).toBe('feed-secret');
    const cleared = await sim.api('PUT', `${S}/feeds/${feed.Id}`, { ...feed, Password: { HasValue: false, NewValue: null } });
    expect(cleared.body.Password.HasValue).toBe(false);
    expect(secretOf(stored(sim, 'feeds', feed.Id).Password)).toBeUndefined();
  });

  it('filters by feedType and partialName, refuses a second built-in feed, deletes', async () => {
    const docker = await created(sim, `${S}/feeds`, { Name: 'Docker Hub', FeedType: 'Docker', FeedUri: 'https://index.docker.io' });
    expect(docker.PackageAcquisitionLocationOptions).toEqual(['ExecutionTarget', 'NotAcquired']);
    const byType = await sim.api('GET', `${S}/feeds?feedType=Docker`);
    expect(byType.body.Items.map((f: Doc) => f.Name)).toEqual(['Docker Hub']);
    expect((await sim.api('GET', `${S}/feeds?partialName=hub`)).body.Items.map((f: Doc) => f.Name)).toEqual(['Docker Hub']);
    await created(sim, `${S}/feeds`, { Name: 'Development packages', FeedType: 'NuGet', FeedUri: 'https://dev.example/nuget' });
    expect((await sim.api('GET', `${S}/feeds?partialName=Dev`)).body.Items.map((f: Doc) => f.Name)).toEqual(['Development packages']);
    expect((await sim.api('POST', `${S}/feeds`, { Name: 'Another', FeedType: 'BuiltIn' })).status).toBe(400);
    expect((await sim.api('POST', `${S}/feeds`, { Name: 'Odd', FeedType: 'Carrier pigeon' })).status).toBe(400);
    expect((await sim.api('DELETE', `${S}/feeds/${docker.Id}`)).status).toBe(200);
    expect((await sim.api('GET', `${S}/feeds/${docker.Id}`)).status).toBe(404);
  });
});

describe('accounts (API-FACTS §3.18)', () => {
  let sim: Sim;
  let env: Doc;
  beforeAll(async () => {
    sim = await withSimulator();
    env = await created(sim, `${S}/environments`, { Name: 'Production' });
  });
  afterAll(() => sim.close());

  it('keeps the members of the AccountType, masks every secret, keeps them on a round trip', async () => {
    const sp = await created(sim, `${S}/accounts`, {
      AccountType: 'AzureServicePrincipal',
      Name: 'Azure Production',
      SubscriptionNumber: '3b4b7c1a-6f1f-4c6e-9a8b-1c2d3e4f5a6b',
      ClientId: '0f1e2d3c-4b5a-6978-8a1b-2c3d4e5f6a7b',
      TenantId: '9e8d7c6b-5a4f-3e2d-1c0b-a9b8c7d6e5f4',
      Password: { HasValue: true, NewValue: 'sp-secret' },
      Token: { HasValue: true, NewValue: 'not-a-member' },
      EnvironmentIds: [env.Id],
    });
    expect(sp).toMatchObject({
      AccountType: 'AzureServicePrincipal',
      Slug: 'azure-production',
      Password: MASKED,
      EnvironmentIds: [env.Id],
      TenantedDeploymentParticipation: 'Untenanted',
      TenantIds: [],
      TenantTags: [],
      Links: { Self: `${S}/accounts/${sp.Id}`, Usages: `${S}/accounts/${sp.Id}/usages` },
    });
    expect(sp).not.toHaveProperty('Token');
    const round = await sim.api('PUT', `${S}/accounts/${sp.Id}`, { ...sp, Description: 'changed' });
    expect(round.body).toMatchObject({ Description: 'changed', Password: MASKED });
    expect(secretOf(stored(sim, 'accounts', sp.Id).Password)).toBe('sp-secret');

    const up = await created(sim, `${S}/accounts`, { AccountType: 'UsernamePassword', Name: 'Deployer', Username: 'deploy', Password: 'plain-old-secret' });
    expect(up.Password).toEqual(MASKED);
    const aws = await created(sim, `${S}/accounts`, { AccountType: 'AmazonWebServicesAccount', Name: 'AWS', AccessKey: 'AKIA1', SecretKey: { NewValue: 'aws-secret' } });
    const ssh = await created(sim, `${S}/accounts`, { AccountType: 'SshKeyPair', Name: 'SSH', Username: 'u', PrivateKeyFile: { NewValue: 'ssh-key-secret' }, PrivateKeyPassphrase: { NewValue: 'ssh-pass-secret' } });
    const text = JSON.stringify((await sim.api('GET', `${S}/accounts/all`)).body);
    for (const secret of ['sp-secret', 'plain-old-secret', 'aws-secret', 'ssh-key-secret', 'ssh-pass-secret']) expect(text).not.toContain(secret);
    expect(aws.SecretKey).toEqual(MASKED);
    expect(ssh.PrivateKeyFile).toEqual(MASKED);
  });

  it('computes the thumbprint of an Azure management certificate', async () => {
    const bytes = Buffer.from('management certificate bytes');
    const acc = await created(sim, `${S}/accounts`, {
      AccountType: 'AzureSubscription',
      Name: 'Azure classic',
      SubscriptionNumber: '3b4b7c1a-6f1f-4c6e-9a8b-1c2d3e4f5a6b',
      CertificateBytes: { HasValue: true, NewValue: bytes.toString('base64') },
      CertificateThumbprint: 'CLIENT-SENT',
    });
    expect(acc.CertificateThumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(acc.CertificateBytes).toEqual(MASKED);
    const put = await sim.api('PUT', `${S}/accounts/${acc.Id}`, { ...acc, CertificateThumbprint: 'X' });
    expect(put.body.CertificateThumbprint).toBe(acc.CertificateThumbprint);
  });

  it('filters by accountType', async () => {
    const res = await sim.api('GET', `${S}/accounts?accountType=UsernamePassword`);
    expect(res.body.Items.map((a: Doc) => a.Name)).toEqual(['Deployer']);
  });

  it('answers 400 for unknown environment, tenant or tag references and for an unknown AccountType', async () => {
    for (const extra of [{ EnvironmentIds: ['Environments-424242'] }, { TenantIds: ['Tenants-424242'] }, { TenantTags: ['Nope/Nope'] }]) {
      const res = await sim.api('POST', `${S}/accounts`, { AccountType: 'Token', Name: `Bad ${Object.keys(extra)[0]}`, ...extra });
      expect(res.status).toBe(400);
      expect(res.body.Errors.join(' ')).toMatch(/424242|Nope\/Nope/);
    }
    expect((await sim.api('POST', `${S}/accounts`, { AccountType: 'Telepathy', Name: 'T' })).status).toBe(400);
    expect((await sim.api('POST', `${S}/accounts`, { Name: 'No type' })).body.Errors).toEqual(['The AccountType field is required.']);
  });

  it('keeps the AccountType on PUT and deletes', async () => {
    const t = await created(sim, `${S}/accounts`, { AccountType: 'Token', Name: 'GitHub token', Token: { NewValue: 'ghp_x' } });
    const put = await sim.api('PUT', `${S}/accounts/${t.Id}`, { ...t, AccountType: 'None' });
    expect(put.body).toMatchObject({ AccountType: 'Token', Token: MASKED });
    expect((await sim.api('DELETE', `${S}/accounts/${t.Id}`)).status).toBe(200);
  });
});

describe('certificates (API-FACTS §3.19)', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await withSimulator();
  });
  afterAll(() => sim.close());

  it('reads a PEM certificate, never returns its data or password, and keeps them on PUT', async () => {
    const cert = await created(sim, `${S}/certificates`, {
      Name: 'www',
      CertificateData: { HasValue: true, NewValue: Buffer.from(PEM).toString('base64') },
      Password: { HasValue: true, NewValue: 'pfx-pass' },
      Thumbprint: 'CLIENT-SENT',
    });
    expect(cert).toMatchObject({
      CertificateData: MASKED,
      Password: MASKED,
      CertificateDataFormat: 'Pem',
      Thumbprint: '1EDA7987D2B45E98021DAF32CB02EB2BC1806187',
      SubjectCommonName: 'www.octosync.example',
      SubjectOrganization: 'Octosync Test',
      SelfSigned: true,
      IsExpired: false,
      HasPrivateKey: false,
      SubjectAlternativeNames: ['DNS Name=www.octosync.example'],
      Version: 0,
      Archived: null,
      EnvironmentIds: [],
      TenantedDeploymentParticipation: 'Untenanted',
    });
    // .NET prints the RDNs last-encoded first; this certificate encodes CN then O.
    expect(cert.SubjectDistinguishedName).toBe('O=Octosync Test, CN=www.octosync.example');
    expect(JSON.stringify((await sim.api('GET', `${S}/certificates/${cert.Id}`)).body)).not.toMatch(/pfx-pass|BEGIN CERTIFICATE|LS0tLS1CRUdJTi/);
    const put = await sim.api('PUT', `${S}/certificates/${cert.Id}`, {
      ...cert,
      Notes: 'renewed by hand',
      CertificateData: { HasValue: true, NewValue: 'ignored: write-once' },
      Thumbprint: 'X',
    });
    expect(put.body).toMatchObject({ Notes: 'renewed by hand', Thumbprint: cert.Thumbprint, Version: 1, CertificateData: MASKED });
    const s = stored(sim, 'certificates', cert.Id);
    expect(secretOf(s.CertificateData)).toBe(Buffer.from(PEM).toString('base64'));
    expect(secretOf(s.Password)).toBe('pfx-pass');
  });

  it('gives other (PKCS#12) data a stable thumbprint, and requires CertificateData', async () => {
    const data = Buffer.from('not really a pfx, but bytes').toString('base64');
    const a = await created(sim, `${S}/certificates`, { Name: 'pfx-a', CertificateData: { NewValue: data } });
    const b = await created(sim, `${S}/certificates`, { Name: 'pfx-b', CertificateData: { NewValue: data } });
    expect(a.CertificateDataFormat).toBe('Pkcs12');
    expect(a.Thumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(b.Thumbprint).toBe(a.Thumbprint);
    expect((await sim.api('POST', `${S}/certificates`, { Name: 'empty' })).status).toBe(400);
  });
});

describe('step templates (API-FACTS §3.14)', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await withSimulator();
  });
  afterAll(() => sim.close());

  it('versions every save, assigns parameter ids, keeps sensitive properties and defaults write-only', async () => {
    const tpl = await created(sim, `${S}/actiontemplates`, {
      Name: 'Notify Slack',
      ActionType: 'Octopus.Script',
      Version: 41,
      Properties: {
        'Octopus.Action.Script.ScriptBody': 'Invoke-RestMethod …',
        'Slack.Token': { HasValue: true, NewValue: 'xoxb-secret' },
      },
      Parameters: [
        { Name: 'Slack.Webhook', Label: 'Webhook URL', DefaultValue: 'hook-secret', DisplaySettings: { 'Octopus.ControlType': 'Sensitive' } },
        { Name: 'Channel', Label: 'Channel', DefaultValue: '#deploys', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } },
      ],
    });
    expect(tpl.Version).toBe(0);
    expect(tpl.Id).toMatch(/^ActionTemplates-\d+$/);
    expect(tpl.Parameters[0].Id).toMatch(/^[0-9a-f-]{36}$/);
    expect(tpl.Parameters[0].DefaultValue).toEqual(MASKED);
    expect(tpl.Parameters[1].DefaultValue).toBe('#deploys');
    expect(tpl.Properties).toEqual({ 'Octopus.Action.Script.ScriptBody': 'Invoke-RestMethod …', 'Slack.Token': MASKED });
    expect(JSON.stringify(tpl)).not.toMatch(/xoxb-secret|hook-secret/);

    const put = await sim.api('PUT', `${S}/actiontemplates/${tpl.Id}`, { ...tpl, Description: 'v2', ActionType: 'Octopus.Manual', Version: 0 });
    expect(put.body).toMatchObject({ Version: 1, Description: 'v2', ActionType: 'Octopus.Script' });
    expect(put.body.Parameters[0].Id).toBe(tpl.Parameters[0].Id);
    const again = await sim.api('PUT', `${S}/actiontemplates/${tpl.Id}`, put.body);
    expect(again.body.Version).toBe(2);
    const s = stored(sim, 'actiontemplates', tpl.Id);
    expect(secretOf(s.Properties['Slack.Token'])).toBe('xoxb-secret');
    expect(secretOf(s.Parameters[0].DefaultValue)).toBe('hook-secret');
    expect(s.Parameters[1].DefaultValue).toBe('#deploys');
  });

  it('answers the messages the server gives for a missing name or action type, and 400 for an unknown feed', async () => {
    expect((await sim.api('POST', `${S}/actiontemplates`, { ActionType: 'Octopus.Script' })).body.Errors).toEqual(['Please provide a name for the template.']);
    expect((await sim.api('POST', `${S}/actiontemplates`, { Name: 'x' })).body.Errors).toEqual(['Please provide an action type.']);
    const res = await sim.api('POST', `${S}/actiontemplates`, { Name: 'y', ActionType: 'Octopus.Script', Packages: [{ PackageId: 'p', FeedId: 'Feeds-424242' }] });
    expect(res.status).toBe(400);
    expect(res.body.Errors.join(' ')).toMatch(/Feeds-424242/);
  });
});

describe('worker pools and machine policies (API-FACTS §3.15, §3.16)', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await withSimulator();
  });
  afterAll(() => sim.close());

  it('sorts worker pools by SortOrder, keeps one default, computes CanAddWorkers', async () => {
    const dyn = await created(sim, `${S}/workerpools`, { Name: 'Azure', WorkerPoolType: 'DynamicWorkerPool', CanAddWorkers: true });
    expect(dyn).toMatchObject({ CanAddWorkers: false, WorkerType: 'UbuntuDefault', SortOrder: 1, Slug: 'azure' });
    const linux = await created(sim, `${S}/workerpools`, { Name: 'Linux', IsDefault: true, SortOrder: -1 });
    expect(linux).not.toHaveProperty('WorkerType');
    const pools = (await sim.api('GET', `${S}/workerpools`)).body.Items;
    expect(pools.map((p: Doc) => p.Name)).toEqual(['Linux', 'Default Worker Pool', 'Azure']);
    expect(pools.filter((p: Doc) => p.IsDefault).map((p: Doc) => p.Name)).toEqual(['Linux']);
    const put = await sim.api('PUT', `${S}/workerpools/${dyn.Id}`, { ...dyn, WorkerPoolType: 'StaticWorkerPool' });
    expect(put.body.WorkerPoolType).toBe('DynamicWorkerPool');
  });

  it('fills nested policy members, writes TimeSpans as strings and refuses anything else', async () => {
    const policy = await created(sim, `${S}/machinepolicies`, {
      Name: 'Fast checks',
      MachineHealthCheckPolicy: { HealthCheckInterval: '00:10:00' },
      ConnectionRetryTimeLimit: '1.00:00:00',
    });
    expect(policy.MachineHealthCheckPolicy).toMatchObject({ HealthCheckInterval: '00:10:00', HealthCheckType: 'RunScript', PowerShellHealthCheckPolicy: { RunType: 'InheritFromDefault' } });
    expect(policy).toMatchObject({ ConnectionRetryTimeLimit: '1.00:00:00', IsDefault: false, MachineRpcCallRetryPolicy: { RetryDuration: '00:02:30' } });
    const bad = await sim.api('POST', `${S}/machinepolicies`, { Name: 'Bad', ConnectionConnectTimeout: '5m' });
    expect(bad.status).toBe(400);
    expect(bad.body.Errors.join(' ')).toMatch(/ConnectionConnectTimeout/);
    const template = await sim.api('GET', `${S}/machinepolicies/template`);
    expect(template.body).toMatchObject({ Id: null, Name: null, ConnectionRetryCountLimit: 5 });
    expect((await sim.api('DELETE', `${S}/machinepolicies/${policy.Id}`)).status).toBe(200);
  });
});

describe('deployment targets and workers (API-FACTS §3.22, §3.15)', () => {
  let sim: Sim;
  let dev: Doc;
  let prod: Doc;
  beforeAll(async () => {
    sim = await withSimulator();
    dev = await created(sim, `${S}/environments`, { Name: 'Development' });
    prod = await created(sim, `${S}/environments`, { Name: 'Production' });
  });
  afterAll(() => sim.close());

  it('creates a listening tentacle with the default policy and server-owned status', async () => {
    const web = await created(sim, `${S}/machines`, {
      Name: 'web01',
      Roles: ['web-server', 'web-server'],
      EnvironmentIds: [dev.Id],
      HealthStatus: 'Healthy',
      Endpoint: { CommunicationStyle: 'TentaclePassive', Uri: 'https://web01:10933/', Thumbprint: '8A6F00', Extra: 1 },
    });
    const policy = (await sim.api('GET', `${S}/machinepolicies/all`)).body[0];
    expect(web).toMatchObject({
      Roles: ['web-server'],
      MachinePolicyId: policy.Id,
      HealthStatus: 'Unknown',
      Thumbprint: '8A6F00',
      Uri: 'https://web01:10933/',
      IsDisabled: false,
      Slug: 'web01',
      TenantedDeploymentParticipation: 'Untenanted',
      Endpoint: { CommunicationStyle: 'TentaclePassive', Thumbprint: '8A6F00', Id: null, Links: {} },
    });
    expect(web.Endpoint).not.toHaveProperty('Extra');
    expect(web.Links).toMatchObject({ Self: `${S}/machines/${web.Id}`, Connection: `${S}/machines/${web.Id}/connection` });
    const list = await sim.api('GET', `${S}/machines`);
    expect(list.body.ItemType).toBe('DeploymentTarget');
  });

  it('lists role names in use at machineroles/all and filters by roles and environmentIds', async () => {
    await created(sim, `${S}/machines`, {
      Name: 'db01',
      Roles: ['db-server'],
      EnvironmentIds: [prod.Id],
      Endpoint: { CommunicationStyle: 'Ssh', Host: 'db01', Port: 22, Fingerprint: 'aa:bb' },
    });
    expect((await sim.api('GET', `${S}/machineroles/all`)).body).toEqual(['db-server', 'web-server']);
    const names = async (q: string) => (await sim.api('GET', `${S}/machines?${q}`)).body.Items.map((m: Doc) => m.Name);
    expect(await names('roles=db-server')).toEqual(['db01']);
    expect(await names(`environmentIds=${dev.Id}`)).toEqual(['web01']);
    expect(await names('commStyles=Ssh')).toEqual(['db01']);
  });

  it('answers 400 for unknown environments, policies, endpoint styles and worker pools', async () => {
    const endpoint = { CommunicationStyle: 'None' };
    expect((await sim.api('POST', `${S}/machines`, { Name: 'm1', EnvironmentIds: ['Environments-424242'], Endpoint: endpoint })).status).toBe(400);
    expect((await sim.api('POST', `${S}/machines`, { Name: 'm2', MachinePolicyId: 'MachinePolicies-424242', Endpoint: endpoint })).status).toBe(400);
    expect((await sim.api('POST', `${S}/machines`, { Name: 'm3', Endpoint: { CommunicationStyle: 'Carrier' } })).status).toBe(400);
    expect((await sim.api('POST', `${S}/machines`, { Name: 'm4' })).body.Errors).toEqual(['The Endpoint field is required.']);
    expect((await sim.api('POST', `${S}/workers`, { Name: 'w1', WorkerPoolIds: ['WorkerPools-424242'], Endpoint: endpoint })).status).toBe(400);
  });

  it('creates, filters, modifies and deletes workers', async () => {
    const pool = (await sim.api('GET', `${S}/workerpools/all`)).body[0];
    const w = await created(sim, `${S}/workers`, {
      Name: 'worker01',
      WorkerPoolIds: [pool.Id],
      Endpoint: { CommunicationStyle: 'TentacleActive', Uri: 'poll://abc/', Thumbprint: 'FF' },
    });
    expect(w).toMatchObject({ WorkerPoolIds: [pool.Id], Uri: 'poll://abc/' });
    expect((await sim.api('GET', `${S}/workers?workerPoolIds=${pool.Id}`)).body.Items.map((x: Doc) => x.Id)).toEqual([w.Id]);
    const put = await sim.api('PUT', `${S}/workers/${w.Id}`, { ...w, IsDisabled: true });
    expect(put.body.IsDisabled).toBe(true);
    expect((await sim.api('DELETE', `${S}/workers/${w.Id}`)).status).toBe(200);
  });
});

describe('teams, scoped user roles and user roles (API-FACTS §3.20, §3.21)', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await withSimulator();
  });
  afterAll(() => sim.close());

  it('has the built-in system teams and user roles, which cannot be deleted', async () => {
    const teams = (await sim.api('GET', '/api/teams/all')).body;
    const ids = teams.map((t: Doc) => t.Id);
    expect(ids).toEqual(expect.arrayContaining(['teams-administrators', 'teams-managers', 'teams-everyone', 'teams-spacemanagers-Spaces-1']));
    expect(teams.find((t: Doc) => t.Id === 'teams-everyone')).toMatchObject({ Name: 'Everyone', SpaceId: null, CanBeDeleted: false });
    expect((await sim.api('DELETE', '/api/teams/teams-everyone')).status).toBe(400);
    const role = await sim.api('GET', '/api/userroles/userroles-spacemanager');
    expect(role.body).toMatchObject({ Name: 'Space manager', CanBeDeleted: false, Links: { Self: '/api/userroles/userroles-spacemanager' } });
    expect((await sim.api('DELETE', '/api/userroles/userroles-spacemanager')).status).toBe(400);
    const roles = (await sim.api('GET', '/api/userroles?partialName=project')).body.Items.map((r: Doc) => r.Id);
    expect(roles).toEqual(expect.arrayContaining(['userroles-projectdeployer', 'userroles-projectviewer']));
  });

  it('serves space teams at /api/{spaceId}/teams and every team at /api/teams, narrowed by spaces and includeSystem', async () => {
    const team = await created(sim, '/api/teams', { Name: 'Deployers', SpaceId: 'Spaces-1', MemberUserIds: ['Users-1'] });
    expect(team).toMatchObject({ SpaceId: 'Spaces-1', Slug: 'deployers', CanBeDeleted: true, Links: { Self: `/api/teams/${team.Id}` } });
    const system = await created(sim, '/api/teams', { Name: 'Auditors' });
    expect(system.SpaceId).toBeNull();
    const viaSpace = await created(sim, `${S}/teams`, { Name: 'Operators' });
    expect(viaSpace.SpaceId).toBe('Spaces-1');

    const names = async (path: string) => (await sim.api('GET', path)).body.Items.map((t: Doc) => t.Name);
    expect(await names(`${S}/teams`)).toEqual(['Deployers', 'Operators', 'Space Managers']);
    expect(await names(`${S}/teams?includeSystem=true`)).toEqual(expect.arrayContaining(['Auditors', 'Everyone', 'Deployers']));
    expect(await names('/api/teams?spaces=Spaces-1&includeSystem=false')).toEqual(['Deployers', 'Operators', 'Space Managers']);
    expect(await names('/api/teams?includeSystem=true&partialName=aud')).toEqual(['Auditors']);

    const put = await sim.api('PUT', `/api/teams/${team.Id}`, { ...team, Description: 'Release managers' });
    expect(put.body).toMatchObject({ Description: 'Release managers', SpaceId: 'Spaces-1' });
    expect((await sim.api('GET', `/api/Spaces-1/teams/${team.Id}`)).body.Description).toBe('Release managers');
    expect((await sim.api('DELETE', `${S}/teams/${viaSpace.Id}`)).status).toBe(200);
    expect((await sim.api('GET', `/api/teams/${viaSpace.Id}`)).status).toBe(404);
  });

  it('grants roles to teams with scoped user roles, checking references', async () => {
    const env = await created(sim, `${S}/environments`, { Name: 'Production' });
    const team = await created(sim, `${S}/teams`, { Name: 'Release team' });
    const sur = await created(sim, '/api/scopeduserroles', {
      TeamId: team.Id,
      UserRoleId: 'userroles-projectdeployer',
      SpaceId: 'Spaces-1',
      EnvironmentIds: [env.Id],
    });
    expect(sur).toMatchObject({ SpaceId: 'Spaces-1', ProjectIds: [], EnvironmentIds: [env.Id], Links: { Self: `/api/scopeduserroles/${sur.Id}` } });
    const ofTeam = await sim.api('GET', `/api/teams/${team.Id}/scopeduserroles`);
    expect(ofTeam.body.Items.map((r: Doc) => r.Id)).toEqual([sur.Id]);
    expect((await sim.api('GET', `${S}/scopeduserroles`)).body.Items.map((r: Doc) => r.Id)).toContain(sur.Id);
    for (const body of [
      { TeamId: team.Id, UserRoleId: 'userroles-nope' },
      { TeamId: 'Teams-424242', UserRoleId: 'userroles-projectdeployer' },
      { TeamId: team.Id, UserRoleId: 'userroles-projectdeployer', EnvironmentIds: ['Environments-424242'] },
    ]) {
      expect((await sim.api('POST', `${S}/scopeduserroles`, body)).status).toBe(400);
    }
    expect((await sim.api('POST', `${S}/scopeduserroles`, { TeamId: team.Id })).body.Errors).toEqual(['The UserRoleId field is required.']);
    // Deleting the team removes its role grants.
    expect((await sim.api('DELETE', `/api/teams/${team.Id}`)).status).toBe(200);
    expect((await sim.api('GET', `/api/scopeduserroles/${sur.Id}`)).status).toBe(404);
  });

  it('creates, modifies and deletes a custom user role', async () => {
    const role = await created(sim, '/api/userroles', { Name: 'Release Approver', GrantedSpacePermissions: ['ProjectView', 'InterruptionSubmit'], CanBeDeleted: false });
    expect(role).toMatchObject({ CanBeDeleted: true, GrantedSystemPermissions: [], SupportedRestrictions: expect.arrayContaining(['Projects']) });
    const put = await sim.api('PUT', `/api/userroles/${role.Id}`, { ...role, Description: 'Approves' });
    expect(put.body.Description).toBe('Approves');
    expect((await sim.api('DELETE', `/api/userroles/${role.Id}`)).status).toBe(200);
  });
});
