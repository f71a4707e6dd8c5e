import { isLateReferences, lateReferencesId } from '../plan-format/operations.js';
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, readFileSync } from 'node:fs';
import { InterruptedError, OctosyncError, PartialApplyError, ServerError, StalePlanError, UsageError } from '../errors.js';
import { normaliseServerUrl, OctopusClient, type ClientOptions } from '../octopus/client.js';
import { changedFields, fieldPrints } from '../plan/field-prints.js';
import { caseAliases } from '../plan/case-names.js';
import { readPlanFile } from '../plan-format/file.js';
import { operationId } from '../plan-format/operations.js';
import { fromKeyed, toKeyed } from '../plan/keyed.js';
import type { CleanupEntry, Operation, Plan } from '../plan-format/types.js';
import { kindDef, ownerProject } from '../registry/kinds.js';
import type { KindDef } from '../registry/types.js';
import { isSpaceId } from '../snapshot/connect.js';
import { compareVariables, normalizeVariablesWithIds } from '../snapshot/modules/variables.js';
import { derivedNames } from '../snapshot/modules/derived-names.js';
import { nestedPath, type RawDoc } from '../snapshot/read.js';
import { patched } from '../util/json-patch.js';
import { Limiter } from '../util/limit.js';
import { parseVersion } from '../util/version.js';
import { toApiBody, variablesBody, type BodyContext } from './denormalize.js';
import { DestinationState } from './destination.js';
import { ApplyLocks } from './lock.js';
import { mergeCleanup, PlaceholderLedger } from './placeholders.js';
import { JsonLines, writeCleanupReport } from './records.js';
import { tenantVariablesBody } from './tenant-variables.js';
import { readTenantVariables, writeTenantVariables } from '../snapshot/modules/tenant-variables-read.js';
import { classifyDelete, executeDelete } from './delete.js';
import { prepareBaseline, type BaselineFiles, type BaselineRecorder } from '../baseline/write.js';

type Json = Record<string, any>;

export interface ApplyOptions extends ClientOptions {
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
  /** Write the baseline (issue 18) once the run ends: what finished, from the plan's source snapshot. */
  baseline?: BaselineFiles;
}

export type OperationOutcome = 'created' | 'updated' | 'deleted' | 'references' | 'already' | 'failed' | 'not-run';

export interface ApplyProgress {
  /** The operations to run (skips left out), once every check has passed. */
  start(ops: Operation[]): void;
  operation(op: Operation, outcome: OperationOutcome): void;
}

export interface ApplyResult {
  created: number;
  updated: number;
  /** Items deleted (a plan made with a baseline under `deletions: propagate`). */
  deleted: number;
  /** Operations the destination already reflected (a re-run after a failure or a crash). */
  alreadyApplied: number;
  failed: { id: string; error: string }[];
  notRun: string[];
  cleanup: CleanupEntry[];
  files: { journal: string; log?: string; cleanupMarkdown: string; cleanupJson: string; baseline?: string };
  requests: number;
  seconds: number;
}

type Status = 'pending' | 'done' | 'stale';

/** What writing needs: the body context, and per operation the fingerprints that mean it is done. */
interface RunContext extends BodyContext {
  results: Map<string, string[]>;
}

/**
 * Executes an approved plan on the destination: checks first (checksum, destination, versions, and that
 * every item the plan touches is as it was when planned), then writes in dependency order with bounded
 * concurrency. Nothing is written when a check fails. A re-run of the same plan recognises finished
 * operations because the destination now holds their result, and continues where the last run stopped.
 */
export async function applyPlan(options: ApplyOptions): Promise<ApplyResult> {
  const started = performance.now();
  const plan = readPlanFile(options.planFile);
  checkApproved(options.planFile, plan, options.expectChecksum);
  // Baseline inputs are checked before anything is written (issue 18).
  const baseline = options.baseline ? prepareBaseline(options.baseline, plan) : undefined;
  const progress = options.progress;
  const journalFile = options.journalFile ?? `${options.planFile}.journal.jsonl`;
  const serverUrl = normaliseServerUrl(options.server);
  // One apply at a time per plan and per destination from this machine; nothing is opened before the locks.
  const locks = ApplyLocks.take([`${journalFile}.lock`, ApplyLocks.destinationLock(serverUrl, options.space, options.lockDir)], options.planFile);
  try {
    return await applyLocked(options, plan, journalFile, progress, started, baseline);
  } finally {
    locks.releaseAll();
  }
}

