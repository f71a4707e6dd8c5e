import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { Chalk } from 'chalk';
import { runDemo } from '../../src/demo/demo.js';
import { workDir } from '../helpers/sync.js';

describe('octosync demo', () => {
  it('runs the whole job on the fixtures, converges, and says where every file is', async () => {
    const printed: string[] = [];
    const result = await runDemo({ outDir: workDir(), chalk: new Chalk({ level: 0 }), print: (t) => printed.push(t) });
    expect(result.firstPlan.create).toBeGreaterThan(0);
    expect(result.secondPlanHasChanges).toBe(false);
    const text = printed.join('\n');
    expect(text).toMatch(/Plan: \d+ to create, \d+ to update, \d+ skipped\./);
    expect(text).toMatch(/No changes to write\. \d+ items keep source differences held back under this policy \(listed with the skips\)\./);
    for (const file of Object.values(result.files)) {
      expect(existsSync(file)).toBe(true);
      expect(text).toContain(file);
    }
  }, 120_000);
});
