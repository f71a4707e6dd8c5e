/** Request counts by method and path pattern, for benchmarks and tests (`GET /_sim/stats`). */
export class RequestStats {
  private byMethod: Record<string, number> = {};
  private byPattern: Record<string, number> = {};
  private total = 0;
  /** Every request since the last reset, in arrival order (`GET /api/...?skip=0`), when `logRequests` is on. */
  private log: string[] = [];
  /** Off by default: a long-running simulator would otherwise keep every request it ever answered. */
  logRequests = false;

  /** `search` is the query (`?ids=…`), kept only in the request log. */
  record(method: string, path: string, search = ''): void {
    this.total++;
    // An `apikey=` query parameter never reaches the log (the bench writes it to a file).
    if (this.logRequests) this.log.push(`${method} ${path}${search.replace(/([?&])apikey=[^&]*/gi, '$1apikey=REDACTED')}`);
    this.byMethod[method] = (this.byMethod[method] ?? 0) + 1;
    const key = `${method} ${pathPattern(path)}`;
    this.byPattern[key] = (this.byPattern[key] ?? 0) + 1;
  }

  reset(): void {
    this.byMethod = {};
    this.byPattern = {};
    this.total = 0;
    this.log = [];
  }

  /** The requests logged since the last reset (see `logRequests`). */
  get requests(): readonly string[] {
    return this.log;
  }

  /** Writes (POST, PUT, DELETE) seen since the last reset. */
  get writes(): number {
    return (this.byMethod.POST ?? 0) + (this.byMethod.PUT ?? 0) + (this.byMethod.DELETE ?? 0);
  }

  toJSON(): { total: number; byMethod: Record<string, number>; byPattern: Record<string, number> } {
    return { total: this.total, byMethod: { ...this.byMethod }, byPattern: { ...this.byPattern } };
  }
}

/** `/api/Spaces-1/projects/Projects-12/runbooks` → `/api/{spaceId}/projects/{id}/runbooks`. */
export function pathPattern(path: string): string {
  return path
    .split('/')
    .map((seg) => {
      if (/^Spaces-\d+$/i.test(seg)) return '{spaceId}';
      // `Projects-12`, `deploymentprocess-Projects-12`, `RunbookProcess-Runbooks-601`, a GUID.
      if (/^[A-Za-z]+-\d+$/.test(seg) || /^[A-Za-z]+-[A-Za-z]+-\d+$/.test(seg) || /^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(seg)) return '{id}';
      return seg;
    })
    .join('/');
}
