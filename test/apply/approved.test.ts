import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { planChecksum } from '../../src/plan-format/checksum.js';
import { runCli } from '../helpers/cli.js';
import { API_KEY } from '../helpers/simulator.js';
import { FixtureSync } from '../helpers/reliability.js';

/**
 * `apply --expect-checksum`: the plan applied is the plan approved. A plan whose checksum is valid but not the
 * approved one (edited and its checksum recomputed, as anyone can) is refused, with nothing written; the value
 * to pass is the one `show` prints, in text and in the markdown of the pull-request comment.
 */

describe('apply --expect-checksum', () => {
  let sync: FixtureSync;
  let dst: Awaited<ReturnType<FixtureSync['destination']>>;
  let planFile: string;
  let approved: string;

  beforeAll(async () => {
    sync = await FixtureSync.start(false);
    dst = await sync.destination();
    ({ planFile } = await sync.planFor(dst, 'approved'));
    approved = JSON.parse(readFileSync(planFile, 'utf8')).checksum;
  }, 60_000);

  afterAll(async () => {
    await dst?.close();
    await sync?.close();
  });

  const apply = (file: string, checksum: string) => runCli(['apply', file, '--server', dst.url, '--api-key', API_KEY, '--space', 'Default', '--expect-checksum', checksum]);

  it('show prints the full checksum, in text and in markdown', async () => {
    expect((await runCli(['show', planFile, '--no-color'])).stdout).toContain(`checksum:    ${approved}`);
    expect((await runCli(['show', planFile, '--format', 'markdown'])).stdout).toContain(approved);
  });

  it('refuses a plan edited after approval whose checksum was recomputed: both values named, nothing written', async () => {
    const edited = JSON.parse(readFileSync(planFile, 'utf8'));
    edited.operations.find((o: any) => o.desired?.Description !== undefined).desired.Description = 'slipped in after review';
    edited.checksum = planChecksum(edited);
    const editedFile = planFile.replace(/\.json$/, '.edited.json');
    writeFileSync(editedFile, JSON.stringify(edited));
    dst.stats.reset();
    const r = await apply(editedFile, approved);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`\noctosync: ${editedFile}: /checksum: this plan's checksum is ${edited.checksum}, not the approved ${approved}: it is not the plan that was approved; nothing was written\n`);
    expect(dst.stats.toJSON().total).toBe(0);
  });

  it('refuses a value that is not a checksum', async () => {
    const r = await apply(planFile, approved.slice(0, 20));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\noctosync: --expect-checksum: '.*' is not a plan checksum/);
    expect(dst.stats.writes).toBe(0);
  });

  it('applies the approved plan', async () => {
    const r = await apply(planFile, approved);
    expect(r.stderr).toMatch(/Apply complete: \d+ created, \d+ updated, 0 failed/);
    expect(r.code).toBe(0);
    expect(dst.stats.writes).toBeGreaterThan(0);
  });
});
