/**
 * Exit codes are defined once (src/errors.ts, issue 16.4): `--help`, the apply epilogue and README's table
 * come from that definition, and commands hand their exit code back as a typed result.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { applyExitCodesHelp, EXIT_CODES, ExitCode, exitCodesHelp } from '../../src/errors.js';
import { commands } from '../../src/cli/commands/index.js';
import { runCli } from '../helpers/cli.js';

/** The rows of the table under README's "Exit codes" heading. */
function readmeExitCodes(): { code: number; meaning: string }[] {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('### Exit codes'));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('|')));
  return table
    .split('\n')
    .filter((l) => /^\| \d+ \|/.test(l))
    .map((l) => {
      const [, code, meaning] = /^\| (\d+) \| (.*) \|$/.exec(l)!;
      return { code: Number(code), meaning };
    });
}

describe('exit codes', () => {
  it("README's table is the definition, row for row", () => {
    const rows = readmeExitCodes();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(Object.values(EXIT_CODES).map((e) => ({ code: e.code, meaning: e.meaning })));
  });

  it('octosync --help prints every code from the definition; apply --help its own note', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain(exitCodesHelp().replace(/\s+/g, ' '));
    for (const e of Object.values(EXIT_CODES)) expect(help.stdout).toMatch(new RegExp(`^\\s+${e.code} {2}\\S`, 'm'));
    const apply = await runCli(['apply', '--help']);
    expect(apply.stdout.replace(/\s+/g, ' ')).toContain(applyExitCodesHelp());
    expect(applyExitCodesHelp()).toBe(
      'Exit codes: 0 applied; 1 refused or failed before any write (nothing written); 3 partially applied (run the same plan again to finish); 130 interrupted (run the same plan again to finish).',
    );
  });

  it('codes are distinct, and ExitCode names them', () => {
    const codes = Object.values(EXIT_CODES).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(ExitCode).toEqual({ ok: 0, error: 1, changes: 2, partialApply: 3, interrupted: 130 });
  });

  it('commands return their exit code as a result; none reaches into argv for it', async () => {
    for (const c of commands) expect(typeof c.run).toBe('function');
    const usage = await runCli(['plan', '--source', 'x.json']);
    expect(usage.code).toBe(ExitCode.error);
    const files = readdirSync('src/cli/commands').filter((f) => f.endsWith('.ts'));
    expect(files).toEqual(expect.arrayContaining(['apply.ts', 'apply-files.ts', 'check.ts', 'plan.ts', 'snapshot.ts', 'simulator.ts']));
    for (const c of files) {
      const text = readFileSync(`src/cli/commands/${c}`, 'utf8');
      // Neither `(argv as …).exitCode = …` nor `argv.exitCode = …`, nor a process exit of its own.
      expect([c, /\(argv as [^)]*exitCode[^)]*\)\.exitCode\s*=|argv\.exitCode\s*=|process\.exit/.test(text)]).toEqual([c, false]);
    }
  });
});