async function applyLocked(options: ApplyOptions, plan: Plan, journalFile: string, progress: ApplyProgress | undefined, started: number, baseline?: BaselineRecorder): Promise<ApplyResult> {
  const log = new JsonLines(options.logFile);
  // Operations an earlier run started and did not finish: their create may have happened (look before POSTing).
  const unfinished = unfinishedOperations(journalFile);
  const journal = new JsonLines(journalFile);
  // The moment apply learnt it must stop: no operation starts after this line of the journal.
  options.signal?.addEventListener('abort', () => journal.write({ event: 'stopping' }), { once: true });
  const ledger = PlaceholderLedger.beside(journalFile, normaliseServerUrl(options.server), options.space);
  const currentOp = new AsyncLocalStorage<string>();
  const client = new OctopusClient({
    ...options,
    onRequest: (e) => {
      const { body, ...line } = e;
      log.write({ type: 'request', ...line, operation: currentOp.getStore() ?? null, ...(options.logLevel === 'debug' && body !== undefined ? { body: redactBody(body) } : {}) });
      options.onRequest?.(e);
    },
  });

  try {
    // A space given by id (`Spaces-1`) is compared by its name once read.
    checkDestination(options.planFile, plan, client.baseUrl, isSpaceId(options.space) ? undefined : options.space);
    const dest = await DestinationState.read(client, options.space, caseAliases(plan.caseMatches));
    checkDestination(options.planFile, plan, client.baseUrl, dest.space.name);
    checkVersions(plan, dest.space.serverVersion);

    const ops = plan.operations.filter((o) => o.action !== 'skip');
    const byId = new Map(ops.map((o) => [o.id, o]));
    for (const op of ops) {
      if (op.kind === 'stepTemplate' && op.destination?.version !== undefined) {
        dest.plannedTemplates.set(op.keyPath[0], { version: op.destination.version, fingerprint: op.destination.fingerprint });
      }
    }
    const status = new Map<string, Status>();
    const stale: string[] = [];
    for (const op of ops) {
      const s = classify(op, byId, dest);
      status.set(op.id, s.status);
      if (s.status === 'stale') stale.push(s.why);
    }
    for (const op of plan.operations.filter((o) => o.action === 'skip')) log.write({ type: 'decision', operation: op.id, action: 'skip', reason: op.reason });
    if (stale.length) {
      throw new StalePlanError(
        `the destination changed since this plan was made; nothing was written. Plan again.\n  ${stale.join('\n  ')}`,
      );
    }

    const results = new Map(ops.map((o) => [o.id, [o.result, byId.get(lateReferencesId(o.id))?.result].filter((r): r is string => !!r)]));
    const ctx: RunContext = { dest, placeholder: plan.policy.content.variables.placeholder, results };
    const limiter = new Limiter(options.parallelism ?? 8);
    const outcome = new Map<string, Promise<boolean>>();
    const failed: ApplyResult['failed'] = [];
    const notRun: string[] = [];
    const finished = new Set<string>();
    let created = 0;
    let updated = 0;
    let deleted = 0;
    const alreadyApplied = [...status.values()].filter((s) => s === 'done').length;
    progress?.start(ops);

    const interrupted = () => options.signal?.aborted === true;
    const total = ops.length;
    const doneCount = () => alreadyApplied + finished.size;
    if (interrupted()) throw new InterruptedError(interruptedMessage(alreadyApplied, total));
    const run = (op: Operation): Promise<boolean> => {
      let p = outcome.get(op.id);
      if (p) return p;
      p = (async () => {
        if (status.get(op.id) === 'done') {
          progress?.operation(op, 'already');
          return true;
        }
        const deps = await Promise.all(op.dependsOn.filter((d) => byId.has(d)).map((d) => run(byId.get(d)!)));
        if (interrupted()) return false;
        if (!deps.every(Boolean)) {
          notRun.push(op.id);
          log.write({ type: 'decision', operation: op.id, action: 'not-run', reason: 'an operation it depends on failed' });
          progress?.operation(op, 'not-run');
          return false;
        }
        return limiter.run(() =>
          currentOp.run(op.id, async () => {
            // Stopping: what waited for a free slot does not start.
            if (interrupted()) return false;
            journal.write({ event: 'started', operation: op.id });
            if (op.cleanup?.length) ledger.record(op.cleanup, plan.checksum);
            log.write({ type: 'decision', operation: op.id, action: op.action, reason: op.reason });
            try {
              await execute(op, client, dest, ctx, unfinished.has(op.id) || parentCreatedByPlan(op, byId));
              journal.write({ event: 'finished', operation: op.id });
              finished.add(op.id);
              if (op.action === 'create') created++;
              else if (op.action === 'delete') deleted++;
              else if (!isLateReferences(op)) updated++;
              progress?.operation(op, op.action === 'create' ? 'created' : op.action === 'delete' ? 'deleted' : isLateReferences(op) ? 'references' : 'updated');
              return true;
            } catch (err) {
              const message = err instanceof Error ? err.message : String(err);
              journal.write({ event: 'failed', operation: op.id, error: message });
              log.write({ type: 'error', operation: op.id, error: message });
              failed.push({ id: op.id, error: message });
              progress?.operation(op, 'failed');
              return false;
            }
          }),
        );
      })();
      outcome.set(op.id, p);
      return p;
    };
    // Deletes (issue 18) go last, one at a time in the plan's order (children first), and only after every
    // other operation succeeded: a failed write leaves them for the re-run.
    await Promise.all(ops.filter((o) => o.action !== 'delete').map(run));
    for (const op of ops.filter((o) => o.action === 'delete')) if (!failed.length && !interrupted()) await run(op);
    if (interrupted()) journal.write({ event: 'interrupted', done: doneCount(), of: total });

    // Placeholders now on the destination: those of operations finished in this run or an earlier one, and
    // those earlier runs (of this plan or an unfinished earlier one) recorded, where the item is there.
    const ours = ops.filter((o) => status.get(o.id) === 'done' || finished.has(o.id)).flatMap((o) => o.cleanup ?? []);
    const cleanup = mergeCleanup(ours, ledger.entries().filter((e) => dest.idOf(e.kind, e.keyPath) !== undefined));
    // The baseline moves only as far as this run (and earlier ones) got: finished operations (issue 18).
    const isDone = (id: string) => status.get(id) === 'done' || finished.has(id);
    baseline?.record(dest, isDone, ops.filter((o) => o.action === 'delete' && isDone(o.id)));
    const cleanupBase = options.cleanupBase ?? options.planFile.replace(/\.json$/i, '') + '.cleanup';
    const deletedItems = ops.filter((o) => o.action === 'delete' && finished.has(o.id)).map((o) => `${kindDef(o.kind).label.toLowerCase()} \`${o.keyPath.join(' / ')}\``);
    const report = writeCleanupReport(cleanupBase, cleanup, { url: plan.destination.url, space: plan.destination.space }, deletedItems);
    const result: ApplyResult = {
      created,
      updated,
      deleted,
      alreadyApplied,
      failed,
      notRun: notRun.sort(),
      cleanup,
      files: { journal: journalFile, log: options.logFile, cleanupMarkdown: report.markdown, cleanupJson: report.json, ...(baseline ? { baseline: baseline.file } : {}) },
      requests: client.counts.total,
      seconds: (performance.now() - started) / 1000,
    };
    // This run finished the plan and reported every placeholder: the next plan's report starts afresh.
    if (!failed.length && !interrupted()) ledger.clear();
    if (interrupted()) {
      throw Object.assign(new InterruptedError(interruptedMessage(doneCount(), total, failed.length)), { result });
    }
    if (failed.length) {
      const wrote = created + updated + deleted + alreadyApplied > 0;
      const lines = failed.map((f) => `${f.id}: ${f.error}`).join('\n  ');
      const summary = `Apply failed: ${created} created, ${updated} updated, ${deleted ? `${deleted} deleted, ` : ''}${failed.length} failed, ${notRun.length} not run.\n  ${lines}`;
      if (wrote) throw Object.assign(new PartialApplyError(`${summary}\nThe destination is partly updated: run the same plan again to finish.`), { result });
      throw Object.assign(new OctosyncError(`${summary}\nNothing was written.`), { result });
    }
    return result;
  } finally {
    // Nothing may go on (and retry) behind a failure the command has reported; keep-alive sockets close.
    client.close();
  }
}

