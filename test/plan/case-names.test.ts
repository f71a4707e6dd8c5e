import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan } from '../../src/plan-format/types.js';
import type { SeedFile } from '../../src/simulator/seed.js';
import { runCli } from '../helpers/cli.js';
import { withSimulator } from '../helpers/simulator.js';
import { applyTo, planSync, snapshotTo, workDir } from '../helpers/sync.js';
import { duplicateNames } from '../helpers/reliability.js';

/**
 * Names that differ only in case. Octopus keeps names unique without regard to case, so a plan that creates
 * "Services" beside the destination's "services" would fail with a 400 on every run. `plan` treats it as a
 * match problem: by default it stops, naming both; with `names.caseOnly: adopt` it matches the destination's
 * item (and its children), updates it and renames it, and warns naming both.
 */

const space = (collections: SeedFile['spaces'][number]['collections']): SeedFile => ({ spaces: [{ Name: 'Default', collections }] });

const source = space({
  projectgroups: [{ Name: 'Services', Description: 'Back-end services.' }, { Name: 'Tools' }],
  projects: [{ Name: 'Billing', ProjectGroupId: 'Services', LifecycleId: 'Default Lifecycle', Description: 'Invoices.', $channels: [{ Name: 'Hotfix', Description: 'Urgent fixes.' }] }],
});
const destination = space({
  projectgroups: [{ Name: 'services', Description: 'Old description.' }, { Name: 'Tools' }],
  projects: [{ Name: 'billing', ProjectGroupId: 'services', LifecycleId: 'Default Lifecycle', Description: 'Invoices.', $channels: [{ Name: 'hotfix' }] }],
});

type Sim = Awaited<ReturnType<typeof withSimulator>>;

describe('names that differ only in case', () => {
  let src: Sim;
  let dir: string;

  beforeAll(async () => {
    src = await withSimulator({ seed: source });
    dir = workDir();
  });
  afterAll(() => src?.close());

  it('the simulator refuses a second name that differs only in case, with a 400, as Octopus does', async () => {
    const dst = await withSimulator({ seed: destination });
    try {
      const res = await dst.api('POST', '/api/Spaces-1/projectgroups', { Name: 'SERVICES' });
      expect(res.status).toBe(400);
      expect(res.body.Errors.join(' ')).toMatch(/names must be unique\. Another projectgroup is already using the name 'SERVICES'/);
    } finally {
      await dst.close();
    }
  });

  it('by default, plan stops and names both sides; no plan is written', async () => {
    const dst = await withSimulator({ seed: destination });
    try {
      await snapshotTo(src.url, join(dir, 'src.json'));
      await snapshotTo(dst.url, join(dir, 'dst.json'));
      const out = join(dir, 'stop.plan.json');
      const r = await runCli(['plan', '--source', join(dir, 'src.json'), '--destination', join(dir, 'dst.json'), '--out', out, '--quiet']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("project group 'Services' on the source and 'services' on the destination differ only in case");
      expect(r.stderr).toContain("project 'Billing' on the source and 'billing' on the destination differ only in case");
      expect(r.stderr).toContain("channel 'Hotfix' on the source and 'hotfix' on the destination (in 'Billing') differ only in case");
      expect(r.stderr).toContain('names.caseOnly: adopt');
      expect(r.stderr).not.toContain('internal error');
      expect(existsSync(out)).toBe(false);
    } finally {
      await dst.close();
    }
  });

  it('with names.caseOnly: adopt, the destination items are updated and renamed, never created twice; a new plan has no changes', async () => {
    const dst = await withSimulator({ seed: destination });
    try {
      const policy = { names: { caseOnly: 'adopt' } };
      const { plan, file } = await planSync(dir, src.url, dst.url, policy, 'adopt');
      expect(plan.warnings).toEqual(
        expect.arrayContaining([
          "project group 'Services' on the source and 'services' on the destination differ only in case: matched (names.caseOnly is adopt); the destination's item is updated, its name to 'Services'",
          "project 'Billing' on the source and 'billing' on the destination differ only in case: matched (names.caseOnly is adopt); the destination's item is updated, its name to 'Billing'",
        ]),
      );
      const ops = (p: Plan) => p.operations.filter((o) => o.action !== 'skip').map((o) => `${o.action} ${o.id}`);
      // A project group exists by name (its details are the destination's): matched, left as it is.
      expect(ops(plan).sort()).toEqual(['update channel/Billing/Hotfix', 'update project/Billing']);
      expect(plan.operations.find((o) => o.id === 'project/Billing')!.patch).toEqual(expect.arrayContaining([{ op: 'replace', path: '/Name', value: 'Billing' }]));

      const before = dst.store.all('projectgroups').map((g) => g.Id).sort();
      const result = await applyTo(dst.url, file);
      expect(result.failed).toEqual([]);
      expect(dst.store.all('projectgroups').map((g) => g.Id).sort()).toEqual(before);
      expect(dst.store.all('projectgroups').map((g) => g.Name).sort()).toEqual(['Default Project Group', 'Tools', 'services']);
      expect(dst.store.all('projects')[0].ProjectGroupId).toBe(dst.store.all('projectgroups').find((g) => g.Name === 'services')!.Id);
      expect(dst.store.all('projects').map((p) => p.Name)).toEqual(['Billing']);
      expect(dst.store.all('channels').map((c) => c.Name).sort()).toEqual(['Default', 'Hotfix']);
      expect(duplicateNames(dst)).toEqual([]);

      const again = await planSync(dir, src.url, dst.url, policy, 'adopt-again');
      expect(ops(again.plan)).toEqual([]);
      expect(again.plan.caseMatches).toEqual([{ kind: 'projectGroup', keyPath: ['Services'], destinationName: 'services' }]);
    } finally {
      await dst.close();
    }
  });

  it('an environment the plan would create beside one that differs only in case stops the plan', async () => {
    const dst = await withSimulator({ seed: space({ environments: [{ Name: 'production' }] }) });
    const envSrc = await withSimulator({ seed: space({ environments: [{ Name: 'Production' }] }) });
    try {
      const policyFile = join(dir, 'env-policy.json');
      writeFileSync(policyFile, JSON.stringify({ environments: { create: true } }));
      await snapshotTo(envSrc.url, join(dir, 'env-src.json'));
      await snapshotTo(dst.url, join(dir, 'env-dst.json'));
      const r = await runCli(['plan', '--source', join(dir, 'env-src.json'), '--destination', join(dir, 'env-dst.json'), '--policy', policyFile, '--out', join(dir, 'env.plan.json'), '--quiet']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("environment 'Production' would be created, but the destination has 'production', which differs only in case: map it in environments.map");
    } finally {
      await dst.close();
      await envSrc.close();
    }
  });
});
