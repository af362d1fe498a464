import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import {
  Checkpointer,
  CheckpointRefusedError,
  checkpointSignatureValid,
  checkpointStatementText,
  Ed25519CheckpointSigner,
  entriesDigest,
  FileCheckpointAnchor,
  keyIdOf,
  latestCheckpoint,
  listCheckpoints,
  loadOrCreateCheckpointKey,
  migrateEventStore,
  parseEntries,
  parseReceipt,
  publicKeyFileOf,
  readAnchorFile,
  readPublicKey,
  SqlEventStore,
  toReceipt,
  verifyLogWithCheckpoints,
  type SignedCheckpoint,
} from '#event-store';
import { pgliteDriver, type TestDatabase } from '../support/db.js';

/* Signing and verifying checkpoints, the checkpointer's rules and its file anchor, on PGlite. */

const signer = Ed25519CheckpointSigner.generate();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'checkpoints-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('signatures', () => {
  const statement = {
    position: '42',
    headHash: 'a'.repeat(64),
    signedAt: '2016-04-01T09:00:00.000Z',
    keyId: signer.keyId,
    previousPosition: '17',
    entriesDigest: entriesDigest('42 ' + 'a'.repeat(64) + '\n'),
  };
  let signed: SignedCheckpoint;
  beforeAll(async () => {
    signed = {
      ...statement,
      signature: Buffer.from(await signer.sign(Buffer.from(checkpointStatementText(statement)))).toString('base64'),
    };
  });

  test('the signed text is canonical JSON of the statement with its format and version', () => {
    expect(checkpointStatementText(statement)).toBe(
      `{"entriesDigest":"${statement.entriesDigest}","format":"governance-checkpoint","headHash":"${'a'.repeat(64)}","keyId":"${signer.keyId}",` +
        `"position":"42","previousPosition":"17","signedAt":"2016-04-01T09:00:00.000Z","v":1}`,
    );
  });

  test('the key id is the SHA-256 of the public key, and a checkpoint verifies with that key only', () => {
    expect(signer.keyId).toMatch(/^[0-9a-f]{64}$/);
    expect(keyIdOf(signer.publicKey)).toBe(signer.keyId);
    expect(checkpointSignatureValid(signed, signer.publicKey)).toBe(true);
    const other = Ed25519CheckpointSigner.generate();
    expect(checkpointSignatureValid(signed, other.publicKey)).toBe(false);
    expect(checkpointSignatureValid({ ...signed, keyId: other.keyId }, other.publicKey)).toBe(false);
  });

  test.each(['position', 'headHash', 'signedAt', 'previousPosition', 'entriesDigest'] as const)(
    'changing the signed %s breaks the signature',
    (field) => {
      const value =
        field === 'position' || field === 'previousPosition'
          ? '43'
          : field === 'signedAt'
            ? '2016-04-01T09:00:00.001Z'
            : 'b'.repeat(64);
      expect(checkpointSignatureValid({ ...signed, [field]: value }, signer.publicKey)).toBe(false);
    },
  );

  test('a receipt carries the signed checkpoint and the public key, and parses back to what was signed', () => {
    const receipt = toReceipt(signed, signer.publicKey);
    expect(receipt).toMatchObject({ format: 'governance-checkpoint-receipt', v: 1, ...signed });
    expect(keyIdOf(readPublicKey(receipt.publicKey))).toBe(signer.keyId);
    expect(parseReceipt(JSON.stringify(receipt))).toEqual(signed);
    expect(parseReceipt('{"format":"governance-checkpoint-receipt","position":"x"}')).toMatch(
      /missing or invalid position/,
    );
    expect(parseReceipt('{}')).toMatch(/not a governance-checkpoint-receipt/);
  });

  test('entries are one "position hash" line per event; anything else is refused', () => {
    expect(parseEntries(`1 ${'a'.repeat(64)}\n3 ${'b'.repeat(64)}\n`)).toEqual([
      { position: '1', hash: 'a'.repeat(64) },
      { position: '3', hash: 'b'.repeat(64) },
    ]);
    expect(parseEntries(`1 ${'a'.repeat(64)}`)).toBeNull();
    expect(parseEntries(`1 xyz\n`)).toBeNull();
  });
});

describe('the key file', () => {
  test('is generated once (mode 0600, public key beside it) and read back by every later start', async () => {
    const file = join(dir, 'keys', 'checkpoint-key.pem');
    const [first, racing] = await Promise.all([loadOrCreateCheckpointKey(file), loadOrCreateCheckpointKey(file)]);
    expect(racing.keyId).toBe(first.keyId);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
    expect(keyIdOf(readPublicKey(await readFile(publicKeyFileOf(file), 'utf8')))).toBe(first.keyId);
    expect((await loadOrCreateCheckpointKey(file)).keyId).toBe(first.keyId);
  });

  test('refuses a key that is not Ed25519', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const file = join(dir, 'rsa.pem');
    await writeFile(
      file,
      generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    await expect(loadOrCreateCheckpointKey(file)).rejects.toThrow(/must be Ed25519, not rsa/);
  });
});

