/**
 * `octosync show --format markdown`: a pull-request comment. Title and summary table first, then one
 * collapsible section per resource with its diff and reasons, skips in one list, clean-up as a checklist.
 * GitHub refuses comments over 65,536 characters, so the details are cut to fit, with a notice saying
 * how many operations were left out and that the full plan is in the file.
 */
import type { Plan, PlanEndpoint } from '../plan-format/types.js';
import { threeWayMarkdown } from './sections-three-way.js';
import { hasChanges, itemTitle, kindRows, lateReferenceCount, noChangesLine, operationView, planLine, type DiffLine, type OperationView } from './model.js';

/** GitHub's limit on an issue or pull-request comment. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** The plan file, named in the notice when details are left out. */
  file?: string;
  /** The longest the comment may be; by default GitHub's limit less room for a bot's own header. */
  maxLength?: number;
}

const DEFAULT_MAX = GITHUB_COMMENT_LIMIT - 1_536;
/** No one resource may crowd out the others. */
const SECTION_DIFF_MAX = 8_000;
const SECTION_DECISIONS_MAX = 4_000;
const WARNINGS_MAX = 4_000;
const CLEANUP_MAX = 12_000;
const NOTICE_RESERVE = 500;

export function renderMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const limit = options.maxLength ?? DEFAULT_MAX;
  const views = plan.operations.map(operationView);
  const head = header(plan);
  const warnings = plan.warnings.length
    ? `### Warnings\n\n${within(plan.warnings.map((w) => `- ${md(w)}`), WARNINGS_MAX, (n) => `- … and ${n} more (in the plan file)`).join('\n')}\n`
    : '';
  const cleanupEntries = plan.operations.flatMap((op) => op.cleanup ?? []);
  const cleanup = cleanupEntries.length
    ? `### Clean-up after apply (${cleanupEntries.length})\n\nBy hand on the destination, once the plan is applied:\n\n${within(
        cleanupEntries.map((c) => `- [ ] ${md(itemTitle(c.kind, c.keyPath))}: ${md(c.field)}: ${md(c.instruction)}`),
        CLEANUP_MAX,
        (n) => `- … and ${n} more (in the plan file)`,
      ).join('\n')}\n`
    : '';
  const foot = footer(plan);
  const threeWay = threeWayMarkdown(plan);

  let room = limit - [head, threeWay, warnings, cleanup, foot].reduce((n, s) => n + s.length + 1, 0) - NOTICE_RESERVE;
  const shown: string[] = [];
  let left = 0;
  for (const v of views.filter((x) => x.sign !== '=')) {
    const s = section(v);
    if (left === 0 && s.length + 1 <= room) {
      shown.push(s);
      room -= s.length + 1;
    } else left++;
  }
  const skips = views.filter((x) => x.sign === '=');
  if (skips.length) {
    const open = `<details><summary>${skips.length} skipped</summary>\n`;
    const close = '\n</details>\n';
    room -= open.length + close.length;
    const items: string[] = [];
    for (const v of skips) {
      // A held-back item lists what is held back and why, under it.
      const held = within(v.decisions.map((d) => `  - \`${d.action}\` ${md(d.subject)}: ${md(d.reason)}`), SECTION_DECISIONS_MAX, (n) => `  - … and ${n} more (in the plan file)`);
      const item = [`- ${md(v.title)}: ${md(v.op.reason)}`, ...held].join('\n');
      if (left === 0 && item.length + 1 <= room) {
        items.push(item);
        room -= item.length + 1;
      } else left++;
    }
    if (items.length) shown.push(`${open}\n${items.join('\n')}\n${close}`);
  }

  const parts = [head];
  if (left) {
    const where = options.file ? `the plan file \`${options.file.replace(/`/g, '')}\`` : 'the plan file';
    const how = options.file ? ` \`octosync show ${options.file.replace(/`/g, '')}\` prints all of it.` : ' `octosync show` prints all of it.';
    parts.push(
      `> [!NOTE]\n> The details of ${left} of ${views.length} operations are left out to keep this comment under GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString('en-US')}-character limit. The full plan is in ${where}:${how}\n`,
    );
  }
  if (threeWay) parts.push(threeWay);
  if (warnings) parts.push(warnings);
  if (shown.length) parts.push(`### Operations\n\n${shown.join('\n')}`);
  if (cleanup) parts.push(cleanup);
  parts.push(foot);
  return parts.join('\n');
}

