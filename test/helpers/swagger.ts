/**
 * Shape checks against the server-generated Swagger 2.0 document vendored in `test/vendor/octopus-api/` (see its
 * README for provenance and the wire-format caveats).
 *
 * `checkShape` answers the list of places where a JSON value does not carry what a Swagger definition defines:
 * every property the definition lists must be present with its type (string, integer, number, boolean, array,
 * object; `$ref`s resolved, array items and `additionalProperties` values checked recursively). Properties the
 * definition does not list are fine (newer servers add members; no definition uses `additionalProperties: false`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Schema {
  type?: string;
  format?: string;
  enum?: unknown[];
  $ref?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  readOnly?: boolean;
}

export interface SwaggerDoc {
  swagger: string;
  info: { title: string; version: string };
  basePath: string;
  paths: Record<string, Record<string, { responses?: Record<string, { schema?: Schema }> }>>;
  definitions: Record<string, Schema>;
}

/** The repository root: the nearest directory above this file holding package.json. */
export const repoRoot: string = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above test/helpers');
    dir = up;
  }
  return dir;
})();

/** The vendored copy, so the suite reads nothing outside the repository. */
export const VENDORED_API_DIR = path.join(repoRoot, 'test', 'vendor', 'octopus-api');
export const SWAGGER_2021_2_4488 = path.join(VENDORED_API_DIR, 'octopus-server-api-2021.2.4488.swagger.json');

const cache = new Map<string, SwaggerDoc>();

export function loadSwagger(file: string = SWAGGER_2021_2_4488): SwaggerDoc {
  let doc = cache.get(file);
  if (!doc) {
    doc = JSON.parse(readFileSync(file, 'utf8')) as SwaggerDoc;
    cache.set(file, doc);
  }
  return doc;
}

