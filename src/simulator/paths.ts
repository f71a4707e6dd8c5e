import type { Doc, DocPath } from './types.js';

/**
 * Walks a document along a DocPath (`Steps[].Actions[].Properties{}`) and calls `visit` for each leaf
 * location with its container, key and the value at the same location in `prev` (matched by `Id` inside
 * arrays of objects that carry one, else by position). Used for references (no prev) and for secrets (prev
 * is the stored document, whose secret a PUT must keep).
 */
export function walkPath(
  doc: unknown,
  prev: unknown,
  path: DocPath,
  visit: (container: Doc | unknown[], key: string | number, prevValue: unknown) => void,
): void {
  walk(doc, prev, path.split('.'), visit);
}

function walk(
  node: unknown,
  prevNode: unknown,
  segs: string[],
  visit: (container: Doc | unknown[], key: string | number, prevValue: unknown) => void,
): void {
  if (!isObject(node)) return;
  const [seg, ...rest] = segs;
  const mode = seg.endsWith('[]') ? '[]' : seg.endsWith('{}') ? '{}' : '';
  const name = mode ? seg.slice(0, -2) : seg;
  const child = (node as Doc)[name];
  const prevChild = isObject(prevNode) ? (prevNode as Doc)[name] : undefined;
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
  } else {
    if (!isObject(child) || Array.isArray(child)) return;
    const prevObj = isObject(prevChild) ? (prevChild as Doc) : {};
    for (const key of Object.keys(child)) {
      if (last) visit(child as Doc, key, prevObj[key]);
      else walk((child as Doc)[key], prevObj[key], rest, visit);
    }
  }
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

/** Values found along a path (no prev). */
export function valuesAt(doc: unknown, path: DocPath): unknown[] {
  const out: unknown[] = [];
  walkPath(doc, undefined, path, (c, k) => out.push((c as any)[k]));
  return out;
}
