/**
 * Delete operations (issue 18, `deletions: propagate`): run last, one at a time, children before parents (the
 * plan's order), each checked like an update: the item must be as it was planned, or it is refused. A delete
 * whose item is gone already is done (a re-run after an interruption).
 */
import { ServerError, StalePlanError } from '../errors.js';
import type { OctopusClient } from '../octopus/client.js';
import type { Operation } from '../plan-format/types.js';
import { kindDef } from '../registry/kinds.js';
import { isDoc, type Doc } from '../octopus/decode.js';
import type { OctopusDoc } from '../snapshot/documents.js';
import type { DestinationState } from './destination.js';

/**
 * DELETE `{collection}/{id}`. Releases are never octosync's: an item releases use (a channel's, a project's) is
 * not deleted, as deleting it would take them with it.
 */
export async function executeDelete(op: Operation, client: OctopusClient, dest: DestinationState, collection: string): Promise<void> {
  const def = kindDef(op.kind);
  const what = `${def.label.toLowerCase()} '${op.keyPath.join(' / ')}'`;
  const id = op.destination?.id;
  if (!id) throw new ServerError(`${what}: the plan records no destination id to delete`);
  if (def.deletable?.releases) {
    const releases = await client.get<{ TotalResults?: number; Items?: unknown[] }>(`${collection}/${id}/releases`, what);
    const count = releases.TotalResults ?? releases.Items?.length ?? 0;
    if (count > 0) throw new StalePlanError(`${what}: ${count} release${count === 1 ? '' : 's'} on the destination use${count === 1 ? 's' : ''} it: not deleted (releases are not octosync's to delete)`);
  }
  if (op.kind === 'channel') {
    const scoped = stepsScopedTo(id, op.keyPath[0], dest);
    if (scoped.length) {
      // Octopus deletes steps scoped only to a deleted channel (OctopusDeploy/Issues #4385, #4222): never by surprise.
      throw new StalePlanError(`${what}: step${scoped.length === 1 ? '' : 's'} ${scoped.map((s) => `'${s}'`).join(', ')} on the destination ${scoped.length === 1 ? 'is' : 'are'} scoped to it: not deleted`);
    }
  }
  await client.delete(`${collection}/${id}`, what);
  dest.forget(op.kind, op.keyPath);
}

/** Steps of a project's processes (as this run left them) with an action scoped to a channel. */
function stepsScopedTo(channelId: string, project: string, dest: DestinationState): string[] {
  const projectId = dest.idOf('project', [project]);
  const runbookIds = new Set((dest.raw.get('runbook') ?? []).filter((r) => r.ProjectId === projectId).map((r) => r.Id));
  const processes = [dest.rawDoc('deploymentProcess', [project]), ...(dest.raw.get('runbookProcess') ?? [])].filter((p): p is OctopusDoc => !!p);
  const out: string[] = [];
  for (const p of processes) {
    if (typeof p.RunbookId === 'string' && !runbookIds.has(p.RunbookId)) continue;
    for (const step of docs(p.Steps)) {
      if (docs(step.Actions).some((a) => Array.isArray(a.Channels) && a.Channels.includes(channelId))) out.push(String(step.Name));
    }
  }
  return out;
}

const docs = (list: unknown): Doc[] => (Array.isArray(list) ? list.filter(isDoc) : []);
