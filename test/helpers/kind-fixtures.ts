/**
 * One document of every simulator kind, created over HTTP the way a client would, with nested content filled in
 * (phases, steps with actions and packages, tags, templates, rules, variables, endpoints) so that shape checks
 * see every nested definition. Each fixture is created on first use and memoised; a fixture whose creation
 * fails rejects with the request and the simulator's answer, so only the cases that need it fail.
 */
import type { ApiClient } from './simulator.js';

type Doc = Record<string, any>;

/** A self-signed PEM certificate (CN=fidelity.example, P-256), base64 as `CertificateData.NewValue` expects. */
export const TEST_CERTIFICATE_BASE64 =
  'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJpekNDQVRHZ0F3SUJBZ0lVQW1neldoYnlTUEoyUmI4dDQ4K2xDMFZXWDRvd0NnWUlLb1pJemowRUF3SXcKR3pFWk1CY0dBMVVFQXd3UVptbGtaV3hwZEhrdVpYaGhiWEJzWlRBZUZ3MHlOakV4TWpVeE1UVTBNakphRncwegpOakV4TWpJeE1UVTBNakphTUJzeEdUQVhCZ05WQkFNTUVHWnBaR1ZzYVhSNUxtVjRZVzF3YkdVd1dUQVRCZ2NxCmhrak9QUUlCQmdncWhrak9QUU1CQndOQ0FBUlBpK0tWYXEzZFdzUWcvUW1ZYlRsemVUMzIrZWxrampNdkdtdzEKbW1kSEhJaXdxOVpkUFFuWVlsWWxGVnlRaEZ4SmtJZ3NBdjA2NUlmRkk0aG9aRVN0bzFNd1VUQWRCZ05WSFE0RQpGZ1FVeGFLdnZBL0htdzc5amV1aEd5aVlEWkxxSVZnd0h3WURWUjBqQkJnd0ZvQVV4YUt2dkEvSG13NzlqZXVoCkd5aVlEWkxxSVZnd0R3WURWUjBUQVFIL0JBVXdBd0VCL3pBS0JnZ3Foa2pPUFFRREFnTklBREJGQWlFQW9wc1IKVjZQSjlXeW1uSFF2MnZhR3REbGVXRmtQbi91bGVybTkyTExJQm00Q0lDenF2VDluc3YrNnRUZ2MvYnVVZUJ6MApLa1lHeUdzTW9wdWx0eHVyZ0NwZAotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==';

const ACTION_NAME = 'Deploy web app';

/** A NuGet feed as a client creates it (API-FACTS §3.17), with a secret to be masked on read. */
export const NUGET_FEED = {
  Name: 'NuGet.org',
  FeedType: 'NuGet',
  FeedUri: 'https://api.nuget.org/v3/index.json',
  EnhancedMode: false,
  DownloadAttempts: 5,
  DownloadRetryBackoffSeconds: 10,
  Username: 'reader',
  Password: { HasValue: true, NewValue: 'feed-secret' },
};

/** The tenancy members of accounts, certificates and targets, for a resource not tied to tenants. */
const UNTENANTED = { TenantedDeploymentParticipation: 'Untenanted', TenantIds: [], TenantTags: [] };

function memo<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= make());
}

export interface KindFixtures {
  /** Path prefix of the space every fixture lives in. */
  space: string;
  get(path: string): Promise<Doc>;
  byCollection: Record<string, () => Promise<Doc>>;
}

