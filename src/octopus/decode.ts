import { ServerError } from '../errors.js';

/**
 * Typed decoders for what a server answers: each checks the fields octosync relies on and passes the rest
 * through unchecked (as `unknown`), so a document is walked once, shallowly, however large it is. A document
 * that does not fit fails with one line naming the request, the item and the field:
 * `GET /api/Spaces-1/projects: item 3 (Projects-4) 'Name' is not a string`.
 */

/** A JSON object as the server sent it: members nobody decoded stay `unknown`. */
export type Doc = { [member: string]: unknown };

/** A check of one value: a type guard that says what it expects, for the error line ("a string"). */
export interface Check<T> {
  (value: unknown): value is T;
  readonly expected: string;
}

function check<T>(expected: string, test: (value: unknown) => boolean): Check<T> {
  return Object.assign((value: unknown): value is T => test(value), { expected });
}

export const isDoc = (value: unknown): value is Doc => typeof value === 'object' && value !== null && !Array.isArray(value);

export const string = check<string>('a string', (v) => typeof v === 'string');
export const number = check<number>('a number', (v) => typeof v === 'number' && Number.isFinite(v));
export const boolean = check<boolean>('true or false', (v) => typeof v === 'boolean');
export const object = check<Doc>('an object', isDoc);
export const list = check<unknown[]>('a list', Array.isArray);
export const objectList = check<Doc[]>('a list of objects', (v) => Array.isArray(v) && v.every(isDoc));
export const stringList = check<string[]>('a list of strings', (v) => Array.isArray(v) && v.every((s) => typeof s === 'string'));

/** Absent or null (Octopus sends `null` for unset members), or what `inner` accepts. */
export function optional<T>(inner: Check<T>): Check<T | null | undefined> {
  return check<T | null | undefined>(`${inner.expected} or null`, (v) => v === undefined || v === null || inner(v));
}

/** The members a decoder checks, each with its check. */
export type Spec = Readonly<Record<string, Check<unknown>>>;

/** A document whose `Spec` members are checked: typed as checked, the others `unknown`. */
export type Decoded<S extends Spec> = Doc & { [K in keyof S]: S[K] extends Check<infer T> ? T : never };

/** Where a document came from: the request (`GET /api/Spaces-1/projects`) and, in a list, which item. */
export interface Where {
  source: string;
  /** The item's position in its list (0-based, as in the JSON). */
  item?: number;
  /** The item's id, when the member checked is nested in it (the id of the document, not of a step). */
  id?: string;
}

/** One line: `GET /api/Spaces-1/projects: item 3 (Projects-4) 'Name' is not a string`. */
export function shapeError(where: Where, doc: unknown, member: string | undefined, problem: string): ServerError {
  const id = where.id ?? (isDoc(doc) && typeof doc.Id === 'string' ? doc.Id : undefined);
  const item = where.item === undefined ? '' : `item ${where.item}${id === undefined ? '' : ` (${id})`}`;
  const subject = [item, member === undefined ? '' : `'${member}'`].filter(Boolean).join(' ');
  return new ServerError(`unexpected response from ${where.source}: ${subject ? `${subject} ` : ''}${problem}`);
}

/**
 * Checks the members `spec` names (`prefix` names the path to the document within a larger one,
 * `Steps[0].Actions[1]`); answers the same object, typed.
 */
export function decode<S extends Spec>(value: unknown, spec: S, where: Where, prefix = ''): Decoded<S> {
  if (!isDoc(value)) throw shapeError(where, value, prefix || undefined, 'is not an object');
  for (const member in spec) {
    const ok = spec[member];
    if (!ok(value[member])) throw shapeError(where, value, `${prefix}${prefix ? '.' : ''}${member}`, `is not ${ok.expected}`);
  }
  return value as Decoded<S>;
}

/** Every item of a list decoded with `spec`, each named by its position. */
export function decodeItems<S extends Spec>(items: readonly unknown[], spec: S, source: string): Decoded<S>[] {
  return items.map((item, i) => decode(item, spec, { source, item: i }));
}
