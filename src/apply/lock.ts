import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { OctosyncError } from '../errors.js';
import { sanitizeText } from '../util/sanitize.js';

interface Holder {
  pid: number;
  host: string;
  since: string;
  plan: string;
}

/** Another apply holds the lock (it runs, or its host cannot be asked). */
export class LockedError extends OctosyncError {}

/**
 * Exclusive lock files for one apply: one beside the journal (the same plan run twice) and one per destination
 * in the machine's temporary folder (two plans against one destination). Taken with O_EXCL, so two processes
 * never both hold one; a lock left by a process that no longer runs on this host (kill -9) is taken over.
 * Two machines share no lock: there the stale checks and the server's refusal of a second item of a name
 * (followed by a lookup and adoption, write.ts) keep the destination whole.
 */
export class ApplyLocks {
  private readonly held: string[] = [];
  private readonly release = () => this.releaseAll();

  private constructor() {}

  static take(files: string[], plan: string): ApplyLocks {
    const locks = new ApplyLocks();
    try {
      for (const file of files) locks.takeOne(file, plan);
    } catch (err) {
      locks.releaseAll();
      throw err;
    }
    // A second Ctrl-C ends the process at once: its locks go with it.
    process.once('exit', locks.release);
    return locks;
  }

  /** The per-destination lock file (in `dir`, the temporary folder by default). */
  static destinationLock(url: string, space: string, dir = tmpdir()): string {
    return join(dir, `octosync-apply-${destinationKey(url, space)}.lock`);
  }

  releaseAll(): void {
    process.removeListener('exit', this.release);
    for (const file of this.held.splice(0)) rmSync(file, { force: true });
  }

  private takeOne(file: string, plan: string): void {
    mkdirSync(dirname(file), { recursive: true });
    const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), plan };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(file, 'wx');
        try {
          writeSync(fd, sanitizeText(JSON.stringify(me)) + '\n');
        } finally {
          closeSync(fd);
        }
        this.held.push(file);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new OctosyncError(`${file}: cannot create the apply lock (${(err as NodeJS.ErrnoException).code ?? 'error'}); nothing was written`);
        }
      }
      const holder = readHolder(file);
      if (!holder && justMade(file)) throw new LockedError(`another octosync apply is taking ${file} right now: wait for it to finish. Nothing was written`);
      if (holder && (holder.host !== me.host || isRunning(holder.pid))) {
        throw new LockedError(
          `another octosync apply (process ${holder.pid} on ${holder.host}, since ${holder.since}, plan ${holder.plan}) holds ${file}: ` +
            `wait for it to finish; if that process no longer runs, delete the file. Nothing was written`,
        );
      }
      // Left by a process that is gone (or cut short while being written): take it over.
      rmSync(file, { force: true });
    }
    throw new LockedError(`${file}: another octosync apply keeps taking this lock; nothing was written`);
  }
}

/** A short stable name for a destination (server URL and space), for file names. */
export function destinationKey(url: string, space: string): string {
  return createHash('sha256').update(`${url}\u0000${space}`).digest('hex').slice(0, 16);
}

function readHolder(file: string): Holder | undefined {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8'));
    return typeof h?.pid === 'number' && typeof h?.host === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}

/** An unreadable lock younger than a few seconds is being written by its holder, not abandoned. */
function justMade(file: string): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs < 5000;
  } catch {
    return false;
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
