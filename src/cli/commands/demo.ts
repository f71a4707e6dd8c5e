import type { Argv } from 'yargs';
import { ExitCode } from '../../errors.js';
import type { OctosyncCommand } from '../command.js';
import { runDemo } from '../../demo/demo.js';
import { colourFor, out } from '../output.js';

interface DemoArgs {
  out?: string;
}

export const demoCommand: OctosyncCommand<DemoArgs> = {
  command: 'demo',
  describe: 'The whole job on two embedded simulators: snapshot, plan, show, apply, and plan again (no changes)',
  builder: (y: Argv) =>
    y
      .option('out', { type: 'string', describe: 'Folder for the files it writes (default: a new temporary folder)' }) as unknown as Argv<DemoArgs>,
  run: async (argv, io) => {
    await runDemo({ outDir: argv.out, chalk: colourFor(process.stdout, !io.color), print: (t) => out(t + '\n') });
    return { exitCode: ExitCode.ok, data: undefined };
  },
};
