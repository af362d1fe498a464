import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import {
  migrateEventStore,
  PersonalDataEventStore,
  PersonKeys,
  SqlEventStore,
  verifyLog,
  type StoredEvent,
} from '#event-store';
import { testDrivers, type TestDatabase } from '../support/db.js';

/*
 * The store boundary of personal data (libs/event-store/src/personal-data): every read path opens the
 * envelopes the table holds, a destroyed key reads "erased", and an erasure by another process shows here.
 */

for (const driver of testDrivers) {
  driver.describe(`personal data at the store boundary on ${driver.name}`, () => {
    let database: TestDatabase;
    const secret = randomBytes(32);
    let clock = 0;
    let keys: PersonKeys;
    let store: PersonalDataEventStore;

    const signed = (party: string, signedBy: unknown) => ({
      type: 'AgreementSigned',
      occurredAt: '2012-02-01',
      data: { agreementId: 'a1', party, signedBy },
    });
    const signatories = (events: StoredEvent[]) =>
      events.filter((e) => e.type === 'AgreementSigned').map((e) => (e.data as { signedBy: unknown }).signedBy);

    beforeAll(async () => {
      database = await driver.create();
      await migrateEventStore(database.db);
      keys = new PersonKeys(database.db, secret, 1000, () => clock);
      store = new PersonalDataEventStore(new SqlEventStore(database.db, { pollIntervalMs: 20 }), keys);
      await store.append('agreement-a1', [signed('hampshire', 'Jane Smith'), signed('surrey', 'John Brown')], {
        expectedRevision: 'no-stream',
        actor: 'system:test',
      });
      await store.append(
        'board-b1',
        [
          {
            type: 'BoardMeetingHeld',
            occurredAt: '2015-05-01',
            data: { boardId: 'b1', attendees: [{ name: 'JANE SMITH', body: 'hampshire' }], quorate: true },
          },
          {
            type: 'BoardMeetingCancelled',
            occurredAt: '2015-06-01',
            data: { meetingId: 'm', reason: 'Jane Smith ill' },
          },
        ],
        { expectedRevision: 'no-stream', actor: 'system:test' },
      );
    }, 60_000);

    afterAll(async () => {
      await store?.close();
      await database?.dispose();
    });

    test('the table holds envelopes; one person per normalised name; other fields stay in the clear', async () => {
      const { rows } = await database.db.query<{ type: string; data: string }>(
        'SELECT type, data::text AS data FROM events ORDER BY position',
      );
      expect(
        rows
          .slice(0, 3)
          .map((r) => r.data)
          .join(),
      ).not.toMatch(/smith|brown/i);
      // Only declared fields are personal: a free-text reason is public record, as written.
      expect(rows[3]?.data).toContain('Jane Smith ill');
      const { rows: people } = await database.db.query<{ n: string }>('SELECT count(*)::text AS n FROM person_keys');
      expect(people[0]?.n).toBe('2');
      expect((await verifyLog(database.db)).ok).toBe(true);
    });

    test('readStream, readAll and subscribe all read the names', async () => {
      expect(signatories(await store.readStream('agreement-a1'))).toEqual(['Jane Smith', 'John Brown']);
      expect(signatories(await store.readStream('agreement-a1', { fromRevision: 1 }))).toEqual(['John Brown']);
      const all = await store.readAll();
      expect((all[2]?.data as { attendees: { name: string }[] }).attendees[0]?.name).toBe('JANE SMITH');
      const seen: StoredEvent[] = [];
      let caughtUp!: () => void;
      const done = new Promise<void>((resolve) => (caughtUp = resolve));
      // Stopped from outside the handler: stop() waits for the handler in flight.
      const subscription = store.subscribe((events) => {
        seen.push(...events);
        if (seen.length >= 4) caughtUp();
        return Promise.resolve();
      });
      await done;
      await subscription.stop();
      expect(signatories(seen)).toEqual(['Jane Smith', 'John Brown']);
    });

    test('an erasure by another process reads "erased" here once the key is rechecked; the chain is unchanged', async () => {
      const other = new PersonKeys(database.db, secret);
      expect(await other.erase('jane smith', new Date('2026-01-01'))).toEqual(expect.any(String));
      expect(await other.erase('jane smith', new Date('2026-01-01'))).toBeNull();
      expect(signatories(await store.readStream('agreement-a1'))).toEqual(['Jane Smith', 'John Brown']); // cached
      clock += 1000;
      expect(signatories(await store.readStream('agreement-a1'))).toEqual(['erased', 'John Brown']);
      const all = await store.readAll();
      expect((all[2]?.data as { attendees: { name: string }[] }).attendees[0]?.name).toBe('erased');
      expect((await verifyLog(database.db)).ok).toBe(true);
    });

    test('a name under another secret is another person to the lookup, yet reads back the same', async () => {
      const foreign = new PersonalDataEventStore(
        new SqlEventStore(database.db),
        new PersonKeys(database.db, randomBytes(32)),
      );
      await foreign.append('agreement-a2', [signed('kent', 'John Brown')], {
        expectedRevision: 'no-stream',
        actor: 'system:test',
      });
      expect(signatories(await store.readStream('agreement-a2'))).toEqual(['John Brown']);
      expect(await keys.erase('John Brown', new Date('2026-01-02'))).toEqual(expect.any(String));
      clock += 1000;
      expect(signatories(await store.readStream('agreement-a1'))).toEqual(['erased', 'erased']);
      expect(signatories(await store.readStream('agreement-a2'))).toEqual(['John Brown']);
    });
  });
}
