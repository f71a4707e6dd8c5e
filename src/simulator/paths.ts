import type { Doc, DocPath } from './types.js';

/**
 * Walks a document along a DocPath (`Steps[].Actions[].Properties{}`) and calls `visit` for each leaf
 * location with its container, key and the value at the same location in `prev` (matched by `Id` inside
 * arrays of objects that carry one, else by position). Used for references (no prev) and for secrets (prev
 * is the stored document, whose secret a PUT must keep).
 *
 * A segment may stack iterators: `ProjectEnvironments{}[]` (each id in each value of a map),
 * `Variables{}{}` (each value of each value). `{key}` visits an object's keys instead of its values: the
 * container handed to `visit` is a handle whose `key` member reads the key and, when assigned, renames it
 * (keeping its value and position), so reference checks and seed name resolution work on map keys such as
 * a tenant's project ids. The notation is the registry's (`src/util/docpath.ts`).
 */
export function walkPath(
  doc: unknown,
  prev: unknown,
  path: DocPath,
  visit: (container: Doc | unknown[], key: string | number, prevValue: unknown) => void,
): void {
  walk(doc, prev, parseSteps(path), visit);
}

type Mode = '' | '[]' | '{}' | '{key}';
interface Step {
  /** Member name; '' means the current node itself (a stacked iterator). */
  name: string;
  mode: Mode;
}

function parseSteps(path: DocPath): Step[] {
  const steps: Step[] = [];
  for (const seg of path.split('.')) {
    const m = /^(.*?)((?:\[\]|\{\}|\{key\})*)$/.exec(seg)!;
    const modes = m[2].match(/\[\]|\{\}|\{key\}/g) ?? [];
    if (modes.length === 0) steps.push({ name: m[1], mode: '' });
    modes.forEach((mode, i) => steps.push({ name: i === 0 ? m[1] : '', mode: mode as Mode }));
  }
  return steps;
}

function walk(
  node: unknown,
  prevNode: unknown,
  steps: Step[],
  visit: (container: Doc | unknown[], key: string | number, prevValue: unknown) => void,
): void {
  if (!isObject(node)) return;
  const [{ name, mode }, ...rest] = steps;
  const child = name === '' ? node : (node as Doc)[name];
  const prevChild = name === '' ? prevNode : isObject(prevNode) ? (prevNode as Doc)[name] : undefined;
  const last = rest.length === 0;
  if (mode === '') {
    if (last) visit(node as Doc, name, prevChild);
    else walk(child, prevChild, rest, visit);
  } else if (mode === '[]') {
    if (!Array.isArray(child)) return;
    const prevArr = Array.isArray(prevChild) ? prevChild : [];
    child.forEach((el, i) => {
      const prevEl = matchElement(prevArr, el, i);
      if (last) visit(child, i, prevEl);
      else walk(el, prevEl, rest, visit);
    });
  } else if (mode === '{key}') {
    if (!isObject(child) || Array.isArray(child) || !last) return;
    for (const key of Object.keys(child)) visit(keyHandle(child as Doc, key), 'key', undefined);
  } else {
    if (!isObject(child) || Array.isArray(child)) return;
    const prevObj = isObject(prevChild) ? (prevChild as Doc) : {};
    for (const key of Object.keys(child)) {
      if (last) visit(child as Doc, key, prevObj[key]);
      else walk((child as Doc)[key], prevObj[key], rest, visit);
    }
  }
}

/** `{key: <the key>}`; assigning `key` renames the member of `obj` in place, keeping the member order. */
function keyHandle(obj: Doc, initial: string): Doc {
  let current = initial;
  return {
    get key() {
      return current;
    },
    set key(renamed: string) {
      if (renamed === current) return;
      const entries = Object.entries(obj).map(([k, v]) => [k === current ? renamed : k, v] as const);
      for (const k of Object.keys(obj)) delete obj[k];
      for (const [k, v] of entries) obj[k] = v;
      current = renamed;
    },
  };
}

function matchElement(prevArr: unknown[], el: unknown, index: number): unknown {
  if (isObject(el) && typeof (el as Doc).Id === 'string' && (el as Doc).Id) {
    return prevArr.find((p) => isObject(p) && (p as Doc).Id === (el as Doc).Id);
  }
  if (isObject(el) && (el as Doc).Id) return undefined;
  return isObject(el) ? undefined : prevArr[index];
}

function isObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}
