import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The shipped fixtures (jest runs from the package root). */
export const SOURCE_FIXTURE = resolve('fixtures/source.json');
export const DESTINATION_FIXTURE = resolve('fixtures/destination.json');

/** Every clear-text secret a fixture seeds: they are all written `Sup3rSecret-…!`. */
export function fixtureSecrets(file: string): string[] {
  return [...new Set(readFileSync(file, 'utf8').match(/Sup3rSecret-[A-Za-z0-9-]+!/g) ?? [])];
}
