/**
 * The CLI compiled for plain node, for tests that need a child process (a pseudo-terminal, plain Node's ESM
 * loader). The sources are compiled into a cache directory laid out like the package (dist/, package.json,
 * schemas/), incrementally, so no test runs a stale dist/.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { API_KEY, READ_ONLY_KEY } from './simulator.js';

const BUILD = resolve('node_modules/.cache/octosync-built-cli');
export const BUILT_MAIN = join(BUILD, 'dist/cli/main.js');

export function buildCli(): void {
  mkdirSync(BUILD, { recursive: true });
  const tsc = spawnSync(
    process.execPath,
    [resolve('node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--outDir', join(BUILD, 'dist'), '--incremental', '--tsBuildInfoFile', join(BUILD, 'tsbuildinfo')],
    { encoding: 'utf8' },
  );
  // Type errors are the type check's business (tsc --noEmit); these tests need the emitted JavaScript.
  if (!existsSync(BUILT_MAIN)) throw new Error(`tsc did not emit ${BUILT_MAIN}: ${tsc.stdout}${tsc.stderr}`);
  cpSync('package.json', join(BUILD, 'package.json'));
  cpSync('schemas', join(BUILD, 'schemas'), { recursive: true });
}

/** The built simulator in a child process; resolves with its URL once it listens. */
export function startBuiltSimulator(seed: string, extra: string[] = []): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BUILT_MAIN, 'simulator', '--port', '0', '--api-key', API_KEY, '--read-only-api-key', READ_ONLY_KEY, '--seed', seed, ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolvePromise, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`the built simulator did not start: ${log}`)), 20_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      const url = /http:\/\/[0-9.:]+/.exec(log)?.[0];
      if (url) {
        clearTimeout(timer);
        resolvePromise({ url, child });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the built simulator exited (${code}): ${log}`));
    });
  });
}

/** The environment of a child octosync: none of the caller's Octopus settings, no jest loader flags. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const clean = { ...process.env };
  for (const k of ['OCTOPUS_URL', 'OCTOPUS_API_KEY', 'OCTOPUS_ACCESS_TOKEN', 'OCTOPUS_SPACE', 'NODE_OPTIONS']) delete clean[k];
  return { ...clean, ...extra };
}
