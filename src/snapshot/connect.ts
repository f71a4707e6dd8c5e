import { ServerError } from '../errors.js';
import { listingSource, type OctopusClient } from '../octopus/client.js';
import { decode, decodeItems, isDoc, optional, string } from '../octopus/decode.js';
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
  return findSpace(client, spaceName, await readServerVersion(client));
}

/** The root document's `Version`, once it is known to be an Octopus server with spaces (2019.1 or later). */
export async function readServerVersion(client: OctopusClient): Promise<string> {
  const root: unknown = await client.get('/api', 'root document');
  if (!isOctopusRoot(root)) throw new ServerError(`${client.baseUrl}/api did not answer with an Octopus root document (no Version)`);
  const serverVersion = root.Version;
  const links = root.Links ? decode(root.Links, { Spaces: optional(string) }, { source: 'GET /api' }, 'Links') : undefined;
  if (!links?.Spaces || !atLeast(serverVersion, '2019.1')) {
    throw new ServerError(`${client.baseUrl} runs Octopus ${serverVersion}, which has no spaces; octosync needs 2019.1 or later`);
  }
  return serverVersion;
}

/** The space by exact name, or by id (`Spaces-1`), on a server whose version `readServerVersion` gave. */
export async function findSpace(client: OctopusClient, spaceName: string, serverVersion: string): Promise<SpaceRef> {
  if (isSpaceId(spaceName)) {
    const all = await listSpaces(client, {});
    const byId = all.find((s) => s.Id.toLowerCase() === spaceName.toLowerCase());
    if (byId) return { id: byId.Id, name: byId.Name, serverVersion };
    // A space may be named like an id: look for the name below.
  }
  // partialName is a case-insensitive "contains" match (API-FACTS §2.5): filter exactly here.
  const candidates = await listSpaces(client, { partialName: spaceName });
  const space = candidates.find((s) => s.Name === spaceName);
  if (!space) {
    const all = await listSpaces(client, {});
    const names = all.map((s) => `'${s.Name}' (${s.Id})`).join(', ') || 'none';
    const nearly = all.find((s) => s.Name.toLowerCase() === spaceName.toLowerCase());
    throw new ServerError(
      `no space named '${spaceName}' on ${client.baseUrl}${nearly ? ` (did you mean '${nearly.Name}'? names are matched exactly)` : ''}; spaces there: ${names}`,
    );
  }
  return { id: space.Id, name: space.Name, serverVersion };
}

/** An Octopus root document: a `Version` octosync can read (anything else is not an Octopus server). */
function isOctopusRoot(root: unknown): root is { Version: string; Links?: unknown } {
  return isDoc(root) && typeof root.Version === 'string' && parseVersion(root.Version) !== undefined;
}

/** The spaces a listing holds, each with an id and a name. */
async function listSpaces(client: OctopusClient, query: Record<string, string>): Promise<{ Id: string; Name: string }[]> {
  const spaces = await client.listAll('/api/spaces', query, 1000, 'spaces');
  return decodeItems(spaces, { Id: string, Name: string }, listingSource('/api/spaces', query, 'spaces'));
}
