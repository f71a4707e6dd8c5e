import type { ErrorObject } from 'ajv';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { closest } from '../util/suggest.js';
import { pointerTokens } from '../util/pointer.js';

/**
 * Policy errors as a person fixes them: the line and column in the file, the JSON pointer, and for a
 * misspelt member or value the one that was probably meant. The schema's own structure says which members
 * and values exist, so nothing here repeats the policy's vocabulary.
 */
export class PolicySource {
  private readonly lines = new LineCounter();
  private readonly doc: Document;

  constructor(text: string) {
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: false });
  }

  /** `line 3, column 5: ` of the member a pointer names (its key for an unknown member), or '' when unknown. */
  at(pointer: string, member?: string): string {
    const tokens = pointerTokens(pointer);
    let offset: number | undefined;
    const node = tokens.length ? this.doc.getIn(tokens, true) : this.doc.contents;
    if (member !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === member);
      offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
    } else if (node && typeof node === 'object' && 'range' in node) {
      offset = (node as { range?: [number, number, number] }).range?.[0];
    }
    if (offset === undefined) return '';
    const { line, col } = this.lines.linePos(offset);
    return `line ${line}, column ${col}: `;
  }

  /** The value a pointer names. */
  value(pointer: string): unknown {
    return this.doc.getIn(pointerTokens(pointer));
  }
}

/** One line per schema error, located in the file, with a suggestion where a name was misspelt. */
export function describePolicyErrors(errors: ErrorObject[], schema: unknown, source: PolicySource | undefined, max = 5): string[] {
  const listed = new Set<string>();
  const lines = errors.map((e) => {
    const at = e.instancePath || '/';
    if (e.keyword === 'additionalProperties') {
      const member = (e.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((schemaAt(schema, e.schemaPath.replace(/\/additionalProperties$/, '')) as { properties?: object })?.properties ?? {}).filter(
        (k) => k !== '$schema',
      );
      const meant = closest(member, known);
      // The members allowed at a place are listed once, with its first unknown member.
      const list = !meant && known.length && !listed.has(at) ? ` (members here: ${known.join(', ')})` : '';
      listed.add(at);
      return `${source?.at(e.instancePath, member) ?? ''}${at}: unknown member '${member}'${meant ? ` (did you mean '${meant}'?)` : list}`;
    }
    const where = source?.at(e.instancePath) ?? '';
    if (e.keyword === 'required') return `${where}${at}: missing member '${(e.params as { missingProperty: string }).missingProperty}'`;
    if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      const given = source?.value(e.instancePath);
      const meant = typeof given === 'string' ? closest(given, allowed.filter((a): a is string => typeof a === 'string')) : undefined;
      return `${where}${at}: ${e.message} (${allowed.map((x) => JSON.stringify(x)).join(', ')})${meant ? `; did you mean ${JSON.stringify(meant)}?` : ''}`;
    }
    return `${where}${at}: ${e.message}`;
  });
  const unique = [...new Set(lines)];
  return unique.length > max ? [...unique.slice(0, max), `... and ${unique.length - max} more`] : unique;
}

/** The subschema at an Ajv schemaPath (`#/properties/environments`), following local `$ref`s on the way. */
function schemaAt(schema: unknown, schemaPath: string): unknown {
  let node = schema as Record<string, unknown> | undefined;
  for (const token of schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    node = node?.[token.replace(/~1/g, '/').replace(/~0/g, '~')] as Record<string, unknown> | undefined;
  }
  return node;
}
