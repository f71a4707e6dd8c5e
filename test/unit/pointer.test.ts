/**
 * JSON pointer tokens (src/util/pointer.ts) are written by hand so that the sanitizer does not load the patch
 * library: they must escape and unescape exactly as fast-json-patch does (RFC 6901 §3–4), which reads the
 * pointers octosync writes into every patch.
 */
import { describe, expect, it } from '@jest/globals';
import jsonpatch from 'fast-json-patch';
import { escapeToken, unescapeToken } from '../../src/util/pointer.js';

const TOKENS = ['', 'plain', 'a/b', '~', '~0', '~1', '/~', '~/', 'a~1b', '//~~', 'Octopus.Action[Deploy/Web]~x', 'ünïcødé/名前'];

describe('JSON pointer tokens', () => {
  it.each(TOKENS)('escapes and unescapes %p as fast-json-patch does', (token) => {
    expect(escapeToken(token)).toBe(jsonpatch.escapePathComponent(token));
    expect(unescapeToken(escapeToken(token))).toBe(token);
    expect(unescapeToken(token)).toBe(jsonpatch.unescapePathComponent(token));
  });

  it('reads `~01` as `~1`, not `/` (the order RFC 6901 §4 prescribes)', () => {
    expect(unescapeToken('~01')).toBe('~1');
  });
});
