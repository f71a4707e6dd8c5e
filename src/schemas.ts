import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { PACKAGE_ROOT } from './version.js';

// ajv-formats is CommonJS: its default import is the module object under NodeNext (TS2349); the plugin is `.default`.
const addFormats = addFormatsModule.default;

export type SchemaName = 'snapshot' | 'plan' | 'policy' | 'baseline';

const validators = new Map<SchemaName, ValidateFunction>();
let ajv: Ajv2020 | undefined;

/** The compiled validator of `schemas/<name>.schema.json` (compiled once per process). */
export function validatorFor(name: SchemaName): ValidateFunction {
  let v = validators.get(name);
  if (!v) {
    ajv ??= (() => {
      const a = new Ajv2020({ allErrors: true, strict: true });
      addFormats(a);
      return a;
    })();
    const schema = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schemas', `${name}.schema.json`), 'utf8'));
    v = ajv.compile(schema);
    validators.set(name, v);
  }
  return v;
}

/** Ajv errors as lines naming the JSON pointer and what was expected. */
export function describeErrors(errors: ErrorObject[] | null | undefined, max = 10): string[] {
  const lines = (errors ?? []).map((e) => {
    const at = e.instancePath || '/';
    if (e.keyword === 'additionalProperties') return `${at}: unknown member '${(e.params as { additionalProperty: string }).additionalProperty}'`;
    if (e.keyword === 'required') return `${at}: missing member '${(e.params as { missingProperty: string }).missingProperty}'`;
    if (e.keyword === 'enum') return `${at}: ${e.message} (${(e.params as { allowedValues: unknown[] }).allowedValues.map((x) => JSON.stringify(x)).join(', ')})`;
    return `${at}: ${e.message}`;
  });
  const unique = [...new Set(lines)];
  return unique.length > max ? [...unique.slice(0, max), `... and ${unique.length - max} more`] : unique;
}
