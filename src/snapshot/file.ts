import { parseJsonInput, readInputFile } from '../util/input-file.js';
import { InputFileError } from '../errors.js';
import { describeErrors, validatorFor } from '../schemas.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { canonicalJson } from '../util/canonical.js';
import { SNAPSHOT_FORMAT_VERSION, type Snapshot } from './types.js';

/** Validates and writes a snapshot atomically (never a partial file) with deterministic bytes. */
export function writeSnapshotFile(file: string, snapshot: Snapshot): void {
  const validate = validatorFor('snapshot');
  if (!validate(snapshot)) {
    // Our own output failing our own schema is a bug, not bad input.
    throw new Error(`the snapshot does not fit schemas/snapshot.schema.json: ${describeErrors(validate.errors).join('; ')}`);
  }
  writeFileAtomic(file, canonicalJson(snapshot));
}

/** Reads a snapshot file; errors name the file and the JSON pointer. */
export function readSnapshotFile(file: string): Snapshot {
  const data = parseJsonInput(file, readInputFile(file, 'snapshot'));
  const version = (data as { formatVersion?: unknown })?.formatVersion;
  if (typeof version === 'number' && version !== SNAPSHOT_FORMAT_VERSION) {
    throw new InputFileError(file, `/formatVersion: snapshot format ${version} is not supported by this octosync (it reads format ${SNAPSHOT_FORMAT_VERSION})`);
  }
  const validate = validatorFor('snapshot');
  if (!validate(data)) throw new InputFileError(file, `not a valid snapshot: ${describeErrors(validate.errors, 3).join('; ')}`);
  return data as Snapshot;
}