/**
 * A request body fit for a log: SensitiveValue `NewValue`s and the values of sensitive variables replaced.
 * octosync never holds a real secret (it writes placeholders), but a log is no place to find out.
 */
export function redactBody(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(redactBody);
  if (!body || typeof body !== 'object') return body;
  const out: Record<string, unknown> = {};
  const sensitiveVariable = (body as Record<string, unknown>).IsSensitive === true;
  for (const [k, v] of Object.entries(body)) {
    if ((k === 'NewValue' && v !== null) || (k === 'Value' && sensitiveVariable && v !== null)) out[k] = '(redacted)';
    else out[k] = redactBody(v);
  }
  return out;
}

function interruptedMessage(done: number, total: number, failed = 0): string {
  return `interrupted: ${done} of ${total} operations done${failed ? ` (${failed} failed)` : ''}; run the same plan again to finish`;
}

/** `--expect-checksum`: the plan is the one the reviewer approved, not merely a plan with a valid checksum. */
function checkApproved(file: string, plan: Plan, expected: string | undefined): void {
  if (expected === undefined) return;
  const want = expected.trim().toLowerCase();
  if (!/^sha256:[0-9a-f]{64}$/.test(want)) {
    throw new UsageError(`--expect-checksum: '${expected}' is not a plan checksum (sha256: and 64 hex digits, as octosync show prints it)`);
  }
  if (plan.checksum !== want) {
    throw new OctosyncError(`${file}: /checksum: this plan's checksum is ${plan.checksum}, not the approved ${want}: it is not the plan that was approved; nothing was written`);
  }
}

