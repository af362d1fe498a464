import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import {
  Checkpointer,
  Ed25519CheckpointSigner,
  hashEvent,
  latestCheckpoint,
  migrateEventStore,
  PersonalDataEventStore,
  PersonKeys,
  readChainPage,
  resealPersonalData,
  ResealRefusedError,
  SqlEventStore,
  verifyLog,
  verifyLogWithCheckpoints,
  type ChainVerification,
  type SignedCheckpoint,
  type SqlDatabase,
  type SqlExecutor,
} from '#event-store';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { CLERK, readTampered } from './rolled-back.js';

/*
 * The re-chain that seals the names of events written before personal data was encrypted
 * (docs/integrity.md, "Re-chains"), on PGlite and PostgreSQL: verified before and after, recorded,
 * idempotent, old checkpoints still checked against the hashes they signed, and a re-chain cannot
 * hide an edit.
 */

const NAMES = /jane smith|john brown|ann green/i;

for (const driver of testDrivers) {
  driver.describe(`seal-personal-data on ${driver.name}`, () => {
    let database: TestDatabase;
    let db: SqlDatabase;
    let raw: SqlEventStore;
    let store: PersonalDataEventStore;
    let keys: PersonKeys;
    const signer = Ed25519CheckpointSigner.generate();
    let oldReceipt: SignedCheckpoint;
    let firstPlain: string;

    const checkpointer = () => new Checkpointer(db, signer, { everyEvents: 1000, intervalMs: 0 });
    const verifySigned = (tx: SqlExecutor = db, receipts: SignedCheckpoint[] = [oldReceipt]) =>
      verifyLogWithCheckpoints(tx, { publicKey: signer.publicKey, receipts });

    /** Tampers, verifies in the same transaction, rolls back. */
    const tampered = (
      tamper: (tx: SqlExecutor) => Promise<unknown>,
      verify: (tx: SqlExecutor) => Promise<ChainVerification> = verifySigned,
    ): Promise<ChainVerification> => readTampered(db, tamper, verify);

    beforeAll(async () => {
      database = await driver.create();
      db = database.db;
      await migrateEventStore(db);
      raw = new SqlEventStore(db);
      keys = new PersonKeys(db, randomBytes(32));
      store = new PersonalDataEventStore(raw, keys);
      // Written as release 0.1.0 did, around the decorator: names in the clear.
      await raw.append(
        'agreement-hants-tvp',
        [
          {
            type: 'AgreementDrafted',
            occurredAt: '2012-01-01',
            data: { agreementId: 'hants-tvp', figures: { big: 2 ** 60 } },
          },
        ],
        { expectedRevision: 'no-stream', actor: CLERK },
      );
      const signed = await raw.append(
        'agreement-hants-tvp',
        [
          { type: 'AgreementSigned', occurredAt: '2012-02-01', data: { party: 'hampshire', signedBy: 'Jane Smith' } },
          {
            type: 'AgreementSigned',
            occurredAt: '2012-02-02',
            data: { party: 'thames-valley', signedBy: 'John Brown' },
          },
        ],
        { expectedRevision: 0, actor: CLERK },
      );
      firstPlain = signed.firstPosition!;
      await raw.append(
        'board-hants-tvp',
        [
          {
            type: 'BoardMeetingHeld',
            occurredAt: '2013-03-01',
            data: {
              attendees: [
                { name: 'Ann Green', body: 'hampshire' },
                { name: 'Jane Smith', body: 'hampshire' },
              ],
            },
          },
        ],
        { expectedRevision: 'no-stream', actor: CLERK },
      );
      await checkpointer().runOnce();
      oldReceipt = (await latestCheckpoint(db))!;
      // Written after the release, through the decorator: sealed already.
      await store.append(
        'board-hants-tvp',
        [{ type: 'GovernanceBoardEstablished', occurredAt: '2013-04-01', data: { chair: 'John Brown' } }],
        { expectedRevision: 0, actor: CLERK },
      );
      await raw.append('board-hants-tvp', [{ type: 'BoardMeetingScheduled', occurredAt: '2013-05-01', data: {} }], {
        expectedRevision: 1,
        actor: CLERK,
      });
    }, 60_000);
    afterAll(async () => {
      await store?.close();
      await database?.dispose();
    });

    test('refuses a chain that does not verify, naming position and reason, and changes nothing', async () => {
      const { rows: stored } = await db.query<{ data: string }>(
        'SELECT data::text AS data FROM events WHERE position = $1',
        [firstPlain],
      );
      await db.query(`UPDATE events SET data = jsonb_set(data, '{party}', '"kent"') WHERE position = $1`, [firstPlain]);
      try {
        const refused = resealPersonalData(db, { keys, reason: 'test', actor: 'system:test', now: new Date() });
        await expect(refused).rejects.toBeInstanceOf(ResealRefusedError);
        await expect(refused).rejects.toThrow(new RegExp(`position ${firstPlain}, hash-mismatch`));
      } finally {
        await db.query('UPDATE events SET data = $2::jsonb WHERE position = $1', [firstPlain, stored[0]!.data]);
      }
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM chain_versions');
      expect(rows[0]!.n).toBe(0);
      expect(await verifySigned()).toMatchObject({ ok: true });
    });

    test('seals every plaintext name under a recorded chain version, verified before and after, and reads the same', async () => {
      const before = await store.readAll();
      const dryRun = await resealPersonalData(db, {
        keys,
        reason: 'dry',
        actor: 'system:test',
        now: new Date(),
        rollback: true,
      });
      expect(dryRun).toMatchObject({ resealed: true, chainVersion: 2 });
      expect((await db.query('SELECT 1 FROM chain_versions')).rows).toHaveLength(0);

      const result = await resealPersonalData(db, {
        keys,
        reason: 'issue 18: seal the names of old events',
        actor: 'system:seal-personal-data',
        now: new Date('2026-12-03T10:00:00.000Z'),
        verify: (tx) => verifySigned(tx),
      });
      expect(result).toMatchObject({
        resealed: true,
        chainVersion: 2,
        fromPosition: firstPlain,
        changed: 3,
        rehashed: 5,
      });
      if (!result.resealed) throw new Error('not resealed');
      expect(result.previousHeadHash).not.toBe(result.newHeadHash);

      const { rows } = await db.query<{ data: string }>('SELECT data::text AS data FROM events');
      expect(rows.map((r) => r.data).join('\n')).not.toMatch(NAMES);
      const after = await store.readAll();
      const record = after.at(-1)!;
      expect(record).toMatchObject({
        type: 'ChainResealed',
        streamId: 'integrity',
        data: { version: 2, previousHeadHash: result.previousHeadHash, newHeadHash: result.newHeadHash, changed: 3 },
      });
      expect(JSON.stringify(record.data)).not.toMatch(NAMES);
      expect(after.slice(0, -1).map((e) => e.data)).toEqual(before.map((e) => e.data));
      // The data round-trips byte for byte apart from the sealed fields.
      expect(after[0]!.data).toEqual({ agreementId: 'hants-tvp', figures: { big: 2 ** 60 } });

      expect(await verifyLog(db)).toMatchObject({ ok: true, chainVersion: 2, unrecomputable: 0 });
      // The receipt signed before the re-chain is checked against the hashes it signed.
      expect(await verifySigned()).toMatchObject({ ok: true, chainVersion: 2 });
      // The checkpointer carries on from the old checkpoint, and signs the new chain.
      expect(await checkpointer().runOnce()).toHaveLength(1);
      const fresh = (await latestCheckpoint(db))!;
      expect(await verifySigned(db, [oldReceipt, fresh])).toMatchObject({ ok: true, checkpoints: 2 });
    });

    test('a second run changes nothing and appends nothing', async () => {
      const head = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0]!.n;
      await expect(
        resealPersonalData(db, { keys, reason: 'again', actor: 'system:test', now: new Date() }),
      ).resolves.toMatchObject({ resealed: false, chainVersion: 2 });
      expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0]!.n).toBe(head);
    });

    test('a re-chain not recorded, or changing more than personal fields, fails verify', async () => {
      // The record of the re-chain deleted: the old receipt no longer matches.
      const unrecorded = await tampered(async (tx) => {
        await tx.query('DELETE FROM chain_superseded_hashes');
        await tx.query('DELETE FROM chain_versions');
      });
      expect(unrecorded).toMatchObject({ ok: false, reason: 'rewritten' });
      // The ChainResealed event's data edited (the chain recomputed): the record no longer says what the table says.
      const { rows } = await db.query<{ position: string }>(`SELECT position FROM events WHERE type = 'ChainResealed'`);
      const resealedAt = rows[0]!.position;
      const edited = await tampered(
        async (tx) => {
          await tx.query(`UPDATE events SET data = jsonb_set(data, '{changed}', '2') WHERE position = $1`, [
            resealedAt,
          ]);
          await rechain(tx, resealedAt);
        },
        (tx) => verifyLog(tx),
      );
      expect(edited).toMatchObject({ ok: false, position: resealedAt, reason: 'bad-rechain' });
      // A non-personal field of a sealed event edited, the chain recomputed: the envelope opens, the old hash does not match.
      const forged = await tampered(
        async (tx) => {
          await tx.query(`UPDATE events SET data = jsonb_set(data, '{party}', '"kent"') WHERE position = $1`, [
            firstPlain,
          ]);
          await rechain(tx, firstPlain);
          await tx.query(
            `UPDATE chain_versions SET new_head_hash = (SELECT hash FROM events WHERE position = chain_versions.through_position)`,
          );
        },
        (tx) => verifyLog(tx),
      );
      expect(forged).toMatchObject({ ok: false, position: firstPlain, reason: 'bad-rechain' });
      // A sealed field claimed unchanged.
      const unsealed = await tampered(
        (tx) => tx.query(`UPDATE chain_superseded_hashes SET sealed = '' WHERE position = $1`, [firstPlain]),
        (tx) => verifyLog(tx),
      );
      expect(unsealed).toMatchObject({ ok: false, reason: 'bad-rechain' });
    });

    test('erasing a person named only in old events removes the name from every read; verify still passes', async () => {
      const personId = await keys.erase('jane smith', new Date());
      expect(personId).not.toBeNull();
      const events = await store.readAll();
      const text = JSON.stringify(events.map((e) => e.data));
      expect(text).not.toMatch(/jane smith/i);
      expect(text).toMatch(/John Brown/);
      expect(events.find((e) => e.type === 'AgreementSigned')?.data).toMatchObject({ signedBy: 'erased' });
      const checked = await verifySigned();
      expect(checked).toMatchObject({ ok: true, chainVersion: 2 });
      expect((checked as { unrecomputable?: number }).unrecomputable).toBe(2);
    });
  });
}

/** Recomputes every hash from `from` on, as an attacker with the public hash function would. */
async function rechain(tx: SqlExecutor, from: string): Promise<void> {
  const { rows } = await tx.query<{ hash: string }>(
    'SELECT hash FROM events WHERE position < $1 ORDER BY position DESC LIMIT 1',
    [from],
  );
  let prev = rows[0]!.hash;
  for (const event of await readChainPage(tx, String(BigInt(from) - 1n), '9223372036854775807', 10_000)) {
    const hash = hashEvent(event, prev);
    await tx.query('UPDATE events SET hash = $2, prev_hash = $3 WHERE position = $1', [event.position, hash, prev]);
    prev = hash;
  }
}
