import type { Argv, CommandModule } from 'yargs';
import { readPlanFile } from '../../plan-format/file.js';
import { renderJson, renderMarkdown, renderText } from '../../render/index.js';
import { colourFor, out } from '../output.js';

const FORMATS = ['text', 'markdown', 'json'] as const;

interface ShowArgs {
  plan: string;
  format: (typeof FORMATS)[number];
  color: boolean;
}

export const showCommand: CommandModule<object, ShowArgs> = {
  command: 'show <plan>',
  describe: 'Render a plan file for people: a terminal diff (text), a pull-request comment (markdown), or canonical JSON',
  builder: (y: Argv) =>
    y
      .positional('plan', { type: 'string', demandOption: true, describe: 'Plan file written by octosync plan' })
      .option('format', { choices: FORMATS, default: 'text' as const, describe: 'Output format' })
      .option('color', { type: 'boolean', default: true, describe: 'Colour the text output (--no-color or NO_COLOR turn it off)' }) as unknown as Argv<ShowArgs>,
  handler: (argv) => {
    // The plan is read with every check apply makes: a tampered or foreign plan is refused, not rendered.
    const plan = readPlanFile(argv.plan);
    if (argv.format === 'json') out(renderJson(plan));
    else if (argv.format === 'markdown') out(renderMarkdown(plan, { file: argv.plan }));
    else out(renderText(plan, colourFor(process.stdout, !argv.color)));
  },
};
