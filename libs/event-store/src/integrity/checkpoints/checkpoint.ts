import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';

export const CHECKPOINT_FORMAT = 'governance-checkpoint';
export const CHECKPOINT_VERSION = 1;
export const RECEIPT_FORMAT = 'governance-checkpoint-receipt';

/**
 * What a checkpoint signs, after RFC 6962/9162's signed tree head: the chain head (position and
 * hash), when it was signed and by which key, the checkpoint before it (so a deleted checkpoint
 * shows) and the SHA-256 of its entries: one `position hash` line for every event since that
 * previous checkpoint, so a rewritten event is named at its own position, not only at the head.
 */
export interface CheckpointStatement {
  position: string;
  headHash: string;
  signedAt: string;
  keyId: string;
  /** The checkpoint before this one; null for the first, whose entries start at the genesis. */
  previousPosition: string | null;
  entriesDigest: string;
}

export interface SignedCheckpoint extends CheckpointStatement {
  /** Ed25519 signature of `checkpointStatementText`, base64. */
  signature: string;
}

/** A checkpoint as the database and the anchor file keep it: with the entries its digest covers. */
export interface CheckpointRecord extends SignedCheckpoint {
  entries: string;
}

/** What an auditor keeps: the signed checkpoint and the public key it verifies with. */
export interface CheckpointReceipt extends SignedCheckpoint {
  format: typeof RECEIPT_FORMAT;
  v: typeof CHECKPOINT_VERSION;
  /** SPKI PEM, for convenience: verify with the key you trust, not with this copy. */
  publicKey: string;
}

/** The bytes signed: canonical JSON (RFC 8785) of the statement with its format and version. */
export function checkpointStatementText(statement: CheckpointStatement): string {
  return canonicalJson({
    format: CHECKPOINT_FORMAT,
    v: CHECKPOINT_VERSION,
    position: statement.position,
    headHash: statement.headHash,
    signedAt: statement.signedAt,
    keyId: statement.keyId,
    previousPosition: statement.previousPosition,
    entriesDigest: statement.entriesDigest,
  });
}

export interface CheckpointEntry {
  position: string;
  hash: string;
}

export const entriesText = (entries: readonly CheckpointEntry[]): string =>
  entries.map((e) => `${e.position} ${e.hash}\n`).join('');

export const entriesDigest = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Null when the text is not entries as `entriesText` writes them. */
export function parseEntries(text: string): CheckpointEntry[] | null {
  if (text === '') return [];
  if (!text.endsWith('\n')) return null;
  const entries: CheckpointEntry[] = [];
  for (const line of text.slice(0, -1).split('\n')) {
    const [, position, hash] = /^(\d{1,19}) ([0-9a-f]{64})$/.exec(line) ?? [];
    if (position === undefined || hash === undefined) return null;
    entries.push({ position, hash });
  }
  return entries;
}

/** The key id: SHA-256 of the public key's SPKI DER, hex (RFC 6962 names a log by the same). */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** An Ed25519 public key from SPKI PEM, or from a PKCS#8 private key PEM (its public half). */
export function readPublicKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError(`the key is ${key.asymmetricKeyType}, not Ed25519`);
  return key;
}

export const publicKeyPem = (key: KeyObject): string => key.export({ type: 'spki', format: 'pem' }).toString();

/** True when the checkpoint names this key and its signature verifies with it. */
export function checkpointSignatureValid(checkpoint: SignedCheckpoint, publicKey: KeyObject): boolean {
  if (checkpoint.keyId !== keyIdOf(publicKey)) return false;
  try {
    return verify(
      null,
      Buffer.from(checkpointStatementText(checkpoint), 'utf8'),
      publicKey,
      Buffer.from(checkpoint.signature, 'base64'),
    );
  } catch {
    return false;
  }
}

const isText = (v: unknown): v is string => typeof v === 'string';
const POSITION = /^\d{1,19}$/;
const HASH = /^[0-9a-f]{64}$/;

/** The signed checkpoint in a parsed receipt, anchor line or Kafka message; a string says what is wrong. */
export function parseSignedCheckpoint(value: unknown): SignedCheckpoint | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const c = value as Record<string, unknown>;
  const problems = [
    !(isText(c.position) && POSITION.test(c.position)) && 'position',
    !(isText(c.headHash) && HASH.test(c.headHash)) && 'headHash',
    !(isText(c.signedAt) && !Number.isNaN(Date.parse(c.signedAt))) && 'signedAt',
    !isText(c.keyId) && 'keyId',
    !(c.previousPosition === null || (isText(c.previousPosition) && POSITION.test(c.previousPosition))) &&
      'previousPosition',
    !(isText(c.entriesDigest) && HASH.test(c.entriesDigest)) && 'entriesDigest',
    !isText(c.signature) && 'signature',
  ].filter(Boolean);
  if (problems.length > 0) return `missing or invalid ${problems.join(', ')}`;
  return {
    position: c.position as string,
    headHash: c.headHash as string,
    signedAt: c.signedAt as string,
    keyId: c.keyId as string,
    previousPosition: c.previousPosition as string | null,
    entriesDigest: c.entriesDigest as string,
    signature: c.signature as string,
  };
}

export const toReceipt = (checkpoint: SignedCheckpoint, publicKey: KeyObject): CheckpointReceipt => ({
  format: RECEIPT_FORMAT,
  v: CHECKPOINT_VERSION,
  position: checkpoint.position,
  headHash: checkpoint.headHash,
  signedAt: checkpoint.signedAt,
  keyId: checkpoint.keyId,
  previousPosition: checkpoint.previousPosition,
  entriesDigest: checkpoint.entriesDigest,
  signature: checkpoint.signature,
  publicKey: publicKeyPem(publicKey),
});
