// Build step (`npm run build`, after tsc): compiling the JSON Schemas with Ajv cost 40–150 ms on every CLI run
// (issue 17), so the build writes each schema's validator as code with Ajv's standalone generation, and
// validatorFor loads that instead. CommonJS, not ESM: ajv-formats' formats are emitted as `require(...)`
// (ajv-formats issue #68). Each module keeps the schema text it was made from, so a schema edited without a
// rebuild is noticed and compiled at run time.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { newAjv, precompiledFile, SCHEMA_NAMES, schemaText } from './schemas.js';

// Two per schema (schemas.ts, PrecompiledVariant): one that collects every error, one that stops at the first.
for (const name of SCHEMA_NAMES) {
  const text = schemaText(name);
  for (const variant of ['errors', 'verdict'] as const) {
    const ajv = newAjv({ allErrors: variant === 'errors', code: { source: true, esm: false } });
    const code = standaloneCode.default(ajv, ajv.compile(JSON.parse(text)));
    const file = precompiledFile(name, variant);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${code}\nmodule.exports.schemaText = ${JSON.stringify(text)};\n`);
  }
}
