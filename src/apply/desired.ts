import { fromKeyed, toKeyed } from '../registry/keyed.js';
import type { Operation } from '../plan-format/types.js';
import { patched } from '../util/json-patch.js';

type Json = Record<string, any>;

/**
 * What an operation wants the document to hold, in snapshot terms: a create's desired content, or the
 * document as it is now (`base`, normalised) with the plan's patch applied to it.
 */
export function desiredContent(op: Operation, base: () => Json): Json {
  if (op.action === 'create' && !op.patch) return op.desired!;
  return fromKeyed(op.kind, patched(toKeyed(op.kind, base()), op.patch ?? []));
}
