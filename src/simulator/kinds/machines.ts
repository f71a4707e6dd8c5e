import type { SimRoute } from '../routes.js';
import { badRequest, type Doc, type KindSpec, type RefSpec, type SimContext } from '../types.js';
import { selfLinks } from './common.js';
import {
  anyOf,
  defaultIdOf,
  equalsField,
  isFlag,
  listParam,
  matchesTags,
  normaliseTenancy,
  tenancyDefaults,
  tenancyRefs,
  uniqueStrings,
} from './infra-common.js';

/**
 * Endpoint members per `CommunicationStyle` (API-FACTS §3.22, GO `endpoint.go` and friends). Styles listed with
 * `null` keep whatever the client sends (their member lists are not in the facts).
 */
const ENDPOINT_MEMBERS: Record<string, string[] | null> = {
  TentaclePassive: ['Uri', 'Thumbprint', 'ProxyId', 'TentacleVersionDetails', 'CertificateSignatureAlgorithm'],
  TentacleActive: ['Uri', 'Thumbprint', 'TentacleVersionDetails', 'CertificateSignatureAlgorithm'],
  Ssh: ['Host', 'Port', 'Fingerprint', 'AccountId', 'DotNetCorePlatform', 'ProxyId', 'Uri'],
  None: ['DefaultWorkerPoolId'],
  OfflineDrop: ['Destination', 'ApplicationsDirectory', 'OctopusWorkingDirectory'],
  AzureWebApp: ['AccountId', 'ResourceGroupName', 'WebAppName', 'WebAppSlotName', 'DefaultWorkerPoolId'],
  Kubernetes: [
    'ClusterUrl',
    'Namespace',
    'SkipTlsVerification',
    'Authentication',
    'ClusterCertificate',
    'DefaultWorkerPoolId',
    'Container',
    'ProxyId',
  ],
  StepPackage: ['DeploymentTargetTypeId', 'StepPackageId', 'StepPackageVersion', 'LastSavedStepPackageVersion', 'Inputs', 'DefaultWorkerPoolId'],
  AzureCloudService: null,
  AzureServiceFabricCluster: null,
  KubernetesTentacle: null,
  Ftp: null,
};

/** The endpoint as the server stores it: its style's members plus `Id`/`LastModified*` (null) and `Links` (PORT, §3.22). */
function normaliseEndpoint(endpoint: unknown): Doc {
  if (typeof endpoint !== 'object' || endpoint === null || Array.isArray(endpoint)) throw badRequest('The Endpoint field is required.');
  const e = endpoint as Doc;
  const style = e.CommunicationStyle;
  if (!(style in ENDPOINT_MEMBERS)) {
    throw badRequest(`'${style}' is not a known CommunicationStyle. Known styles: ${Object.keys(ENDPOINT_MEMBERS).join(', ')}.`);
  }
  const members = ENDPOINT_MEMBERS[style];
  const out: Doc = { CommunicationStyle: style };
  if (members === null) Object.assign(out, e);
  else for (const m of members) out[m] = e[m] ?? null;
  if (style === 'TentaclePassive' || style === 'TentacleActive') {
    out.TentacleVersionDetails ??= { UpgradeLocked: false, Version: null, UpgradeSuggested: false, UpgradeRequired: false };
  }
  return { ...out, Id: null, LastModifiedOn: null, LastModifiedBy: null, Links: {} };
}

/** Health and status members the server maintains (§3.22): read-only for clients. */
const STATUS = ['HealthStatus', 'Status', 'HasLatestCalamari', 'StatusSummary', 'IsInProcess', 'OperatingSystem', 'ShellName', 'ShellVersion', 'Architecture'];

/** Members shared by deployment targets and workers (CS `MachineBasedResource.cs`, §3.22). */
function machineBase(): Doc {
  return {
    Name: null,
    Slug: null,
    Thumbprint: null,
    Uri: null,
    IsDisabled: false,
    MachinePolicyId: null,
    HealthStatus: 'Unknown',
    Status: 'Unknown',
    HasLatestCalamari: true,
    StatusSummary: '',
    IsInProcess: false,
    Endpoint: null,
    OperatingSystem: 'Unknown',
    ShellName: 'Unknown',
    ShellVersion: 'Unknown',
    Architecture: 'Unknown',
    SkipInitialHealthCheck: false,
  };
}

