import { describe, expect, it } from '@jest/globals';
import { dependencyPhase, schedule, type Phase } from '../../src/apply/scheduler.js';
import type { JournalSink, LogSink } from '../../src/apply/types.js';
import type { Operation } from '../../src/plan-format/types.js';

/** An operation as the scheduler sees it: an id, an action and what it depends on. */
const op = (id: string, dependsOn: string[] = [], action: Operation['action'] = 'create'): Operation =>
  ({ id, kind: 'environment', keyPath: [id], action, reason: 'r', dependsOn }) as unknown as Operation;

function sinks() {
  const journal: Record<string, unknown>[] = [];
  const decisions: string[] = [];
  return {
    journal,
    decisions,
    journalSink: { file: 'journal', write: (r) => void journal.push(r), unfinished: () => new Set() } as JournalSink,
    log: { decision: (o, a) => void decisions.push(`${o}:${a}`), error: () => {}, within: (_o, work) => work() } as LogSink,
  };
}

describe('apply scheduler', () => {
  it('runs each operation after its dependencies; one whose dependency failed is not run, and journalled nowhere', async () => {
    const s = sinks();
    const order: string[] = [];
    const ops = [op('c', ['b']), op('b', ['a']), op('a'), op('x'), op('y', ['x'])];
    const run = await schedule([dependencyPhase(ops)], {
      done: new Set(['a']),
      journal: s.journalSink,
      log: s.log,
      parallelism: 2,
      perform: async (o) => {
        order.push(o.id);
        if (o.id === 'x') throw new Error('refused');
      },
    });
    expect(order.indexOf('b')).toBeLessThan(order.indexOf('c'));
    expect(order).not.toContain('a'); // already done by an earlier run
    expect(Object.fromEntries(run.outcomes)).toEqual({ a: 'already', b: 'created', c: 'created', x: 'failed', y: 'not-run' });
    expect(run.failed).toEqual([{ id: 'x', error: 'refused' }]);
    expect(s.journal.filter((r) => r.operation === 'y')).toEqual([]);
    expect(s.decisions).toContain('y:not-run');
  });

  it('takes a later phase in reverse dependency order (as deletes would run): an item after what depends on it', async () => {
    const s = sinks();
    const order: string[] = [];
    const writes = [op('w')];
    const removals = [op('project'), op('channel', ['project']), op('release', ['channel'])];
    const reverse: Phase = {
      name: 'remove',
      operations: removals,
      prerequisites: (o) => removals.filter((r) => r.dependsOn.includes(o.id)).map((r) => r.id),
    };
    await schedule([dependencyPhase(writes), reverse], { done: new Set(), journal: s.journalSink, log: s.log, perform: async (o) => void order.push(o.id) });
    expect(order).toEqual(['w', 'release', 'channel', 'project']);
  });

  it('interrupted: nothing new starts, and the journal says how far the run got', async () => {
    const s = sinks();
    const stop = new AbortController();
    const ops = [op('a'), op('b', ['a']), op('c', ['b'])];
    const run = await schedule([dependencyPhase(ops)], {
      done: new Set(),
      journal: s.journalSink,
      log: s.log,
      signal: stop.signal,
      perform: async (o) => {
        if (o.id === 'a') stop.abort();
      },
    });
    expect(run.interrupted).toBe(true);
    expect(Object.fromEntries(run.outcomes)).toEqual({ a: 'created' });
    expect(s.journal.at(-1)).toEqual({ event: 'interrupted', done: 1, of: 3 });
  });
});
