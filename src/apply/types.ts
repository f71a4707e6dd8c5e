import type { OctopusClient } from '../octopus/client.js';
import type { CleanupEntry, Operation } from '../plan-format/types.js';
import type { KindName } from '../registry/kinds.js';
import type { DestinationState } from './destination.js';

/** What became of one operation in a run. */
export type OperationOutcome = 'created' | 'updated' | 'deleted' | 'references' | 'already' | 'failed' | 'not-run';

export interface ApplyProgress {
  /** The operations to run (skips left out), once every check has passed. */
  start(ops: Operation[]): void;
  operation(op: Operation, outcome: OperationOutcome): void;
}

/** The journal: operations started, finished and failed, and when the run stopped (a re-run reads it). */
export interface JournalSink {
  /** Where it is kept, for the result (a file path). */
  readonly file: string;
  write(record: Record<string, unknown>): void;
  /** Operations an earlier run started and did not finish. */
  unfinished(): Set<string>;
}

/** The log of decisions and errors; the client's requests are attributed to the operation running `within`. */
export interface LogSink {
  readonly file?: string;
  decision(operation: string, action: string, reason: string): void;
  error(operation: string, error: string): void;
  within<T>(operation: string, work: () => Promise<T>): Promise<T>;
}

/** Placeholders written to a destination and not yet reported by a run that finished its plan. */
export interface LedgerSink {
  record(entries: CleanupEntry[], plan: string): void;
  entries(): CleanupEntry[];
  clear(): void;
}

/** Writes the clean-up report (markdown and JSON text) and says where. */
export type CleanupReportSink = (report: { markdown: string; json: string }) => { markdown: string; json: string };

/**
 * Records the baseline once the run ends (issue 18): `done` tells whether an operation of the plan is finished
 * (this run or an earlier one), `deleted` the items this run deleted.
 */
export interface BaselineSink {
  /** Where it is kept, for the result (a file path). */
  readonly file: string;
  record(dest: DestinationState, done: (id: string) => boolean, deleted: { kind: KindName; keyPath: string[] }[]): unknown;
}

/** Where an apply reads and writes: the destination's client, and its records. */
export interface ApplySinks {
  /** The destination; whoever made it closes it. */
  client: OctopusClient;
  journal: JournalSink;
  log: LogSink;
  ledger: LedgerSink;
  cleanupReport: CleanupReportSink;
  /** `apply --baseline`: the baseline for three-way plans, written once the run ends. */
  baseline?: BaselineSink;
  /** Told of each operation's outcome as it happens (the CLI's progress line and summary table). */
  progress?: ApplyProgress;
}

export interface ApplyRunOptions {
  /** The destination space, by name or id. */
  space: string;
  /** The plan as messages name it (its file). */
  source: string;
  /** Operations in flight at once (default 8). */
  parallelism?: number;
  /** Aborted (Ctrl-C, SIGTERM): no new operation starts; those in flight finish; the run ends interrupted. */
  signal?: AbortSignal;
}

export interface ApplyResult {
  created: number;
  updated: number;
  /** Items deleted (a plan made with a baseline under `deletions: propagate`). */
  deleted: number;
  /** Operations the destination already reflected (a re-run after a failure or a crash). */
  alreadyApplied: number;
  failed: { id: string; error: string }[];
  notRun: string[];
  cleanup: CleanupEntry[];
  files: { journal: string; log?: string; cleanupMarkdown: string; cleanupJson: string; baseline?: string };
  requests: number;
  seconds: number;
}
