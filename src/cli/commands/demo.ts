import type { Argv, CommandModule } from 'yargs';
import { runDemo } from '../../demo/demo.js';
import { colourFor, out } from '../output.js';

interface DemoArgs {
  out?: string;
  color: boolean;
}

export const demoCommand: CommandModule<object, DemoArgs> = {
  command: 'demo',
  describe: 'The whole job on two embedded simulators: snapshot, plan, show, apply, and plan again (no changes)',
  builder: (y: Argv) =>
    y
      .option('out', { type: 'string', describe: 'Folder for the files it writes (default: a new temporary folder)' })
      .option('color', { type: 'boolean', default: true, describe: 'Colour the output (--no-color, or NO_COLOR)' }) as unknown as Argv<DemoArgs>,
  handler: async (argv) => {
    await runDemo({ outDir: argv.out, chalk: colourFor(process.stdout, !argv.color), print: (t) => out(t + '\n') });
  },
};
