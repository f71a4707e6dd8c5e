import { applyPlan } from '../../apply/apply.js';
import { checkApproved, takeApplyLocks } from '../../apply/preflight.js';
import { PlaceholderLedger } from '../../apply/placeholders.js';
import { JournalFile, LogFile } from '../../apply/records.js';
import type { ApplyProgress, ApplyResult } from '../../apply/types.js';
import type { BaselineFiles } from '../../baseline/write.js';
import { OctopusClient, type ClientOptions } from '../../octopus/client.js';
import { normaliseServerUrl } from '../../octopus/url.js';
import { readPlanFile } from '../../plan-format/file.js';
import { writeTextFile } from '../../util/write-out.js';

export interface ApplyFileOptions extends ClientOptions {
  planFile: string;
  space: string;
  /** One JSON line per API call and per decision. */
  logFile?: string;
  /** `debug` adds request bodies of writes to the log, secrets redacted. */
  logLevel?: 'info' | 'debug';
  /** Journal of operations started and finished (default: next to the plan). */
  journalFile?: string;
  /** Base path of the clean-up report (`.md` and `.json` are added; default: next to the plan). */
  cleanupBase?: string;
  /** The checksum the reviewer approved (`sha256:…`, as `show` prints it): any other plan is refused. */
  expectChecksum?: string;
  /** Aborted (Ctrl-C, SIGTERM): no new operation starts; those in flight finish; the run ends interrupted. */
  signal?: AbortSignal;
  /** Folder of the per-destination lock (default: the temporary folder); tests give each "machine" its own. */
  lockDir?: string;
  /** Told of each operation's outcome as it happens (the CLI's progress line and summary table). */
  progress?: ApplyProgress;
  /** Write the baseline for three-way plans (issue 18) once the run ends: what finished, from the plan's source snapshot. */
  baseline?: BaselineFiles;
}

/**
 * `octosync apply` from files: reads and verifies the plan, takes the locks, opens the journal, log, ledger and
 * clean-up report beside the plan (or where the flags say), and the destination's client, then applies.
 */
export async function applyPlanFile(options: ApplyFileOptions): Promise<ApplyResult> {
  const plan = readPlanFile(options.planFile);
  checkApproved(options.planFile, plan, options.expectChecksum);
  // Baseline inputs are checked before anything is written (issue 18).
  const baseline = options.baseline ? (await import('../../baseline/write.js')).prepareBaseline(options.baseline, plan) : undefined;
  const journalFile = options.journalFile ?? `${options.planFile}.journal.jsonl`;
  // Nothing is opened before the locks.
  const locks = takeApplyLocks(journalFile, options.server, options.space, options.planFile, options.lockDir);
  try {
    const log = new LogFile(options.logFile, options.logLevel);
    const journal = new JournalFile(journalFile);
    const ledger = PlaceholderLedger.beside(journalFile, normaliseServerUrl(options.server), options.space);
    const client = new OctopusClient({
      ...options,
      onRequest: (e) => {
        log.request(e);
        options.onRequest?.(e);
      },
    });
    const cleanupBase = options.cleanupBase ?? options.planFile.replace(/\.json$/i, '') + '.cleanup';
    const cleanupReport = (report: { markdown: string; json: string }) => {
      const files = { json: `${cleanupBase}.json`, markdown: `${cleanupBase}.md` };
      writeTextFile(files.json, report.json);
      writeTextFile(files.markdown, report.markdown);
      return files;
    };
    try {
      return await applyPlan(plan, { client, journal, log, ledger, cleanupReport, baseline, progress: options.progress }, {
        space: options.space,
        source: options.planFile,
        parallelism: options.parallelism,
        signal: options.signal,
      });
    } finally {
      // Nothing may go on (and retry) behind a failure the command has reported; keep-alive sockets close.
      client.close();
    }
  } finally {
    locks.releaseAll();
  }
}
