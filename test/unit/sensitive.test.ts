import { describe, expect, it } from '@jest/globals';
import { patchSensitivePaths, recordedSecret, secretToSend, sensitivePointers, settleSecret } from '../../src/util/sensitive.js';

/** The one sensitivity module: what snapshot, plan, apply and the renderers all ask. */
describe('src/util/sensitive.ts', () => {
  it('records a secret only as {HasValue}, whatever the server sent', () => {
    expect(recordedSecret({ HasValue: false, NewValue: 'leaked-secret' })).toEqual({ HasValue: true });
    expect(recordedSecret({ HasValue: true, Hint: 'x' })).toEqual({ HasValue: true });
    expect(recordedSecret('in-clear', { DisplaySettings: { 'Octopus.ControlType': 'Sensitive' } })).toEqual({ HasValue: true });
    expect(recordedSecret('', { DisplaySettings: { 'Octopus.ControlType': 'Sensitive' } })).toEqual({ HasValue: false });
    expect(recordedSecret('plain', { DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } })).toBe('plain');
  });

  it('keeps a stored secret, always; writes a placeholder only where the destination has none', () => {
    expect(settleSecret({ HasValue: true }, { HasValue: true })).toBe('keep');
    expect(settleSecret({ HasValue: false }, { HasValue: true })).toBe('keep');
    expect(settleSecret('plain', { HasValue: true })).toBe('keep');
    expect(settleSecret({ HasValue: true }, { HasValue: false })).toBe('placeholder');
    expect(settleSecret({ HasValue: true }, undefined)).toBe('placeholder');
    expect(settleSecret({ HasValue: false }, undefined)).toBe('clear');
    expect(settleSecret('plain', 'other')).toBeUndefined();
    expect(secretToSend('keep', 'FILL ME')).toEqual({ HasValue: true, NewValue: null });
    expect(secretToSend('placeholder', 'FILL ME')).toEqual({ HasValue: true, NewValue: 'FILL ME' });
    expect(secretToSend('clear', 'FILL ME')).toEqual({ HasValue: false, NewValue: null });
  });

  it('finds the secrets of a document as JSON pointers (names escaped)', () => {
    const doc = {
      Password: { HasValue: true },
      Properties: { 'a/b': { HasValue: false }, Plain: 'x' },
      Variables: [
        { Name: 'Db', Value: null, IsSensitive: true },
        { Name: 'Typed', Value: null, Type: 'Sensitive' },
        { Name: 'Url', Value: 'u', IsSensitive: false },
      ],
    };
    expect(sensitivePointers(doc)).toEqual(['/Password', '/Properties/a~1b', '/Variables/0/Value', '/Variables/1/Value']);
  });

  it('an update names only the secrets its patch touches, before or after it', () => {
    const before = { Token: { HasValue: true }, Variables: { Db: [{ Value: 'was-plain', IsSensitive: false }] }, Other: { HasValue: true } };
    const after = { Token: { HasValue: true }, Variables: { Db: [{ Value: null, IsSensitive: true }] }, Other: { HasValue: true } };
    const patch = [
      { op: 'replace', path: '/Variables/Db/0/Value' },
      { op: 'replace', path: '/Variables/Db/0/IsSensitive' },
    ];
    expect(patchSensitivePaths(before, after, patch)).toEqual(['/Variables/Db/0/Value']);
    expect(patchSensitivePaths(before, after, [{ path: '/Token/HasValue' }])).toEqual(['/Token']);
    expect(patchSensitivePaths(before, after, [{ path: '/Variables' }])).toEqual(['/Variables/Db/0/Value']);
  });
});
