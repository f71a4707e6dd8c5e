import type { OctosyncCommand } from '../command.js';
import { applyCommand } from './apply.js';
import { checkCommand } from './check.js';
import { demoCommand } from './demo.js';
import { planCommand } from './plan.js';
import { showCommand } from './show.js';
import { simulatorCommand } from './simulator.js';
import { snapshotCommand } from './snapshot.js';
import { validateCommand } from './validate.js';

/**
 * Every command, one module each (yargs "ESM hierarchy": an explicit list, no directory scan), in the order of
 * the catalog (catalog.ts), which `octosync --help` lists without loading these.
 */
export const commands: OctosyncCommand[] = [checkCommand, snapshotCommand, planCommand, showCommand, validateCommand, applyCommand, demoCommand, simulatorCommand];
