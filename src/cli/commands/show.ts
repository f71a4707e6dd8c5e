import type { Argv } from 'yargs';
import { ExitCode } from '../../errors.js';
import type { OctosyncCommand } from '../command.js';
import { CATALOG } from './catalog.js';

const FORMATS = ['text', 'markdown', 'json'] as const;

interface ShowArgs {
  plan: string;
  format: (typeof FORMATS)[number];
}

export const showCommand: OctosyncCommand<ShowArgs> = {
  ...CATALOG.show,
  builder: (y: Argv) =>
    y
      .positional('plan', { type: 'string', demandOption: true, describe: 'Plan file written by octosync plan' })
      .option('format', { choices: FORMATS, default: 'text' as const, describe: 'Output format' }) as unknown as Argv<ShowArgs>,
  run: async (argv, io) => {
    // Loaded here, not above: `octosync --help` must not pay for the plan reader and the renderers.
    const { readPlanFile } = await import('../../plan-format/file.js');
    const { renderJson, renderMarkdown, renderText } = await import('../../render/index.js');
    const { colourFor, out } = await import('../output.js');
    // The plan is read with every check apply makes: a tampered or foreign plan is refused, not rendered.
    const plan = readPlanFile(argv.plan);
    if (argv.format === 'json') out(renderJson(plan));
    else if (argv.format === 'markdown') out(renderMarkdown(plan, { file: argv.plan }));
    else out(renderText(plan, colourFor(process.stdout, !io.color)));
    return { exitCode: ExitCode.ok, data: undefined };
  },
};
