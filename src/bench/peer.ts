/**
 * The request pattern users run today for a recurring sync (issue 17.1), for the benchmark to measure beside
 * octosync on the same simulators: OctopusDeployLabs/SpaceCloner's project cloning, serial, one request at a time.
 *
 * What SpaceCloner does per project (src/Cloners/ProjectCloner.ps1 `Copy-OctopusProjects`, which calls):
 * - src/Cloners/ProjectDeploymentProcessCloner.ps1: GET the source's and the destination's deployment process
 *   (`$project.Links.DeploymentProcess`, src/DataAccess/OctopusRepository.ps1 `Get-OctopusProjectDeploymentProcess`),
 *   then PUT the destination's (`Save-OctopusProjectDeploymentProcess`: `deploymentprocesses/{Id}`);
 * - src/Cloners/ProjectRunbookCloner.ps1: list each side's runbooks (`projects/{id}/runbooks`), then per runbook
 *   GET both sides' process (`$runbook.Links.RunbookProcesses`) and PUT the destination's (`runbookProcesses/{Id}`);
 * - src/Cloners/ProjectVariableCloner.ps1 with src/Cloners/VariableSetValuesCloner.ps1: GET both sides' variables
 *   (`$project.Links.Variables`) and PUT the destination's (`Save-OctopusVariableSetVariables`: its `Links.Self`).
 * Writes are unconditional: SpaceCloner saves what it merged whether or not anything differs.
 *
 * Only these: SpaceCloner also lists channels, saves the project itself, its channel rules, versioning settings
 * and logo per project (src/Cloners/ProjectCloner.ps1), and loads many more lists up front
 * (src/DataAccess/OctopusDataFactory.ps1); leaving those out makes the pattern cheaper than SpaceCloner, so the
 * ratio octosync is measured against is the conservative one. Each PUT sends the destination's document as read:
 * on a destination already in sync, that is what SpaceCloner's merge of the source into it produces (the
 * merging itself is CPU time, small beside a round trip, and not counted).
 */

export interface PeerSide {
  server: string;
  apiKey: string;
  space: string;
}

export interface PeerResult {
  /** Requests sent, by method. */
  byMethod: Record<string, number>;
  projects: number;
}

type Doc = Record<string, any>;

/** One side's HTTP, one request at a time (the caller awaits each). */
function client(side: PeerSide, count: (method: string) => void) {
  const call = async (method: 'GET' | 'PUT', path: string, body?: unknown): Promise<Doc> => {
    // Links are absolute paths (`/api/Spaces-1/...`); drop a URI template's `{?skip,take}` tail.
    const url = `${side.server.replace(/\/$/, '')}${path.replace(/\{.*$/, '')}`;
    const res = await fetch(url, {
      method,
      headers: { 'X-Octopus-ApiKey': side.apiKey, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    count(method);
    const text = await res.text();
    if (!res.ok) throw new Error(`peer pattern: ${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as Doc;
  };
  return { get: (path: string) => call('GET', path), put: (path: string, body: unknown) => call('PUT', path, body) };
}

/** Runs the pattern from `source` into `destination` (projects matched by name); resolves when every PUT is done. */
export async function runPeerPattern(source: PeerSide, destination: PeerSide): Promise<PeerResult> {
  const byMethod: Record<string, number> = {};
  const count = (m: string) => (byMethod[m] = (byMethod[m] ?? 0) + 1);
  const src = client(source, count);
  const dst = client(destination, count);
  const spaceId = async (c: typeof src, name: string) => {
    const spaces = (await c.get('/api/spaces/all')) as unknown as Doc[];
    const found = spaces.find((s) => s.Name === name);
    if (!found) throw new Error(`peer pattern: no space '${name}'`);
    return found.Id as string;
  };
  const srcSpace = await spaceId(src, source.space);
  const dstSpace = await spaceId(dst, destination.space);
  const srcProjects = (await src.get(`/api/${srcSpace}/projects/all`)) as unknown as Doc[];
  const dstProjects = (await dst.get(`/api/${dstSpace}/projects/all`)) as unknown as Doc[];
  const byName = (docs: Doc[]) => new Map(docs.map((d) => [String(d.Name).toLowerCase(), d]));
  const dstByName = byName(dstProjects);
  let projects = 0;
  for (const project of srcProjects) {
    const target = dstByName.get(String(project.Name).toLowerCase());
    if (!target) throw new Error(`peer pattern: the destination has no project '${project.Name}' (run it on a synced destination)`);
    projects++;

    await src.get(project.Links.DeploymentProcess);
    const process = await dst.get(target.Links.DeploymentProcess);
    await dst.put(`/api/${dstSpace}/deploymentprocesses/${process.Id}`, process);

    const sourceRunbooks = (await src.get(`/api/${srcSpace}/projects/${project.Id}/runbooks`)).Items as Doc[];
    const runbooks = byName((await dst.get(`/api/${dstSpace}/projects/${target.Id}/runbooks`)).Items as Doc[]);
    for (const runbook of sourceRunbooks) {
      const other = runbooks.get(String(runbook.Name).toLowerCase());
      if (!other) throw new Error(`peer pattern: the destination's project '${target.Name}' has no runbook '${runbook.Name}'`);
      await src.get(runbook.Links.RunbookProcesses);
      const runbookProcess = await dst.get(other.Links.RunbookProcesses);
      await dst.put(`/api/${dstSpace}/runbookProcesses/${runbookProcess.Id}`, runbookProcess);
    }

    await src.get(project.Links.Variables);
    const variables = await dst.get(target.Links.Variables);
    await dst.put(variables.Links.Self, variables);
  }
  return { byMethod, projects };
}
