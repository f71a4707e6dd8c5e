import { expect } from '@jest/globals';
import type { withSimulator } from '../helpers/simulator.js';

/** Helpers shared by the project-family simulator tests. */
export type Sim = Awaited<ReturnType<typeof withSimulator>>;

export const S = '/api/Spaces-1';
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The rejection of a stale `Version` (API-FACTS §2.11). */
export function staleMessage(documentType: string, id: string): string {
  return `Modification failed for '${documentType}' document with '${id}' Id because submitted data was out of date. Refresh the document and try again.`;
}

/** A project in the space's default project group and lifecycle, created over HTTP. */
export async function newProject(sim: Sim, name: string, extra: Record<string, unknown> = {}): Promise<any> {
  const groups = await sim.api('GET', `${S}/projectgroups/all`);
  const lifecycles = await sim.api('GET', `${S}/lifecycles/all`);
  const res = await sim.api('POST', `${S}/projects`, { Name: name, ProjectGroupId: groups.body[0].Id, LifecycleId: lifecycles.body[0].Id, ...extra });
  expect(res.status).toBe(201);
  return res.body;
}
