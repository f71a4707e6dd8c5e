import { readInputFile } from '../../util/input-file.js';
import type { Argv } from 'yargs';
import { ExitCode } from '../../errors.js';
import { outputFormatOption, type OctosyncCommand, type OutputFormatArgs } from '../command.js';
import { parse as parseYaml } from 'yaml';
import { readPlanFile } from '../../plan-format/file.js';
import { readPolicyFile } from '../../plan/policy.js';
import { readSnapshotFile } from '../../snapshot/file.js';
import { out } from '../output.js';

const KINDS = ['snapshot', 'plan', 'policy'] as const;
type FileKind = (typeof KINDS)[number];

interface ValidateArgs extends OutputFormatArgs {
  file: string;
  kind?: FileKind;
}

export const validateCommand: OctosyncCommand<ValidateArgs> = {
  command: 'validate <file>',
  describe: 'Check a policy (YAML or JSON), plan or snapshot against its schema; the kind is read from the content unless --kind names it',
  builder: (y: Argv) =>
    outputFormatOption(
      y
        .positional('file', { type: 'string', demandOption: true, describe: 'File to check' })
        .option('kind', { choices: KINDS, describe: 'What the file is (default: detected from its content)' }),
    ) as unknown as Argv<ValidateArgs>,
  run: (argv, io) => {
    const kind = argv.kind ?? detectKind(argv.file);
    // The readers make every check their commands make, and throw InputFileErrors naming the file and pointer.
    if (kind === 'plan') readPlanFile(argv.file);
    else if (kind === 'snapshot') readSnapshotFile(argv.file);
    else readPolicyFile(argv.file);
    if (!io.json) out(`${argv.file}: valid ${kind}\n`);
    return { exitCode: ExitCode.ok, data: { file: argv.file, kind, valid: true } };
  },
};

/**
 * `formatVersion` and `operations` make a plan, `resources` a snapshot, anything else a policy. A file that
 * does not parse (a truncated one) is judged by the member names in its text, so that the right reader
 * reports the parse error.
 */
export function detectKind(file: string): FileKind {
  const text = readInputFile(file, 'file');
  const data = parsed(text);
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    if ('formatVersion' in data && 'operations' in data) return 'plan';
    if ('resources' in data) return 'snapshot';
    return 'policy';
  }
  // Canonical files sort their keys, so a plan cut short may show only `checksum` and `counts`.
  if (/"(operations|checksum|counts)"\s*:/.test(text)) return 'plan';
  if (/"(resources|inventory|takenAt)"\s*:/.test(text)) return 'snapshot';
  return 'policy';
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    try {
      return parseYaml(text);
    } catch {
      return undefined;
    }
  }
}