const machineBaseRefs: RefSpec[] = [
  { path: 'MachinePolicyId', to: 'machinepolicies' },
  { path: 'Endpoint.AccountId', to: 'accounts' },
  { path: 'Endpoint.DefaultWorkerPoolId', to: 'workerpools' },
  { path: 'Endpoint.Authentication.AccountId', to: 'accounts' },
];

function writeMachineBase(doc: Doc, ctx: SimContext): void {
  doc.Endpoint = normaliseEndpoint(doc.Endpoint);
  // Top-level Thumbprint/Uri mirror a tentacle's endpoint (PORT shows null for endpoints without them).
  if (doc.Endpoint.Thumbprint !== undefined) doc.Thumbprint = doc.Endpoint.Thumbprint;
  if (doc.Endpoint.Uri !== undefined) doc.Uri = doc.Endpoint.Uri;
  // Targets and workers get the space's default machine policy when none is named (PORT: "MachinePolicies-1").
  if (!doc.MachinePolicyId) doc.MachinePolicyId = defaultIdOf('machinepolicies', ctx);
}

const baseFilters = {
  isDisabled: isFlag('IsDisabled'),
  healthStatuses: equalsField('HealthStatus'),
  commStyles: (doc: Doc, v: string) => equalsField('CommunicationStyle')(doc.Endpoint ?? {}, v),
  thumbprint: equalsField('Thumbprint'),
};

/**
 * Deployment targets (API-FACTS §3.22). Never synced by octosync, but a snapshot needs the inventory (roles,
 * environments, tenants) to tell whether a target-scoped value or a role has a match.
 */
export const machines: KindSpec = {
  collection: 'machines',
  // The 2021.2 Swagger answers `machines` with a DeploymentTargetResourceCollection (ItemType "DeploymentTarget").
  itemType: 'DeploymentTarget',
  linkName: 'Machines',
  idPrefix: 'Machines',
  scope: 'space',
  required: ['Name', 'Endpoint'],
  readOnly: STATUS,
  slug: true,
  refs: [...machineBaseRefs, ...tenancyRefs],
  filters: {
    ...baseFilters,
    roles: anyOf('Roles', true),
    environmentIds: anyOf('EnvironmentIds'),
    tenantIds: anyOf('TenantIds'),
    tenantTags: (doc, v) => matchesTags(doc.TenantTags, listParam(v)),
  },
  defaults: () => ({ ...tenancyDefaults(), Roles: [], ...machineBase() }),
  onWrite(doc: Doc, _prev: Doc | undefined, ctx: SimContext) {
    writeMachineBase(doc, ctx);
    doc.Roles = uniqueStrings(doc.Roles, 'Roles');
    normaliseTenancy(doc);
  },
  links: (doc, base) =>
    selfLinks(base, 'machines', doc, {
      Connection: 'connection',
      TasksTemplate: 'tasks{?skip,take,type}',
      SinglyScopedVariableDetails: 'singlyScopedVariableDetails',
      Web: `/app#/${doc.SpaceId}/infrastructure/machines/${doc.Id}/settings`,
    }),
};

/** Workers (§3.15): the machine base members plus `WorkerPoolIds`. Never synced by octosync. */
export const workers: KindSpec = {
  collection: 'workers',
  itemType: 'Worker',
  idPrefix: 'Workers',
  scope: 'space',
  required: ['Name', 'Endpoint'],
  readOnly: STATUS,
  slug: true,
  refs: [...machineBaseRefs, { path: 'WorkerPoolIds[]', to: 'workerpools' }],
  filters: { ...baseFilters, workerPoolIds: anyOf('WorkerPoolIds') },
  defaults: () => ({ WorkerPoolIds: [], ...machineBase() }),
  onWrite(doc: Doc, _prev: Doc | undefined, ctx: SimContext) {
    writeMachineBase(doc, ctx);
    doc.WorkerPoolIds = uniqueStrings(doc.WorkerPoolIds, 'WorkerPoolIds');
  },
  links: (doc, base) =>
    selfLinks(base, 'workers', doc, {
      Connection: 'connection',
      Web: `/app#/${doc.SpaceId}/infrastructure/workers/${doc.Id}/settings`,
    }),
};

export const machineRoutes: SimRoute[] = [
  // "role names in use" (§3.22): a bare array, sorted.
  {
    method: 'GET',
    pattern: 'machineroles/all',
    scope: 'space',
    handle: ({ ctx }) => {
      const roles = new Set<string>();
      for (const m of ctx.store.all('machines', ctx.spaceId)) for (const r of m.Roles ?? []) roles.add(r);
      return { body: [...roles].sort((a, b) => a.localeCompare(b)) };
    },
  },
];
