/** Exact names or globs (`*` any run, `?` one character), matched case-sensitively like Octopus names. */
export function globMatch(pattern: string, name: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === name;
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 's');
  return re.test(name);
}

export function matchesAny(patterns: string[] | undefined, names: string[]): boolean {
  return (patterns ?? []).some((p) => names.some((n) => globMatch(p, n)));
}
