/**
 * docs/performance.md is generated (`npm run bench:docs`) from the committed results: the committed page must be
 * exactly what the generator makes of bench/results/latest.json, so neither is edited without the other.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { PAGE_FILE, performancePage, RESULTS_FILE } from '../../src/bench/page.js';

describe('docs/performance.md', () => {
  const results = JSON.parse(readFileSync(RESULTS_FILE, 'utf8'));
  const page = performancePage(results);

  it('is what `npm run bench:docs` makes of bench/results/latest.json', () => {
    expect(readFileSync(PAGE_FILE, 'utf8')).toBe(page);
  });

  it('carries the saved report and every target of the results, met or missed', () => {
    expect(page).toContain(results.text.slice(0, results.text.indexOf('\nTargets:')));
    for (const t of results.targets as { target: string; met: boolean }[]) expect(page).toContain(`| ${t.target} | ${t.met ? 'met' : '**missed**'} |`);
  });

  it('changes when the results do', () => {
    const slower = structuredClone(results);
    slower.results.at(-1).phases.find((p: { phase: string }) => p.phase === 'plan').seconds = 6.5;
    const other = performancePage(slower);
    expect(other).toContain('| plan of 1000 projects < 5 s | **missed** | 6.50 s |');
    expect(other).toContain('**Plan of 1,000 projects: 6.50 s');
  });
});
