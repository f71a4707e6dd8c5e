/**
 * Name-keyed forms of contents whose lists have identity (steps, actions, phases, tags, variables), so
 * that RFC 6902 patches read `/Steps/Deploy web/Actions/Deploy web/...` and not positional noise
 * (fast-json-patch diffs arrays by index). Order, where it matters, is kept in an `...Order` list.
 */
import { KINDS, kindDef, type KindName } from './kinds.js';
import type { KeyedList } from './types.js';

type Json = Record<string, any>;

/**
 * The members `toKeyed` makes maps of, over every kind: the registry's top-level `keyed` lists and a variable
 * set's `Variables` (keyed by its module, below).
 */
export const KEYED_MEMBERS: readonly string[] = [...new Set([...KINDS.flatMap((k) => (k.keyed ?? []).map((l) => l.member)), 'Variables'])];

/** Which lists become maps: the registry's `keyed` lists, or a variable set's variables by name. */
export function toKeyed(kind: KindName, content: Json): Json {
  const def = kindDef(kind);
  if (def.module === 'variables') return variablesToKeyed(content);
  return keyLists(content, def.keyed ?? []);
}

export function fromKeyed(kind: KindName, keyed: Json): Json {
  const def = kindDef(kind);
  if (def.module === 'variables') return variablesFromKeyed(keyed);
  return unkeyLists(keyed, def.keyed ?? []);
}

function keyLists(content: Json, lists: readonly KeyedList[]): Json {
  const out: Json = { ...content };
  for (const list of lists) {
    const items: Json[] = Array.isArray(content[list.member]) ? content[list.member] : [];
    const map: Json = {};
    for (const item of items) map[String(item[list.by])] = keyLists(item, list.nested ?? []);
    out[list.member] = map;
    out[`${list.member}Order`] = items.map((i) => String(i[list.by]));
  }
  return out;
}

function unkeyLists(keyed: Json, lists: readonly KeyedList[]): Json {
  const out: Json = { ...keyed };
  for (const list of lists) {
    const map: Json = keyed[list.member] ?? {};
    const order: string[] = keyed[`${list.member}Order`] ?? Object.keys(map);
    out[list.member] = order.filter((name) => name in map).map((name) => unkeyLists(map[name], list.nested ?? []));
    delete out[`${list.member}Order`];
  }
  return out;
}

/** Variables grouped by name; each name's values stay a list (they have no identity but their content). */
function variablesToKeyed(content: Json): Json {
  const byName: Json = {};
  for (const v of content.Variables ?? []) {
    const { Name, ...rest } = v;
    (byName[Name] ??= []).push(rest);
  }
  return { ...content, Variables: byName };
}

function variablesFromKeyed(keyed: Json): Json {
  const list: Json[] = [];
  for (const [name, values] of Object.entries<Json[]>(keyed.Variables ?? {})) for (const v of values) list.push({ Name: name, ...v });
  return { ...keyed, Variables: list };
}
