import type { Argv } from 'yargs';
import { ExitCode } from '../../errors.js';
import { outputFormatOption, type OctosyncCommand, type OutputFormatArgs } from '../command.js';
import { connectionOptions, resolveConnection, type ConnectionArgs } from '../connection.js';
import { CATALOG } from './catalog.js';

interface SnapshotArgs extends ConnectionArgs, OutputFormatArgs {
  out: string;
}

export const snapshotCommand: OctosyncCommand<SnapshotArgs> = {
  ...CATALOG.snapshot,
  builder: (y: Argv) => outputFormatOption(connectionOptions(y).option('out', { type: 'string', demandOption: true, describe: 'Snapshot file to write' })),
  run: async (argv) => {
    // Loaded here, not above: `octosync --help` must not pay for the HTTP client and the normalisers.
    const { readSpaces } = await import('../read-spaces.js');
    const { writeSnapshotFile } = await import('../../snapshot/file.js');
    const { checkWritableFile } = await import('../../util/out-file.js');
    const { info } = await import('../output.js');
    const conn = resolveConnection(argv);
    // Before reading the space: a long read must not end in a write that fails.
    checkWritableFile(argv.out, '--out');
    info(`Reading space '${conn.space}' from ${conn.server} ...`);
    const { results, byKind, table, failedRequests } = await readSpaces([{ label: 'Items', connection: conn }]);
    const [result] = results;
    writeSnapshotFile(argv.out, result.snapshot);
    for (const w of result.snapshot.warnings) info(`warning: ${w}`);
    info(table);
    info(`Snapshot written to ${argv.out}: ${result.requests} requests in ${result.seconds.toFixed(1)} s${failedRequests ? ` (${failedRequests} failed)` : ''}.`);
    return {
      exitCode: ExitCode.ok,
      data: {
        file: argv.out,
        server: result.snapshot.server,
        space: result.snapshot.space.name,
        kinds: [...byKind].map(([kind, [items]]) => ({ kind, items })),
        warnings: result.snapshot.warnings,
        requests: result.requests,
        seconds: Number(result.seconds.toFixed(3)),
      },
    };
  },
};
