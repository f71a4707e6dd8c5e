import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/run.js';
import { writePlanFile } from '../../src/plan-format/file.js';
import { writeSnapshotFile } from '../../src/snapshot/file.js';
import { ensureBuilt, MAIN } from '../helpers/built.js';
import { makeSnapshot } from '../helpers/snapshots.js';
import { SECRETS, samplePlan } from '../render/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'octosync-show-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const planFile = join(dir, 'prod.plan.json');
writePlanFile(planFile, samplePlan());
const tampered = file('tampered.plan.json', readFileSync(planFile, 'utf8').replace('"new description"', '"something else"'));

/** `run` in this process, with stdout and stderr captured. */
async function octosync(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const capture = (append: (s: string) => void) => (chunk: unknown) => {
    append(String(chunk));
    return true;
  };
  jest.spyOn(process.stdout, 'write').mockImplementation(capture((s) => (stdout += s)) as typeof process.stdout.write);
  jest.spyOn(process.stderr, 'write').mockImplementation(capture((s) => (stderr += s)) as typeof process.stderr.write);
  try {
    return { code: await run(argv), stdout, stderr };
  } finally {
    jest.restoreAllMocks();
  }
}

afterEach(() => {
  jest.restoreAllMocks();
});

describe('octosync show', () => {
  it('renders a plan as markdown and as canonical JSON', async () => {
    const md = await octosync('show', planFile, '--format', 'markdown');
    expect(md.code).toBe(0);
    expect(md.stdout.startsWith('## octosync plan: Default → Production')).toBe(true);
    expect(md.stdout).toContain('<details>');
    const json = await octosync('show', planFile, '--format', 'json');
    expect(json.code).toBe(0);
    expect(json.stdout).toBe(readFileSync(planFile, 'utf8'));
  });

  it('refuses a tampered plan: exit 1, naming the file and /checksum', async () => {
    const r = await octosync('show', tampered);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`octosync: ${tampered}: /checksum: the plan does not match its checksum`);
  });

  it('rejects an unknown format', async () => {
    const r = await octosync('show', planFile, '--format', 'html');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Invalid values|choices/i);
  });
});

describe('octosync validate', () => {
  const goodPolicy = file('policy.yaml', '# hand-written\nversion: 1\nvariables:\n  overwrite: always\nenvironments:\n  map:\n    Test: Staging\n');
  const badPolicy = file('bad-policy.yaml', 'version: 1\nvariables:\n  overwrite: always\n  overwrtie: never\n');
  const snapshotFile = join(dir, 'source.json');
  writeSnapshotFile(snapshotFile, makeSnapshot({ environments: { Production: { Name: 'Production' } } }));

  it('accepts a good policy, plan and snapshot, detecting the kind from the content', async () => {
    expect(await octosync('validate', goodPolicy)).toEqual({ code: 0, stdout: `${goodPolicy}: valid policy\n`, stderr: '' });
    expect(await octosync('validate', planFile)).toEqual({ code: 0, stdout: `${planFile}: valid plan\n`, stderr: '' });
    expect(await octosync('validate', snapshotFile)).toEqual({ code: 0, stdout: `${snapshotFile}: valid snapshot\n`, stderr: '' });
    const jsonPolicy = file('policy.json', JSON.stringify({ version: 1, tenants: { variables: 'copy' } }));
    expect((await octosync('validate', jsonPolicy)).stdout).toBe(`${jsonPolicy}: valid policy\n`);
  });

  it('names the file, the JSON pointer and what was wrong: an unknown key in a policy', async () => {
    const r = await octosync('validate', badPolicy);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`octosync: ${badPolicy}: not a valid policy: line 4, column 3: /variables: unknown member 'overwrtie' (did you mean 'overwrite'?)\n`);
  });

  it('names what was expected where a value is wrong', async () => {
    const r = await octosync('validate', file('enum.yaml', 'version: 1\nvariables:\n  overwrite: sometimes\n'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/variables/overwrite: must be equal to one of the allowed values ("never", "always", "unless-edited-on-destination")');
  });

  it('reports a truncated JSON file (a plan cut short is still judged a plan)', async () => {
    const cut = file('cut.plan.json', readFileSync(planFile, 'utf8').slice(0, 400));
    const r = await octosync('validate', cut);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^octosync: ${cut.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON \\(`));
  });

  it('refuses a tampered plan', async () => {
    const r = await octosync('validate', tampered);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${tampered}: /checksum:`);
  });

  it('checks against the kind --kind names, whatever the content', async () => {
    const r = await octosync('validate', planFile, '--kind', 'policy');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a valid policy: line \d+, column \d+: \/: unknown member/);
    expect((await octosync('validate', snapshotFile, '--kind', 'snapshot')).code).toBe(0);
  });

  it('reports a missing file', async () => {
    const r = await octosync('validate', join(dir, 'nope.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nope.yaml: cannot read');
  });
});

// The shipped binary under plain node: ESM interop errors that jest hides show up here.
describe('the built CLI under plain node', () => {
  beforeAll(ensureBuilt);

  const env = (extra: Record<string, string> = {}) => {
    const e: NodeJS.ProcessEnv = { ...process.env, ...extra };
    delete e.FORCE_COLOR;
    if (!('NO_COLOR' in extra)) delete e.NO_COLOR;
    return e;
  };
  const node = (args: string[], extra?: Record<string, string>) => {
    try {
      return { code: 0, stdout: execFileSync(process.execPath, [MAIN, ...args], { env: env(extra), encoding: 'utf8', stdio: 'pipe' }), stderr: '' };
    } catch (err) {
      const e = err as { status: number; stdout: string; stderr: string };
      return { code: e.status, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('show prints the text plan without colour (--no-color, NO_COLOR) and without secrets', () => {
    for (const [args, extra] of [[['--no-color'], {}], [[], { NO_COLOR: '1' }]] as const) {
      const r = node(['show', planFile, ...args], extra);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(/\u001b\[/);
      expect(r.stdout.trimEnd().split('\n').pop()).toBe('Plan: 3 to create, 4 to update, 1 skipped.');
      for (const secret of SECRETS) expect(r.stdout).not.toContain(secret);
    }
    // FORCE_COLOR asks for colour even into a pipe: it comes through the chalk instance the command made.
    const forced = execFileSync(process.execPath, [MAIN, 'show', planFile], { env: { ...env(), FORCE_COLOR: '1' }, encoding: 'utf8' });
    expect(forced).toMatch(/\u001b\[/);
  });

  it('show refuses a tampered plan with exit 1', () => {
    const r = node(['show', tampered]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${tampered}: /checksum:`);
  });

  it('validate: exit 0 and the verdict on stdout; exit 1 and the pointer on stderr', () => {
    const ok = node(['validate', planFile]);
    expect(ok).toEqual({ code: 0, stdout: `${planFile}: valid plan\n`, stderr: '' });
    const bad = node(['validate', file('bad.json', '{"version": 1, "colour": "red"}')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("bad.json: not a valid policy: line 1, column 16: /: unknown member 'colour' (members here: version, filters,");
  });
});
