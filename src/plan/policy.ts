import { checkDepth, readInputFile } from '../util/input-file.js';
import { parse as parseYaml } from 'yaml';
import { InputFileError } from '../errors.js';
import { validatorFor } from '../schemas.js';
import { describePolicyErrors, PolicySource } from './policy-errors.js';
import { defaultPolicy, type Policy } from './policy-types.js';

export * from './policy-types.js';

/** Reads a policy (JSON or YAML), validates it (unknown members are errors) and fills in the defaults. */
export function readPolicyFile(file: string): Policy {
  const text = readInputFile(file, 'policy');
  const json = /\.json$/i.test(file);
  let data: unknown;
  try {
    data = json ? JSON.parse(text) : parseYaml(text, { prettyErrors: true, uniqueKeys: true });
    // JSON.parse keeps the last of two equal keys without a word: a policy must say one thing once.
    // JSON is YAML, and the YAML reader names the key.
    if (json) parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    throw new InputFileError(file, `not valid ${json ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
  checkDepth(file, data);
  // JSON is YAML: the same reader finds the line and column of an error in either.
  return policyFrom(data ?? {}, file, new PolicySource(text));
}

export function policyFrom(data: unknown, file = 'policy', source?: PolicySource): Policy {
  const validate = validatorFor('policy');
  const supported = (validate.schema as { properties: { version: { const: number } } }).properties.version.const;
  const version = (data as { version?: unknown } | null)?.version;
  if (version !== undefined && version !== supported) {
    // Checked first: a policy of another version fails the schema in ways that would only mislead.
    throw new InputFileError(file, `${source?.at('/version') ?? ''}/version: policy version ${JSON.stringify(version)} is not supported; this octosync reads version ${supported}`);
  }
  if (!validate(data)) throw new InputFileError(file, `not a valid policy: ${describePolicyErrors(validate.errors ?? [], validate.schema, source).join('; ')}`);
  return withDefaults(data as Partial<Policy>);
}

/** Deep-merges a partial policy over the defaults. */
export function withDefaults(partial: Partial<Policy>): Policy {
  const merged = defaultPolicy() as unknown as Record<string, unknown>;
  mergeInto(merged, partial as Record<string, unknown>);
  if (partial.variables?.overwrite !== undefined) overwriteGiven.add(merged);
  return merged as unknown as Policy;
}

/** Policies that set `variables.overwrite` themselves: a baseline's default (issue 18) applies to the others only. */
const overwriteGiven = new WeakSet<object>();
export const setsOverwrite = (policy: Policy): boolean => overwriteGiven.has(policy);

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    if (key === '$schema') continue;
    const current = target[key];
    const isMap = key === 'map' || key === 'filters';
    if (!isMap && value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object') {
      mergeInto(current as Record<string, unknown>, value as Record<string, unknown>);
    } else {
      target[key] = structuredClone(value);
    }
  }
}
