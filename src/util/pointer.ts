/**
 * JSON pointer tokens (RFC 6901 §3–4), as fast-json-patch's escapePathComponent and unescapePathComponent do
 * them. Here rather than through that library: the sanitizer needs them, and `octosync --help` loads the
 * sanitizer, not the patch library (issue 17.6).
 */

/** A token with `~` and `/` escaped (`~0`, `~1`, in that order). */
export function escapeToken(token: string): string {
  return token.includes('/') || token.includes('~') ? token.replace(/~/g, '~0').replace(/\//g, '~1') : token;
}

/** The JSON pointer of a path's tokens, each escaped (`['Steps', 'Deploy/Web']` → `/Steps/Deploy~1Web`; `[]` → `''`). */
export function pointerOf(tokens: readonly string[]): string {
  let out = '';
  for (const t of tokens) out += '/' + escapeToken(t);
  return out;
}

/** The token a pointer spells (`~1` first, then `~0`, so that `~01` is `~1`). */
export function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** A JSON pointer's tokens, unescaped (`/Steps/Deploy~1Web` → `['Steps', 'Deploy/Web']`; `''` → `[]`). */
export function pointerTokens(pointer: string): string[] {
  return pointer === '' ? [] : pointer.split('/').slice(1).map(unescapeToken);
}
