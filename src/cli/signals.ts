import { ExitCode } from '../errors.js';
import { writeStderr } from '../util/write-out.js';

/**
 * Ctrl-C or SIGTERM: stop starting operations and let those in flight finish (apply then writes its journal
 * and reports how far it got). A second one ends the process at once; the journal is written line by line,
 * so it is whole up to that moment.
 */
export function stopOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      writeStderr(`octosync: ${name} again: stopping now; run the same plan again to finish\n`);
      process.exit(ExitCode.interrupted);
    }
    writeStderr(`octosync: ${name}: finishing the requests in flight, starting no new ones (Ctrl-C again to stop at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}
