import { isLateReferences } from '../plan-format/operations.js';
import type { Operation } from '../plan-format/types.js';
import { Limiter } from '../util/limit.js';
import type { ApplyProgress, JournalSink, LogSink, OperationOutcome } from './types.js';

/**
 * A group of operations run together, each after its prerequisites. Phases run one after the other, each to
 * its end; the next starts only if the run was not interrupted. Today's plans have one phase (creates and
 * updates, in dependency order); deletes would be a later phase in reverse dependency order (an item after
 * everything that depends on it): `prerequisites` is where that order is given.
 */
export interface Phase {
  name: string;
  operations: Operation[];
  /** Ids of the operations that must succeed before this one starts (ids outside every phase are no order to keep). */
  prerequisites(op: Operation): string[];
  /** Run only when every earlier operation succeeded; otherwise each is not run, with this reason. */
  onlyAfterSuccess?: string;
}

/** Creates and updates: each operation after those it depends on. */
export function dependencyPhase(operations: Operation[]): Phase {
  return { name: 'write', operations, prerequisites: (op) => op.dependsOn };
}

/**
 * Deletes (issue 18): last, one at a time in the plan's order (children before parents), and only when every
 * write succeeded: a failed write leaves them for the re-run.
 */
export function deletePhase(operations: Operation[]): Phase {
  const previous = new Map(operations.map((o, i) => [o.id, i ? [operations[i - 1].id] : []]));
  return {
    name: 'delete',
    operations,
    prerequisites: (op) => previous.get(op.id) ?? [],
    onlyAfterSuccess: 'a write of this plan failed: deletes wait for a run in which every write succeeds',
  };
}

export interface ScheduleOptions {
  /** Operations the destination already reflects (an earlier run): counted, not run. */
  done: Set<string>;
  /** Carries out one operation; throws on failure. */
  perform(op: Operation): Promise<void>;
  journal: JournalSink;
  log: LogSink;
  progress?: ApplyProgress;
  /** Operations in flight at once (default 8). */
  parallelism?: number;
  signal?: AbortSignal;
}

export interface ScheduleResult {
  /** The outcome of every operation the run reached (those not reached after an interruption are absent). */
  outcomes: Map<string, OperationOutcome>;
  failed: { id: string; error: string }[];
  interrupted: boolean;
}

/** What a finished operation did, for counts and the progress table. */
function finishedOutcome(op: Operation): OperationOutcome {
  return op.action === 'create' ? 'created' : op.action === 'delete' ? 'deleted' : isLateReferences(op) ? 'references' : 'updated';
}

/**
 * Runs the phases with bounded concurrency. Every operation is journalled (started, then finished or failed)
 * so that a re-run knows what may have happened; one whose prerequisite failed is not run. Aborted
 * (`signal`): nothing new starts, what is in flight finishes, and the journal says how far the run got.
 */
export async function schedule(phases: Phase[], options: ScheduleOptions): Promise<ScheduleResult> {
  const { journal, log, progress, done } = options;
  const limiter = new Limiter(options.parallelism ?? 8);
  const byId = new Map(phases.flatMap((p) => p.operations.map((o) => [o.id, o] as const)));
  const outcome = new Map<string, Promise<boolean>>();
  const outcomes = new Map<string, OperationOutcome>();
  const failed: ScheduleResult['failed'] = [];
  const interrupted = () => options.signal?.aborted === true;
  const settle = (op: Operation, o: OperationOutcome): boolean => {
    outcomes.set(op.id, o);
    progress?.operation(op, o);
    return o !== 'failed' && o !== 'not-run';
  };

  const run = (phase: Phase, op: Operation): Promise<boolean> => {
    let p = outcome.get(op.id);
    if (p) return p;
    p = (async () => {
      if (done.has(op.id)) return settle(op, 'already');
      const prerequisites = phase.prerequisites(op).filter((d) => byId.has(d));
      const ready = await Promise.all(prerequisites.map((d) => run(phase, byId.get(d)!)));
      if (interrupted()) return false;
      if (!ready.every(Boolean)) {
        log.decision(op.id, 'not-run', 'an operation it depends on failed');
        return settle(op, 'not-run');
      }
      return limiter.run(() =>
        log.within(op.id, async () => {
          // Stopping: what waited for a free slot does not start.
          if (interrupted()) return false;
          journal.write({ event: 'started', operation: op.id });
          log.decision(op.id, op.action, op.reason);
          try {
            await options.perform(op);
            journal.write({ event: 'finished', operation: op.id });
            return settle(op, finishedOutcome(op));
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            journal.write({ event: 'failed', operation: op.id, error: message });
            log.error(op.id, message);
            failed.push({ id: op.id, error: message });
            return settle(op, 'failed');
          }
        }),
      );
    })();
    outcome.set(op.id, p);
    return p;
  };

  for (const phase of phases) {
    if (interrupted()) break;
    if (phase.onlyAfterSuccess && failed.length) {
      for (const op of phase.operations) {
        if (done.has(op.id)) {
          settle(op, 'already');
          continue;
        }
        log.decision(op.id, 'not-run', phase.onlyAfterSuccess);
        settle(op, 'not-run');
      }
      continue;
    }
    await Promise.all(phase.operations.map((op) => run(phase, op)));
  }
  const total = byId.size;
  if (interrupted()) {
    journal.write({ event: 'interrupted', done: doneCount(done, outcomes), of: total });
  }
  return { outcomes, failed, interrupted: interrupted() };
}

/** The outcomes of an operation this run finished. */
export const FINISHED: ReadonlySet<OperationOutcome> = new Set<OperationOutcome>(['created', 'updated', 'deleted', 'references']);

/** Operations done by now: those an earlier run did, and those this run finished. */
export function doneCount(done: Set<string>, outcomes: Map<string, OperationOutcome>): number {
  return done.size + [...outcomes.values()].filter((o) => FINISHED.has(o)).length;
}