describe('the checkpointer', () => {
  let database: TestDatabase;
  let store: SqlEventStore;
  let now: number;
  let anchorFile: string;
  let checkpointer: Checkpointer;
  const append = (n: number) =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        store.append(
          `board-${randomUUID()}`,
          [{ type: 'BoardMeetingScheduled', occurredAt: '2016-01-01', data: { i } }],
          {
            expectedRevision: 'no-stream',
            actor: 'officer',
          },
        ),
      ),
    );

  beforeEach(async () => {
    database = await pgliteDriver.create();
    await migrateEventStore(database.db);
    store = new SqlEventStore(database.db);
    now = Date.UTC(2016, 3, 1);
    anchorFile = join(dir, `anchor-${randomUUID()}.ndjson`);
    checkpointer = new Checkpointer(database.db, signer, {
      everyEvents: 10,
      intervalMs: 60_000,
      clock: () => new Date(now),
      anchors: [new FileCheckpointAnchor(anchorFile)],
    });
  });
  afterEach(async () => {
    await store.close();
    await database.dispose();
  });

  test('signs nothing on an empty log, then the first events at once', async () => {
    await expect(checkpointer.runOnce()).resolves.toEqual([]);
    await append(3);
    const [first] = await checkpointer.runOnce();
    expect(first).toMatchObject({
      position: '3',
      previousPosition: null,
      keyId: signer.keyId,
      signedAt: '2016-04-01T00:00:00.000Z',
    });
    expect(parseEntries(first!.entries)!.map((e) => e.position)).toEqual(['1', '2', '3']);
    expect(checkpointSignatureValid(first!, signer.publicKey)).toBe(true);
  });

  test('signs again once N events are unsigned or T has passed, at most N events per checkpoint', async () => {
    await append(3);
    await checkpointer.runOnce();
    await append(9);
    await expect(checkpointer.runOnce()).resolves.toEqual([]);
    now += 59_999;
    await expect(checkpointer.runOnce()).resolves.toEqual([]);
    now += 1;
    const [byTime] = await checkpointer.runOnce();
    expect(byTime).toMatchObject({ position: '12', previousPosition: '3' });
    await append(25);
    const byCount = await checkpointer.runOnce();
    expect(byCount.map((c) => [c.previousPosition, c.position])).toEqual([
      ['12', '22'],
      ['22', '32'],
    ]);
    expect((await listCheckpoints(database.db)).map((c) => c.position)).toEqual(['3', '12', '22', '32']);
  });

  test('refuses to sign over a chain tampered with since the last checkpoint, naming the position', async () => {
    await append(3);
    await checkpointer.runOnce();
    await append(3);
    await database.db.query(`UPDATE events SET data = '{"i": 99}' WHERE position = 5`);
    now += 60_000;
    await expect(checkpointer.runOnce()).rejects.toEqual(
      expect.objectContaining({ name: 'CheckpointRefusedError', position: '5' }),
    );
    expect((await latestCheckpoint(database.db))!.position).toBe('3');
  });

  test('refuses to go on from a latest checkpoint that does not verify with its key', async () => {
    await append(3);
    await checkpointer.runOnce();
    await database.db.query(`UPDATE integrity_checkpoints SET head_hash = repeat('b', 64)`);
    await append(1);
    now += 60_000;
    await expect(checkpointer.runOnce()).rejects.toBeInstanceOf(CheckpointRefusedError);
  });

  test('the anchor file holds every checkpoint in order with its entries, and verify accepts it', async () => {
    await append(4);
    await checkpointer.runOnce();
    await append(10);
    await checkpointer.runOnce();
    const anchored = await readAnchorFile(anchorFile);
    expect(anchored.map((r) => r.position)).toEqual(['4', '14']);
    expect(anchored).toEqual((await listCheckpoints(database.db)).map((c) => expect.objectContaining(c)));
    await expect(
      verifyLogWithCheckpoints(database.db, { publicKey: signer.publicKey, anchored }),
    ).resolves.toMatchObject({
      ok: true,
      events: 14,
      checkpoints: 2,
      signedThrough: '14',
    });
  });

  test('an anchor file configured later receives every checkpoint from the first', async () => {
    await append(4);
    await checkpointer.runOnce();
    await append(10);
    await checkpointer.runOnce();
    const later = join(dir, `anchor-later-${randomUUID()}.ndjson`);
    await new Checkpointer(database.db, signer, {
      everyEvents: 10,
      intervalMs: 60_000,
      anchors: [new FileCheckpointAnchor(later)],
    }).anchor();
    expect((await readAnchorFile(later)).map((r) => r.position)).toEqual(['4', '14']);
  });

  test('a checkpoint signed while its anchor cannot be written reaches the anchor later, once, in order', async () => {
    await mkdir(anchorFile); // a directory where the file should be: appends fail
    await append(2);
    await expect(checkpointer.runOnce()).rejects.toThrow(/EISDIR/);
    now += 60_000;
    await append(2);
    await expect(checkpointer.runOnce()).rejects.toThrow(/EISDIR/);
    expect((await listCheckpoints(database.db)).map((c) => c.position)).toEqual(['2', '4']);
    await rmdir(anchorFile);
    await checkpointer.runOnce();
    await checkpointer.runOnce();
    expect((await readAnchorFile(anchorFile)).map((r) => r.position)).toEqual(['2', '4']);
  });
});
