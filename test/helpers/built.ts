import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The package root (jest runs there) and the built CLI, which the jest global setup builds once per run. */
export const ROOT = resolve('.');
export const MAIN = join(ROOT, 'dist/cli/main.js');

/** For tests that spawn `node dist/cli/main.js`: says what is wrong when the global setup (test/setup/build.js) did not run. */
export function ensureBuilt(): void {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: the jest global setup (test/setup/build.js) builds it; run the tests through jest.config.js`);
}
