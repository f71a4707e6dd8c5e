import type { CommandModule } from 'yargs';
import { simulatorCommand } from './simulator.js';
import { snapshotCommand } from './snapshot.js';

/** Every command, one module each (yargs "ESM hierarchy": an explicit list, no directory scan). */
export const commands: CommandModule<any, any>[] = [snapshotCommand, simulatorCommand];