function checkDestination(file: string, plan: Plan, url: string, space: string | undefined): void {
  if (normaliseServerUrl(plan.destination.url) !== url || (space !== undefined && plan.destination.space !== space)) {
    throw new OctosyncError(
      `${file}: /destination: this plan was made for ${plan.destination.url} (space '${plan.destination.space}'), not ${url}${space !== undefined ? ` (space '${space}')` : ''}; nothing was written`,
    );
  }
}

function checkVersions(plan: Plan, current: string): void {
  const planned = parseVersion(plan.destination.serverVersion);
  const now = parseVersion(current);
  const source = parseVersion(plan.source.serverVersion);
  if (!planned || !now || !source) return;
  if (planned.major !== now.major || planned.minor !== now.minor) {
    throw new StalePlanError(`the destination runs Octopus ${current} now, ${plan.destination.serverVersion} when planned: plan again; nothing was written`);
  }
  if (!plan.policy.content.versions.allowSkew && (source.major !== now.major || Math.abs(source.minor - now.minor) > 1)) {
    throw new OctosyncError(`source ${plan.source.serverVersion} and destination ${current} are more than one minor version apart; nothing was written`);
  }
}

/** Whether an operation is still to do, already done, or no longer fits the destination. */
function classify(op: Operation, byId: Map<string, Operation>, dest: DestinationState): { status: Status; why: string } {
  const def = kindDef(op.kind);
  const doc = dest.rawDoc(op.kind, op.keyPath);
  const name = `${def.label.toLowerCase()} '${op.keyPath.join(' / ')}'`;
  if (op.action === 'delete') return classifyDelete(op, doc, dest, name);
  // The item checked is the item written: the name must still belong to the id the plan recorded.
  const replaced = identityProblem(op, doc, dest, name);
  if (replaced) return { status: 'stale', why: replaced };
  const current = doc ? dest.normalize(op.kind, op.keyPath, doc) : undefined;
  const lateResult = byId.get(lateReferencesId(op.id))?.result;
  const done = current && (current.meta.fingerprint === op.result || (lateResult !== undefined && current.meta.fingerprint === lateResult));
  if (isLateReferences(op)) return { status: done ? 'done' : 'pending', why: '' };
  if (done) return { status: 'done', why: '' };
  if (op.action === 'create') {
    // A process or variable set is created with its parent: filling it in is this operation's job. So is an
    // item the server made inside a parent this plan creates (a new project's "Default" channel): that parent
    // did not exist when the plan was made, so whatever is in it now came from a run of this plan.
    if (!current || def.parent?.ownedOne || parentCreatedByPlan(op, byId)) return { status: 'pending', why: '' };
    return { status: 'stale', why: `${name}: created on the destination since planning` };
  }
  if (!current) return { status: 'stale', why: `${name}: deleted from the destination since planning` };
  // Usages are compared with their templates as planned: an earlier run may have updated a template already.
  const asPlanned = def.module === 'process' ? dest.normalize(op.kind, op.keyPath, doc!, true) : current;
  if (asPlanned.meta.fingerprint === op.destination?.fingerprint) return { status: 'pending', why: '' };
  const fields = op.destination?.fields ? changedFields(op.destination.fields, fieldPrints(op.kind, asPlanned.content)) : [];
  return { status: 'stale', why: `${name}: changed since planning${fields.length ? ` (${fields.join(', ')})` : ''}` };
}

