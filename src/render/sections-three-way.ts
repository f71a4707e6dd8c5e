/**
 * `show` sections of a plan made with a baseline (issue 18): drift (destination edits since the last sync,
 * kept), conflicts (both sides' values, secrets masked) and deletions. From the plan file only, like the rest.
 */
import type { ChalkInstance } from 'chalk';
import type { Plan } from '../plan-format/types.js';
import type { ConflictRecord, DeletionRecord, DriftRecord } from '../plan-format/three-way.js';
import { describeElement } from '../plan/three-way.js';
import { pointerTokens } from '../util/pointer.js';
import { md } from './markdown.js';
import { kindLabel } from './model.js';
import { summary } from './values.js';

/** The counts the `Plan:` line adds for a plan made with a baseline (nothing without one). */
export function threeWayCounts(plan: Plan): string {
  if (!plan.threeWay) return '';
  const deletes = plan.operations.filter((o) => o.action === 'delete').length;
  const c = plan.counts;
  return `, ${deletes} to delete; ${c.drift ?? 0} drift, ${c.conflicts ?? 0} conflict${c.conflicts === 1 ? '' : 's'}, ${c.deletions ?? 0} gone from the source`;
}

/** `Project variables "OctoFX", variable 'LogLevel'`. */
function where(r: DriftRecord | ConflictRecord | DeletionRecord): string {
  const item = `${kindLabel(r.kind)} ${r.keyPath.map((n) => JSON.stringify(n)).join(' / ')}`;
  return r.element ? `${item}, ${describeElement(r.kind, pointerTokens(r.element))}` : item;
}

// A conflict's values come masked from the planner (util/sensitive.ts): the renderer does not judge secrets.
const value = (v: unknown) => (v === undefined ? '(none)' : summary(v, 160));
const resolution = (c: ConflictRecord) => (c.resolution === 'source' ? 'the source\'s is written' : c.resolution === 'destination' ? 'the destination\'s is kept' : 'unresolved');

export function threeWayText(plan: Plan, chalk: ChalkInstance): string[] {
  const t = plan.threeWay;
  if (!t) return [];
  const out: string[] = [];
  if (t.drift.length) {
    out.push(chalk.bold(`Drift since the last sync (${t.drift.length}), kept as edited on the destination:`));
    for (const d of t.drift) out.push(`  ${chalk.yellow('~')} ${where(d)}: ${d.fields.join(', ')}`);
    out.push('');
  }
  if (t.conflicts.length) {
    out.push(chalk.bold(`Conflicts (${t.conflicts.length}), changed on both sides since the last sync:`));
    for (const c of t.conflicts) {
      out.push(`  ${chalk.red('!')} ${where(c)}: ${resolution(c)}`);
      out.push(`      source:      ${value(c.source)}`);
      out.push(`      destination: ${value(c.destination)}`);
    }
    out.push('');
  }
  if (t.deletions.length) {
    out.push(chalk.bold(`Gone from the source since the last sync (${t.deletions.length}):`));
    for (const d of t.deletions) out.push(`  ${d.action === 'delete' ? chalk.red('-') : chalk.dim('=')} ${where(d)}: ${d.action}: ${chalk.dim(d.reason)}`);
    out.push('');
  }
  return out;
}


export function threeWayMarkdown(plan: Plan): string {
  const t = plan.threeWay;
  if (!t) return '';
  const parts: string[] = [];
  if (t.conflicts.length) {
    parts.push(`### Conflicts (${t.conflicts.length})\n\nChanged on both sides since the last sync:\n`);
    parts.push('| Where | Source | Destination | Resolution |', '| --- | --- | --- | --- |');
    for (const c of t.conflicts) parts.push(`| ${md(where(c))} | ${md(value(c.source))} | ${md(value(c.destination))} | ${resolution(c)} |`);
    parts.push('');
  }
  if (t.drift.length) {
    parts.push(`### Drift (${t.drift.length})\n\nEdited on the destination since the last sync, kept:\n`);
    for (const d of t.drift) parts.push(`- ${md(where(d))}: ${md(d.fields.join(', '))}`);
    parts.push('');
  }
  if (t.deletions.length) {
    parts.push(`### Gone from the source (${t.deletions.length})\n`);
    for (const d of t.deletions) parts.push(`- \`${d.action}\` ${md(where(d))}: ${md(d.reason)}`);
    parts.push('');
  }
  return parts.length ? parts.join('\n') + '\n' : '';
}
