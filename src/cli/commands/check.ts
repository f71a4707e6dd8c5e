import type { Argv, CommandModule } from 'yargs';
import { checkServer } from '../../check/check.js';
import { renderCheck } from '../../check/render.js';
import { connectionOptions, resolveConnection, type ConnectionArgs } from '../connection.js';
import { info, out } from '../output.js';

export const checkCommand: CommandModule<object, ConnectionArgs> = {
  command: 'check',
  describe: 'Check a server and API key before a first sync (writes nothing): version, tenant-variable API, permissions, config-as-code projects, feature toggles, what cannot be synced',
  builder: (y: Argv) => connectionOptions(y) as unknown as Argv<ConnectionArgs>,
  handler: async (argv) => {
    const conn = resolveConnection(argv);
    info(`Checking space '${conn.space}' on ${conn.server} (read only) ...`);
    out(renderCheck(await checkServer(conn)));
  },
};
