import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBaselineFile } from '../../src/baseline/read.js';
import { InputFileError, PartialApplyError } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';
import { workDir } from '../helpers/sync.js';
import { secret } from '../usecases/helpers.js';
import { applyRound, planRound, scriptStep, simulators, space, writesFailAfter, type Sim } from './helpers.js';

/** Issue 18, point 1: apply writes the baseline (what it synced, as written), deterministic, free of ids and secrets. */

const sim = simulators();

const variables = [
  { Name: 'Greeting', Value: 'hello' },
  { Name: 'DbPassword', Value: secret('db'), IsSensitive: true, Type: 'Sensitive' },
];
const steps = [scriptStep('Deploy'), scriptStep('Smoke test')];

async function pair(): Promise<[Sim, Sim]> {
  const src = await sim({ seed: space(['Production'], { variables, steps, channels: ['Hotfix'] }) });
  const dst = await sim({ seed: space(['Production']) });
  return [src, dst];
}

describe('apply --baseline', () => {
  it('records the items the plan covered, with the destination as written: no ids, no secrets, the same bytes twice', async () => {
    const [src, dst] = await pair();
    const dir = workDir();
    const baseline = join(dir, 'baseline.json');
    const first = await planRound(dir, 'first', src.url, dst.url, undefined);
    const result = await applyRound(dst.url, first, baseline);
    expect(result.files.baseline).toBe(baseline);
    const b = readBaselineFile(baseline);
    const ids = b.items.map((i) => `${i.kind} ${i.keyPath.join('/')}`);
    expect(ids).toEqual(expect.arrayContaining(['project OctoFX', 'channel OctoFX/Hotfix', 'deploymentProcess OctoFX', 'projectVariables OctoFX']));
    expect(b.items.find((i) => i.kind === 'deploymentProcess')!.destination.elements).toHaveProperty(['/Steps/Smoke test/Actions/Smoke test']);
    expect(b.items.find((i) => i.kind === 'projectVariables')!.destination.elements).toHaveProperty(['/Variables/Greeting']);
    const text = readFileSync(baseline, 'utf8');
    expect(text).not.toMatch(/Sup3rSecret|"Id"|Projects-\d|Channels-\d|Spaces-\d/);
    // `validate` knows the file for what it is, and refuses one that does not fit the schema.
    expect(await runCli(['validate', baseline])).toMatchObject({ code: 0, stdout: `${baseline}: valid baseline\n` });
    const broken = join(dir, 'broken-baseline.json');
    writeFileSync(broken, JSON.stringify({ ...JSON.parse(text), items: 7 }));
    const refused = await runCli(['validate', broken]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`^octosync: ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a valid baseline: `));
    // Nothing changed: a second sync records the same bytes.
    const again = await planRound(dir, 'again', src.url, dst.url, undefined);
    await applyRound(dst.url, again, baseline);
    expect(readFileSync(baseline, 'utf8')).toBe(text);
  });

  it('is written in full by a plan with nothing to write (a baseline started after the first sync)', async () => {
    const [src, dst] = await pair();
    const dir = workDir();
    // Synced once without a baseline, then a sync with nothing to write starts one.
    await applyRound(dst.url, await planRound(dir, 'first', src.url, dst.url, undefined), join(dir, 'unused.json'));
    const quiet = await planRound(dir, 'quiet', src.url, dst.url, undefined);
    expect(quiet.plan.operations.filter((o) => o.action !== 'skip')).toEqual([]);
    const baseline = join(dir, 'baseline.json');
    await applyRound(dst.url, quiet, baseline);
    const ids = readBaselineFile(baseline).items.map((i) => `${i.kind} ${i.keyPath.join('/')}`);
    expect(ids).toEqual(expect.arrayContaining(['project OctoFX', 'channel OctoFX/Hotfix', 'deploymentProcess OctoFX', 'projectVariables OctoFX']));
  });

  it('after a partial apply holds only what finished; the finishing run completes it', async () => {
    const [src, dst] = await pair();
    const dir = workDir();
    const baseline = join(dir, 'baseline.json');
    const round = await planRound(dir, 'first', src.url, dst.url, undefined);
    const err = await applyRound(dst.url, round, baseline, writesFailAfter(dst, 2)).catch((e) => e);
    expect(err).toBeInstanceOf(PartialApplyError);
    const partial = readBaselineFile(baseline).items.map((i) => i.kind);
    // The project was created; what failed (its process, variables, channel) is not in the baseline.
    expect(partial).toContain('project');
    expect(partial).not.toContain('projectVariables');
    dst.faults.configure({ faultRate: 0 });
    await applyRound(dst.url, round, baseline);
    expect(readBaselineFile(baseline).items.map((i) => i.kind)).toEqual(expect.arrayContaining(['project', 'channel', 'deploymentProcess', 'projectVariables']));
  });

  it('refuses, before writing, a source snapshot that is not the plan\'s, and names the file', async () => {
    const [src, dst] = await pair();
    const dir = workDir();
    const round = await planRound(dir, 'first', src.url, dst.url, undefined);
    const other = await planRound(dir, 'other', dst.url, dst.url, undefined);
    dst.stats.reset();
    const err = await applyRound(dst.url, { ...round, sourceFile: other.sourceFile }, join(dir, 'b.json')).catch((e) => e);
    expect(err).toBeInstanceOf(InputFileError);
    expect(err.message).toContain(other.sourceFile);
    expect(err.message).toMatch(/not the source snapshot this plan was made from/);
    expect(dst.stats.writes).toBe(0);
    expect(existsSync(join(dir, 'b.json'))).toBe(false);
  });
});
