import type { Argv } from 'yargs';
import { ExitCode } from '../../errors.js';
import { writeSnapshotFile } from '../../snapshot/file.js';
import { takeSnapshot } from '../../snapshot/take.js';
import { checkWritableFile } from '../../util/out-file.js';
import { outputFormatOption, type OctosyncCommand, type OutputFormatArgs } from '../command.js';
import { connectionOptions, resolveConnection, type ConnectionArgs } from '../connection.js';
import { info } from '../output.js';
import { ProgressLine } from '../progress.js';
import { kindTable } from '../summary.js';

interface SnapshotArgs extends ConnectionArgs, OutputFormatArgs {
  out: string;
}

export const snapshotCommand: OctosyncCommand<SnapshotArgs> = {
  command: 'snapshot',
  describe: 'Read a space into a normalised, name-keyed JSON snapshot (no ids, no secrets); a read-only API key suffices',
  builder: (y: Argv) => outputFormatOption(connectionOptions(y).option('out', { type: 'string', demandOption: true, describe: 'Snapshot file to write' })),
  run: async (argv) => {
    const conn = resolveConnection(argv);
    // Before reading the space: a long read must not end in a write that fails.
    checkWritableFile(argv.out, '--out');
    info(`Reading space '${conn.space}' from ${conn.server} ...`);
    const byKind = new Map<string, number[]>();
    let requests = 0;
    let failedRequests = 0;
    const progress = new ProgressLine('Snapshot', { unit: 'kinds', rate: () => ({ count: requests, unit: 'requests' }) }).start();
    let result: Awaited<ReturnType<typeof takeSnapshot>>;
    try {
      result = await takeSnapshot({
        ...conn,
        onRequest: (e) => {
          requests++;
          if (e.error || e.status === undefined || e.status >= 400) failedRequests++;
        },
        onKinds: (defs) => progress.setTotal(defs.length),
        onKind: (def, count) => {
          byKind.set(def.kind, [count]);
          progress.advance();
        },
      });
    } catch (err) {
      progress.abandon();
      throw err;
    }
    progress.finish();
    writeSnapshotFile(argv.out, result.snapshot);
    for (const w of result.snapshot.warnings) info(`warning: ${w}`);
    info(kindTable(['Items'], byKind));
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
