/**
 * Name-keyed forms of contents whose lists have identity (steps, actions, phases, tags, variables), so
 * that RFC 6902 patches read `/Steps/Deploy web/Actions/Deploy web/...` and not positional noise
 * (fast-json-patch diffs arrays by index). Order, where it matters, is kept in an `...Order` list.
 */
type Json = Record<string, any>;
import type { KindName } from '../registry/kinds.js';

interface KeyedList {
  /** Member holding the list. */
  member: string;
  /** Member of each element that names it. */
  by: string;
  /** Lists nested in each element. */
  nested?: KeyedList[];
}

const STEP_LISTS: KeyedList[] = [{ member: 'Steps', by: 'Name', nested: [{ member: 'Actions', by: 'Name' }] }];

/** Per kind: which lists become maps. */
const KEYED: Record<string, KeyedList[]> = {
  deploymentProcess: STEP_LISTS,
  runbookProcess: STEP_LISTS,
  lifecycle: [{ member: 'Phases', by: 'Name' }],
  tagSet: [{ member: 'Tags', by: 'Name' }],
};

export function toKeyed(kind: KindName, content: Json): Json {
  if (isVariableKind(kind)) return variablesToKeyed(content);
  return keyLists(content, KEYED[kind] ?? []);
}

export function fromKeyed(kind: KindName, keyed: Json): Json {
  if (isVariableKind(kind)) return variablesFromKeyed(keyed);
  return unkeyLists(keyed, KEYED[kind] ?? []);
}

function keyLists(content: Json, lists: KeyedList[]): Json {
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

function unkeyLists(keyed: Json, lists: KeyedList[]): Json {
  const out: Json = { ...keyed };
  for (const list of lists) {
    const map: Json = keyed[list.member] ?? {};
    const order: string[] = keyed[`${list.member}Order`] ?? Object.keys(map);
    out[list.member] = order.filter((name) => name in map).map((name) => unkeyLists(map[name], list.nested ?? []));
    delete out[`${list.member}Order`];
  }
  return out;
}

function isVariableKind(kind: KindName): boolean {
  return kind === 'projectVariables' || kind === 'libraryVariables' || kind === 'scriptModuleVariables';
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
