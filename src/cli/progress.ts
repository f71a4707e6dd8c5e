import { writeStream } from '../util/write-out.js';

export interface ProgressOptions {
  /** What is counted: `kinds`, `operations`. */
  unit: string;
  /** The rate shown: its count and unit (`requests`); by default the items done. */
  rate?: () => { count: number; unit: string };
  stream?: NodeJS.WriteStream;
  /** One line updated in place (a terminal), or plain lines every `intervalMs` (CI logs); default: whether the stream is a terminal. */
  live?: boolean;
  /** Between plain lines; OCTOSYNC_PROGRESS_INTERVAL (seconds) overrides the default of 5 s. */
  intervalMs?: number;
  now?: () => number;
}

const LIVE_REFRESH_MS = 100;

/**
 * The progress of a long command (snapshot, apply) on stderr: `Snapshot: 12/24 kinds, 0 failed, 45.2
 * requests/s, 3.1 s`. On a terminal one line updated in place; elsewhere (CI, a pipe) a plain line every few
 * seconds, so that a long run is never silent and a log is not flooded.
 */
export class ProgressLine {
  private done = 0;
  private failed = 0;
  private total: number | undefined;
  private readonly started: number;
  private lastShown = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private readonly stream: NodeJS.WriteStream;
  private readonly live: boolean;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly title: string,
    private readonly options: ProgressOptions,
  ) {
    this.stream = options.stream ?? process.stderr;
    this.live = options.live ?? this.stream.isTTY === true;
    const fromEnv = Number(process.env.OCTOSYNC_PROGRESS_INTERVAL);
    this.intervalMs = options.intervalMs ?? (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv * 1000 : 5000);
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
  }

  /** Starts the clock's refresh (the elapsed time moves even while nothing finishes). */
  start(total?: number): this {
    this.total = total;
    this.timer = setInterval(() => this.tick(), this.live ? 1000 : this.intervalMs);
    this.timer.unref();
    // A terminal shows the line at once; a log gets its first line after one interval (a quick run: only the last).
    if (this.live) this.show();
    else this.lastShown = this.now();
    return this;
  }

  setTotal(total: number): void {
    this.total = total;
  }

  /** One item finished (or failed). */
  advance(failed = false): void {
    this.done++;
    if (failed) this.failed++;
    if (this.live && this.now() - this.lastShown >= LIVE_REFRESH_MS) this.show();
  }

  /** Called by the timer: a plain line when its interval has passed, a fresh live line otherwise. */
  tick(): void {
    if (this.live) this.show();
    else if (this.now() - this.lastShown >= this.intervalMs) this.show();
  }

  /** The final line, always printed, and the end of the live line. */
  finish(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.show();
    if (this.live) writeStream(this.stream, '\n');
  }

  /** After a failure: the live line is erased (the error says what happened), a log gets nothing more. */
  abandon(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.live) writeStream(this.stream, '\r\x1b[K');
  }

  /** The line as it stands (no escapes). */
  text(): string {
    const seconds = Math.max(0, (this.now() - this.started) / 1000);
    const rate = this.options.rate?.() ?? { count: this.done, unit: this.options.unit };
    const perSecond = seconds > 0 ? rate.count / seconds : 0;
    const of = this.total !== undefined ? `${this.done}/${this.total}` : String(this.done);
    return `${this.title}: ${of} ${this.options.unit}, ${this.failed} failed, ${perSecond.toFixed(1)} ${rate.unit}/s, ${seconds.toFixed(1)} s`;
  }

  private show(): void {
    this.lastShown = this.now();
    const line = this.text();
    if (!this.live) {
      writeStream(this.stream, line + '\n');
      return;
    }
    // Carriage return and "erase line": the line is rewritten in place; cut to the terminal's width.
    const width = this.stream.columns ? this.stream.columns - 1 : line.length;
    const shown = line.length > width ? line.slice(0, width) : line;
    writeStream(this.stream, `\r\x1b[K${shown}`);
  }
}