/**
 * An update whose recorded destination id no longer goes with its name (the item was renamed and another
 * took its name, or the destination was rebuilt or restored): both sides named.
 */
function identityProblem(op: Operation, doc: RawDoc | undefined, dest: DestinationState, name: string): string | undefined {
  const recorded = op.destination?.id;
  if (!recorded) return undefined;
  const { idMember } = kindDef(op.kind);
  const idNow = doc ? String(doc[idMember ?? 'Id']) : undefined;
  if (idNow === recorded) return undefined;
  // An id that is another item's (a tenant's, for its variables) tells no rename.
  const renamed = idMember ? undefined : dest.keyPathOfId(op.kind, recorded);
  const parts: string[] = [];
  if (idNow) parts.push(`the name now belongs to ${idNow}, not to ${recorded} as when planned`);
  if (renamed) parts.push(`${recorded} is now named '${renamed.join(' / ')}'`);
  return parts.length ? `${name}: replaced since planning (${parts.join('; ')})` : undefined;
}

/** Whether the plan creates this operation's parent (a channel's or runbook's project, a new project). */
function parentCreatedByPlan(op: Operation, byId: Map<string, Operation>): boolean {
  const def = kindDef(op.kind);
  if (!def.parent || def.parent.ownedOne) return false;
  return byId.get(operationId(def.parent.kind, op.keyPath.slice(0, -1)))?.action === 'create';
}

/** The API path of an owned document (a project's process or variables). */
function ownedPath(def: KindDef, parent: RawDoc, dest: DestinationState): string {
  if (def.fetch.from === 'nested') return nestedPath(dest.spaceBase, def, parent.Id);
  if (def.fetch.from !== 'owned') throw new Error(`${def.kind} is not an owned document`);
  const id = parent[def.fetch.idField];
  if (!id) throw new ServerError(`${kindDef(def.parent!.kind).label.toLowerCase()} '${parent.Name}' has no ${def.fetch.idField} on the destination`);
  return `${dest.spaceBase}/${def.fetch.path}/${id}`;
}

function collectionPath(def: KindDef, dest: DestinationState): string {
  if (def.fetch.from !== 'collection') throw new Error(`${def.kind} has no collection`);
  return def.scope === 'system' ? `/api/${def.fetch.path}` : `${dest.spaceBase}/${def.fetch.path}`;
}

