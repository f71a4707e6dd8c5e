/**
 * The summary of a V8 CPU profile the benchmark reports (issue 17.3: where a snapshot's time goes): self time per
 * function and per file, waiting and garbage collection apart. A made-up profile, no timing.
 */
import { describe, expect, it } from '@jest/globals';
import { describeProfile, shortFile, summariseProfile, type CpuProfile } from '../../src/bench/profile.js';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

// Samples every 1 ms: idle 3, GC 1, normalizeDocument 4, sortKeys 2 (one of them reached by a second path).
const profile: CpuProfile = {
  startTime: 0,
  endTime: 11_000,
  nodes: [
    { id: 1, callFrame: frame('(root)') },
    { id: 2, callFrame: frame('(idle)') },
    { id: 3, callFrame: frame('(garbage collector)') },
    { id: 4, callFrame: frame('normalizeDocument', 'file:///work/x/dist/snapshot/normalize.js', 50) },
    { id: 5, callFrame: frame('sortKeys', 'file:///work/x/dist/util/canonical.js', 9) },
    { id: 6, callFrame: frame('sortKeys', 'file:///work/x/dist/util/canonical.js', 9) },
    { id: 7, callFrame: frame('request', 'file:///work/x/node_modules/got/dist/source/core/index.js', 99) },
  ],
  samples: [2, 2, 2, 3, 4, 4, 4, 4, 5, 6, 7],
  timeDeltas: [0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
};

describe('a CPU profile summary', () => {
  it('adds up self time per function and per file, with waiting and garbage collection apart', () => {
    const s = summariseProfile(profile);
    expect(s).toMatchObject({ totalMs: 11, idleMs: 3, gcMs: 1, programMs: 0 });
    expect(s.functions).toEqual([
      { name: 'normalizeDocument snapshot/normalize.js:51', ms: 4 },
      { name: 'sortKeys util/canonical.js:10', ms: 2 },
      // The last sample has no next delta: it counts nothing.
    ]);
    expect(s.files).toEqual([
      { name: 'snapshot/normalize.js', ms: 4 },
      { name: 'util/canonical.js', ms: 2 },
    ]);
  });

  it('names files by package or by their place under dist/', () => {
    expect(shortFile('file:///a/node_modules/got/dist/source/core/index.js')).toBe('got');
    expect(shortFile('file:///a/node_modules/@sindresorhus/is/dist/index.js')).toBe('@sindresorhus/is');
    expect(shortFile('node:fs')).toBe('node:fs');
    expect(shortFile('')).toBe('(native)');
  });

  it('describes the heaviest parts with their share', () => {
    expect(describeProfile(summariseProfile(profile), 1)).toBe(
      '11 ms profiled: waiting 3 ms (27%), garbage collection 1 ms (9%), V8 outside JavaScript 0 ms (0%). ' +
        'By file: snapshot/normalize.js 4 ms (36%). By function: normalizeDocument snapshot/normalize.js:51 4 ms (36%).',
    );
  });
});