export function kindFixtures(api: ApiClient, spaceId = 'Spaces-1'): KindFixtures {
  const S = `/api/${spaceId}`;

  const call = async (method: string, path: string, body: unknown, expected: number): Promise<Doc> => {
    const res = await api(method, path, body);
    if (res.status !== expected) {
      throw new Error(`${method} ${path} answered ${res.status} (expected ${expected}): ${JSON.stringify(res.body)?.slice(0, 500)}`);
    }
    return res.body;
  };
  const get = (path: string) => call('GET', path, undefined, 200);
  const post = (path: string, body: unknown) => call('POST', path, body, 201);
  const put = (path: string, body: unknown) => call('PUT', path, body, 200);

  const environment = memo(() =>
    post(`${S}/environments`, { Name: 'Development', Description: 'First stop', UseGuidedFailure: false, AllowDynamicInfrastructure: true }),
  );
  const projectGroup = memo(async () =>
    post(`${S}/projectgroups`, { Name: 'Web', Description: 'Web applications', EnvironmentIds: [(await environment()).Id] }),
  );
  const lifecycle = memo(async () =>
    post(`${S}/lifecycles`, {
      Name: 'Development only',
      Description: 'One phase',
      Phases: [
        {
          Name: 'Development',
          AutomaticDeploymentTargets: [(await environment()).Id],
          OptionalDeploymentTargets: [],
          MinimumEnvironmentsBeforePromotion: 0,
          IsOptionalPhase: false,
          ReleaseRetentionPolicy: { Unit: 'Days', QuantityToKeep: 5, ShouldKeepForever: false },
          TentacleRetentionPolicy: { Unit: 'Items', QuantityToKeep: 3, ShouldKeepForever: false },
        },
      ],
      ReleaseRetentionPolicy: { Unit: 'Days', QuantityToKeep: 30, ShouldKeepForever: false },
      TentacleRetentionPolicy: { Unit: 'Items', QuantityToKeep: 0, ShouldKeepForever: true },
    }),
  );
  const space = memo(() =>
    post('/api/spaces', { Name: 'Fidelity', Description: 'Second space', IsDefault: false, TaskQueueStopped: false, SpaceManagersTeams: [], SpaceManagersTeamMembers: [] }),
  );
  const tagSet = memo(() =>
    post(`${S}/tagsets`, {
      Name: 'Tier',
      Description: 'Customer tier',
      Tags: [
        { Name: 'Gold', Color: '#FFD700', Description: 'Top tier', SortOrder: 0 },
        { Name: 'Silver', Color: '#C0C0C0', Description: '', SortOrder: 1 },
      ],
    }),
  );
  const feed = memo(() => post(`${S}/feeds`, NUGET_FEED));
  const workerPool = memo(() =>
    post(`${S}/workerpools`, { Name: 'Linux workers', Description: '', IsDefault: false, WorkerPoolType: 'StaticWorkerPool' }),
  );
  /** A copy of the space's default policy (what clients do: the real server has no sparse-create contract). */
  const defaultMachinePolicy = memo(async () => {
    const all = (await get(`${S}/machinepolicies/all`)) as unknown as Doc[];
    const def = all.find((p) => p.IsDefault);
    if (!def) throw new Error(`${S}/machinepolicies/all has no IsDefault policy (a new space starts with "Default Machine Policy")`);
    return def;
  });
  const machinePolicy = memo(async () => {
    const { Id: _id, Links: _links, ...rest } = await defaultMachinePolicy();
    return post(`${S}/machinepolicies`, { ...rest, Name: 'Fidelity policy', Description: 'Copy of the default', IsDefault: false });
  });
  const account = memo(async () =>
    post(`${S}/accounts`, {
      Name: 'Deploy user',
      Description: '',
      AccountType: 'UsernamePassword',
      Username: 'deploy',
      Password: { HasValue: true, NewValue: 'account-secret' },
      EnvironmentIds: [(await environment()).Id],
      ...UNTENANTED,
    }),
  );
  const certificate = memo(() =>
    post(`${S}/certificates`, {
      Name: 'fidelity.example',
      Notes: 'Self-signed test certificate',
      CertificateData: { HasValue: true, NewValue: TEST_CERTIFICATE_BASE64 },
      Password: { HasValue: false, NewValue: null },
      EnvironmentIds: [],
      ...UNTENANTED,
    }),
  );
  const actionTemplate = memo(() =>
    post(`${S}/actiontemplates`, {
      Name: 'Say hello',
      Description: 'Prints a greeting',
      ActionType: 'Octopus.Script',
      Packages: [],
      Properties: {
        'Octopus.Action.Script.ScriptSource': 'Inline',
        'Octopus.Action.Script.Syntax': 'Bash',
        'Octopus.Action.Script.ScriptBody': 'echo "$Greeting"',
      },
      Parameters: [
        { Name: 'Greeting', Label: 'Greeting', HelpText: 'What to say', DefaultValue: 'hello', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } },
        { Name: 'Token', Label: 'Token', HelpText: null, DefaultValue: { HasValue: true, NewValue: 'template-secret' }, DisplaySettings: { 'Octopus.ControlType': 'Sensitive' } },
      ],
    }),
  );
  const project = memo(async () =>
    post(`${S}/projects`, {
      Name: 'Web app',
      Description: 'The storefront',
      ProjectGroupId: (await projectGroup()).Id,
      LifecycleId: (await lifecycle()).Id,
      TenantedDeploymentMode: 'TenantedOrUntenanted',
      Templates: [
        { Name: 'Tenant.Url', Label: 'Site URL', HelpText: null, DefaultValue: 'https://example.invalid', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } },
      ],
    }),
  );
  const deploymentProcess = memo(async () => {
    const p = await project();
    const current = await get(`${S}/projects/${p.Id}/deploymentprocesses`);
    await put(`${S}/projects/${p.Id}/deploymentprocesses`, {
      ...current,
      Steps: [
        {
          Name: ACTION_NAME,
          PackageRequirement: 'LetOctopusDecide',
          Condition: 'Success',
          StartTrigger: 'StartAfterPrevious',
          Properties: { 'Octopus.Action.TargetRoles': 'web-server', 'Octopus.Action.MaxParallelism': '2' },
          Actions: [
            {
              Name: ACTION_NAME,
              ActionType: 'Octopus.TentaclePackage',
              Notes: 'Deploys the site',
              IsDisabled: false,
              IsRequired: false,
              CanBeUsedForProjectVersioning: true,
              Condition: 'Success',
              WorkerPoolId: null,
              WorkerPoolVariable: null,
              Container: { Image: null, FeedId: null },
              Environments: [(await environment()).Id],
              ExcludedEnvironments: [],
              Channels: [],
              TenantTags: [],
              Packages: [
                { Name: '', PackageId: 'MyCo.Web', FeedId: 'feeds-builtin', AcquisitionLocation: 'Server', Properties: { SelectionMode: 'immediate' } },
              ],
              Properties: {
                'Octopus.Action.Package.PackageId': 'MyCo.Web',
                'Octopus.Action.Package.FeedId': 'feeds-builtin',
                'Octopus.Action.EnabledFeatures': 'Octopus.Features.ConfigurationTransforms',
                'Octopus.Action.WindowsService.CustomAccountPassword': { HasValue: true, NewValue: 'action-secret' },
              },
            },
          ],
        },
      ],
    });
    return get(`${S}/deploymentprocesses/${p.DeploymentProcessId}`);
  });
  const channel = memo(async () => {
    const p = await project();
    await deploymentProcess(); // rules name the process's actions
    return post(`${S}/channels`, {
      Name: 'Hotfix',
      Description: 'Patch releases',
      ProjectId: p.Id,
      LifecycleId: null,
      IsDefault: false,
      Rules: [{ VersionRange: '[1.0,2.0)', Tag: '^$', ActionPackages: [{ DeploymentAction: ACTION_NAME, PackageReference: '' }] }],
      TenantTags: [],
    });
  });
  const runbook = memo(async () =>
    post(`${S}/runbooks`, {
      Name: 'Restart IIS',
      Description: 'Bounces the app pool',
      ProjectId: (await project()).Id,
      MultiTenancyMode: 'Untenanted',
      EnvironmentScope: 'Specified',
      Environments: [(await environment()).Id],
      DefaultGuidedFailureMode: 'EnvironmentDefault',
      ConnectivityPolicy: { SkipMachineBehavior: 'None', TargetRoles: [], AllowDeploymentsToNoTargets: true, ExcludeUnhealthyTargets: false },
      RunRetentionPolicy: { QuantityToKeep: 100, ShouldKeepForever: false },
    }),
  );
  const runbookProcess = memo(async () => {
    const r = await runbook();
    const current = await get(`${S}/runbookProcesses/${r.RunbookProcessId}`);
    await put(`${S}/runbookProcesses/${r.RunbookProcessId}`, {
      ...current,
      Steps: [
        {
          Name: 'Restart',
          PackageRequirement: 'LetOctopusDecide',
          Condition: 'Success',
          StartTrigger: 'StartAfterPrevious',
          Properties: {},
          Actions: [
            {
              Name: 'Restart',
              ActionType: 'Octopus.Script',
              IsDisabled: false,
              IsRequired: false,
              Environments: [],
              ExcludedEnvironments: [],
              Channels: [],
              TenantTags: [],
              Packages: [],
              Properties: {
                'Octopus.Action.RunOnServer': 'true',
                'Octopus.Action.Script.ScriptSource': 'Inline',
                'Octopus.Action.Script.Syntax': 'PowerShell',
                'Octopus.Action.Script.ScriptBody': 'Restart-WebAppPool MyApp',
              },
            },
          ],
        },
      ],
    });
    return get(`${S}/runbookProcesses/${r.RunbookProcessId}`);
  });
  const variableSet = memo(async () => {
    const p = await project();
    const env = await environment();
    const current = await get(`${S}/variables/${p.VariableSetId}`);
    await put(`${S}/variables/${p.VariableSetId}`, {
      ...current,
      Variables: [
        { Name: 'ConnectionString', Value: 'Server=db-dev', Type: 'String', IsSensitive: false, Scope: { Environment: [env.Id] } },
        { Name: 'DbPassword', Value: 'variable-secret', Type: 'Sensitive', IsSensitive: true, Scope: {} },
        {
          Name: 'Approver',
          Value: '',
          Type: 'String',
          IsSensitive: false,
          Scope: {},
          Prompt: { Label: 'Approver', Description: 'Who approves', Required: true, DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } },
        },
      ],
    });
    return get(`${S}/variables/${p.VariableSetId}`);
  });
  const libraryVariableSet = memo(() =>
    post(`${S}/libraryvariablesets`, {
      Name: 'Shared database',
      Description: 'Connection settings',
      ContentType: 'Variables',
      Templates: [
        { Name: 'Tenant.Database.Name', Label: 'Database name', HelpText: null, DefaultValue: '', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } },
      ],
    }),
  );
  const release = memo(async () => {
    const p = await project();
    await deploymentProcess();
    const channels = await get(`${S}/projects/${p.Id}/channels`);
    const def = (channels.Items as Doc[]).find((c) => c.IsDefault);
    if (!def) throw new Error(`project ${p.Id} has no default channel`);
    return post(`${S}/releases`, {
      ProjectId: p.Id,
      ChannelId: def.Id,
      Version: '1.0.0',
      ReleaseNotes: 'First release',
      SelectedPackages: [{ ActionName: ACTION_NAME, StepName: ACTION_NAME, PackageReferenceName: '', Version: '1.0.0' }],
    });
  });
  const tenant = memo(async () => {
    const p = await project();
    const env = await environment();
    await tagSet();
    return post(`${S}/tenants`, {
      Name: 'Acme',
      Description: 'First customer',
      TenantTags: ['Tier/Gold'],
      ProjectEnvironments: { [p.Id]: [env.Id] },
    });
  });
  const team = memo(() =>
    post('/api/teams', { Name: 'Deployers', Description: 'Release managers', SpaceId: spaceId, MemberUserIds: [], ExternalSecurityGroups: [] }),
  );
  const userRole = memo(() =>
    post('/api/userroles', {
      Name: 'Fidelity deployer',
      Description: 'Views projects and deploys',
      GrantedSpacePermissions: ['ProjectView', 'DeploymentCreate'],
      GrantedSystemPermissions: [],
    }),
  );
  const scopedUserRole = memo(async () =>
    post('/api/scopeduserroles', {
      TeamId: (await team()).Id,
      UserRoleId: (await userRole()).Id,
      SpaceId: spaceId,
      ProjectIds: [(await project()).Id],
      EnvironmentIds: [(await environment()).Id],
      ProjectGroupIds: [],
      TenantIds: [],
    }),
  );
  const machine = memo(async () =>
    post(`${S}/machines`, {
      Name: 'web01',
      IsDisabled: false,
      MachinePolicyId: (await defaultMachinePolicy()).Id,
      EnvironmentIds: [(await environment()).Id],
      Roles: ['web-server'],
      ...UNTENANTED,
      Endpoint: { CommunicationStyle: 'TentaclePassive', Uri: 'https://web01:10933/', Thumbprint: '8A6F1C2B3D4E5F60718293A4B5C6D7E8F9012345' },
    }),
  );
  const worker = memo(async () =>
    post(`${S}/workers`, {
      Name: 'worker01',
      IsDisabled: false,
      MachinePolicyId: (await defaultMachinePolicy()).Id,
      WorkerPoolIds: [(await workerPool()).Id],
      Endpoint: { CommunicationStyle: 'TentaclePassive', Uri: 'https://worker01:10933/', Thumbprint: '9B7F1C2B3D4E5F60718293A4B5C6D7E8F9012345' },
    }),
  );

  return {
    space: S,
    get,
    byCollection: {
      spaces: space,
      environments: environment,
      projectgroups: projectGroup,
      lifecycles: lifecycle,
      projects: project,
      channels: channel,
      deploymentprocesses: deploymentProcess,
      runbooks: runbook,
      runbookProcesses: runbookProcess,
      variables: variableSet,
      libraryvariablesets: libraryVariableSet,
      releases: release,
      tenants: tenant,
      tagsets: tagSet,
      actiontemplates: actionTemplate,
      workerpools: workerPool,
      machinepolicies: machinePolicy,
      feeds: feed,
      accounts: account,
      certificates: certificate,
      teams: team,
      userroles: userRole,
      scopeduserroles: scopedUserRole,
      machines: machine,
      workers: worker,
    },
  };
}
