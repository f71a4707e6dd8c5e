import { ServerError } from '../errors.js';
import type { OctopusClient } from '../octopus/client.js';
import { atLeast, parseVersion } from '../util/version.js';

export interface SpaceRef {
  id: string;
  name: string;
  serverVersion: string;
}

/** `Spaces-1`: a space given by id, as the Octopus CLI accepts (ids look the same on every instance). */
export function isSpaceId(space: string): boolean {
  return /^Spaces-\d+$/i.test(space);
}

/**
 * Reads the root document and finds the space by exact name, or by id (`Spaces-1`). Clear errors for a
 * server too old for spaces (Octopus < 2019.1, API-FACTS §4), a missing space (naming those that exist) or a
 * non-Octopus answer.
 */
export async function connectToSpace(client: OctopusClient, spaceName: string): Promise<SpaceRef> {
  const root = await client.get<Record<string, any>>('/api', 'root document');
  if (!root || typeof root !== 'object' || typeof root.Version !== 'string' || !parseVersion(root.Version)) {
    throw new ServerError(`${client.baseUrl}/api did not answer with an Octopus root document (no Version)`);
  }
  const serverVersion: string = root.Version;
  if (!root.Links?.Spaces || !atLeast(serverVersion, '2019.1')) {
    throw new ServerError(`${client.baseUrl} runs Octopus ${serverVersion}, which has no spaces; octosync needs 2019.1 or later`);
  }
  if (isSpaceId(spaceName)) {
    const all = await client.listAll<Record<string, any>>('/api/spaces', {}, 1000, 'spaces');
    const byId = all.find((s) => String(s.Id).toLowerCase() === spaceName.toLowerCase());
    if (byId) return { id: byId.Id, name: byId.Name, serverVersion };
    // A space may be named like an id: look for the name below.
  }
  // partialName is a case-insensitive "contains" match (API-FACTS §2.5): filter exactly here.
  const candidates = await client.listAll<Record<string, any>>('/api/spaces', { partialName: spaceName }, 1000, 'spaces');
  const space = candidates.find((s) => s.Name === spaceName);
  if (!space) {
    const all = await client.listAll<Record<string, any>>('/api/spaces', {}, 1000, 'spaces');
    const names = all.map((s) => `'${s.Name}' (${s.Id})`).join(', ') || 'none';
    const nearly = all.find((s) => String(s.Name).toLowerCase() === spaceName.toLowerCase());
    throw new ServerError(
      `no space named '${spaceName}' on ${client.baseUrl}${nearly ? ` (did you mean '${nearly.Name}'? names are matched exactly)` : ''}; spaces there: ${names}`,
    );
  }
  return { id: space.Id, name: space.Name, serverVersion };
}
