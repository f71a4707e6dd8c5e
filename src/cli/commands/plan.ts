import type { Argv } from 'yargs';
import { ExitCode } from '../../errors.js';
import { hasChanges } from '../../plan-format/operations.js';
import { makePlans } from '../../plan/make.js';
import { renderText } from '../../render/text.js';
import { checkWritableDirectory, checkWritableFile } from '../../util/out-file.js';
import { outputFormatOption, type OctosyncCommand, type OutputFormatArgs } from '../command.js';
import { colourFor, info, out } from '../output.js';
import { join } from 'node:path';

interface PlanArgs extends OutputFormatArgs {
  source: string;
  destination: string[];
  policy?: string;
  out: string;
  detailedExitcode: boolean;
  quiet: boolean;
}

export const planCommand: OctosyncCommand<PlanArgs> = {
  command: 'plan',
  describe: 'Diff a source and destination snapshot under a policy into a reviewable plan file (no network)',
  builder: (y: Argv) =>
    outputFormatOption(
      y
        .option('source', { type: 'string', demandOption: true, describe: 'Source snapshot' })
        .option('destination', { type: 'string', array: true, demandOption: true, describe: 'Destination snapshot (repeat for several destinations: one plan each)' })
        .option('policy', { type: 'string', describe: 'Policy file (YAML or JSON); defaults apply without one' })
        .option('out', { type: 'string', demandOption: true, describe: 'Plan file to write (a folder when there are several destinations)' })
        .option('detailed-exitcode', { type: 'boolean', default: false, describe: 'Exit 2 when a plan has changes, 0 when none' })
        .option('quiet', { type: 'boolean', default: false, describe: 'Do not print the plan' }),
    ) as unknown as Argv<PlanArgs>,
  run: (argv, io) => {
    checkOut(argv.out, argv.destination.length);
    const made = makePlans({ source: argv.source, destinations: argv.destination, policy: argv.policy, out: argv.out });
    const chalk = colourFor(process.stdout, !io.color);
    for (const m of made) {
      if (!argv.quiet && !io.json) out(renderText(m.plan, chalk));
      const c = m.plan.counts;
      info(`${m.destinationFile}: ${c.create} to create, ${c.update} to update, ${c.skip} skipped, ${c.unchanged} unchanged; plan saved to ${m.planFile}`);
    }
    if (made.length === 1) info(`To apply exactly this plan: octosync apply ${made[0].planFile} --server … --space '${made[0].plan.destination.space}'`);
    const changes = made.some((m) => hasChanges(m.plan));
    return {
      exitCode: argv.detailedExitcode && changes ? ExitCode.changes : ExitCode.ok,
      data: {
        plans: made.map((m) => ({
          destination: m.destinationFile,
          planFile: m.planFile,
          hasChanges: hasChanges(m.plan),
          counts: m.plan.counts,
          checksum: m.plan.checksum,
        })),
      },
    };
  },
};

/** `--out` is checked before anything is read: a file for one destination, a folder for several. */
function checkOut(outPath: string, destinations: number): void {
  if (destinations > 1) checkWritableDirectory(outPath, '--out');
  else checkWritableFile(outPath, '--out', `with one --destination, --out names the plan file (e.g. ${join(outPath, 'plan.json')})`);
}
