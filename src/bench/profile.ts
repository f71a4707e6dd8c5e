/**
 * Where a phase's time goes (issue 17.3: "measure where the time goes before changing anything, and report it"):
 * a V8 CPU profile (`node --cpu-prof`) of one run of the phase, summarised by self time per function and per
 * file. Pure: the bench runs the profiled process and passes the profile here.
 */

/** The parts of a `.cpuprofile` (Chrome DevTools format) the summary reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileEntry {
  name: string;
  ms: number;
}

export interface ProfileSummary {
  /** Milliseconds the profile covers (the whole process, start-up included). */
  totalMs: number;
  /** Waiting with nothing to run (the network), garbage collection, and V8's own work outside JavaScript. */
  idleMs: number;
  gcMs: number;
  programMs: number;
  /** Self time of the heaviest functions (`name file:line`) and files, heaviest first. */
  functions: ProfileEntry[];
  files: ProfileEntry[];
}

/** `file:///…/dist/snapshot/normalize.js` → `snapshot/normalize.js`; node's own → `node:…`; packages by name. */
export function shortFile(url: string): string {
  if (!url) return '(native)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length).split('/').slice(0, url.includes('/node_modules/@', nm) ? 2 : 1).join('/');
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return url.slice(dist + '/dist/'.length);
  return url.replace(/^file:\/\//, '');
}

const top = (m: Map<string, number>, n: number): ProfileEntry[] =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10 }));

export function summariseProfile(profile: CpuProfile, n = 10): ProfileSummary {
  // Self time of each node: the time deltas of its samples (hitCount × mean interval where a profile has none).
  const self = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + Math.max(0, profile.timeDeltas![i + 1] ?? 0)));
  } else {
    const hits = profile.nodes.reduce((s, x) => s + (x.hitCount ?? 0), 0) || 1;
    const each = (profile.endTime - profile.startTime) / hits;
    for (const x of profile.nodes) self.set(x.id, (x.hitCount ?? 0) * each);
  }
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  const special: Record<string, number> = { '(idle)': 0, '(garbage collector)': 0, '(program)': 0 };
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (!us) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName in special) {
      special[functionName] += us;
      continue;
    }
    const file = shortFile(url);
    const name = `${functionName || '(anonymous)'} ${file}${url ? `:${lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    files.set(file, (files.get(file) ?? 0) + us);
  }
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    totalMs: ms(profile.endTime - profile.startTime),
    idleMs: ms(special['(idle)']),
    gcMs: ms(special['(garbage collector)']),
    programMs: ms(special['(program)']),
    functions: top(functions, n),
    files: top(files, n),
  };
}

/** One line per part: "normalize.js 812 ms (23%)". */
export function describeProfile(p: ProfileSummary, n = 5): string {
  const pct = (ms: number) => `${Math.round((ms / p.totalMs) * 100)}%`;
  const list = (xs: ProfileEntry[]) => xs.slice(0, n).map((x) => `${x.name} ${x.ms.toFixed(0)} ms (${pct(x.ms)})`).join('; ');
  return (
    `${p.totalMs.toFixed(0)} ms profiled: waiting ${p.idleMs.toFixed(0)} ms (${pct(p.idleMs)}), garbage collection ${p.gcMs.toFixed(0)} ms (${pct(p.gcMs)}), ` +
    `V8 outside JavaScript ${p.programMs.toFixed(0)} ms (${pct(p.programMs)}). By file: ${list(p.files)}. By function: ${list(p.functions)}.`
  );
}
