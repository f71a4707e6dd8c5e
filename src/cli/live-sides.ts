import { writeSnapshotFile } from '../snapshot/file.js';
import type { Snapshot } from '../snapshot/types.js';
import type { Connection, Side } from './connection.js';
import { readSpaces } from './read-spaces.js';

/** A side of a plan read live from its server; its snapshot is kept in `file` for the audit trail. */
export interface LiveSide {
  name: Side;
  file: string;
  connection: Connection;
}

export interface LiveSidesRead {
  /** One per side, in the order given: the snapshot as read, and the file it was written to. */
  sides: { name: Side; file: string; snapshot: Snapshot; requests: number; seconds: number }[];
  /** Items per kind of every side read (the summary table `octosync snapshot` prints). */
  table: string;
}

/**
 * What `plan --source-server … --destination-server …` does before planning: reads the sides concurrently in
 * this one process (readSpaces), and writes each snapshot as `octosync snapshot` writes it (atomically,
 * canonical) for the audit trail and a re-plan. The benchmark runs this very function (issue 17.2).
 */
export async function readLiveSides(live: LiveSide[]): Promise<LiveSidesRead> {
  const read = await readSpaces(live.map((s) => ({ label: s.name === 'source' ? 'Source' : 'Destination', connection: s.connection })));
  const sides = live.map((s, i) => {
    const { snapshot, requests, seconds } = read.results[i];
    writeSnapshotFile(s.file, snapshot);
    return { name: s.name, file: s.file, snapshot, requests, seconds: Number(seconds.toFixed(3)) };
  });
  return { sides, table: read.table };
}
