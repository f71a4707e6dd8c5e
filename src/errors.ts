/**
 * Typed errors. Every failure a user can cause or meet is one of these; each carries the process exit
 * code it maps to. The mapping to the process exit happens in one place: src/cli/main.ts.
 */

/** Exit codes, documented in README and in `octosync --help`. */
export const ExitCode = {
  ok: 0,
  /** Any error: bad input, unreachable server, refused plan, failure before any write. */
  error: 1,
  /** `plan --detailed-exitcode`: the plan has changes. */
  changes: 2,
  /** `apply`: some operations were written, others failed; running the same plan again finishes it. */
  partialApply: 3,
  /** `apply` stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it); running the same plan again finishes it. */
  interrupted: 130,
} as const;

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
