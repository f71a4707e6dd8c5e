/** Octopus server versions: `2024.3.10989`, `2019.7.12`, `2020.5.0-rc.4`. */
export interface ServerVersion {
  major: number;
  minor: number;
  patch: number;
}

export function parseVersion(v: string): ServerVersion | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(v.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

/** Negative, zero or positive as `a` is older than, the same as, or newer than `b`. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) throw new Error(`not a server version: ${!x ? a : b}`);
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
}

export function atLeast(v: string, min: string): boolean {
  return compareVersions(v, min) >= 0;
}
