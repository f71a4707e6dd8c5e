import { describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PartialApplyError } from '../../src/errors.js';
import { snapshotTo, workDir } from '../helpers/sync.js';
import { byName, connection, octosync } from '../usecases/helpers.js';
import { applyRound, planRound, simulators, space, writesFailAfter, type Sim } from './helpers.js';

/**
 * Issue 18, point 5, through the CLI: `show` (text and markdown) has sections for drift, conflicts (both sides'
 * values, secrets masked) and deletions, the counts include them, and `plan --detailed-exitcode` treats a
 * conflict as an error. Point 4's resume: a run stopped among its deletes is finished by the same plan.
 */

const sim = simulators();
const S = '/api/Spaces-1';

async function setVariables(s: Sim, values: Record<string, string>): Promise<void> {
  const p = await byName(s.api, 'projects', 'OctoFX');
  const set = (await s.api('GET', `${S}/variables/${p.VariableSetId}`)).body;
  for (const v of set.Variables) if (v.Name in values) v.Value = values[v.Name];
  expect((await s.api('PUT', `${S}/variables/${p.VariableSetId}`, set)).status).toBe(200);
}

describe('reviewing a three-way plan', () => {
  it('show lists drift, conflicts with both values (secrets masked) and deletions; --detailed-exitcode exits 1 on a conflict', async () => {
    const vars = [
      { Name: 'LogLevel', Value: 'Info' },
      { Name: 'Region', Value: 'eu' },
      { Name: 'ApiKey', Value: 'Sup3rSecret-api!', IsSensitive: true, Type: 'Sensitive' },
      { Name: 'ApiKey', Value: 'public-part', Scope: { Environment: ['Production'] } },
    ];
    const src = await sim({ seed: space(['Production'], { variables: vars, channels: ['Hotfix'] }) });
    const dst = await sim({ seed: space(['Production']) });
    const dir = workDir();
    const baseline = join(dir, 'baseline.json');
    expect((await applyRound(dst.url, await planRound(dir, 'first', src.url, dst.url, undefined), baseline)).failed).toEqual([]);
    await setVariables(src, { LogLevel: 'Warning', ApiKey: 'public-2' });
    await setVariables(dst, { LogLevel: 'Debug', Region: 'eu-west', ApiKey: 'public-3' });
    const p = await byName(src.api, 'projects', 'OctoFX');
    const hotfix = (await src.api('GET', `${S}/projects/${p.Id}/channels`)).body.Items.find((c: any) => c.Name === 'Hotfix');
    expect((await src.api('DELETE', `${S}/channels/${hotfix.Id}`)).status).toBe(200);

    const source = join(dir, 'source.json');
    const destination = join(dir, 'destination.json');
    await snapshotTo(src.url, source);
    await snapshotTo(dst.url, destination);
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ version: 1, conflicts: 'source-wins', deletions: 'propagate', filters: { projects: { include: ['OctoFX'] } } }));
    const planFile = join(dir, 'plan.json');
    const planned = await octosync('plan', '--source', source, '--destination', destination, '--policy', policy, '--baseline', baseline, '--out', planFile, '--detailed-exitcode', '--no-color');
    expect(planned.code).toBe(1);
    expect(planned.stderr).toMatch(/2 conflict\(s\) between source changes and destination edits/);

    const text = await octosync('show', planFile, '--no-color');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Drift since the last sync (1), kept as edited on the destination:');
    expect(text.stdout).toContain(`~ Project variables "OctoFX", variable 'Region': (values)`);
    expect(text.stdout).toContain('Conflicts (2), changed on both sides since the last sync:');
    expect(text.stdout).toMatch(/Project variables "OctoFX", variable 'LogLevel': the source's is written\n\s+source: .*Warning.*\n\s+destination: .*Debug/);
    expect(text.stdout).toContain('- Channel "OctoFX" / "Hotfix" will be deleted');
    expect(text.stdout).toMatch(/Gone from the source since the last sync \(1\):\n\s+- Channel "OctoFX" \/ "Hotfix": delete/);
    expect(text.stdout).toMatch(/Plan: 0 to create, 1 to update, \d+ skipped, 1 to delete; 1 drift, 2 conflicts, 1 gone from the source\./);
    expect(text.stdout).not.toContain('Sup3rSecret');

    const markdown = await octosync('show', planFile, '--format', 'markdown');
    expect(markdown.stdout).toContain('### Conflicts (2)');
    expect(markdown.stdout).toMatch(/\| Project variables "OctoFX", variable 'LogLevel' \| .*Warning.* \| .*Debug.* \| the source's is written \|/);
    expect(markdown.stdout).toContain('### Drift (1)');
    expect(markdown.stdout).toContain('### Gone from the source (1)');
    expect(markdown.stdout).not.toContain('Sup3rSecret');

    // The two-way plan of the same snapshots: no sections, no delete, and --detailed-exitcode as before.
    const twoWayFile = join(dir, 'two-way.json');
    const twoWay = await octosync('plan', '--source', source, '--destination', destination, '--out', twoWayFile, '--detailed-exitcode', '--quiet');
    expect(twoWay.code).toBe(0);
    const shown = await octosync('show', twoWayFile, '--no-color');
    expect(shown.stdout).not.toMatch(/Drift|Conflicts|Gone from the source|to delete/);

    // Applied with the CLI: the baseline is written beside the plan by default, and the deleted channel reported.
    const applied = await octosync('apply', planFile, ...connection(dst.url), '--baseline', '--source', source);
    expect(applied.code).toBe(0);
    expect(applied.stderr).toMatch(/Apply complete: 0 created, 1 updated, 1 deleted, 0 failed/);
    expect(applied.stderr).toContain(`Baseline: ${join(dir, 'plan.baseline.json')}`);
  });

  it('a run stopped among its deletes is finished by the same plan', async () => {
    const src = await sim({ seed: space(['Production'], { channels: ['A', 'B'], runbooks: ['R'] }) });
    const dst = await sim({ seed: space(['Production']) });
    const dir = workDir();
    const baseline = join(dir, 'baseline.json');
    const policy = { version: 1, deletions: 'propagate' };
    await applyRound(dst.url, await planRound(dir, 'first', src.url, dst.url, policy), baseline);
    const p = await byName(src.api, 'projects', 'OctoFX');
    for (const c of (await src.api('GET', `${S}/projects/${p.Id}/channels`)).body.Items.filter((c: any) => c.Name !== 'Default')) {
      expect((await src.api('DELETE', `${S}/channels/${c.Id}`)).status).toBe(200);
    }
    const round = await planRound(dir, 'second', src.url, dst.url, policy, baseline);
    expect(round.plan.operations.filter((o) => o.action === 'delete').map((o) => o.id)).toEqual(['channel/OctoFX/A', 'channel/OctoFX/B']);
    const err = await applyRound(dst.url, round, baseline, writesFailAfter(dst, 1)).catch((e) => e);
    expect(err).toBeInstanceOf(PartialApplyError);
    dst.faults.configure({ faultRate: 0 });
    const again = await applyRound(dst.url, round, baseline);
    expect(again.alreadyApplied).toBe(1);
    expect(again.deleted).toBe(1);
    const left = (await dst.api('GET', `${S}/projects/${(await byName(dst.api, 'projects', 'OctoFX')).Id}/channels`)).body.Items.map((c: any) => c.Name);
    expect(left).toEqual(['Default']);
  });
});
