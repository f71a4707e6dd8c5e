/**
 * Paths into JSON documents, as the registry writes them: `Steps[].Actions[].Environments[]`.
 * - `.` separates members; a member whose name holds dots is quoted: `Properties."Octopus.Action.Template.Id"`;
 * - `[]` iterates an array's elements, `{}` an object's values, `{key}` an object's keys.
 */
type Mode = '' | '[]' | '{}' | '{key}';
interface Segment {
  name: string;
  mode: Mode;
}

const cache = new Map<string, Segment[]>();

export function parsePath(path: string): Segment[] {
  const hit = cache.get(path);
  if (hit) return hit;
  const segs: Segment[] = [];
  let i = 0;
  while (i < path.length) {
    let name = '';
    if (path[i] === '"') {
      const end = path.indexOf('"', i + 1);
      if (end < 0) throw new Error(`unterminated quote in path ${path}`);
      name = path.slice(i + 1, end);
      i = end + 1;
    } else {
      while (i < path.length && path[i] !== '.' && path[i] !== '[' && path[i] !== '{') name += path[i++];
    }
    let mode: Mode = '';
    for (const m of ['[]', '{key}', '{}'] as const) {
      if (path.startsWith(m, i)) {
        mode = m;
        i += m.length;
        break;
      }
    }
    if (path[i] === '.') i++;
    segs.push({ name, mode });
  }
  cache.set(path, segs);
  return segs;
}

/**
 * Calls `visit` for every value at `path` with a setter that replaces it in place. For `{key}` the
 * "value" is the key itself and the setter renames it (keeping its value).
 */
export function visitPath(doc: unknown, path: string, visit: (value: unknown, set: (v: unknown) => void) => void): void {
  walk(doc, parsePath(path), 0, visit);
}

function walk(node: unknown, segs: Segment[], i: number, visit: (value: unknown, set: (v: unknown) => void) => void): void {
  if (typeof node !== 'object' || node === null) return;
  const { name, mode } = segs[i];
  // An empty name stacks an iterator on the current node: `ProjectEnvironments{}[]`.
  if (Array.isArray(node) && name !== '') return;
  const obj = node as Record<string, unknown>;
  const last = i === segs.length - 1;
  if (name !== '' && !(name in obj)) return;
  const child = name === '' ? node : obj[name];
  if (mode === '') {
    if (last) visit(child, (v) => (obj[name] = v));
    else walk(child, segs, i + 1, visit);
    return;
  }
  if (mode === '[]') {
    if (!Array.isArray(child)) return;
    child.forEach((el, idx) => {
      if (last) visit(el, (v) => (child[idx] = v));
      else walk(el, segs, i + 1, visit);
    });
    return;
  }
  if (typeof child !== 'object' || child === null || Array.isArray(child)) return;
  const map = child as Record<string, unknown>;
  if (mode === '{}') {
    for (const key of Object.keys(map)) {
      if (last) visit(map[key], (v) => (map[key] = v));
      else walk(map[key], segs, i + 1, visit);
    }
    return;
  }
  // {key}: rename keys, rebuilding the object so that key order follows the new names' insertion order.
  if (!last) throw new Error('{key} must end a path');
  const entries = Object.entries(map);
  const renamed: [string, unknown][] = [];
  for (const [key, value] of entries) {
    let newKey = key;
    visit(key, (v) => (newKey = String(v)));
    renamed.push([newKey, value]);
  }
  for (const key of Object.keys(map)) delete map[key];
  for (const [key, value] of renamed) map[key] = value;
}

/** Deletes the member at `path` (the last segment must be a plain member). */
export function deleteAtPath(doc: unknown, path: string): void {
  const segs = parsePath(path);
  const parentSegs = segs.slice(0, -1);
  const last = segs[segs.length - 1];
  const del = (container: unknown) => {
    if (typeof container === 'object' && container !== null && !Array.isArray(container)) delete (container as Record<string, unknown>)[last.name];
  };
  if (parentSegs.length === 0) return del(doc);
  walk(doc, parentSegs, 0, (container) => del(container));
}
