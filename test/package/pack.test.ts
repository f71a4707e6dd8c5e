/**
 * The package as a user gets it: `npm pack` of a copy of the sources (its `prepack` builds dist/; the copy keeps
 * the build away from the dist/ other tests run), installed into an empty folder, then `octosync --version`, the
 * demo and `validate` of a shipped example through the installed bin. The dependencies come from npm's cache,
 * which `npm ci` filled (`--prefer-offline`: the registry only for what the cache lacks).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

const ROOT = resolve('.');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; files: string[] };
const WIN = process.platform === 'win32';

/** npm itself: the one running the tests when there is one (`npm test` sets npm_execpath), else npm on the PATH. */
function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  const execPath = process.env.npm_execpath;
  const viaNode = execPath && /npm-cli\.js$/.test(basename(execPath));
  const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  return viaNode
    ? spawnSync(process.execPath, [execPath, ...args], { cwd, env, encoding: 'utf8', timeout: 240_000 })
    : spawnSync('npm', args, { cwd, env, encoding: 'utf8', timeout: 240_000, shell: WIN });
}

const output = (r: SpawnSyncReturns<string>) => `exit ${r.status}${r.error ? ` (${r.error.message})` : ''}\n${r.stdout}\n${r.stderr}`;

describe('the npm package', () => {
  let dir: string;
  let app: string;
  let packed: { filename: string; files: { path: string }[] };
  const octosync = (args: string[]) =>
    spawnSync(join(app, 'node_modules', '.bin', WIN ? 'octosync.cmd' : 'octosync'), args, {
      cwd: app,
      encoding: 'utf8',
      shell: WIN,
      timeout: 120_000,
      // The demo writes into a new temporary folder: this test's own, removed with it.
      env: { ...process.env, NODE_OPTIONS: '', TMPDIR: join(dir, 'tmp'), TEMP: join(dir, 'tmp'), TMP: join(dir, 'tmp') },
    });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'octosync-pack-'));
    mkdirSync(join(dir, 'tmp'));
    // What `npm pack` reads: the sources, what `files` ships, and the dependencies to build with.
    const src = join(dir, 'src');
    for (const entry of ['package.json', 'README.md', 'LICENSE', 'tsconfig.json', 'src', ...pkg.files.filter((f) => f !== 'dist')]) {
      cpSync(join(ROOT, entry), join(src, entry), { recursive: true });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'), 'junction');
    const pack = npm(['pack', '--json', '--pack-destination', dir], src);
    if (pack.status !== 0) throw new Error(`npm pack failed: ${output(pack)}`);
    // prepack's own output (tsc) may precede the JSON on stdout.
    packed = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')))[0];

    app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'octosync-install-check', private: true }));
    const install = npm(['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, packed.filename)], app);
    if (install.status !== 0) throw new Error(`npm install of the package failed (no npm cache from \`npm ci\` and no registry?): ${output(install)}`);
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });

  it('ships the built CLI, schemas, examples, fixtures, docs, README and LICENSE, and no sources or tests', () => {
    const files = packed.files.map((f) => f.path);
    for (const f of ['dist/cli/main.js', 'schemas/policy.schema.json', 'examples/dev-test-to-staging-prod.yaml', 'fixtures/source.json', 'README.md', 'LICENSE', 'package.json']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /^(src|test|bench)\//.test(f))).toEqual([]);
    expect(readFileSync(join(app, 'node_modules', pkg.name, 'LICENSE'), 'utf8')).toContain('Apache License');
  });

  it('installs a working `octosync` command: --version', () => {
    const r = octosync(['--version']);
    expect(output(r)).toMatch(/^exit 0\n/);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('runs the demo from the installed package', () => {
    const r = octosync(['demo', '--no-color']);
    expect(output(r)).toMatch(/^exit 0\n/);
    expect(r.stdout).toMatch(/Plan: \d+ to create, \d+ to update, \d+ skipped\./);
    expect(r.stdout).toMatch(/No changes to write\. \d+ items keep source differences held back under this policy \(listed with the skips\)\./);
  });

  it('validates the shipped example policies', () => {
    const examples = join(app, 'node_modules', pkg.name, 'examples');
    for (const example of ['dev-test-to-staging-prod.yaml', 'isolated-production-tenants.yaml', 'production-per-region.yaml']) {
      const r = octosync(['validate', join(examples, example)]);
      expect(output(r)).toMatch(/^exit 0\n/);
      expect(r.stdout).toContain('valid policy');
    }
  });
});
