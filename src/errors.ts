/**
 * Typed errors. Every failure a user can cause or meet is one of these; each carries the process exit
 * code it maps to. The mapping to the process exit happens in one place: src/cli/run.ts.
 */

/**
 * The exit codes, defined once: `octosync --help`, the apply epilogue and README's table come from (or are
 * checked against) this table. `meaning` is markdown (README); `apply` is what the code means after `apply`.
 */
export const EXIT_CODES = {
  ok: { code: 0, meaning: 'success (`plan --detailed-exitcode`: nothing to write; differences held back are still listed, as skips)', apply: 'applied' },
  error: {
    code: 1,
    meaning: 'error: bad input, unreachable server, wrong key, refused or stale plan, failure before any write (nothing was written)',
    apply: 'refused or failed before any write (nothing written)',
  },
  changes: { code: 2, meaning: '`plan --detailed-exitcode`: the plan has something to write' },
  partialApply: {
    code: 3,
    meaning:
      '`apply`: partially applied — some operations were written, some failed; **run the same plan again** to finish (finished operations are recognised and not repeated)',
    apply: 'partially applied (run the same plan again to finish)',
  },
  interrupted: {
    code: 130,
    meaning: '`apply`: interrupted by Ctrl-C or SIGTERM — operations in flight finished, the journal is written; **run the same plan again** to finish',
    apply: 'interrupted (run the same plan again to finish)',
  },
} as const satisfies Record<string, { code: number; meaning: string; apply?: string }>;

type ExitCodes = typeof EXIT_CODES;
export const ExitCode = Object.fromEntries(Object.entries(EXIT_CODES).map(([k, v]) => [k, v.code])) as {
  readonly [K in keyof ExitCodes]: ExitCodes[K]['code'];
};

/** A meaning for a terminal: markdown emphasis and code marks dropped. */
const plain = (s: string) => s.replace(/\*\*|`/g, '');

/** The exit-code table of `octosync --help`. */
export function exitCodesHelp(): string {
  return ['Exit codes:', ...Object.values(EXIT_CODES).map((e) => `  ${e.code}  ${plain(e.meaning)}`)].join('\n');
}

/** The one-line exit-code note of `octosync apply --help`. */
export function applyExitCodesHelp(): string {
  const entries = Object.values(EXIT_CODES).filter((e): e is Extract<ExitCodes[keyof ExitCodes], { apply: string }> => 'apply' in e);
  return `Exit codes: ${entries.map((e) => `${e.code} ${e.apply}`).join('; ')}.`;
}

export class OctosyncError extends Error {
  readonly exitCode: number = ExitCode.error;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Wrong flags or arguments. */
export class UsageError extends OctosyncError {}

/** A file (snapshot, plan, policy, seed, state) that cannot be read or does not fit its schema. */
export class InputFileError extends OctosyncError {
  constructor(readonly file: string, detail: string, options?: { cause?: unknown }) {
    super(`${file}: ${detail}`, options);
  }
}

/** The Octopus server could not be reached, timed out, or answered with something unusable. */
export class ServerError extends OctosyncError {
  /** The HTTP status, when the server answered at all. */
  readonly status?: number;
  constructor(message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options);
    this.status = options?.status;
  }

  /** A failure after which the request may or may not have been carried out (no answer, 5xx, 429). */
  get ambiguous(): boolean {
    return this.status === undefined || this.status === 429 || this.status >= 500;
  }
}

/** 401/403 from the server. */
export class AuthenticationError extends OctosyncError {}

/** The destination no longer matches what the plan was made against. */
export class StalePlanError extends OctosyncError {}

/** Some writes succeeded and some failed. */
export class PartialApplyError extends OctosyncError {
  override readonly exitCode: number = ExitCode.partialApply;
}

/** Ctrl-C or SIGTERM: apply stopped scheduling, let its requests finish and wrote its journal. */
export class InterruptedError extends OctosyncError {
  override readonly exitCode: number = ExitCode.interrupted;
}

/** A file octosync was asked to write (`--out`, a log, a report) that cannot be written. */
export class OutputFileError extends OctosyncError {
  constructor(readonly file: string, detail: string, options?: { cause?: unknown }) {
    super(`${file}: ${detail}`, options);
  }
}
