import type { TenantVariablesApi } from '../../octopus/capabilities.js';
import type { OctopusClient } from '../../octopus/client.js';
import { ServerError } from '../../errors.js';

type RawDoc = Record<string, any>;

/**
 * Reads and writes one tenant's variables through the generation the server speaks (capabilities.ts).
 *
 * Tenants are read one by one (the client bounds how many at once), never through `tenantvariables/all`: that
 * single request holds every tenant's values and is slow on large instances (OctopusDeploy/Issues #7310, #5607),
 * so a snapshot would hang on it until `--timeout`. A tenant connected to no project has no values to read (values
 * belong to connected projects and the library variable sets they include): its empty document is made here.
 *
 * The v2 document octosync works with joins the two endpoints' lists:
 * `{Id, TenantId, TenantName, ApiGeneration: 'v2', CommonValues: [...], ProjectValues: [...]}`.
 */
export async function readTenantVariables(client: OctopusClient, space: string, tenant: RawDoc, api: TenantVariablesApi): Promise<RawDoc> {
  const what = `tenant '${tenant.Name}' variables`;
  const connected = Object.keys(tenant.ProjectEnvironments ?? {}).length > 0;
  if (api === 'v1') {
    if (!connected) return { Id: `TenantVariables-${tenant.Id}`, TenantId: tenant.Id, TenantName: tenant.Name, ProjectVariables: {}, LibraryVariables: {} };
    return object(await client.get<RawDoc>(`${space}/tenants/${tenant.Id}/variables`, what), `${space}/tenants/${tenant.Id}/variables`, what);
  }
  const base: RawDoc = { Id: `TenantVariables-${tenant.Id}`, TenantId: tenant.Id, TenantName: tenant.Name, ApiGeneration: 'v2' };
  if (!connected) return { ...base, CommonValues: [], ProjectValues: [] };
  const [common, project] = await Promise.all([
    client.get<RawDoc>(`${space}/tenants/${tenant.Id}/commonvariables`, what),
    client.get<RawDoc>(`${space}/tenants/${tenant.Id}/projectvariables`, what),
  ]);
  return {
    ...base,
    CommonValues: list(common, `${space}/tenants/${tenant.Id}/commonvariables`, what),
    ProjectValues: list(project, `${space}/tenants/${tenant.Id}/projectvariables`, what),
  };
}

/** Writes the bodies `tenantVariablesBody` built: one PUT (v1) or one per v2 endpoint; answers the document as read back. */
export async function writeTenantVariables(client: OctopusClient, space: string, tenant: RawDoc, body: RawDoc): Promise<RawDoc> {
  const what = `tenant '${tenant.Name}' variables`;
  if (body.ApiGeneration !== 'v2') return client.put<RawDoc>(`${space}/tenants/${tenant.Id}/variables`, body, what);
  // Common values first: project values do not depend on them, and a failure leaves the project list as it was.
  const common = await client.put<RawDoc>(`${space}/tenants/${tenant.Id}/commonvariables`, body.common, what);
  const project = await client.put<RawDoc>(`${space}/tenants/${tenant.Id}/projectvariables`, body.project, what);
  return {
    Id: `TenantVariables-${tenant.Id}`,
    TenantId: tenant.Id,
    TenantName: tenant.Name,
    ApiGeneration: 'v2',
    CommonValues: list(common, `${space}/tenants/${tenant.Id}/commonvariables`, what),
    ProjectValues: list(project, `${space}/tenants/${tenant.Id}/projectvariables`, what),
  };
}

function object(doc: unknown, path: string, what: string): RawDoc {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new ServerError(`unexpected response from GET ${path} (${what}): not a document`);
  return doc as RawDoc;
}

function list(doc: unknown, path: string, what: string): RawDoc[] {
  const variables = object(doc, path, what).Variables;
  if (!Array.isArray(variables)) throw new ServerError(`unexpected response from ${path} (${what}): no Variables list`);
  return variables;
}
