import type { Argv } from 'yargs';
import { ExitCode } from '../../errors.js';
import type { OctosyncCommand } from '../command.js';
import { CATALOG } from './catalog.js';

interface DemoArgs {
  out?: string;
}

export const demoCommand: OctosyncCommand<DemoArgs> = {
  ...CATALOG.demo,
  builder: (y: Argv) =>
    y
      .option('out', { type: 'string', describe: 'Folder for the files it writes (default: a new temporary folder)' }) as unknown as Argv<DemoArgs>,
  run: async (argv, io) => {
    // Loaded here, not above: `octosync --help` must not pay for two simulators and the whole sync.
    const { runDemo } = await import('../../demo/demo.js');
    const { colourFor, out } = await import('../output.js');
    await runDemo({ outDir: argv.out, chalk: colourFor(process.stdout, !io.color), print: (t) => out(t + '\n') });
    return { exitCode: ExitCode.ok, data: undefined };
  },
};