function header(plan: Plan): string {
  const lines = [`## octosync plan: ${md(plan.source.space)} → ${md(plan.destination.space)}`, ''];
  lines.push(`From ${endpoint(plan.source)} to ${endpoint(plan.destination)}.`, '');
  const notes: string[] = [];
  if (plan.counts.unchanged) notes.push(`${plan.counts.unchanged} unchanged`);
  const late = lateReferenceCount(plan);
  if (late) notes.push(`${late} late reference update${late === 1 ? '' : 's'}, set once the items named exist`);
  const status = hasChanges(plan) ? `**${planLine(plan)}**` : `**${noChangesLine(plan)}**${plan.counts.skip ? ` ${plan.counts.skip} skipped.` : ''}`;
  lines.push(`${status}${notes.length ? ` ${notes.join(' · ')}.` : ''}`, '');
  const rows = kindRows(plan);
  if (rows.length) {
    const withRefs = rows.some((r) => r.references > 0);
    const cols = (r: { create: number; update: number; references: number; skip: number }, bold = false) =>
      [r.create, r.update, ...(withRefs ? [r.references] : []), r.skip].map((n) => (bold ? `**${n}**` : String(n)));
    lines.push(`| Kind | Create | Update |${withRefs ? ' Late refs |' : ''} Skip |`);
    lines.push(`| --- | ---: | ---: |${withRefs ? ' ---: |' : ''} ---: |`);
    for (const r of rows) lines.push(`| ${md(r.label)} | ${cols(r).join(' | ')} |`);
    const total = { create: 0, update: 0, references: 0, skip: 0 };
    for (const r of rows) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += r[k];
    lines.push(`| **Total** | ${cols(total, true).join(' | ')} |`);
    lines.push('');
  }
  return lines.join('\n');
}

function endpoint(e: PlanEndpoint): string {
  return `space **${md(e.space)}** on ${md(e.url)} (Octopus ${md(e.serverVersion)})`;
}

function footer(plan: Plan): string {
  return `<sub>${html(`${plan.tool.name} ${plan.tool.version} · plan made ${plan.createdAt} · policy ${plan.policy.hash.slice(0, 19)}… · checksum ${plan.checksum}`)}</sub>\n`;
}

const DIFF_SIGN: Record<DiffLine['sign'], string> = { '+': '+', '-': '-', '~': '!', '=': ' ', ' ': ' ' };

/** One resource: a collapsed section with the reason, the diff in a ```diff fence, and the decisions. */
function section(v: OperationView): string {
  const out = [`<details><summary><code>${v.sign}</code> ${html(v.title)} ${v.verb}</summary>`, '', `**Why:** ${md(v.op.reason)}`, ''];
  if (v.lines.length) {
    const diff = within(
      v.lines.map((l) => `${DIFF_SIGN[l.sign]} ${'  '.repeat(l.depth)}${l.text}`),
      SECTION_DIFF_MAX,
      (n) => `  … ${n} more lines (in the plan file)`,
    );
    const fence = '`'.repeat(Math.max(3, longestBacktickRun(diff) + 1));
    out.push(`${fence}diff`, ...diff, fence, '');
  }
  if (v.decisions.length) {
    out.push('Decisions:', '');
    out.push(
      ...within(
        v.decisions.map((d) => `- \`${d.action}\` ${md(d.subject)}: ${md(d.reason)}`),
        SECTION_DECISIONS_MAX,
        (n) => `- … and ${n} more (in the plan file)`,
      ),
      '',
    );
  }
  if (v.cleanup.length) out.push(`After apply, by hand: ${v.cleanup.map((c) => md(c.field)).join('; ')}`, '');
  out.push('</details>', '');
  return out.join('\n');
}

/** The lines that fit in `max` characters; the rest replaced by one line saying how many there were. */
function within(lines: string[], max: number, more: (n: number) => string): string[] {
  let used = 0;
  for (let i = 0; i < lines.length; i++) {
    used += lines[i].length + 1;
    if (used > max) return [...lines.slice(0, i), more(lines.length - i)];
  }
  return lines;
}

function longestBacktickRun(lines: string[]): number {
  let longest = 0;
  for (const l of lines) for (const m of l.match(/`+/g) ?? []) longest = Math.max(longest, m.length);
  return longest;
}

function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text in markdown: HTML and markdown punctuation escaped, on one line. */
export function md(s: string): string {
  return html(s.replace(/\s*\n\s*/g, ' ')).replace(/([\\`*_[\]|#~])/g, '\\$1');
}
