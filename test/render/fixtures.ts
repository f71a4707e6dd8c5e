import { planChecksum } from '../../src/plan-format/checksum.js';
import type { Operation, Plan } from '../../src/plan-format/types.js';
import { defaultPolicy } from '../../src/plan/policy.js';
import { fingerprint } from '../../src/util/canonical.js';

const hash = (c: string) => `sha256:${c.repeat(64)}`;

/** Values that must never appear in rendered output. */
export const SECRETS = ['hunter2-password', 'topsecret-api-key', 'tenant-secret-value'];

/** A plan built by hand: each kind of operation the renderers meet. */
export function samplePlan(operations: Operation[] = sampleOperations(), overrides: Partial<Plan> = {}): Plan {
  const counts = {
    create: operations.filter((o) => o.action === 'create').length,
    update: operations.filter((o) => o.action === 'update' && o.lateReferencesOf === undefined).length,
    skip: operations.filter((o) => o.action === 'skip').length,
    unchanged: 4,
  };
  const plan: Plan = {
    formatVersion: 2,
    tool: { name: 'octosync', version: '0.1.0' },
    createdAt: '2026-01-01T00:00:00.000Z',
    source: { url: 'https://source.example/', space: 'Default', serverVersion: '2024.3.10989', snapshotFingerprint: hash('a') },
    destination: { url: 'https://dest.example/', space: 'Production', serverVersion: '2024.3.11000', snapshotFingerprint: hash('b') },
    policy: { hash: fingerprint(defaultPolicy()), content: defaultPolicy() },
    operations,
    counts,
    warnings: ['source: 2 deployment targets were not read (403)'],
    checksum: '',
    ...overrides,
  };
  if (!overrides.checksum) plan.checksum = planChecksum(plan);
  return plan;
}

