// Jest global setup of the integration and reliability tiers: builds dist/ once for the whole run, for the tests
// that spawn the shipped CLI (`node dist/cli/main.js`) under plain node, as `npm run build` does: tsc, then the
// schemas' precompiled validators (dist/precompile-schemas.js). Jest runs a global setup module once even when
// several projects name it. The build is skipped when dist/ is newer than every source file and schema (as after
// `npm run build` in .ci/run).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest modification time of a file under `path` (or of `path` itself). */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

export default function buildOnce(_globalConfig, projectConfig) {
  const root = projectConfig.rootDir;
  const main = join(root, 'dist', 'cli', 'main.js');
  const inputs = ['src', 'schemas', 'tsconfig.json', 'package.json'].map((p) => join(root, p));
  if (existsSync(main) && statSync(main).mtimeMs >= Math.max(...inputs.map(newest))) return;
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], {
    cwd: root,
    encoding: 'utf8',
  });
  if (!existsSync(main)) throw new Error(`building dist/ for the tests emitted no ${main}:\n${tsc.stdout}${tsc.stderr}`);
  const precompile = spawnSync(process.execPath, [join(root, 'dist', 'precompile-schemas.js')], { cwd: root, encoding: 'utf8' });
  if (precompile.status !== 0) throw new Error(`precompiling the schemas (dist/precompile-schemas.js) failed:\n${precompile.stdout}${precompile.stderr}`);
  // A tree being worked on may have type errors elsewhere; tsc still emits JavaScript, and the type check
  // (`npm run typecheck`) is where they are reported.
  if (tsc.status !== 0) process.stderr.write('\nnote: tsc reported type errors (npm run typecheck); the tests run the JavaScript it emitted\n');
}
