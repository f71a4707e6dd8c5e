import { InterruptedError, OctosyncError, PartialApplyError } from '../errors.js';
import type { CleanupEntry, Operation, Plan } from '../plan-format/types.js';
import { kindDef } from '../registry/kinds.js';
import { canonicalJson } from '../util/canonical.js';
import type { DestinationState } from './destination.js';
import { mergeCleanup } from './placeholders.js';
import { doneCount, FINISHED, type ScheduleResult } from './scheduler.js';
import type { ApplyResult, ApplySinks } from './types.js';

/**
 * What a run reports: the clean-up report (every placeholder on the destination that someone must fill in),
 * the counts, and for a run that did not finish the error that says how far it got and what to do.
 */

/** The clean-up report as text: JSON for tools, markdown (a checklist) for people. */
export function cleanupReport(entries: CleanupEntry[], destination: { url: string; space: string }, deleted: string[] = []): { markdown: string; json: string } {
  const lines = [
    `# Clean-up after octosync apply`,
    '',
    `Destination: ${destination.url}, space '${destination.space}'.`,
    '',
    entries.length
      ? 'octosync wrote these placeholders because it cannot read secrets (or was told to use placeholders). Fill each one in on the destination:'
      : 'No placeholders were written: nothing to clean up.',
    '',
    ...entries.map((e) => `- [ ] ${e.kind} \`${e.keyPath.join(' / ')}\`: ${e.field}: ${e.instruction}`),
    '',
    ...(deleted.length ? ['## Deleted', '', 'Gone from the source since the last sync and untouched on the destination (deletions: propagate):', '', ...deleted.map((d) => `- ${d}`), ''] : []),
  ];
  // What the plan deleted (issue 18): listed only when there is any, so reports of other plans stay as they were.
  return { json: canonicalJson({ destination, entries, ...(deleted.length ? { deleted } : {}) }), markdown: lines.join('\n') };
}

export function interruptedMessage(done: number, total: number, failed = 0): string {
  return `interrupted: ${done} of ${total} operations done${failed ? ` (${failed} failed)` : ''}; run the same plan again to finish`;
}

/**
 * Writes the clean-up report and returns the result, or throws the error the run ended with (the result
 * attached). Placeholders reported: those of operations done in this run or an earlier one, and those earlier
 * runs (of this plan or an unfinished earlier one) recorded, where the item is there.
 */
export function finishRun(plan: Plan, ops: Operation[], done: Set<string>, run: ScheduleResult, sinks: ApplySinks, dest: DestinationState, started: number): ApplyResult {
  const { ledger } = sinks;
  const count = (o: string) => [...run.outcomes.values()].filter((x) => x === o).length;
  const notRun = [...run.outcomes].filter(([, o]) => o === 'not-run').map(([id]) => id);
  const isDone = (id: string) => done.has(id) || FINISHED.has(run.outcomes.get(id) ?? 'not-run');
  const ours = ops.filter((o) => isDone(o.id)).flatMap((o) => o.cleanup ?? []);
  const cleanup = mergeCleanup(ours, ledger.entries().filter((e) => dest.idOf(e.kind, e.keyPath) !== undefined));
  const deletes = ops.filter((o) => o.action === 'delete' && run.outcomes.get(o.id) === 'deleted');
  // The baseline moves only as far as this run (and earlier ones) got: finished operations (issue 18).
  sinks.baseline?.record(dest, isDone, ops.filter((o) => o.action === 'delete' && isDone(o.id)));
  const deletedItems = deletes.map((o) => `${kindDef(o.kind).label.toLowerCase()} \`${o.keyPath.join(' / ')}\``);
  const files = sinks.cleanupReport(cleanupReport(cleanup, { url: plan.destination.url, space: plan.destination.space }, deletedItems));
  const { failed } = run;
  const result: ApplyResult = {
    created: count('created'),
    updated: count('updated'),
    deleted: count('deleted'),
    alreadyApplied: done.size,
    failed,
    notRun: notRun.sort(),
    cleanup,
    files: { journal: sinks.journal.file, log: sinks.log.file, cleanupMarkdown: files.markdown, cleanupJson: files.json, ...(sinks.baseline ? { baseline: sinks.baseline.file } : {}) },
    requests: sinks.client.counts.total,
    seconds: (performance.now() - started) / 1000,
  };
  // This run finished the plan and reported every placeholder: the next plan's report starts afresh.
  if (!failed.length && !run.interrupted) ledger.clear();
  if (run.interrupted) {
    throw Object.assign(new InterruptedError(interruptedMessage(doneCount(done, run.outcomes), ops.length, failed.length)), { result });
  }
  if (failed.length) {
    const { created, updated, deleted, alreadyApplied } = result;
    const wrote = created + updated + deleted + alreadyApplied > 0;
    const lines = failed.map((f) => `${f.id}: ${f.error}`).join('\n  ');
    const summary = `Apply failed: ${created} created, ${updated} updated, ${deleted ? `${deleted} deleted, ` : ''}${failed.length} failed, ${notRun.length} not run.\n  ${lines}`;
    if (wrote) throw Object.assign(new PartialApplyError(`${summary}\nThe destination is partly updated: run the same plan again to finish.`), { result });
    throw Object.assign(new OctosyncError(`${summary}\nNothing was written.`), { result });
  }
  return result;
}
