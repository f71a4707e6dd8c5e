import type { KindName } from './kinds.js';

/**
 * The scope keys of a variable (API-FACTS §3.9), and what each needs from the stages: the `ScopeValues` list
 * that names its ids (snapshot), the kind its ids stand for (snapshot's id index), the policy dimension and label
 * (plan), and the kinds whose operations write the items it names (a project variable waits for them).
 * Snapshot, plan and apply read this table; none keeps a scope-key → kind mapping of its own.
 */
interface VariableScope {
  key: string;
  /** The `ScopeValues` list naming the ids; absent where the values are names already (Role, TenantTag). */
  list?: string;
  /** What an id stands for in the id index, when the set's own list does not name it. */
  names?: KindName | 'action';
  /** The policy's `scopeMismatch.variables` dimension and its label in reasons. */
  dimension: string;
  label: string;
  /** Kinds (of the variable's project) whose operations make the items this scope names. */
  writtenBy?: readonly KindName[];
}

const TABLE = [
  { key: 'Environment', list: 'Environments', names: 'environment', dimension: 'environment', label: 'environment' },
  { key: 'Channel', list: 'Channels', names: 'channel', dimension: 'channel', label: 'channel', writtenBy: ['channel'] },
  // A runbook's id, or the project's for the deployment process.
  { key: 'ProcessOwner', list: 'Processes', dimension: 'processOwner', label: 'process owner', writtenBy: ['runbook'] },
  { key: 'Action', list: 'Actions', names: 'action', dimension: 'step', label: 'step', writtenBy: ['deploymentProcess', 'runbookProcess'] },
  { key: 'Role', dimension: 'role', label: 'role' },
  { key: 'Machine', list: 'Machines', names: 'machine', dimension: 'target', label: 'target' },
  { key: 'TenantTag', dimension: 'tenantTag', label: 'tenant tag' },
] as const satisfies readonly VariableScope[];

/** A policy dimension of variable scopes (`scopeMismatch.variables.<dimension>`). */
export type ScopeDimension = (typeof TABLE)[number]['dimension'];

export const VARIABLE_SCOPES: readonly (VariableScope & { dimension: ScopeDimension })[] = TABLE;

/** The table's entry for a scope key, or undefined for keys octosync does not translate (Tenant, User…). */
export function variableScope(key: string): (VariableScope & { dimension: ScopeDimension }) | undefined {
  return VARIABLE_SCOPES.find((s) => s.key === key);
}
