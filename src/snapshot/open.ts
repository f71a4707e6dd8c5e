import { detectTenantVariablesApi, type TenantVariablesApi } from '../octopus/capabilities.js';
import type { OctopusClient } from '../octopus/client.js';
import { connectToSpace, type SpaceRef } from './connect.js';
import { checkReadPermissions, type ReadPermissions } from './permissions.js';

export interface OpenSpace {
  space: SpaceRef;
  /** The tenant-variable endpoints the server speaks. */
  tenantVariablesApi: TenantVariablesApi;
  permissions: ReadPermissions;
}

/**
 * What every read of a space learns first, for snapshot and apply alike: the space, the tenant-variable API the
 * server speaks, and what the key may read. `strict` (apply, which writes what it reads) refuses a key that
 * cannot see everything.
 */
export async function openSpace(client: OctopusClient, spaceName: string, strict = false): Promise<OpenSpace> {
  const space = await connectToSpace(client, spaceName);
  const tenantVariablesApi = await detectTenantVariablesApi(client);
  const permissions = await checkReadPermissions(client, space, strict);
  return { space, tenantVariablesApi, permissions };
}
