import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../../errors.js';
import { hasChanges } from '../../plan-format/operations.js';
import { makePlans } from '../../plan/make.js';
import { renderText } from '../../render/text.js';
import { colourFor, info, out } from '../output.js';

interface PlanArgs {
  source: string;
  destination: string[];
  policy?: string;
  out: string;
  detailedExitcode: boolean;
  quiet: boolean;
  color: boolean;
}

export const planCommand: CommandModule<object, PlanArgs> = {
  command: 'plan',
  describe: 'Diff a source and destination snapshot under a policy into a reviewable plan file (no network)',
  builder: (y: Argv) =>
    y
      .option('source', { type: 'string', demandOption: true, describe: 'Source snapshot' })
      .option('destination', { type: 'string', array: true, demandOption: true, describe: 'Destination snapshot (repeat for several destinations: one plan each)' })
      .option('policy', { type: 'string', describe: 'Policy file (YAML or JSON); defaults apply without one' })
      .option('out', { type: 'string', demandOption: true, describe: 'Plan file to write (a directory when there are several destinations)' })
      .option('detailed-exitcode', { type: 'boolean', default: false, describe: 'Exit 2 when a plan has changes, 0 when none' })
      .option('quiet', { type: 'boolean', default: false, describe: 'Do not print the plan' })
      .option('color', { type: 'boolean', default: true, describe: 'Colour the output (--no-color, or NO_COLOR, turns it off)' }) as unknown as Argv<PlanArgs>,
  handler: async (argv) => {
    const made = makePlans({ source: argv.source, destinations: argv.destination, policy: argv.policy, out: argv.out });
    const chalk = colourFor(process.stdout, !argv.color);
    for (const m of made) {
      if (!argv.quiet) out(renderText(m.plan, chalk));
      const c = m.plan.counts;
      info(`${m.destinationFile}: ${c.create} to create, ${c.update} to update, ${c.skip} skipped, ${c.unchanged} unchanged; plan saved to ${m.planFile}`);
    }
    if (made.length === 1) info(`To apply exactly this plan: octosync apply ${made[0].planFile} --server … --space '${made[0].plan.destination.space}'`);
    (argv as { exitCode?: number }).exitCode = argv.detailedExitcode && made.some((m) => hasChanges(m.plan)) ? ExitCode.changes : ExitCode.ok;
  },
};
