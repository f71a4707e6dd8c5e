import type { TenantVariablesApi } from '../../octopus/capabilities.js';
import type { OctopusClient } from '../../octopus/client.js';
import { decode, decodeItems, isDoc, object, objectList, optional, string, type Doc, type Spec } from '../../octopus/decode.js';
import { decodeKindDoc, type OctopusDoc } from '../documents.js';
import type { RawDoc } from '../read.js';

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
export async function readTenantVariables(client: OctopusClient, space: string, tenant: TenantRef, api: TenantVariablesApi): Promise<OctopusDoc> {
  const id = String(tenant.Id);
  const what = `tenant '${tenant.Name}' variables`;
  const connected = isDoc(tenant.ProjectEnvironments) && Object.keys(tenant.ProjectEnvironments).length > 0;
  if (api === 'v1') {
    if (!connected) return { Id: `TenantVariables-${id}`, TenantId: id, TenantName: tenant.Name, ProjectVariables: {}, LibraryVariables: {} };
    const path = `${space}/tenants/${id}/variables`;
    return decodeKindDoc('tenantVariables', await client.get(path, what), { source: `GET ${path} (${what})` });
  }
  const base = { Id: `TenantVariables-${id}`, TenantId: id, TenantName: tenant.Name, ApiGeneration: 'v2' };
  if (!connected) return { ...base, CommonValues: [], ProjectValues: [] };
  const [common, project] = await Promise.all([
    client.get(`${space}/tenants/${id}/commonvariables`, what),
    client.get(`${space}/tenants/${id}/projectvariables`, what),
  ]);
  return {
    ...base,
    CommonValues: list(common, COMMON_VALUE, `GET ${space}/tenants/${id}/commonvariables`, what),
    ProjectValues: list(project, PROJECT_VALUE, `GET ${space}/tenants/${id}/projectvariables`, what),
  };
}

/** The tenant whose variables are read: a document as read, or one apply has just written. */
type TenantRef = { Id?: unknown; Name?: unknown; ProjectEnvironments?: unknown };

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
    CommonValues: list(common, COMMON_VALUE, `PUT ${space}/tenants/${tenant.Id}/commonvariables`, what),
    ProjectValues: list(project, PROJECT_VALUE, `PUT ${space}/tenants/${tenant.Id}/projectvariables`, what),
  };
}

/** The `Variables` of a v2 answer (`TenantCommonVariablesResource`, `TenantProjectVariablesResource`), each value checked. */
function list(doc: unknown, value: Spec, path: string, what: string): Doc[] {
  const source = `${path} (${what})`;
  return decodeItems(decode(doc, { Variables: objectList }, { source }).Variables, value, `${source} Variables`);
}

/** A common value (`TenantCommonVariable`) and a project value (`TenantProjectVariable`): owner, template, scope. */
const COMMON_VALUE = { LibraryVariableSetId: string, TemplateId: string, Scope: optional(object) };
const PROJECT_VALUE = { ProjectId: string, TemplateId: string, Scope: optional(object) };
