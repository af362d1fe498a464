import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import {
  decryptPersonal,
  encryptPersonal,
  ERASED_TEXT,
  isPersonalEnvelope,
  lookupDigest,
  PERSONAL,
} from './personal-data-codec.js';

describe('personal data codec', () => {
  const key = randomBytes(32);

  it('round-trips a value through an envelope that does not hold it in the clear', () => {
    const envelope = encryptPersonal('p-1', key, 'Chief Constable Jane Smith');
    expect(isPersonalEnvelope(envelope)).toBe(true);
    expect(JSON.stringify(envelope)).not.toContain('Smith');
    expect(decryptPersonal(envelope, key)).toBe('Chief Constable Jane Smith');
  });

  it('reads "erased" once the key is gone', () => {
    expect(decryptPersonal(encryptPersonal('p-1', key, 'Jane Smith'), null)).toBe(ERASED_TEXT);
  });

  it('refuses a wrong key and an envelope moved to another person', () => {
    const envelope = encryptPersonal('p-1', key, 'Jane Smith');
    expect(() => decryptPersonal(envelope, randomBytes(32))).toThrow();
    const moved = { [PERSONAL]: { ...envelope[PERSONAL], person: 'p-2' } };
    expect(() => decryptPersonal(moved, key)).toThrow();
  });

  it('finds the same person by a differently spaced or cased name', () => {
    const secret = randomBytes(32);
    expect(lookupDigest(secret, '  Jane   SMITH ')).toBe(lookupDigest(secret, 'jane smith'));
    expect(lookupDigest(secret, 'Jane Smith')).not.toBe(lookupDigest(secret, 'John Smith'));
  });
});