function unfinishedOperations(file: string): Set<string> {
  const started = new Set<string>();
  if (!existsSync(file)) return started;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
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

/**
 * `mayExist`: the item may already be there although the plan creates it (an earlier run started this
 * operation and did not finish, or a new parent brought it along): look it up by exact name before POSTing.
 */
async function execute(op: Operation, client: OctopusClient, dest: DestinationState, ctx: RunContext, mayExist: boolean): Promise<void> {
  const def = kindDef(op.kind);
  const what = `${def.label.toLowerCase()} '${op.keyPath.join(' / ')}'`;
  if (op.action === 'delete') return executeDelete(op, client, dest, collectionPath(def, dest));
  if (def.parent?.ownedOne) {
    const parent = dest.rawDoc(def.parent.kind, op.keyPath);
    if (!parent) throw new ServerError(`${what}: its ${kindDef(def.parent.kind).label.toLowerCase()} is not on the destination`);
    // A tenant's variables are read and written through the endpoints the server speaks (one or two of them).
    const io: DocIo =
      def.module === 'tenantVariables'
        ? { read: () => readTenantVariables(client, dest.spaceBase, parent, dest.tenantVariablesApi), write: (body) => writeTenantVariables(client, dest.spaceBase, parent, body) }
        : pathIo(ownedPath(def, parent, dest), client, what);
    dest.remember(op.kind, op.keyPath, await readModifyWrite(io, op, def, dest, ctx));
    return;
  }
  if (op.action === 'create') {
    // A child of a parent this plan creates may exist already (a project's "Default" channel), and a create
    // that failed ambiguously may have happened: the item of the exact name is the plan's own, and adopted.
    // Any other create looks first too: another apply (from another machine) may have made it meanwhile.
    const existing = mayExist ? await findExisting(def, op.keyPath, client, dest, what) : await findByName(def, op.keyPath, client, dest, what);
    if (existing) return adopt(op, def, existing, client, dest, ctx, mayExist, what);
    const body = toApiBody(def, op.keyPath, op.desired!, undefined, ctx);
    try {
      const made = await createOnce(def, op.keyPath, body, client, dest, what);
      dest.remember(op.kind, op.keyPath, def.nameFrom ? await keepEarliest(def, op.keyPath, made, client, dest, what) : made);
    } catch (err) {
      // Made by someone else between the look and the create: the server refuses a second of the name.
      const taken = err instanceof ServerError && err.status === 400 && /must be unique|already (in use|using|exists)/i.test(err.message);
      const now = taken ? await findByName(def, op.keyPath, client, dest, what) : undefined;
      if (!now) throw err;
      await adopt(op, def, now, client, dest, ctx, mayExist, what);
    }
    return;
  }
  const id = op.destination?.id ?? dest.idOf(op.kind, op.keyPath);
  if (!id) throw new ServerError(`${what}: not found on the destination`);
  dest.remember(op.kind, op.keyPath, await readModifyWrite(pathIo(`${collectionPath(def, dest)}/${id}`, client, what), op, def, dest, ctx));
}

/** How a document is read and written: one path by default. */
interface DocIo {
  read(): Promise<RawDoc>;
  write(body: RawDoc): Promise<RawDoc | undefined>;
}

function pathIo(path: string, client: OctopusClient, what: string): DocIo {
  return { read: () => client.get<RawDoc>(path, what), write: (body) => client.put<RawDoc>(path, body, what) };
}

/**
 * An item of the exact name the plan creates, found on the destination. The plan's own (`mayExist`) is
 * filled in; one that already holds the plan's result was made by another run of this plan (another
 * machine) and is left as it is; anything else was made by someone else since planning and is not touched.
 */
async function adopt(op: Operation, def: KindDef, existing: RawDoc, client: OctopusClient, dest: DestinationState, ctx: RunContext, mayExist: boolean, what: string): Promise<void> {
  if (mayExist) {
    const body = toApiBody(def, op.keyPath, op.desired!, existing, ctx);
    dest.remember(op.kind, op.keyPath, await client.put<RawDoc>(selfPath(def, existing, dest), body, what));
    return;
  }
  if (ctx.results.get(op.id)?.includes(dest.normalize(op.kind, op.keyPath, existing).meta.fingerprint)) {
    dest.remember(op.kind, op.keyPath, existing);
    return;
  }
  throw new StalePlanError(`${what}: created on the destination by someone else while this plan was applied (${existing.Id}); not overwritten: plan again`);
}

/**
 * GET, build, PUT with the document's current `Version`. A PUT whose answer was lost may have been carried
 * out (and its retry then refused as out of date): the document is read again, and if it holds the
 * operation's result the write is done; otherwise it is written again from the fresh document.
 */
async function readModifyWrite(io: DocIo, op: Operation, def: KindDef, dest: DestinationState, ctx: BodyContext): Promise<RawDoc> {
  for (let attempt = 1; ; attempt++) {
    const current = await io.read();
    if (attempt > 1 && dest.normalize(op.kind, op.keyPath, current).meta.fingerprint === op.result) return current;
    const body = buildBody(op, def, current, dest, ctx);
    try {
      return (await io.write(body)) ?? current;
    } catch (err) {
      const outOfDate = err instanceof ServerError && err.status === 400 && /out of date/i.test(err.message);
      if (!(err instanceof ServerError) || !(err.ambiguous || outOfDate) || attempt >= POST_ATTEMPTS) throw err;
    }
  }
}

const POST_ATTEMPTS = 4;

/**
 * POST is never retried blindly: after an ambiguous failure (no answer, 5xx, 429) the item is looked up by
 * exact name and adopted if the POST did create it; only when it is not there is the POST sent again.
 */
async function createOnce(def: KindDef, keyPath: string[], body: RawDoc, client: OctopusClient, dest: DestinationState, what: string): Promise<RawDoc> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.post<RawDoc>(collectionPath(def, dest), body, what);
    } catch (err) {
      if (!(err instanceof ServerError) || !err.ambiguous) throw err;
      const adopted = await findByName(def, keyPath, client, dest, what);
      if (adopted) return adopted;
      if (attempt >= POST_ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
    }
  }
}

