import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * The codec of personal fields (issue 18 item 5; used by PersonalDataEventStore). A personal field is
 * stored as an envelope encrypted with its person's own key, so the hash chain covers the
 * ciphertext: destroying the key (erasure) makes the field unreadable without changing any hash.
 */
export const PERSONAL = '$personal';
export const ERASED_TEXT = 'erased';

export interface PersonalEnvelope {
  readonly [PERSONAL]: { person: string; alg: 'A256GCM'; iv: string; ct: string; tag: string };
}

export const isPersonalEnvelope = (value: unknown): value is PersonalEnvelope =>
  typeof value === 'object' && value !== null && PERSONAL in value && Object.keys(value).length === 1;

/** The person's name as compared for lookup: NFC, trimmed, inner spaces collapsed, lower case. */
export const normaliseName = (name: string): string => name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();

/** HMAC-SHA-256 (hex) of the normalised name under the server secret: finds a person's key without storing the name. */
export const lookupDigest = (secret: Buffer, name: string): string =>
  createHmac('sha256', secret).update(normaliseName(name), 'utf8').digest('hex');

export function encryptPersonal(person: string, key: Buffer, value: unknown): PersonalEnvelope {
  if (key.length !== 32) throw new RangeError('A personal data key is 32 bytes (AES-256-GCM).');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  // The person id is authenticated data: an envelope moved to another person does not decrypt.
  cipher.setAAD(Buffer.from(person, 'utf8'));
  const ct = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return {
    [PERSONAL]: {
      person,
      alg: 'A256GCM',
      iv: iv.toString('base64'),
      ct: ct.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    },
  };
}

/** The value, or ERASED_TEXT when the key is gone (null). A wrong key or altered envelope throws. */
export function decryptPersonal(envelope: PersonalEnvelope, key: Buffer | null): unknown {
  if (key === null) return ERASED_TEXT;
  const { person, iv, ct, tag } = envelope[PERSONAL];
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAAD(Buffer.from(person, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  const text = Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
  return JSON.parse(text);
}
