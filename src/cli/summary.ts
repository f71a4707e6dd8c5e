import Table from 'cli-table3';
import { KINDS } from '../registry/kinds.js';

/**
 * The summary tables at the end of snapshot and apply: one row per kind, labelled as the plan labels it
 * (the registry's `label`), in the registry's order, and a total. cli-table3's own colours are off.
 */
export function kindTable(columns: string[], rows: Map<string, number[]>): string {
  const table = new Table({
    head: ['Kind', ...columns],
    style: { head: [], border: [], compact: true },
    colAligns: ['left', ...columns.map(() => 'right' as const)],
  });
  const totals = columns.map(() => 0);
  for (const def of KINDS) {
    const row = rows.get(def.kind);
    if (!row) continue;
    table.push([def.label, ...row.map(String)]);
    row.forEach((n, i) => (totals[i] += n));
  }
  table.push(['Total', ...totals.map(String)]);
  return table.toString();
}