function selfPath(def: KindDef, doc: RawDoc, dest: DestinationState): string {
  return `${collectionPath(def, dest)}/${doc.Id}`;
}

async function findByName(def: KindDef, keyPath: string[], client: OctopusClient, dest: DestinationState, what: string): Promise<RawDoc | undefined> {
  const name = keyPath[keyPath.length - 1];
  const parentId = def.parent ? dest.idOf(def.parent.kind, keyPath.slice(0, -1)) : undefined;
  // partialName is a "contains" match: filter exactly here. A child is searched for among its parent's
  // items only ("Hotfix" would otherwise find every project's Hotfix channel).
  const path = def.parent && parentId ? childrenPath(def, parentId, dest) : collectionPath(def, dest);
  // Kinds without names (scoped user roles) cannot be searched by name: their parent's items are listed.
  const search: Record<string, string> = def.nameFrom ? {} : { partialName: name };
  const found = await client.listAll<RawDoc>(path, { ...search, ...(def.fetch.from === 'collection' ? def.fetch.query : {}) }, 1000, what);
  const nameOf = docNames(def, found, dest);
  return found.find((d) => nameOf(d) === name && (!def.parent || d[def.parent.field] === parentId));
}

/** `/api/Spaces-1/projects/Projects-1/channels`: a parent's items of a kind. */
function childrenPath(def: KindDef, parentId: string, dest: DestinationState): string {
  if (def.fetch.from !== 'collection' || !def.parent) throw new Error(`${def.kind} has no collection within a parent`);
  return `${collectionPath(kindDef(def.parent.kind), dest)}/${parentId}/${def.fetch.path}`;
}

/** Per run: a parent's items of a kind (`channel\0Projects-1`), listed before this run created any of them. */
const listedChildren = new WeakMap<DestinationState, Map<string, Promise<RawDoc[]>>>();

/**
 * The item of this exact name already on the destination, looked for before a POST. The children of a
 * parent (a new project's channels and runbooks) are listed once for all siblings, one request per parent
 * and kind rather than a search per item; siblings never look for each other, so the list stays valid.
 */
