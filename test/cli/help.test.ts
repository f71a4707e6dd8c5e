/**
 * `octosync --help` is laid out without yargs (src/cli/help.ts, issue 17.6: start-up). It must say exactly what
 * yargs would: the same commands, options, epilogue and exit codes, in the same layout, at every width.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { CATALOG_ORDER } from '../../src/cli/commands/catalog.js';
import { commands } from '../../src/cli/commands/index.js';
import { topLevelHelp } from '../../src/cli/help.js';
import { cliParser } from '../../src/cli/run.js';
import { BUILT_MAIN, buildCli, cleanEnv } from '../helpers/built-cli.js';
import { runCli } from '../helpers/cli.js';

const yargsHelp = async (width: number) => `${await (await cliParser(['--help'], commands, width)).getHelp()}\n`;

describe('the top-level help page', () => {
  it.each([60, 80, 100, 120])('is yargs\' own page, byte for byte, at %i columns', async (width) => {
    expect(topLevelHelp(CATALOG_ORDER, width)).toBe(await yargsHelp(width));
  });

  it('lists the commands yargs knows, in the same order, from the catalog alone', () => {
    expect(CATALOG_ORDER.map((c) => [c.command, c.describe])).toEqual(commands.map((c) => [c.command, c.describe]));
  });

  it('lists every command and the exit codes, from the CLI in-process and from the built CLI', async () => {
    const inProcess = await runCli(['--help']);
    expect(inProcess.code).toBe(0);
    expect(inProcess.stdout).toBe(await yargsHelp(100));
    for (const c of commands) expect(inProcess.stdout).toContain(`octosync ${c.command}`);
    expect(inProcess.stdout).toMatch(/^ {2}130 {2}apply: interrupted/m);

    buildCli();
    const built = spawnSync(process.execPath, [BUILT_MAIN, '--help'], { encoding: 'utf8', env: cleanEnv() });
    expect(built.status).toBe(0);
    expect(built.stdout).toBe(inProcess.stdout);
  }, 180_000);

  it('leaves a command\'s own help to yargs, with that command\'s options', async () => {
    const plan = await runCli(['plan', '--help']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/^octosync plan$/m);
    expect(plan.stdout).toContain('--source-server');
  });
});
