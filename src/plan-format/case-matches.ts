import type { CaseMatch } from './types.js';

/** The aliases apply uses (kind and key path as on the server → the source's name), from a plan's matches. */
export function caseAliases(matches: CaseMatch[] | undefined): Map<string, string> | undefined {
  if (!matches?.length) return undefined;
  return new Map(matches.map((m) => [`${m.kind}\u0000${JSON.stringify([...m.keyPath.slice(0, -1), m.destinationName])}`, m.keyPath[m.keyPath.length - 1]]));
}
