import type { Argv, CommandModule } from 'yargs';
import { connectionOptions, resolveConnection, type ConnectionArgs } from '../connection.js';
import { info } from '../output.js';
import { writeSnapshotFile } from '../../snapshot/file.js';
import { takeSnapshot } from '../../snapshot/take.js';

interface SnapshotArgs extends ConnectionArgs {
  out: string;
}

export const snapshotCommand: CommandModule<object, SnapshotArgs> = {
  command: 'snapshot',
  describe: 'Read a space into a normalised, name-keyed JSON snapshot (no ids, no secrets); a read-only API key suffices',
  builder: (y: Argv) =>
    connectionOptions(y).option('out', { type: 'string', demandOption: true, describe: 'Snapshot file to write' }) as unknown as Argv<SnapshotArgs>,
  handler: async (argv) => {
    const conn = resolveConnection(argv);
    const live = process.stderr.isTTY;
    info(`Reading space '${conn.space}' from ${conn.server} ...`);
    const result = await takeSnapshot({
      ...conn,
      onKind: (def, count) => {
        if (live) info(`  ${def.label}: ${count}`);
      },
    });
    writeSnapshotFile(argv.out, result.snapshot);
    for (const w of result.snapshot.warnings) info(`warning: ${w}`);
    const kinds = Object.entries(result.counts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    info(`Snapshot written to ${argv.out}: ${kinds || 'nothing'}; ${result.requests} requests in ${result.seconds.toFixed(1)} s.`);
  },
};
