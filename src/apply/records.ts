import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CleanupEntry } from '../plan-format/types.js';
import { canonicalJson, writeFileAtomic } from '../util/canonical.js';
import { redact } from '../util/redact.js';

/** JSON lines, each passed through the secrets scrubber before it reaches the disk. */
export class JsonLines {
  constructor(private readonly file: string | undefined) {
    if (file) {
      mkdirSync(dirname(file) || '.', { recursive: true });
      writeFileSync(file, '', { flag: 'a' });
    }
  }

  write(record: Record<string, unknown>): void {
    if (!this.file) return;
    appendFileSync(this.file, redact(JSON.stringify(record)) + '\n');
  }
}

/** The clean-up report: every placeholder apply wrote, where it is, and what to fill in (markdown and JSON). */
export function writeCleanupReport(base: string, entries: CleanupEntry[], destination: { url: string; space: string }, deleted: string[] = []): { markdown: string; json: string } {
  const json = `${base}.json`;
  const markdown = `${base}.md`;
  // What the plan deleted (issue 18): listed only when there is any, so reports of other plans stay as they were.
  writeFileAtomic(json, canonicalJson({ destination, entries, ...(deleted.length ? { deleted } : {}) }));
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
  writeFileAtomic(markdown, lines.join('\n'));
  return { markdown, json };
}
