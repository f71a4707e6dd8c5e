import type { Argv } from 'yargs';
import { ExitCode } from '../../errors.js';
import { outputFormatOption, type OctosyncCommand, type OutputFormatArgs } from '../command.js';
import { SCHEMA_NAMES, type SchemaName } from '../../schemas.js';
import { CATALOG } from './catalog.js';

interface ValidateArgs extends OutputFormatArgs {
  file: string;
  kind?: SchemaName;
}

export const validateCommand: OctosyncCommand<ValidateArgs> = {
  ...CATALOG.validate,
  builder: (y: Argv) =>
    outputFormatOption(
      y
        .positional('file', { type: 'string', demandOption: true, describe: 'File to check' })
        .option('kind', { choices: SCHEMA_NAMES, describe: 'What the file is (default: detected from its content)' }),
    ) as unknown as Argv<ValidateArgs>,
  run: async (argv, io) => {
    // Loaded here, not above: `octosync --help` must not pay for the schemas and the YAML parser.
    const { readPlanFile } = await import('../../plan-format/file.js');
    const { readPolicyFile } = await import('../../plan/policy.js');
    const { readSnapshotFile } = await import('../../snapshot/file.js');
    const { readBaselineFile } = await import('../../baseline/read.js');
    const { out } = await import('../output.js');
    const { detectKind } = await import('../../util/file-kind.js');
    const kind = argv.kind ?? detectKind(argv.file);
    // The readers make every check their commands make, and throw InputFileErrors naming the file and pointer.
    if (kind === 'plan') readPlanFile(argv.file);
    else if (kind === 'snapshot') readSnapshotFile(argv.file);
    else if (kind === 'baseline') readBaselineFile(argv.file);
    else readPolicyFile(argv.file);
    if (!io.json) out(`${argv.file}: valid ${kind}\n`);
    return { exitCode: ExitCode.ok, data: { file: argv.file, kind, valid: true } };
  },
};
