import type { Argv } from 'yargs';
import { ExitCode } from '../../errors.js';
import { outputFormatOption, type OctosyncCommand, type OutputFormatArgs } from '../command.js';
import { connectionOptions, resolveConnection, type ConnectionArgs } from '../connection.js';
import { CATALOG } from './catalog.js';

type CheckArgs = ConnectionArgs & OutputFormatArgs;

export const checkCommand: OctosyncCommand<CheckArgs> = {
  ...CATALOG.check,
  builder: (y: Argv) => outputFormatOption(connectionOptions(y)),
  run: async (argv, io) => {
    const conn = resolveConnection(argv);
    // Loaded here, not above: `octosync --help` must not pay for the checks and the HTTP client.
    const { checkServer } = await import('../../check/check.js');
    const { renderCheck } = await import('../../check/render.js');
    const { info, out } = await import('../output.js');
    info(`Checking space '${conn.space}' on ${conn.server} (read only) ...`);
    const result = await checkServer(conn);
    if (!io.json) out(renderCheck(result));
    return { exitCode: ExitCode.ok, data: result };
  },
};
