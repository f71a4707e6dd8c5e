/**
 * The CLI compiled for plain node, for tests that need a child process (a pseudo-terminal, plain Node's ESM
 * loader): the jest global setup (test/setup/build.js) builds dist/ once per run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ensureBuilt, MAIN } from './built.js';
import { API_KEY, READ_ONLY_KEY } from './simulator.js';

export const BUILT_MAIN = MAIN;
export const buildCli = ensureBuilt;

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
