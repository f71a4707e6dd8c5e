import { afterEach, describe, expect, it } from '@jest/globals';
import { registerSecret, registerSecretsIn, resetSanitizer, sanitizeJson, sanitizeText, sanitizeValue } from '../../src/util/sanitize.js';

afterEach(() => resetSanitizer());

describe('the output sanitizer', () => {
  it('replaces every registered secret wherever it appears in text, and forgets them when reset', () => {
    registerSecret('hunter2-long');
    registerSecret('s3cr3t!');
    expect(sanitizeText('key hunter2-long, again hunter2-long; other s3cr3t!.')).toBe('key ***, again ***; other ***.');
    resetSanitizer();
    expect(sanitizeText('key hunter2-long')).toBe('key hunter2-long');
  });

  it('leaves short values alone (they would blank out ordinary words) and ignores nothing given', () => {
    registerSecret('abc');
    registerSecret(undefined);
    registerSecret('');
    expect(sanitizeText('abc abcdef')).toBe('abc abcdef');
  });

  it('replaces a secret that contains another as a whole', () => {
    registerSecret('Password1');
    registerSecret('Password1-and-more');
    expect(sanitizeText('was Password1-and-more')).toBe('was ***');
  });

  it('recognises API keys by their form, registered or not', () => {
    expect(sanitizeText('X-Octopus-ApiKey: API-ABCD1234567890ABCDEF1234')).toBe('X-Octopus-ApiKey: API-ABCD***');
    expect(sanitizeText('API-SHORT')).toBe('API-SHORT');
  });

  it('by field name: SensitiveValue NewValues, sensitive variables, passwords, keys and tokens', () => {
    const doc = {
      Name: 'Azure',
      Password: { HasValue: true, NewValue: 'P4ssword-from-body' },
      Token: 'tok-0123456789',
      api_key: 'key-0123456789',
      'X-Octopus-ApiKey': 'API-ABCD1234567890ABCDEF1234',
      Variables: [
        { Name: 'Conn', Value: 'plain text value', IsSensitive: false },
        { Name: 'Secret', Value: 'variable-secret', IsSensitive: true },
        { Name: 'Other', Value: 'typed-secret', Type: 'Sensitive' },
        { Name: 'Empty', Value: null, IsSensitive: true },
      ],
      Snapshot: { Password: { HasValue: true } },
      note: 'mentions API-ABCD1234567890ABCDEF1234',
    };
    const before = JSON.stringify(doc);
    const out = sanitizeValue(doc);
    expect(JSON.stringify(doc)).toBe(before); // a copy: the document itself is unchanged
    expect(out).toEqual({
      Name: 'Azure',
      Password: { HasValue: true, NewValue: '(redacted)' },
      Token: '(redacted)',
      api_key: '(redacted)',
      'X-Octopus-ApiKey': '(redacted)',
      Variables: [
        { Name: 'Conn', Value: 'plain text value', IsSensitive: false },
        { Name: 'Secret', Value: '(redacted)', IsSensitive: true },
        { Name: 'Other', Value: '(redacted)', Type: 'Sensitive' },
        { Name: 'Empty', Value: null, IsSensitive: true },
      ],
      Snapshot: { Password: { HasValue: true } },
      note: 'mentions API-ABCD***',
    });
    // What octosync writes itself (a placeholder in a body) is not registered: later text is left as it is.
    expect(sanitizeText('error: variable-secret rejected')).toBe('error: variable-secret rejected');
  });

  it('JSON text is scrubbed by field name and by registered secret', () => {
    registerSecret('registered-value');
    expect(JSON.parse(sanitizeJson({ message: 'has registered-value', ClientSecret: 'abcdefgh' }))).toEqual({ message: 'has ***', ClientSecret: '(redacted)' });
  });

  it("registers the sensitive values of a server's document without changing it", () => {
    const doc = { Variables: [{ Name: 'A', Value: 'leaked-secret-1', IsSensitive: true }, { Name: 'B', Value: 'ordinary', IsSensitive: false }], Password: { NewValue: 'leaked-secret-2' } };
    registerSecretsIn(doc);
    expect(doc.Variables[0].Value).toBe('leaked-secret-1');
    expect(sanitizeText('leaked-secret-1 leaked-secret-2 ordinary')).toBe('*** *** ordinary');
  });
});
