import { detectTenantVariablesApi, readPermissionDocument, type TenantVariablesApi } from '../octopus/capabilities.js';
import type { OctopusClient } from '../octopus/client.js';
import { findSpace, readServerVersion, type SpaceRef } from './connect.js';
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
  const serverVersion = await readServerVersion(client);
  // Three round trips where one after another took five (issue 17): the space lookup, the feature toggles and the
  // key's permissions do not depend on each other. Every answer is awaited before any failure is reported, and
  // the first in this order is the one reported, so the error does not depend on which answer came first.
  const [space, tenantVariablesApi, permissionDocument] = await firstFailureInOrder([
    findSpace(client, spaceName, serverVersion),
    detectTenantVariablesApi(client),
    readPermissionDocument(client),
  ] as const);
  return { space, tenantVariablesApi, permissions: checkReadPermissions(permissionDocument, space, strict) };
}

/** `Promise.all`, except that it waits for every promise and rejects with the first failure in the given order. */
async function firstFailureInOrder<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
