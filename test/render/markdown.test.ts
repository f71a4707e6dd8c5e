import { describe, expect, it } from '@jest/globals';
import type { Operation } from '../../src/plan-format/types.js';
import { canonicalJson } from '../../src/util/canonical.js';
import { GITHUB_COMMENT_LIMIT, renderJson, renderMarkdown } from '../../src/render/index.js';
import { SECRETS, samplePlan } from './fixtures.js';

const sections = (md: string) => md.match(/<details>/g)?.length ?? 0;

/** A plan of `n` operations: creates of projects with a few steps, updates with patches, and skips. */
function bigOperations(n: number): Operation[] {
  const ops: Operation[] = [];
  for (let i = 0; i < n; i++) {
    const name = `Project ${String(i).padStart(5, '0')}`;
    const base = { id: `project/${name}`, kind: 'project' as const, keyPath: [name], dependsOn: [] };
    if (i % 3 === 0) {
      ops.push({ ...base, action: 'skip', reason: 'version-controlled (config as code): its process and variables live in git', reasonCode: 'version-controlled' });
    } else if (i % 3 === 1) {
      ops.push({
        ...base,
        action: 'create',
        reason: 'not on the destination',
        reasonCode: 'missing-on-destination',
        desired: { Name: name, Description: `The ${name} service`, LifecycleId: 'Default Lifecycle', ProjectGroupId: 'Apps' },
        decisions: [{ subject: "channel 'Hotfix'", action: 'skip', reason: "lifecycle 'Hotfix' is not on the destination", reasonCode: 'reference-dropped' }],
        sensitivePaths: [],
      });
    } else {
      ops.push({
        ...base,
        action: 'update',
        reason: 'differs from the source',
        reasonCode: 'differs',
        patch: [
          { op: 'replace', path: '/Description', value: `New description of ${name}` },
          { op: 'add', path: '/Templates/0', value: { Name: 'Region', DefaultValue: { HasValue: true } } },
        ],
        destination: { id: `Projects-${i}`, fingerprint: `sha256:${'0'.repeat(64)}` },
        sensitivePaths: ['/Templates/0/DefaultValue'],
      });
    }
  }
  return ops;
}