async function findExisting(def: KindDef, keyPath: string[], client: OctopusClient, dest: DestinationState, what: string): Promise<RawDoc | undefined> {
  const parentId = def.parent ? dest.idOf(def.parent.kind, keyPath.slice(0, -1)) : undefined;
  if (!def.parent || !parentId) return findByName(def, keyPath, client, dest, what);
  let lists = listedChildren.get(dest);
  if (!lists) listedChildren.set(dest, (lists = new Map()));
  const key = `${def.kind}\u0000${parentId}`;
  let list = lists.get(key);
  if (!list) lists.set(key, (list = client.listAll<RawDoc>(childrenPath(def, parentId, dest), {}, 1000, what)));
  const name = keyPath[keyPath.length - 1];
  const field = def.parent.field;
  const listed = await list;
  const nameOf = docNames(def, listed, dest);
  return listed.find((d) => nameOf(d) === name && d[field] === parentId);
}

/**
 * A kind without names has no server-side uniqueness to stop two applies creating the same item at once (two
 * machines without a shared lock): after a create, the parent's items of the same name are listed, and the one
 * created first (lowest id number) is kept. A later copy is this run's own POST of a moment ago, and is deleted:
 * both runs settle on one item, as a second POST of a named item is refused.
 */
async function keepEarliest(def: KindDef, keyPath: string[], made: RawDoc, client: OctopusClient, dest: DestinationState, what: string): Promise<RawDoc> {
  const parentId = def.parent ? dest.idOf(def.parent.kind, keyPath.slice(0, -1)) : undefined;
  const listed = await client.listAll<RawDoc>(def.parent && parentId ? childrenPath(def, parentId, dest) : collectionPath(def, dest), {}, 1000, what);
  const nameOf = docNames(def, listed, dest);
  const number = (d: RawDoc) => Number(String(d.Id).replace(/^\D+/, '')) || 0;
  const first = listed.filter((d) => nameOf(d) === keyPath[keyPath.length - 1]).sort((a, b) => number(a) - number(b))[0];
  if (!first || first.Id === made.Id || number(first) >= number(made)) return made;
  await client.delete(selfPath(def, made, dest), what);
  return first;
}

/** How the documents of a kind are named: `Name`, or for kinds without one (registry `nameFrom`) as a snapshot names them. */
function docNames(def: KindDef, docs: RawDoc[], dest: DestinationState): (doc: RawDoc) => unknown {
  if (!def.nameFrom) return (d) => d.Name;
  const names = derivedNames(def, docs, dest.index);
  return (d) => names.get(String(d.Id));
}

/** The document to PUT: the plan's desired content (a create) or the current content with the plan's patch. */
function buildBody(op: Operation, def: KindDef, current: RawDoc, dest: DestinationState, ctx: BodyContext): RawDoc {
  // Variables are normalised once, with their ids: the same list is the patch's base and the id lookup.
  const withIds = def.module === 'variables' ? normalizeVariablesWithIds(current, { index: dest.index, warnings: [], where: op.id }) : undefined;
  const desired: Json =
    op.action === 'create' && !op.patch
      ? op.desired!
      : fromKeyed(op.kind, patched(toKeyed(op.kind, withIds ? { Variables: withIds.map((v) => v.variable) } : dest.normalize(op.kind, op.keyPath, current, true).content), op.patch ?? []));
  if (withIds) {
    const project = ownerProject(op.kind, op.keyPath);
    // Existing values keep their place in each name's list (the planner appends new ones), so position maps to id.
    const idsByName = new Map<string, (string | undefined)[]>();
    for (const { variable, id } of withIds) {
      const name = String(variable.Name);
      if (!idsByName.has(name)) idsByName.set(name, []);
      idsByName.get(name)!.push(id);
    }
    const list: Json[] = desired.Variables ?? [];
    const seen = new Map<string, number>();
    const ids = list.map((v) => {
      const i = seen.get(v.Name) ?? 0;
      seen.set(v.Name, i + 1);
      return op.action === 'create' ? undefined : idsByName.get(v.Name)?.[i];
    });
    const order = list.map((v, i) => ({ v, id: ids[i] })).sort((a, b) => compareVariables(a.v, b.v));
    return variablesBody(current, order.map((o) => o.v), order.map((o) => o.id), ctx, project);
  }
  if (def.module === 'tenantVariables') return tenantVariablesBody(current, desired, dest, ctx.placeholder);
  return toApiBody(def, op.keyPath, desired, current, ctx);
}
