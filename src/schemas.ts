import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv2020, ErrorObject, Options, ValidateFunction } from 'ajv/dist/2020.js';
import { PACKAGE_ROOT } from './version.js';

/** The files octosync reads and writes, one schema each (`schemas/<name>.schema.json`); `validate --kind` takes these. */
export const SCHEMA_NAMES = ['snapshot', 'plan', 'policy', 'baseline'] as const;
export type SchemaName = (typeof SCHEMA_NAMES)[number];

// ajv and ajv-formats are CommonJS, and loaded with `require` only where a schema is compiled: a run whose
// validators were precompiled by the build (src/precompile-schemas.ts) never loads ajv's compiler.
const require = createRequire(import.meta.url);

/** The Ajv instance every schema is compiled with, at run time and by the build (`extra`: its code options). */
export function newAjv(extra: Options = {}): Ajv2020 {
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const addFormats = require('ajv-formats') as (typeof import('ajv-formats'))['default'];
  const ajv = new Ajv2020({ allErrors: true, strict: true, ...extra });
  addFormats(ajv);
  return ajv;
}

/** The text of `schemas/<name>.schema.json`. */
export const schemaText = (name: SchemaName): string => readFileSync(join(PACKAGE_ROOT, 'schemas', `${name}.schema.json`), 'utf8');

/**
 * The two validators the build precompiles per schema: `errors` collects every error (allErrors), for messages;
 * `verdict` stops at the first one. Both judge alike (allErrors changes what is reported, not whether a document
 * fits), but a valid snapshot costs the `errors` one far more: every tree node is first tried as an item
 * (`anyOf`), and collecting that failed try's errors made a 1,000-project snapshot's check take 0.4 s.
 */
export type PrecompiledVariant = 'errors' | 'verdict';

/** Where the build writes a precompiled validator of a schema, beside the built schemas.js (absent under jest). */
export const precompiledFile = (name: SchemaName, variant: PrecompiledVariant = 'errors'): string =>
  fileURLToPath(new URL(`./validators/${name}${variant === 'verdict' ? '.verdict' : ''}.cjs`, import.meta.url));

/** A module the build wrote: Ajv's standalone validator and the schema text it was generated from. */
type Precompiled = ValidateFunction & { schemaText: string };

const validators = new Map<SchemaName, ValidateFunction>();
let ajv: Ajv2020 | undefined;

/**
 * The compiled validator of `schemas/<name>.schema.json` (once per process): the build's precompiled pair when it
 * was generated from the schema as it is now, else compiled here (under jest, or a schema edited since the build).
 */
export function validatorFor(name: SchemaName): ValidateFunction {
  let v = validators.get(name);
  if (!v) {
    const text = schemaText(name);
    const [errors, verdict] = (['errors', 'verdict'] as const).map((variant) => {
      const file = precompiledFile(name, variant);
      const built = existsSync(file) ? (require(file) as Precompiled) : undefined;
      return built?.schemaText === text ? built : undefined;
    });
    if (errors && verdict) {
      v = verdictFirst(verdict, errors);
      // Ajv's standalone code does not keep the schema; the policy reader looks in it (policy.ts).
      v.schema = JSON.parse(text);
    } else {
      ajv ??= newAjv();
      v = ajv.compile(JSON.parse(text));
    }
    validators.set(name, v);
  }
  return v;
}

/** Asks `verdict` first; only a document that does not fit is checked again by `errors`, for its messages. */
function verdictFirst(verdict: ValidateFunction, errors: ValidateFunction): ValidateFunction {
  const validate = ((data: unknown) => {
    if (verdict(data)) {
      validate.errors = null;
      return true;
    }
    const valid = errors(data);
    validate.errors = errors.errors;
    return valid;
  }) as ValidateFunction;
  return validate;
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
