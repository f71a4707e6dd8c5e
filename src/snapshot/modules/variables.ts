import { variableValueKind } from '../../registry/kinds.js';
import { variableScope } from '../../registry/variable-scopes.js';
import type { Doc } from '../../octopus/decode.js';
import { decodeVariableSet } from '../documents.js';
import type { NormalizeContext } from '../normalize.js';
import { looksLikeId } from '../normalize.js';
import { isSensitiveVariable } from '../../util/sensitive.js';
import type { KindName } from '../../registry/kinds.js';


/** The label of the deployment process among process owners; runbooks are `Runbook: <name>`. */
export const DEPLOYMENT_PROCESS_OWNER = 'Deployment process';
export const runbookOwner = (name: string) => `Runbook: ${name}`;
/**
 * An `Action` scope value: the action's name with the process that holds it (`Deployment process / Backup`,
 * `Runbook: Nightly / Backup`), since a runbook's step and a deployment step may share a name.
 */
export const actionScopeName = (owner: string, action: string) => `${owner} / ${action}`;

/** The owner label of a process document's actions: the deployment process, or `Runbook: <name>`. */
export function processOwnerOf(kind: KindName, keyPath: string[]): string {
  return kind === 'runbookProcess' ? runbookOwner(keyPath[keyPath.length - 1]) : DEPLOYMENT_PROCESS_OWNER;
}

/** The members of a variable set and its variables that are checked where it is read (snapshot/documents.ts). */
type ScopeValues = Record<string, { Id: string; Name: string; ProcessType?: unknown }[] | null>;
type VariableDoc = Doc & { Id?: string | null; Name: string; Type?: string | null; Scope?: Doc | null };

/**
 * A variable set as name-keyed content: scopes in names through the set's own `ScopeValues`, reference
 * values (accounts, certificates, worker pools) as names, sensitive values never recorded, variable ids
 * dropped, and the list sorted so that the same variables always give the same bytes.
 */
export function normalizeVariableSet(doc: Doc, ctx: NormalizeContext): Record<string, unknown> {
  return { Variables: normalizeVariablesWithIds(doc, ctx).map((v) => v.variable) };
}

/** The normalised variables in snapshot order, each with the id it has on its instance (apply keeps them). */
export function normalizeVariablesWithIds(answer: Doc, ctx: NormalizeContext): { variable: Record<string, unknown>; id: string | undefined }[] {
  // Apply normalises variable sets it has just read: checked here (at no cost for one checked where it was read).
  const doc = decodeVariableSet(answer, `the server (${ctx.where})`);
  const scopeValues = (doc.ScopeValues ?? {}) as ScopeValues;
  const names = new Map<string, string>();
  for (const [list, entries] of Object.entries(scopeValues)) {
    for (const e of entries ?? []) {
      const name = list === 'Processes' ? (e.ProcessType === 'Runbook' ? runbookOwner(e.Name) : DEPLOYMENT_PROCESS_OWNER) : e.Name;
      names.set(`${list}:${e.Id}`, name);
    }
  }
  const variables = ((doc.Variables ?? []) as VariableDoc[]).map((v) => {
    const sensitive = isSensitiveVariable(v);
    const variable: Record<string, unknown> = {
      Name: v.Name,
      Type: v.Type ?? (sensitive ? 'Sensitive' : 'String'),
      IsSensitive: sensitive,
      IsEditable: v.IsEditable ?? true,
      Description: v.Description ?? null,
      Prompt: v.Prompt ?? null,
      // A sensitive value is never recorded, whatever the server sent.
      Value: sensitive ? null : translateValue(v, ctx),
      Scope: translateScope(v.Scope ?? {}, names, ctx, v.Name),
    };
    return { variable, id: typeof v.Id === 'string' ? v.Id : undefined };
  });
  return sortedByVariable(variables, (v) => v.variable);
}

function translateValue(v: VariableDoc, ctx: NormalizeContext): unknown {
  const kind = variableValueKind(v.Type);
  if (!kind || typeof v.Value !== 'string') return v.Value ?? null;
  const kinds = [kind];
  const name = ctx.index.nameOf(v.Value, kinds);
  if (name !== undefined) return name;
  if (looksLikeId(v.Value)) ctx.warnings.push(`${ctx.where}: variable '${v.Name}' refers to ${v.Value}, which is not a ${kinds.join('/')} of this space`);
  return v.Value;
}

function translateScope(scope: Record<string, unknown>, names: Map<string, string>, ctx: NormalizeContext, variable: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, raw] of Object.entries(scope)) {
    if (!Array.isArray(raw) || raw.length === 0) continue;
    const list = variableScope(key)?.list;
    const values = raw.map((id) => {
      const value = String(id);
      if (!list) return key === 'Tenant' ? (ctx.index.nameOf(value, ['tenant']) ?? value) : value;
      // Actions are named with their process from the index (ScopeValues.Actions holds bare names only).
      const name = key === 'Action' ? (fallbackName(key, value, ctx) ?? names.get(`${list}:${value}`)) : (names.get(`${list}:${value}`) ?? fallbackName(key, value, ctx));
      if (name === undefined) {
        ctx.warnings.push(`${ctx.where}: variable '${variable}' is scoped to ${key} ${value}, which this space does not have`);
        return value;
      }
      return name;
    });
    out[key] = [...new Set(values)].sort();
  }
  return out;
}

function fallbackName(key: string, id: string, ctx: NormalizeContext): string | undefined {
  const entry = ctx.index.get(id);
  if (!entry) return undefined;
  if (key === 'ProcessOwner') return entry.kind === 'runbook' ? runbookOwner(entry.name) : entry.kind === 'project' ? DEPLOYMENT_PROCESS_OWNER : undefined;
  return entry.kind === variableScope(key)?.names ? entry.name : undefined;
}

/** What variables are ordered by: name, scope, value, type. */
function variableSortKey(v: Record<string, unknown>): string {
  return [v.Name, JSON.stringify(v.Scope), JSON.stringify(v.Value), v.Type].join('\u0000');
}

/**
 * `items` ordered by their variables' sort keys (a stable sort, as Array.prototype.sort is), each key built once
 * rather than twice per comparison: a 1,000-project space sorts tens of thousands of values (issue 17.3).
 */
export function sortedByVariable<T>(items: T[], variableOf: (item: T) => Record<string, unknown>): T[] {
  const keyed = items.map((item) => ({ item, key: variableSortKey(variableOf(item)) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.item);
}
