import { OctopusClient, type ClientOptions } from '../octopus/client.js';
import {
  DESTINATION_PERMISSIONS,
  readFeatureToggles,
  readKeyPermissions,
  SNAPSHOT_NEEDS,
  SOURCE_PERMISSIONS,
  tenantVariablesApiOf,
  type FeatureToggle,
  type TenantVariablesApi,
} from '../octopus/capabilities.js';
import { environmentIds, values } from '../snapshot/modules/tenant-variables.js';
import { kindDef, pluralLabel } from '../registry/kinds.js';
import { assembleSnapshot } from '../snapshot/assemble.js';
import { connectToSpace } from '../snapshot/connect.js';
import { readSpace, type RawSpace } from '../snapshot/read.js';
import { isSensitiveValue, isSensitiveVariable } from '../util/sensitive.js';

export interface CheckOptions extends ClientOptions {
  space: string;
}

/** What a key may do for one end of a sync. `undefined` lists: the server did not say. */
export interface RoleCheck {
  ready: boolean;
  missing: string[];
  /** Granted only for some environments, projects, project groups or tenants: a sync may meet what it cannot see. */
  restricted: string[];
}

export interface CheckFinding {
  /** What it is about: `project 'OctoFX'`, `certificates`. */
  subject: string;
  what: string;
}

export interface CheckResult {
  server: { url: string; version: string };
  space: { name: string; id: string };
  /** The tenant-variable endpoints octosync will use on this server. */
  tenantVariablesApi: TenantVariablesApi;
  featureToggles: FeatureToggle[];
  /** The key's user and what it may do as a source and as a destination (undefined: the server did not say). */
  permissions?: { user: string; source: RoleCheck; destination: RoleCheck };
  /** Whether the space's content was read (a key without what a snapshot needs does not read it). */
  contentRead: boolean;
  versionControlledProjects: string[];
  /** What octosync cannot sync from or into this space, and what it does instead. */
  cannotSync: CheckFinding[];
  warnings: string[];
  requests: number;
}

/**
 * `octosync check`: what a server and an API key offer a sync, read without writing anything. The server version
 * and the tenant-variable API generation, the feature toggles, the key's permissions for each end of a sync, then
 * (when the key may read the space) its content as a snapshot would read it, for what octosync cannot sync.
 */
export async function checkServer(options: CheckOptions): Promise<CheckResult> {
  const client = new OctopusClient(options);
  try {
    const space = await connectToSpace(client, options.space);
    const featureToggles = await readFeatureToggles(client);
    const tenantVariablesApi = tenantVariablesApiOf(featureToggles);
    const perms = await readKeyPermissions(client, space.id);
    const role = (needed: string[]): RoleCheck => {
      const missing = perms ? needed.filter((p) => !perms.granted.has(p) && !perms.restricted.has(p)) : [];
      const restricted = perms ? needed.filter((p) => perms.restricted.has(p)) : [];
      return { ready: missing.length === 0 && restricted.length === 0, missing, restricted };
    };
    const warnings: string[] = [];
    const cannotSync: CheckFinding[] = [];
    const result: CheckResult = {
      server: { url: client.baseUrl, version: space.serverVersion },
      space: { name: space.name, id: space.id },
      tenantVariablesApi,
      featureToggles: [...featureToggles].sort((a, b) => a.Name.localeCompare(b.Name)),
      permissions: perms ? { user: perms.user, source: role(SOURCE_PERMISSIONS), destination: role(DESTINATION_PERMISSIONS) } : undefined,
      contentRead: false,
      versionControlledProjects: [],
      cannotSync,
      warnings,
      requests: 0,
    };
    if (!perms) warnings.push('the server did not say what the API key may do: permissions were not checked');

    // Read the space as a snapshot would, unless the key would get a partial view that looks complete.
    const blocking = SNAPSHOT_NEEDS.filter((n) => n.without === 'fail' && perms && !perms.granted.has(n.permission));
    if (blocking.length) {
      warnings.push(`the space's content was not read: the key lacks ${blocking.map((b) => b.permission).join(', ')} (${blocking[0].why})`);
    } else {
      const leaveOut = new Set(SNAPSHOT_NEEDS.filter((n) => n.without === 'leave-out' && perms && !perms.granted.has(n.permission)).flatMap((n) => n.kinds));
      const raw = await readSpace(client, { spaceId: space.id, serverVersion: space.serverVersion, tenantVariablesApi, leaveOut });
      result.contentRead = true;
      for (const kind of leaveOut) cannotSync.push({ subject: pluralLabel(kindDef(kind)), what: 'not readable with this key: neither read from nor planned into this space' });
      findings(raw, result);
      warnings.push(...assembleSnapshot(raw).warnings.filter((w) => !/version-controlled/.test(w)));
    }
    result.requests = client.counts.total;
    return result;
  } finally {
    client.close();
  }
}

/** What octosync cannot sync in a space's content, with what it does instead. */
function findings(raw: RawSpace, result: CheckResult): void {
  const add = (subject: string, what: string) => result.cannotSync.push({ subject, what });
  for (const p of raw.get('project') ?? []) {
    if (!p.IsVersionControlled) continue;
    const name = p.Name ?? p.Id;
    result.versionControlledProjects.push(name);
    add(`project '${name}'`, 'version-controlled (config as code): its process and variables live in git and are not synced; its settings are');
  }
  result.versionControlledProjects.sort();
  const certificates = raw.get('certificate') ?? [];
  if (certificates.length) add(`${certificates.length} certificate(s)`, 'certificate data cannot be read: a destination lacking one needs it imported by hand');
  let secrets = 0;
  const count = (v: unknown): void => {
    if (isSensitiveValue(v) || (isSensitiveVariable(v) && 'Name' in (v as object))) secrets++;
    else if (Array.isArray(v)) v.forEach(count);
    else if (v && typeof v === 'object') Object.values(v).forEach(count);
  };
  for (const kind of ['projectVariables', 'libraryVariables', 'tenantVariables', 'account'] as const) for (const doc of raw.get(kind) ?? []) count(doc);
  if (secrets) add(`${secrets} sensitive value(s)`, 'never read: written as placeholders on the destination and listed in the clean-up report');
  let scoped = 0;
  for (const doc of raw.get('tenantVariables') ?? []) {
    scoped += values(doc.CommonValues).filter((v) => environmentIds(v).length > 0).length;
  }
  if (scoped) add(`${scoped} environment-scoped common tenant value(s)`, 'synced only to a destination that speaks the v2 tenant-variable API (2025.2+, CommonVariableScopingFeatureToggle on); held back with a reason elsewhere');
  const machines = (raw.get('machine') ?? []).length;
  const workers = (raw.get('worker') ?? []).length;
  if (machines || workers) add(`${machines} deployment target(s), ${workers} worker(s)`, 'never synced (read only to tell whether a target- or role-scoped value has a match)');
}
