import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, readFileSync } from 'node:fs';
import type { RequestEvent } from '../octopus/client.js';
import { appendJsonLine, touchFile } from '../util/write-out.js';
import type { JournalSink, LogSink } from './types.js';

/** JSON lines, each passed through the output sanitizer (by field name and by registered secret) before it reaches the disk. */
export class JsonLines {
  constructor(readonly file: string | undefined) {
    if (file) touchFile(file);
  }

  write(record: Record<string, unknown>): void {
    if (this.file) appendJsonLine(this.file, record);
  }
}

/** The journal file: one line per operation started, finished or failed, and when the run stopped. */
export class JournalFile implements JournalSink {
  private readonly lines: JsonLines;

  constructor(readonly file: string) {
    this.lines = new JsonLines(file);
  }

  write(record: Record<string, unknown>): void {
    this.lines.write(record);
  }

  /** Operations an earlier run started and did not finish: their create may have happened. */
  unfinished(): Set<string> {
    const started = new Set<string>();
    if (!existsSync(this.file)) return started;
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const e = JSON.parse(line);
        if (e.event === 'started') started.add(e.operation);
        else if (e.event === 'finished') started.delete(e.operation);
      } catch {
        // A line cut short by a crash: the fingerprint checks cover what it would have said.
      }
    }
    return started;
  }
}

/**
 * `--log`: one JSON line per API call and per decision (none without a file). Requests are attributed to the
 * operation whose work made them (`within`); `debug` adds the bodies of writes, secrets redacted.
 */
export class LogFile implements LogSink {
  private readonly lines: JsonLines;
  private readonly current = new AsyncLocalStorage<string>();

  constructor(
    readonly file: string | undefined,
    private readonly level: 'info' | 'debug' = 'info',
  ) {
    this.lines = new JsonLines(file);
  }

  request(e: RequestEvent): void {
    // The body's secrets (a SensitiveValue's NewValue, a sensitive variable's Value) go by their field names.
    const { body, ...line } = e;
    this.lines.write({ type: 'request', ...line, operation: this.current.getStore() ?? null, ...(this.level === 'debug' && body !== undefined ? { body } : {}) });
  }

  decision(operation: string, action: string, reason: string): void {
    this.lines.write({ type: 'decision', operation, action, reason });
  }

  error(operation: string, error: string): void {
    this.lines.write({ type: 'error', operation, error });
  }

  within<T>(operation: string, work: () => Promise<T>): Promise<T> {
    return this.current.run(operation, work);
  }
}
