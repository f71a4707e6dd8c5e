import { createDoc, presentDoc } from '../crud.js';
import type { SimRoute } from '../routes.js';
import { badRequest, type Doc, type KindSpec, type SimContext } from '../types.js';
import { selfLinks } from './common.js';
import { checkTimeSpan, guardedDelete, soleDefault } from './infra-common.js';

/** Top-level TimeSpan members, serialised as .NET TimeSpan strings (API-FACTS §3.16). */
const TIMESPANS = [
  'PollingRequestQueueTimeout',
  'PollingRequestMaximumMessageProcessingTimeout',
  'ConnectionRetrySleepInterval',
  'ConnectionRetryTimeLimit',
  'ConnectionConnectTimeout',
];
const NESTED_TIMESPANS: [string, string][] = [
  ['MachineHealthCheckPolicy', 'HealthCheckInterval'],
  ['MachineCleanupPolicy', 'DeleteMachinesElapsedTimeSpan'],
  ['MachineRpcCallRetryPolicy', 'RetryDuration'],
  ['MachineRpcCallRetryPolicy', 'HealthCheckRetryDuration'],
];

/** Abbreviated: the real default policy carries a longer disk-space check (§3.16 example elides it too). */
const DEFAULT_POWERSHELL_CHECK =
  '$freeDiskSpaceThreshold = 5GB\n\nTry {\n\tGet-WmiObject win32_LogicalDisk -ErrorAction Stop | ? { ($_.DriveType -eq 3) -and ($_.FreeSpace -ne $null) } | % { CheckDriveCapacity @{Name=$_.DeviceId; FreeSpace=$_.FreeSpace} }\n} Catch [System.Runtime.InteropServices.COMException] {\n\tWrite-Warning "Unable to check free disk space."\n}\n';

/** A policy with every member at its default; values illustrative as in §3.16 ("only the shape/encoding is sourced"). */
function policyDefaults(): Doc {
  return {
    Name: null,
    Description: null,
    IsDefault: false,
    MachineHealthCheckPolicy: {
      PowerShellHealthCheckPolicy: { RunType: 'InheritFromDefault', ScriptBody: null },
      BashHealthCheckPolicy: { RunType: 'InheritFromDefault', ScriptBody: null },
      HealthCheckInterval: '1.00:00:00',
      HealthCheckCron: null,
      HealthCheckCronTimezone: 'UTC',
      HealthCheckType: 'RunScript',
    },
    MachineConnectivityPolicy: { MachineConnectivityBehavior: 'ExpectedToBeOnline' },
    MachineCleanupPolicy: { DeleteMachinesBehavior: 'DoNotDelete', DeleteMachinesElapsedTimeSpan: '01:00:00' },
    MachineUpdatePolicy: {
      CalamariUpdateBehavior: 'UpdateOnDeployment',
      TentacleUpdateBehavior: 'NeverUpdate',
      KubernetesAgentUpdateBehavior: 'Update',
      TentacleUpdateAccountId: null,
    },
    // CS defaults: enabled, 00:02:30 (§3.16).
    MachineRpcCallRetryPolicy: { Enabled: true, RetryDuration: '00:02:30', HealthCheckRetryDuration: '00:02:30' },
    MachinePackageCacheRetentionPolicy: {
      Strategy: 'Default',
      QuantityOfPackagesToKeep: null,
      PackageUnit: null,
      QuantityOfVersionsToKeep: null,
      VersionUnit: null,
    },
    PollingRequestQueueTimeout: '00:02:00',
    PollingRequestMaximumMessageProcessingTimeout: '00:10:00',
    ConnectionRetrySleepInterval: '00:00:01',
    ConnectionRetryCountLimit: 5,
    ConnectionRetryTimeLimit: '00:05:00',
    ConnectionConnectTimeout: '00:01:00',
  };
}

/** Fills members a client left out of the nested policy objects, keeping what it sent (a typed deserialiser does the same). */
function fillNested(doc: Doc, defaults: Doc): void {
  for (const [k, def] of Object.entries(defaults)) {
    if (def === null || typeof def !== 'object' || Array.isArray(def)) continue;
    if (doc[k] === null || doc[k] === undefined) doc[k] = structuredClone(def);
    else if (typeof doc[k] !== 'object' || Array.isArray(doc[k])) throw badRequest(`${k} must be an object.`);
    else {
      const merged: Doc = {};
      for (const member of Object.keys(def)) merged[member] = member in doc[k] ? doc[k][member] : structuredClone(def[member]);
      fillNested(merged, def);
      doc[k] = merged;
    }
  }
}

/** Machine policies (API-FACTS §3.16). One default per space; the default cannot be deleted. */
export const machinePolicies: KindSpec = {
  collection: 'machinepolicies',
  itemType: 'MachinePolicy',
  idPrefix: 'MachinePolicies',
  linkName: 'MachinePolicies',
  scope: 'space',
  required: ['Name'],
  refs: [{ path: 'MachineUpdatePolicy.TentacleUpdateAccountId', to: 'accounts' }],
  defaults: policyDefaults,
  onWrite(doc: Doc, _prev: Doc | undefined, ctx: SimContext) {
    fillNested(doc, policyDefaults());
    for (const f of TIMESPANS) checkTimeSpan(doc[f], f);
    for (const [outer, inner] of NESTED_TIMESPANS) checkTimeSpan(doc[outer][inner], `${outer}.${inner}`);
    if (!Number.isInteger(doc.ConnectionRetryCountLimit)) throw badRequest('ConnectionRetryCountLimit must be an integer.');
    soleDefault('machinepolicies', doc, ctx);
  },
  links: (doc, base) =>
    selfLinks(base, 'machinepolicies', doc, {
      Machines: 'machines{?skip,take}',
      Workers: 'workers{?skip,take}',
      Web: `/app#/${doc.SpaceId}/infrastructure/machinepolicies/${doc.Id}`,
    }),
};

export const machinePolicyRoutes: SimRoute[] = [
  // "a default-valued policy to start from" (§3.16): a document without Id.
  {
    method: 'GET',
    pattern: 'machinepolicies/template',
    scope: 'space',
    handle: ({ ctx }) => {
      const doc = { ...policyDefaults(), Id: null, SpaceId: ctx.spaceId, LastModifiedOn: null, LastModifiedBy: null };
      return { ...presentDoc(machinePolicies, doc, ctx), Links: {} };
    },
  },
  // "MachinePolicies-1 'Default Machine Policy' is the default (cannot be deleted)" (§3.16; wording unverified).
  guardedDelete(machinePolicies, (doc) => (doc.IsDefault ? 'The default machine policy cannot be deleted.' : undefined)),
];

/** "Default Machine Policy", what a new space holds (§3.16), with inline health-check scripts. */
export function createDefaultMachinePolicy(ctx: SimContext): void {
  if (ctx.store.all('machinepolicies', ctx.spaceId).some((p) => p.IsDefault)) return;
  const health = policyDefaults().MachineHealthCheckPolicy;
  createDoc(
    machinePolicies,
    {
      Name: 'Default Machine Policy',
      Description: '',
      IsDefault: true,
      MachineHealthCheckPolicy: {
        ...health,
        PowerShellHealthCheckPolicy: { RunType: 'Inline', ScriptBody: DEFAULT_POWERSHELL_CHECK },
        BashHealthCheckPolicy: { RunType: 'Inline', ScriptBody: '' },
      },
    },
    ctx,
  );
}
