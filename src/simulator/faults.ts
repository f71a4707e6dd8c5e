/**
 * Deterministic fault injection: latency with jitter, and a rate of 500 / 503 / 429 (with `Retry-After`)
 * answers and connection resets. Every decision comes from a seeded PRNG, so a failing test can be replayed.
 */
export interface FaultOptions {
  /** Added to every /api request, in milliseconds. */
  latencyMs?: number;
  /** Uniform extra latency in [0, jitterMs). */
  jitterMs?: number;
  /** Fraction of /api requests (0..1) that fail. */
  faultRate?: number;
  /** Which failures to draw from (default: all four, equally likely). */
  faultKinds?: FaultKind[];
  /** `Retry-After` seconds sent with 503 and 429. */
  retryAfterSeconds?: number;
  faultSeed?: number;
}

export type FaultKind = '500' | '503' | '429' | 'reset';

export interface FaultDecision {
  delayMs: number;
  fault?: FaultKind;
  /** For writes: fail after the write was carried out (an ambiguous failure), not before. */
  afterWrite: boolean;
}

/** mulberry32: small, fast, good enough for test schedules. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private random: () => number;
  private kinds: FaultKind[];
  private options: FaultOptions;
  readonly injected: Record<FaultKind, number> = { '500': 0, '503': 0, '429': 0, reset: 0 };

  constructor(options: FaultOptions = {}) {
    this.options = { ...options };
    this.random = prng(options.faultSeed ?? 1);
    this.kinds = options.faultKinds?.length ? options.faultKinds : ['500', '503', '429', 'reset'];
  }

  /** Changes the schedule while running (tests turn faults on half-way through an apply; `POST /_sim/faults`). */
  configure(options: FaultOptions): void {
    this.options = { ...this.options, ...options };
    if (options.faultSeed !== undefined) this.random = prng(options.faultSeed);
    if (options.faultKinds) this.kinds = options.faultKinds.length ? options.faultKinds : ['500', '503', '429', 'reset'];
  }

  get retryAfterSeconds(): number {
    return this.options.retryAfterSeconds ?? 1;
  }

  decide(): FaultDecision {
    const { latencyMs = 0, jitterMs = 0, faultRate = 0 } = this.options;
    const delayMs = latencyMs + (jitterMs > 0 ? this.random() * jitterMs : 0);
    const failing = faultRate > 0 && this.random() < faultRate;
    if (!failing) return { delayMs, afterWrite: false };
    const fault = this.kinds[Math.floor(this.random() * this.kinds.length)];
    this.injected[fault]++;
    return { delayMs, fault, afterWrite: this.random() < 0.5 };
  }
}
