/**
 * `octosync show` for a terminal, like `terraform plan`: header, legend, one block per operation with its
 * field-level diff, decisions and clean-up, then warnings, a summary table and the `Plan: …` line.
 * Colour only through the chalk instance it is given (level 0 for NO_COLOR, --no-color and pipes).
 */
import type { ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { Plan, PlanEndpoint } from '../plan-format/types.js';
import { threeWayText } from './sections-three-way.js';
import { hasChanges, itemTitle, kindRows, lateReferenceCount, noChangesLine, operationView, planLine, type Sign } from './model.js';

const INDENT = '  ';

export function renderText(plan: Plan, chalk: ChalkInstance): string {
  const paint: Record<Sign, (s: string) => string> = {
    '+': chalk.green,
    '-': chalk.red,
    '~': chalk.yellow,
    '=': chalk.dim,
    ' ': (s) => s,
  };
  const out: string[] = [];
  out.push(chalk.bold(`octosync plan, made ${plan.createdAt} by ${plan.tool.name} ${plan.tool.version}`));
  out.push(`  source:      ${endpoint(plan.source)}`);
  out.push(`  destination: ${endpoint(plan.destination)}`);
  out.push(`  policy:      ${plan.policy.hash}`);
  // What a reviewer approves: `apply --expect-checksum` refuses any other plan.
  out.push(`  checksum:    ${plan.checksum}`);
  out.push('');

  const views = plan.operations.map(operationView);
  const used = new Set(views.map((v) => v.sign));
  if (views.length) {
    out.push('Resource actions are indicated with the following symbols:');
    if (used.has('+')) out.push(`  ${paint['+']('+')} create`);
    if (used.has('~')) out.push(`  ${paint['~']('~')} update in-place`);
    if (used.has('-')) out.push(`  ${paint['-']('-')} delete`);
    if (used.has('=')) out.push(`  ${paint['=']('=')} skip (not written; the reason follows)`);
    out.push('');
    out.push('octosync will perform the following actions:');
  }
  for (const v of views) {
    out.push('');
    const head = `${INDENT}${paint[v.sign](v.sign)} ${chalk.bold(v.title)} ${v.verb}`;
    out.push(v.sign === '=' ? chalk.dim(`${INDENT}= ${v.title} ${v.verb}: ${v.op.reason}`) : `${head}${chalk.dim(`: ${v.op.reason}`)}`);
    for (const l of v.lines) {
      const sign = l.sign === ' ' || l.continued ? ' ' : paint[l.sign](l.sign);
      out.push(`${INDENT.repeat(3)}${INDENT.repeat(l.depth)}${sign} ${l.text}`);
    }
    if (v.op.action !== 'skip' && v.lines.length === 0) out.push(chalk.dim(`${INDENT.repeat(3)}(no field changes)`));
    if (v.decisions.length) {
      out.push(`${INDENT.repeat(3)}decisions:`);
      const width = Math.max(...v.decisions.map((d) => d.action.length));
      for (const d of v.decisions) {
        const action = d.action.padEnd(width);
        const coloured = d.action === 'create' ? paint['+'](action) : d.action === 'update' ? paint['~'](action) : d.action === 'remove' ? paint['-'](action) : chalk.dim(action);
        out.push(`${INDENT.repeat(4)}${coloured} ${d.subject}: ${chalk.dim(d.reason)}`);
      }
    }
    if (v.cleanup.length) {
      out.push(`${INDENT.repeat(3)}${chalk.yellow('!')} after apply, by hand: ${v.cleanup.map((c) => c.field).join('; ')}`);
    }
  }
  if (views.length) out.push('');

  out.push(...threeWayText(plan, chalk));
  const cleanup = plan.operations.flatMap((op) => op.cleanup ?? []);
  if (cleanup.length) {
    out.push(chalk.bold(`Clean-up after apply (${cleanup.length}), by hand on the destination:`));
    for (const c of cleanup) out.push(`  [ ] ${itemTitle(c.kind, c.keyPath)}: ${c.field}: ${c.instruction}`);
    out.push('');
  }
  if (plan.warnings.length) {
    out.push(chalk.bold(`Warnings (${plan.warnings.length}):`));
    for (const w of plan.warnings) out.push(`  ${chalk.yellow('!')} ${w}`);
    out.push('');
  }
  if (views.length) {
    out.push(summaryTable(plan, chalk));
    out.push('');
  }
  if (plan.counts.unchanged) out.push(chalk.dim(`${plan.counts.unchanged} item${plan.counts.unchanged === 1 ? '' : 's'} already match the source.`));
  const late = lateReferenceCount(plan);
  if (late) out.push(`Also ${late} late reference update${late === 1 ? '' : 's'}: references set once the items they name exist.`);
  if (hasChanges(plan)) out.push(chalk.bold(planLine(plan)));
  else {
    if (plan.counts.skip) out.push(`${plan.counts.skip} skipped (reasons above).`);
    out.push(chalk.bold(noChangesLine(plan)));
  }
  return out.join('\n') + '\n';
}

function endpoint(e: PlanEndpoint): string {
  return `${e.url}, space ${JSON.stringify(e.space)} (Octopus ${e.serverVersion})`;
}

/** Counts per kind; cli-table3's own colours are off (they ignore NO_COLOR): any colour comes from `chalk`. */
function summaryTable(plan: Plan, chalk: ChalkInstance): string {
  const rows = kindRows(plan);
  const withRefs = rows.some((r) => r.references > 0);
  const head = ['Kind', 'Create', 'Update', ...(withRefs ? ['Late refs'] : []), 'Skip'].map((h) => chalk.bold(h));
  const table = new Table({
    head,
    // compact: a rule under the header only, one line a kind.
    style: { head: [], border: [], compact: true },
    colAligns: ['left', 'right', 'right', 'right', 'right'],
  });
  const cells = (r: { create: number; update: number; references: number; skip: number }) => [
    String(r.create),
    String(r.update),
    ...(withRefs ? [String(r.references)] : []),
    String(r.skip),
  ];
  for (const r of rows) table.push([r.label, ...cells(r)]);
  const total = rows.reduce((t, r) => ({ create: t.create + r.create, update: t.update + r.update, references: t.references + r.references, skip: t.skip + r.skip }), {
    create: 0,
    update: 0,
    references: 0,
    skip: 0,
  });
  table.push([chalk.bold('Total'), ...cells(total)]);
  return table.toString();
}