describe('renderMarkdown', () => {
  it('starts with a title and the summary table, then one collapsible section per resource with its diff and reason', () => {
    const md = renderMarkdown(samplePlan());
    expect(md.startsWith('## octosync plan: Default → Production\n')).toBe(true);
    const table = md.indexOf('| Kind | Create | Update | Late refs | Skip |');
    expect(table).toBeGreaterThan(0);
    expect(table).toBeLessThan(md.indexOf('<details>'));
    expect(md).toContain('**Plan: 3 to create, 4 to update, 1 skipped.**');
    expect(md).toContain('| Deployment process | 1 | 1 | 0 | 0 |');
    expect(md).toContain('| **Total** | **3** | **4** | **1** | **1** |');
    expect(md).toContain('<details><summary><code>~</code> Account "Azure SP" will be updated in-place</summary>\n\n**Why:** differs from the source\n\n```diff\n! Description = "old description" -> "new description"\n');
    expect(md).toContain('+ Name                   = "OctoFX"');
    expect(md).toContain("- `skip` step 'Notify': feed 'Private' is not on the destination and not synced");
    // Skips: one collapsible list, each with its reason.
    expect(md).toContain(`<details><summary>1 skipped</summary>\n\n- Channel "OctoFX" / "Hotfix": needs what the destination will not have: lifecycle 'Hotfix' is not on the destination and not synced`);
    expect(sections(md)).toBe(9);
    expect(md).not.toContain('left out');
  });

  it('lists clean-up entries as a checklist', () => {
    const md = renderMarkdown(samplePlan());
    expect(md).toContain('### Clean-up after apply (1)');
    expect(md).toContain(`- [ ] Project variables "OctoFX": variable 'DbPassword' (unscoped): sensitive value written as a placeholder: set the real value`);
  });

  it('masks secrets', () => {
    const md = renderMarkdown(samplePlan());
    for (const secret of SECRETS) expect(md).not.toContain(secret);
    expect(md).toContain('! Password = (sensitive)');
    expect(md).toContain('+   DbPassword = (sensitive)');
  });

  it('escapes names and keeps values from breaking out of their fence', () => {
    const op: Operation = {
      id: 'scriptModule/<b>Tools</b>',
      action: 'create',
      kind: 'scriptModule',
      keyPath: ['<b>Tools</b>'],
      dependsOn: [],
      reason: 'not on the destination',
      reasonCode: 'missing-on-destination',
      desired: { Name: '<b>Tools</b>', Description: 'has ``` fences\nand *stars*' },
      decisions: [{ subject: 'variable *x*', action: 'create', reason: 'a | b', reasonCode: 'value-copied' }],
    };
    const md = renderMarkdown(samplePlan([op]));
    expect(md).toContain('<summary><code>+</code> Script module "&lt;b&gt;Tools&lt;/b&gt;" will be created</summary>');
    expect(md).toContain('- `create` variable \\*x\\*: a \\| b');
    // Inside the fence a value is literal; a fence longer than any backtick run in it keeps it closed.
    expect(md).toContain('````diff\n+ Name = "<b>Tools</b>"\n+ Description (2 lines, 26 characters):\n+   has ``` fences\n+   and *stars*\n````');
  });

  it('stays under GitHub\'s 65,536-character limit for thousands of operations, and says how many it left out', () => {
    const plan = samplePlan(bigOperations(5000));
    const md = renderMarkdown(plan, { file: 'plans/prod.plan.json' });
    expect(md.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    const notice = md.match(/The details of (\d+) of 5000 operations are left out to keep this comment under GitHub's 65,536-character limit\. The full plan is in the plan file `plans\/prod\.plan\.json`/);
    expect(notice).not.toBeNull();
    const left = Number(notice![1]);
    expect(left).toBeGreaterThan(0);
    expect(sections(md)).toBe(5000 - left);
    // The summary still counts everything, and comes first.
    expect(md).toContain('**Plan: 1667 to create, 1666 to update, 1667 skipped.**');
    expect(md.indexOf('| **Total** |')).toBeLessThan(md.indexOf('<details>'));
    expect(md.trimEnd().endsWith('</sub>')).toBe(true);
  });

  it('honours a smaller limit, and cuts one huge resource instead of letting it crowd out the rest', () => {
    const ops = bigOperations(300);
    const md = renderMarkdown(samplePlan(ops), { maxLength: 20_000 });
    expect(md.length).toBeLessThanOrEqual(20_000);
    expect(md).toContain('are left out');
    const script = Array.from({ length: 20_000 }, (_, i) => `echo line ${i}`).join('\n');
    const huge: Operation = {
      id: 'scriptModuleVariables/Tools',
      action: 'update',
      kind: 'scriptModuleVariables',
      keyPath: ['Tools'],
      dependsOn: [],
      reason: 'differs from the source',
      reasonCode: 'differs',
      patch: [{ op: 'replace', path: '/ScriptBody', value: script }],
    };
    const one = renderMarkdown(samplePlan([huge, ...ops.slice(0, 3)]));
    expect(one.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(one).toMatch(/… \d+ more lines \(in the plan file\)/);
    expect(sections(one)).toBe(4); // the huge update, a create, an update, and the list of skips
    expect(one).not.toContain('left out');
  });

  it('is deterministic', () => {
    expect(renderMarkdown(samplePlan())).toBe(renderMarkdown(structuredClone(samplePlan())));
  });
});

describe('renderJson', () => {
  it('is the plan as canonical JSON', () => {
    const plan = samplePlan();
    const json = renderJson(plan);
    expect(json).toBe(canonicalJson(plan));
    expect(JSON.parse(json)).toEqual(plan);
  });
});
