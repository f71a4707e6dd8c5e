import { describe, expect, it } from '@jest/globals';
import { Chalk } from 'chalk';
import type { Operation } from '../../src/plan-format/types.js';
import { renderMarkdown, renderText } from '../../src/render/index.js';
import { samplePlan } from './fixtures.js';

const plain = new Chalk({ level: 0 });
const hash = (c: string) => `sha256:${c.repeat(64)}`;
const BODY = '/Steps/Deploy web/Actions/Deploy web/Properties/Octopus.Action.Script.ScriptBody';

/** A 40-line script whose line 20 changes and a line is added after line 30. */
const oldScript = Array.from({ length: 40 }, (_, i) => `Write-Host "step ${i + 1}"`).join('\n');
const newScript = oldScript
  .split('\n')
  .map((l, i) => (i === 19 ? 'Write-Host "step 20, changed"' : l))
  .flatMap((l, i) => (i === 29 ? [l, 'Invoke-Smoke -Url $url'] : [l]))
  .join('\n');

const update: Operation = {
  id: 'deploymentProcess/OctoFX',
  action: 'update',
  kind: 'deploymentProcess',
  keyPath: ['OctoFX'],
  dependsOn: [],
  reason: 'differs from the source',
  reasonCode: 'differs',
  patch: [
    { op: 'test', path: BODY, value: oldScript },
    { op: 'replace', path: BODY, value: newScript },
  ],
  destination: { id: 'deploymentprocess-Projects-1', fingerprint: hash('e') },
};

const longLine = 'Set-Content -Path $config -Value "a rather long line of configuration that goes on well beyond the width of one line of review"';
const created: Operation = {
  id: 'scriptModule/Helpers',
  action: 'create',
  kind: 'scriptModule',
  keyPath: ['Helpers'],
  dependsOn: [],
  reason: 'not on the destination',
  reasonCode: 'missing-on-destination',
  desired: { Name: 'Helpers', ScriptBody: [longLine, ...Array.from({ length: 11 }, (_, i) => `function f${i} { }`)].join('\n') },
};

describe('show: a script change is reviewed as a line diff', () => {
  it('text: only the changed lines and their context, with hunk headers, not the whole script twice', () => {
    const out = renderText(samplePlan([update]), plain);
    expect(out).toContain('~ Steps["Deploy web"].Actions["Deploy web"].Properties["Octopus.Action.Script.ScriptBody"]: 40 → 41 lines (+2 -1)');
    expect(out).toMatch(/- Write-Host "step 20"\n\s+\+ Write-Host "step 20, changed"/);
    expect(out).toMatch(/\+ Invoke-Smoke -Url \$url/);
    expect(out).toContain('@@ -17,7 +17,7 @@');
    // Lines far from any change are not repeated.
    expect(out).not.toContain('"step 1"');
    expect(out).not.toContain('"step 40"');
  });

  it('markdown: the same hunks in a diff fence, + and - in the first column', () => {
    const md = renderMarkdown(samplePlan([update]));
    expect(md).toMatch(/\n- {3}Write-Host "step 20"\n\+ {3}Write-Host "step 20, changed"\n/);
    expect(md).not.toContain('"step 1"');
  });

  it('a created script shows its size and first lines, cut at a word, and how many lines follow', () => {
    const text = renderText(samplePlan([created]), plain);
    expect(text).toContain('+ ScriptBody (12 lines, ');
    expect(text).toMatch(/\+ Set-Content -Path \$config -Value "a rather long line of configuration that goes on well beyond the\u2026/);
    expect(text).toContain('+ function f3 { }');
    expect(text).not.toContain('function f4 { }');
    expect(text).toContain('… 7 more lines');
    const md = renderMarkdown(samplePlan([created]));
    expect(md).toContain('+ ScriptBody (12 lines, ');
    expect(md).toContain('… 7 more lines');
  });
});
