import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CleanupEntry } from '../plan-format/types.js';
import { destinationKey } from './lock.js';
import { JsonLines } from './records.js';
import type { LedgerSink } from './types.js';

const entryKey = (e: Pick<CleanupEntry, 'kind' | 'keyPath' | 'field'>) => JSON.stringify([e.kind, e.keyPath, e.field]);

/**
 * Placeholders written to one destination and not yet in the report of a run that finished its plan. Each
 * is recorded before the write that may put it there, so a run killed before its report, or a plan replaced
 * by a new one (which no longer writes what is already there), still has them reported. The run that
 * finishes a plan reports them all and starts the ledger afresh. Kept beside the journal, one per destination.
 */
export class PlaceholderLedger implements LedgerSink {
  private lines?: JsonLines;

  constructor(readonly file: string) {}

  static beside(journalFile: string, url: string, space: string): PlaceholderLedger {
    return new PlaceholderLedger(join(dirname(journalFile), `octosync-placeholders-${destinationKey(url, space)}.jsonl`));
  }

  record(entries: CleanupEntry[], plan: string): void {
    this.lines ??= new JsonLines(this.file);
    for (const e of entries) this.lines.write({ plan, ...e });
  }

  /** Every entry recorded, once each (the latest wording wins). */
  entries(): CleanupEntry[] {
    if (!existsSync(this.file)) return [];
    const byKey = new Map<string, CleanupEntry>();
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      try {
        const { plan: _plan, ...e } = JSON.parse(line);
        if (typeof e.kind === 'string' && Array.isArray(e.keyPath) && typeof e.field === 'string') byKey.set(entryKey(e), e as CleanupEntry);
      } catch {
        // An empty line, or one cut short by a crash (its write had not started).
      }
    }
    return [...byKey.values()];
  }

  clear(): void {
    rmSync(this.file, { force: true });
  }
}

/** This run's entries, then those of earlier runs it does not repeat. */
export function mergeCleanup(current: CleanupEntry[], earlier: CleanupEntry[]): CleanupEntry[] {
  const seen = new Set(current.map(entryKey));
  return [...current, ...earlier.filter((e) => !seen.has(entryKey(e)))];
}