export function sampleOperations(): Operation[] {
  return [
    {
      id: 'account/Azure SP',
      action: 'update',
      kind: 'account',
      keyPath: ['Azure SP'],
      dependsOn: [],
      reason: 'differs from the source',
      reasonCode: 'differs',
      patch: [
        { op: 'test', path: '/Description', value: 'old description' },
        { op: 'replace', path: '/Description', value: 'new description' },
        { op: 'replace', path: '/Password', value: { HasValue: true } },
        { op: 'replace', path: '/ClientSecret/HasValue', value: true },
      ],
      sensitivePaths: ['/ClientSecret', '/Password'],
      destination: { id: 'Accounts-1', fingerprint: hash('d') },
    },
    {
      id: 'project/OctoFX',
      action: 'create',
      kind: 'project',
      keyPath: ['OctoFX'],
      dependsOn: [],
      reason: 'not on the destination',
      reasonCode: 'missing-on-destination',
      desired: {
        Name: 'OctoFX',
        Description: 'FX trading',
        LifecycleId: 'Default Lifecycle',
        ProjectGroupId: 'Apps',
        IsDisabled: false,
        AutoCreateRelease: null,
        Templates: [{ Name: 'Region', DefaultValue: { HasValue: true } }],
        TenantedDeploymentMode: 'Untenanted',
      },
      sensitivePaths: ['/Templates/0/DefaultValue'],
    },
    {
      id: 'channel/OctoFX/Hotfix',
      action: 'skip',
      kind: 'channel',
      keyPath: ['OctoFX', 'Hotfix'],
      dependsOn: [],
      reason: "needs what the destination will not have: lifecycle 'Hotfix' is not on the destination and not synced",
      reasonCode: 'needs-missing-item',
    },
    {
      id: 'deploymentProcess/OctoFX',
      action: 'create',
      kind: 'deploymentProcess',
      keyPath: ['OctoFX'],
      dependsOn: ['project/OctoFX'],
      reason: 'not on the destination',
      reasonCode: 'missing-on-destination',
      desired: {
        Steps: [
          {
            Name: 'Deploy web',
            Actions: [{ Name: 'Deploy web', ActionType: 'Octopus.Script', Properties: { 'Octopus.Action.Script.ScriptBody': 'echo hi', Token: { HasValue: true } } }],
          },
          { Name: 'Smoke test', Actions: [{ Name: 'Smoke test', ActionType: 'Octopus.Script' }] },
        ],
      },
      sensitivePaths: ['/Steps/0/Actions/0/Properties/Token'],
      decisions: [{ subject: "step 'Notify'", action: 'skip', reason: "feed 'Private' is not on the destination and not synced", reasonCode: 'step-needs-missing-item' }],
    },
    {
      id: 'deploymentProcess/Web~1API',
      action: 'update',
      kind: 'deploymentProcess',
      keyPath: ['Web/API'],
      dependsOn: [],
      reason: 'differs from the source',
      reasonCode: 'differs',
      patch: [
        { op: 'replace', path: '/Steps/Deploy web/Actions/Deploy web/Properties/Octopus.Action.Script.ScriptBody', value: 'set -e\n./deploy.sh' },
        { op: 'add', path: '/Steps/Smoke~1test', value: { Name: 'Smoke/test', Actions: { 'Smoke/test': { Name: 'Smoke/test', ActionType: 'Octopus.Script' } } } },
        { op: 'remove', path: '/Steps/Old step' },
        { op: 'add', path: '/StepsOrder/2', value: 'Smoke/test' },
      ],
      sensitivePaths: [],
      destination: { id: 'deploymentprocess-Projects-2', fingerprint: hash('e'), version: 3 },
    },
    {
      id: 'projectVariables/OctoFX',
      action: 'create',
      kind: 'projectVariables',
      keyPath: ['OctoFX'],
      dependsOn: ['project/OctoFX'],
      reason: 'not on the destination',
      reasonCode: 'missing-on-destination',
      desired: {
        Variables: [
          { Name: 'ConnectionString', Value: 'Server=db;Database=fx', Scope: { Environment: ['Production'] }, IsSensitive: false, Type: 'String' },
          { Name: 'DbPassword', Value: 'hunter2-password', Scope: {}, IsSensitive: true, Type: 'Sensitive' },
        ],
      },
      sensitivePaths: ['/Variables/1/Value'],
      decisions: [
        { subject: "variable 'ConnectionString' (Environment: Production)", action: 'create', reason: 'new on the source: copied', reasonCode: 'value-copied' },
        { subject: "variable 'DbPassword' (unscoped) (sensitive)", action: 'create', reason: 'new sensitive variable: created with a placeholder value', reasonCode: 'sensitive-placeholder' },
        { subject: "variable 'ConnectionString' (Environment: Development)", action: 'skip', reason: "environment 'Development' is not on the destination", reasonCode: 'environment-dropped' },
      ],
      cleanup: [
        {
          operation: 'projectVariables/OctoFX',
          kind: 'projectVariables',
          keyPath: ['OctoFX'],
          field: "variable 'DbPassword' (unscoped)",
          instruction: 'sensitive value written as a placeholder: set the real value',
        },
      ],
    },
    {
      id: 'libraryVariables/Shared',
      action: 'update',
      kind: 'libraryVariables',
      keyPath: ['Shared'],
      dependsOn: [],
      reason: 'differs from the source',
      reasonCode: 'differs',
      patch: [
        { op: 'replace', path: '/Variables/ApiKey/0/Value', value: 'topsecret-api-key' },
        { op: 'replace', path: '/Variables/ApiKey/0/IsSensitive', value: true },
        { op: 'add', path: '/Variables/Region', value: [{ Value: 'eu-west-1', Scope: { Environment: ['Production'] }, IsSensitive: false }] },
      ],
      sensitivePaths: ['/Variables/ApiKey/0/Value'],
      destination: { id: 'variableset-LibraryVariableSets-1', fingerprint: hash('f') },
    },
    {
      id: 'tenantVariables/Acme',
      action: 'update',
      kind: 'tenantVariables',
      keyPath: ['Acme'],
      dependsOn: [],
      reason: 'differs from the source',
      reasonCode: 'differs',
      patch: [{ op: 'add', path: '/LibraryVariables/Shared', value: { ApiKey: { HasValue: true }, Secretish: 'tenant-plain' } }],
      sensitivePaths: ['/LibraryVariables/Shared/ApiKey'],
      destination: { id: 'TenantVariables-Acme', fingerprint: hash('1') },
    },
    {
      id: 'tenant/Acme#references',
      lateReferencesOf: 'tenant/Acme',
      action: 'update',
      kind: 'tenant',
      keyPath: ['Acme'],
      dependsOn: ['project/OctoFX', 'tenant/Acme'],
      reason: 'references items this plan creates after it: set once they exist',
      reasonCode: 'late-references',
      patch: [{ op: 'add', path: '/ProjectEnvironments/OctoFX', value: ['Production'] }],
      sensitivePaths: [],
    },
  ];
}