export function refName(ref: string): string {
  return ref.replace(/^#\/definitions\//, '');
}

/**
 * The definition a route answers with: the `$ref` of the success response of `method path` (path as written in
 * the document, e.g. `/{baseSpaceId}/environments/{id}`), or of its items for arrays.
 */
export function responseDefinition(doc: SwaggerDoc, method: string, route: string): string | undefined {
  const op = doc.paths[route]?.[method.toLowerCase()];
  const res = op?.responses?.['200'] ?? op?.responses?.['201'];
  const schema = res?.schema;
  if (!schema) return undefined;
  if (schema.$ref) return refName(schema.$ref);
  if (schema.type === 'array' && schema.items?.$ref) return `${refName(schema.items.$ref)}[]`;
  return undefined;
}

/** A definition replaced by its wire format (README caveats): the check answers problems, empty when fine. */
export interface WireFormat {
  reason: string;
  check(value: unknown, at: string, recurse: (definition: string, value: unknown, at: string) => string[]): string[];
}

export interface ShapeOptions {
  /**
   * `Definition.Property` → reason: a property the definition lists that the response may lack or carry in
   * another type. Each entry must say why (a documented wire-format difference, or evidence from a real server).
   */
  exceptions?: Record<string, string>;
  /** Definition name → how it really looks on the wire. */
  wireFormats?: Record<string, WireFormat>;
  /**
   * `Definition.Property` → reason: an object property whose members the document lists but which is a sparse map
   * on the wire (only the members that have a value are sent). Members present are still type-checked.
   */
  sparseObjects?: Record<string, string>;
}

/** Swagger 2.0 has no `nullable`: real servers serialise nulls for reference types, never for ints or booleans. */
function nullAllowed(schema: Schema, doc: SwaggerDoc): boolean {
  if (schema.$ref) {
    const target = doc.definitions[refName(schema.$ref)];
    return !target || (target.type !== 'integer' && target.type !== 'number' && target.type !== 'boolean');
  }
  return schema.type !== 'integer' && schema.type !== 'number' && schema.type !== 'boolean';
}

/** `2015-12-10T12:49:05.153+00:00` (API-FACTS §2.9); a `Z` suffix is accepted as the same instant. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/;

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const t = typeof value;
  return t === 'object' ? 'an object' : `${t} ${JSON.stringify(value).slice(0, 60)}`;
}

/** Problems of `value` against definition `definition` (empty when it matches). */
export function checkShape(doc: SwaggerDoc, definition: string, value: unknown, options: ShapeOptions = {}): string[] {
  const exceptions = options.exceptions ?? {};
  const wire = options.wireFormats ?? {};
  const sparse = options.sparseObjects ?? {};

  const checkDefinition = (name: string, v: unknown, at: string): string[] => {
    const format = wire[name];
    if (format) return format.check(v, at, checkDefinition);
    const schema = doc.definitions[name];
    if (!schema) return [`${at}: the document has no definition ${name}`];
    return checkSchema(schema, v, at, name);
  };

  const checkSchema = (schema: Schema, v: unknown, at: string, owner?: string, sparseMembers = false): string[] => {
    if (schema.$ref) {
      if (v === null) return nullAllowed(schema, doc) ? [] : [`${at}: null for ${refName(schema.$ref)}`];
      return checkDefinition(refName(schema.$ref), v, at);
    }
    if (v === null) return nullAllowed(schema, doc) ? [] : [`${at}: null where the schema says ${schema.type}`];
    switch (schema.type) {
      case undefined:
        // `{}` (e.g. ExtensionSettingsValues.Values): any JSON value. A properties-only schema is an object.
        return schema.properties ? checkObject(schema, v, at, owner, sparseMembers) : [];
      case 'string':
        if (typeof v !== 'string') return [`${at}: expected a string, got ${describeValue(v)}`];
        if (schema.format === 'date-time' && !DATE_TIME.test(v)) return [`${at}: expected an ISO-8601 date-time with offset, got ${JSON.stringify(v)}`];
        return [];
      case 'integer':
        return Number.isInteger(v) ? [] : [`${at}: expected an integer, got ${describeValue(v)}`];
      case 'number':
        return typeof v === 'number' ? [] : [`${at}: expected a number, got ${describeValue(v)}`];
      case 'boolean':
        return typeof v === 'boolean' ? [] : [`${at}: expected a boolean, got ${describeValue(v)}`];
      case 'array': {
        if (!Array.isArray(v)) return [`${at}: expected an array, got ${describeValue(v)}`];
        if (!schema.items) return [];
        return v.flatMap((item, i) => checkSchema(schema.items!, item, `${at}[${i}]`));
      }
      case 'object':
        return checkObject(schema, v, at, owner, sparseMembers);
      default:
        return [`${at}: unsupported schema type ${schema.type}`];
    }
  };

  const checkObject = (schema: Schema, v: unknown, at: string, owner?: string, sparseMembers = false): string[] => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return [`${at}: expected an object, got ${describeValue(v)}`];
    const obj = v as Record<string, unknown>;
    const problems: string[] = [];
    for (const [prop, propSchema] of Object.entries(schema.properties ?? {})) {
      if (owner && `${owner}.${prop}` in exceptions) continue;
      const where = `${at}.${prop}`;
      if (!Object.prototype.hasOwnProperty.call(obj, prop)) {
        if (!sparseMembers) problems.push(`${where}: missing (${owner ?? 'object'} defines ${describeSchema(propSchema)})`);
        continue;
      }
      problems.push(...checkSchema(propSchema, obj[prop], where, undefined, !!owner && `${owner}.${prop}` in sparse));
    }
    if (typeof schema.additionalProperties === 'object') {
      for (const [k, item] of Object.entries(obj)) {
        if (schema.properties && k in schema.properties) continue;
        problems.push(...checkSchema(schema.additionalProperties, item, `${at}[${JSON.stringify(k)}]`));
      }
    }
    return problems;
  };

  return checkDefinition(definition, value, '$');
}

function describeSchema(s: Schema): string {
  if (s.$ref) return refName(s.$ref);
  if (s.type === 'array') return `${s.items ? describeSchema(s.items) : 'any'}[]`;
  return s.type ?? 'any';
}

/** Every `Definition.Property` key names a property the document defines (so a typo cannot hide a failure). */
export function unknownExceptionKeys(doc: SwaggerDoc, keyed: Record<string, string>): string[] {
  return Object.keys(keyed).filter((key) => {
    const [def, prop] = key.split('.');
    return !doc.definitions[def]?.properties?.[prop];
  });
}
