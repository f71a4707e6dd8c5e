import { InputFileError, UsageError } from '../errors.js';
import type { Snapshot } from '../snapshot/types.js';
import { kindDef } from '../registry/kinds.js';
import { describeErrors, validatorFor } from '../schemas.js';
import { parseJsonInput, readInputFile } from '../util/input-file.js';
import { BASELINE_FORMAT_VERSION, type Baseline } from './types.js';

/** Reads a baseline: JSON, this format, the schema, and kinds the registry knows; one line naming file and field otherwise. */
export function readBaselineFile(file: string): Baseline {
  const data = parseJsonInput(file, readInputFile(file, 'baseline')) as any;
  if (data && typeof data === 'object' && ('operations' in data || 'resources' in data) && !('items' in data)) {
    throw new InputFileError(file, `this is a ${'operations' in data ? 'plan' : 'snapshot'}, not a baseline: apply --baseline writes one after an apply`);
  }
  if (typeof data?.formatVersion === 'number' && data.formatVersion !== BASELINE_FORMAT_VERSION) {
    throw new InputFileError(file, `/formatVersion: baseline format ${data.formatVersion} is not one this octosync reads (${BASELINE_FORMAT_VERSION})`);
  }
  const validate = validatorFor('baseline');
  if (!validate(data)) throw new InputFileError(file, `not a valid baseline: ${describeErrors(validate.errors, 3).join('; ')}`);
  (data as Baseline).items.forEach((item, i) => {
    try {
      kindDef(item.kind);
    } catch {
      throw new InputFileError(file, `/items/${i}/kind: '${item.kind}' is not a kind this octosync syncs`);
    }
  });
  return data as Baseline;
}

/** `plan --baseline`: one destination (a baseline is one destination's), the file read. */
export function loadBaseline(file: string, destinations: number): Baseline {
  if (destinations !== 1) throw new UsageError('--baseline: a baseline belongs to one destination; plan each destination with its own baseline');
  return readBaselineFile(file);
}

/** The destination snapshot, once it is known to be of the baseline's destination (server and space). */
export function checkBaselineFor(file: string | undefined, baseline: Baseline | undefined, destination: Snapshot): Snapshot {
  if (!baseline || !file) return destination;
  if (baseline.destination.url !== destination.server.url || baseline.destination.space !== destination.space.name) {
    throw new InputFileError(
      file,
      `/destination: this baseline is of ${baseline.destination.url} (space '${baseline.destination.space}'), not the destination planned, ${destination.server.url} (space '${destination.space.name}')`,
    );
  }
  return destination;
}
