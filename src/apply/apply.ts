import { InterruptedError } from '../errors.js';
import { doneFingerprints } from '../plan-format/operations.js';
import type { Plan } from '../plan-format/types.js';
import { preflight } from './preflight.js';
import { MadeWithParent } from './made-with-parent.js';
import { OwnedReads } from './owned-reads.js';
import { finishRun, interruptedMessage } from './report.js';
import { deletePhase, dependencyPhase, schedule } from './scheduler.js';
import type { ApplyResult, ApplyRunOptions, ApplySinks } from './types.js';
import { execute, parentCreatedByPlan, type RunContext } from './write.js';

export type { ApplyProgress, ApplyResult, ApplyRunOptions, ApplySinks, OperationOutcome } from './types.js';

/**
 * Executes an approved plan (read and verified by the caller) on the destination: preflight checks first
 * (destination, versions, and that every item the plan touches is as it was when planned), then the writes in
 * dependency order with bounded concurrency, then the report. Nothing is written when a check fails. A re-run
 * of the same plan recognises finished operations because the destination now holds their result, and
 * continues where the last run stopped. Files are the caller's business: everything goes to `sinks`.
 */
export async function applyPlan(plan: Plan, sinks: ApplySinks, options: ApplyRunOptions): Promise<ApplyResult> {
  const started = performance.now();
  const { client, journal, log, ledger, progress } = sinks;
  // Operations an earlier run started and did not finish: their create may have happened (look before POSTing).
  const unfinished = journal.unfinished();
  // The moment apply learnt it must stop: no operation starts after this line of the journal.
  options.signal?.addEventListener('abort', () => journal.write({ event: 'stopping' }), { once: true });

  // A plan with nothing to write (a recurring sync without changes) needs the space's items only to report
  // placeholders earlier runs left (only where the item is still there): without those, they are not read.
  // The baseline (issue 18) records the destination's items as they are: it needs them read, whatever the plan.
  const contents = plan.operations.some((o) => o.action !== 'skip') || ledger.entries().length > 0 || sinks.baseline !== undefined;
  const { dest, ops, byId, status } = await preflight(plan, client, { ...options, contents }, log);
  const results = new Map(ops.map((o) => [o.id, doneFingerprints(o, byId)]));
  const owned = new OwnedReads(ops.filter((o) => status.get(o.id) !== 'done'), client, dest);
  const ctx: RunContext = { dest, placeholder: plan.policy.content.variables.placeholder, results, owned, made: new MadeWithParent() };
  const done = new Set(ops.filter((o) => status.get(o.id) === 'done').map((o) => o.id));
  progress?.start(ops);
  if (options.signal?.aborted) throw new InterruptedError(interruptedMessage(done.size, ops.length));

  const run = await schedule([dependencyPhase(ops.filter((o) => o.action !== 'delete')), deletePhase(ops.filter((o) => o.action === 'delete'))], {
    done,
    journal,
    log,
    progress,
    parallelism: options.parallelism,
    signal: options.signal,
    perform: async (op) => {
      // Recorded before the write that may put them there: a run killed before its report still has them reported.
      if (op.cleanup?.length) ledger.record(op.cleanup, plan.checksum);
      await execute(op, client, dest, ctx, unfinished.has(op.id) ? 'unfinished' : parentCreatedByPlan(op, byId) ? 'newParent' : undefined);
    },
  });
  return finishRun(plan, ops, done, run, sinks, dest, started);
}
