import { describe, expect, it } from '@jest/globals';
import { Chalk } from 'chalk';
import type { Operation } from '../../src/plan-format/types.js';
import { renderText } from '../../src/render/index.js';
import { SECRETS, sampleOperations, samplePlan } from './fixtures.js';

const plain = new Chalk({ level: 0 });
const text = (ops?: Operation[]) => renderText(samplePlan(ops), plain);
/** The block of one operation: from its header line to the blank line after it. */
const block = (out: string, title: string) => {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.includes(title));
  expect(start).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('', start);
  return lines.slice(start, end).join('\n');
};

describe('renderText', () => {
  it('names source and destination: URL, space, server version', () => {
    const out = text();
    expect(out).toContain('source:      https://source.example/, space "Default" (Octopus 2024.3.10989)');
    expect(out).toContain('destination: https://dest.example/, space "Production" (Octopus 2024.3.11000)');
  });

  it('shows a create with its content summarised: top-level fields, steps and variables by name, no empty fields', () => {
    const out = text();
    const project = block(out, 'Project "OctoFX" will be created');
    expect(project).toContain('+ Name                   = "OctoFX"');
    expect(project).toContain('+ Templates (1)          = "Region"');
    expect(project).not.toContain('AutoCreateRelease');
    const process = block(out, 'Deployment process "OctoFX" will be created');
    expect(process).toMatch(/\+ Steps \(2\):\n\s+\+ step "Deploy web"\n\s+\+ action "Deploy web" \(Octopus\.Script\)\n\s+\+ step "Smoke test"/);
    expect(process).not.toContain('echo hi');
    const vars = block(out, 'Project variables "OctoFX" will be created');
    expect(vars).toContain('+ ConnectionString = "Server=db;Database=fx" (Environment: Production)');
  });

  it('shows an update field by field, with readable member paths (JSON pointer tokens unescaped) and old -> new where the plan has it', () => {
    const out = text();
    expect(block(out, 'Account "Azure SP"')).toContain('~ Description = "old description" -> "new description"');
    const process = block(out, 'Deployment process "Web/API" will be updated in-place');
    expect(process).toContain('~ Steps["Deploy web"].Actions["Deploy web"].Properties["Octopus.Action.Script.ScriptBody"] = <<EOT');
    expect(process).toMatch(/\n\s+set -e\n\s+\.\/deploy\.sh\n\s+EOT/);
    expect(process).toContain('+ Steps["Smoke/test"] = {');
    expect(process).toContain('- Steps["Old step"]');
    expect(process).not.toContain('~1');
    expect(block(out, 'Library variables "Shared"')).toContain('+ Variables.Region = [');
  });

  it('never shows unchanged fields of an update', () => {
    const op: Operation = {
      id: 'feed/Private',
      action: 'update',
      kind: 'feed',
      keyPath: ['Private'],
      dependsOn: [],
      reason: 'differs from the source',
      reasonCode: 'differs',
      patch: [{ op: 'replace', path: '/FeedUri', value: 'https://feed.example/v3' }],
      destination: { id: 'Feeds-1', fingerprint: `sha256:${'0'.repeat(64)}` },
    };
    const lines = block(text([op]), 'Feed "Private"').split('\n');
    expect(lines).toEqual(['  ~ Feed "Private" will be updated in-place: differs from the source', '      ~ FeedUri = "https://feed.example/v3"']);
  });

  it('shows skips with their reason, decisions indented under their operation, and late reference updates as updates', () => {
    const out = text();
    expect(out).toContain(
      `  = Channel "OctoFX" / "Hotfix" is skipped: needs what the destination will not have: lifecycle 'Hotfix' is not on the destination and not synced`,
    );
    const vars = block(out, 'Project variables "OctoFX" will be created');
    expect(vars).toContain('      decisions:');
    expect(vars).toContain("        skip   variable 'ConnectionString' (Environment: Development): environment 'Development' is not on the destination");
    expect(vars).toContain("        create variable 'ConnectionString' (Environment: Production): new on the source: copied");
    expect(out).toContain('  ~ Tenant "Acme" will have its references set: references items this plan creates after it: set once they exist');
    expect(out).toContain('+ ProjectEnvironments.OctoFX = ["Production"]');
  });

  it('lists clean-up entries and warnings', () => {
    const out = text();
    expect(out).toContain('Clean-up after apply (1), by hand on the destination:');
    expect(out).toContain(`  [ ] Project variables "OctoFX": variable 'DbPassword' (unscoped): sensitive value written as a placeholder: set the real value`);
    expect(out).toContain("! after apply, by hand: variable 'DbPassword' (unscoped)");
    expect(out).toContain('  ! source: 2 deployment targets were not read (403)');
  });

  it('shows secrets as (sensitive), never their values', () => {
    const out = text();
    for (const secret of SECRETS) expect(out).not.toContain(secret);
    expect(out).not.toContain('HasValue');
    expect(out).toContain('~ Password = (sensitive)');
    expect(out).toContain('~ ClientSecret = (sensitive)');
    expect(out).toContain('+ DbPassword = (sensitive)');
    expect(out).toContain('~ Variables.ApiKey[0].Value = (sensitive)');
    expect(out).toContain('+ LibraryVariables.Shared = { ApiKey = (sensitive), Secretish = "tenant-plain" }');
  });

  it('masks what the plan’s sensitivePaths name, and judges nothing itself', () => {
    const op: Operation = {
      id: 'account/Vault',
      action: 'update',
      kind: 'account',
      keyPath: ['Vault'],
      dependsOn: [],
      reason: 'differs from the source',
      reasonCode: 'differs',
      patch: [
        { op: 'replace', path: '/Token', value: 'named-secret-value' },
        { op: 'add', path: '/Bag', value: { Inner: 'inner-secret-value', Plain: 'shown-value' } },
        { op: 'replace', path: '/Description', value: 'plain description' },
      ],
      sensitivePaths: ['/Bag/Inner', '/Token'],
      destination: { id: 'Accounts-9', fingerprint: `sha256:${'9'.repeat(64)}` },
    };
    const out = text([op]);
    expect(out).toContain('~ Token = (sensitive)');
    expect(out).toContain('+ Bag = { Inner = (sensitive), Plain = "shown-value" }');
    expect(out).toContain('~ Description = "plain description"');
    expect(out).not.toContain('named-secret-value');
    expect(out).not.toContain('inner-secret-value');
  });

  it('ends with the plan line from the counts (late reference updates are not counted in it)', () => {
    const out = text();
    const lines = out.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toBe('Plan: 3 to create, 4 to update, 1 skipped.');
    expect(lines[lines.length - 2]).toBe('Also 1 late reference update: references set once the items they name exist.');
    expect(out).toMatch(/│ Total\s+│\s+3 │\s+4 │\s+1 │\s+1 │/);
  });

  it('says "No changes." when there is nothing to create or update', () => {
    const skipsOnly = sampleOperations().filter((o) => o.action === 'skip');
    for (const ops of [[], skipsOnly]) {
      const lines = text(ops).trimEnd().split('\n');
      expect(lines[lines.length - 1]).toBe('No changes. The destination matches the source under this policy.');
    }
    expect(text(skipsOnly)).toContain('1 skipped (reasons above).');
    // Only a late reference update: a change, though the counts say 0 updates.
    const late = sampleOperations().filter((o) => o.lateReferencesOf !== undefined);
    const lines = text(late).trimEnd().split('\n');
    expect(lines[lines.length - 1]).toBe('Plan: 0 to create, 0 to update, 0 skipped.');
  });

  it('never says the destination matches where differences are held back: they are listed under the skip', () => {
    const held: Operation = {
      id: 'projectVariables/OctoFX',
      action: 'skip',
      kind: 'projectVariables',
      keyPath: ['OctoFX'],
      dependsOn: [],
      reason: 'left as it is on the destination: 1 source difference is held back (see decisions)',
      reasonCode: 'held-back',
      decisions: [{ subject: "variable 'Application.Database.Name' (Environment: Development)", action: 'skip', reason: "environment 'Development' is not on the destination", reasonCode: 'environment-dropped' }],
    };
    const out = text([held]);
    expect(block(out, 'is skipped')).toContain("skip variable 'Application.Database.Name' (Environment: Development): environment 'Development' is not on the destination");
    const lines = out.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toBe('No changes to write. 1 item keeps source differences held back under this policy (listed with the skips).');
    expect(out).not.toContain('matches the source');
  });

  it('is deterministic and colours only through the chalk it is given', () => {
    const plan = samplePlan();
    const a = renderText(plan, plain);
    expect(renderText(structuredClone(plan), new Chalk({ level: 0 }))).toBe(a);
    // No ANSI codes at level 0, whatever FORCE_COLOR says (cli-table3's own colours are off).
    expect(a).not.toMatch(/\u001b\[/);
    const coloured = renderText(plan, new Chalk({ level: 2 }));
    expect(coloured).toMatch(/\u001b\[32m\+\u001b\[39m/);
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(a);
  });
});
