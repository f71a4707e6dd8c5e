/** An Octopus SensitiveValue (`{HasValue, NewValue, Hint}` on the wire; `{HasValue}` in snapshots and plans). */
export function isSensitiveValue(v: unknown): v is { HasValue: boolean; NewValue?: unknown; Hint?: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'HasValue' in v;
}
