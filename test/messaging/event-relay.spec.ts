// The relay's guarantees against an in-memory publisher, on both SQL drivers: order, batching,
// checkpoint only after the ack, retry with backoff, status. The same relay against a real broker
// is in kafka-relay.spec.ts and kafka-relay-outage.spec.ts.
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import {
  isPersonalEnvelope,
  PersonalDataEventStore,
  PersonKeys,
  type SqlDatabase,
  type SqlEventStore,
} from '#event-store';
import { EventRelay, RelayCheckpoints, type RelayOptions } from '#messaging';
import { testDrivers, type TestDatabase } from '../support/db.js';
import {
  appendInterleaved,
  checkpointOf,
  firstOccurrencesPerKey,
  openStore,
  RecordingPublisher,
  streamsOf,
  until,
} from './support.js';

/** The event id inside a relayed message (its value is the stored event as JSON). */
const eventIdOf = (message: { value: string }): string => (JSON.parse(message.value) as { eventId: string }).eventId;

Logger.overrideLogger(['error']);

const topics = { events: 'events', alerts: 'alerts' };
const fast: RelayOptions = { topics, backoff: { initialMs: 10, maxMs: 100 }, probeIntervalMs: 0 };

for (const driver of testDrivers) {
  driver.describe(`event relay on ${driver.name}`, () => {
    let database: TestDatabase;
    let db: SqlDatabase;
    let store: SqlEventStore;
    const relays: EventRelay[] = [];

    const relay = (publisher: RecordingPublisher, options: RelayOptions = {}): EventRelay => {
      const r = new EventRelay(store, db, publisher, { ...fast, ...options });
      relays.push(r);
      return r;
    };
    const caughtUp = async (r: EventRelay): Promise<boolean> => {
      const status = await r.status();
      return status.headPosition !== null && status.position === status.headPosition;
    };

    beforeEach(async () => {
      database = await driver.create();
      db = database.db;
      store = await openStore(db);
    });

    afterEach(async () => {
      for (const r of relays.splice(0)) await r.stop();
      await store.close();
      await database.dispose();
    });

    test('publishes personal fields as stored (envelopes), never the names the service reads', async () => {
      const sealing = new PersonalDataEventStore(store, new PersonKeys(db, randomBytes(32)));
      await sealing.append(
        'agreement-hants-tvp',
        [{ type: 'AgreementSigned', occurredAt: '2012-02-01', data: { party: 'hampshire', signedBy: 'Jane Smith' } }],
        { expectedRevision: 'no-stream', actor: 'clerk' },
      );
      const publisher = new RecordingPublisher();
      // Given the store that opens envelopes, as the service's RelayLifecycle is.
      const r = new EventRelay(sealing, db, publisher, fast);
      relays.push(r);
      r.start();
      await until(() => caughtUp(r), 'relay caught up');
      const [message] = publisher.messages('events');
      expect(message!.value).not.toMatch(/jane smith/i);
      const relayed = JSON.parse(message!.value) as { data: { party: string; signedBy: unknown } };
      expect(relayed.data.party).toBe('hampshire');
      expect(isPersonalEnvelope(relayed.data.signedBy)).toBe(true);
      expect((await sealing.readAll())[0]!.data).toMatchObject({ signedBy: 'Jane Smith' });
    });

    test('publishes every event in log order, alert events also to the alerts topic, with key and headers', async () => {
      await appendInterleaved(store, 60, { streams: 4, alertEvery: 10 });
      const publisher = new RecordingPublisher();
      const r = relay(publisher);
      r.start();
      await until(() => caughtUp(r), 'relay caught up');

      const all = await store.readAll({ maxCount: 1000 });
      const events = publisher.messages('events');
      expect(events.map((m) => eventIdOf(m))).toEqual(all.map((e) => e.eventId));
      expect(events.map((m) => m.key)).toEqual(all.map((e) => e.streamId));
      expect(events[0]!.headers).toEqual({
        eventId: all[0]!.eventId,
        type: all[0]!.type,
        schemaVersion: String(all[0]!.schemaVersion),
        correlationId: all[0]!.correlationId,
      });
      expect(JSON.parse(events[0]!.value)).toEqual(all[0]);
      const alerts = publisher.messages('alerts');
      expect(alerts.map((m) => eventIdOf(m))).toEqual(
        all.filter((e) => e.type === 'AlertRaised').map((e) => e.eventId),
      );
      expect(alerts).toHaveLength(6);
      expect(publisher.ensured[0]).toEqual([
        { topic: 'events', partitions: 6, replicationFactor: 1 },
        { topic: 'alerts', partitions: 3, replicationFactor: 1 },
      ]);
      expect((await r.status()).published).toBe(60);
    });

    test('batches many events per round trip; the checkpoint is never ahead of an acknowledged batch', async () => {
      await appendInterleaved(store, 250);
      const publisher = new RecordingPublisher();
      const checkpointsAtPublish: (string | null)[] = [];
      publisher.failAfterPublish = async () => {
        checkpointsAtPublish.push(await checkpointOf(db, 'kafka-relay'));
        return null;
      };
      const r = relay(publisher, { batchSize: 100, checkpointIntervalMs: 0 });
      r.start();
      await until(() => caughtUp(r), 'relay caught up');

      expect(publisher.batches.map((b) => b.length)).toEqual([100, 100, 50]);
      // When a batch is acknowledged, the checkpoint is at most at the end of the batch before it.
      const all = await store.readAll();
      const ends = [null, all[99]!.position, all[199]!.position];
      expect(checkpointsAtPublish).toHaveLength(3);
      checkpointsAtPublish.forEach((checkpoint, k) => {
        const allowed = ends.slice(0, k + 1);
        expect(allowed).toContain(checkpoint);
      });
      const head = await store.headPosition();
      expect(await checkpointOf(db, 'kafka-relay')).toBe(head);
    });

    test('one batch in flight at a time, sent in log order', async () => {
      await appendInterleaved(store, 95, { streams: 5 });
      const publisher = new RecordingPublisher();
      let inFlight = 0;
      let most = 0;
      publisher.failAfterPublish = async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return null;
      };
      const r = relay(publisher, { batchSize: 10 });
      r.start();
      await until(() => caughtUp(r), 'relay caught up');
      expect(most).toBe(1);
      expect(publisher.batches).toHaveLength(10);
      expect(publisher.messages().map((m) => eventIdOf(m))).toEqual((await store.readAll()).map((e) => e.eventId));
    });

    test('writes the checkpoint at most once per interval, and all of it at stop', async () => {
      await appendInterleaved(store, 200);
      const publisher = new RecordingPublisher();
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      publisher.failAfterPublish = async () => {
        // The fourth batch is held in flight, so the relay never looks caught up.
        if (publisher.batches.length === 4) await held;
        return null;
      };
      const r = relay(publisher, { batchSize: 50, checkpointIntervalMs: 60_000 });
      r.start();
      await until(() => publisher.batches.length === 4, 'every batch sent');
      const all = await store.readAll();
      // The first acknowledgement is written at once; the next ones wait for the interval.
      await until(async () => (await checkpointOf(db, 'kafka-relay')) === all[49]!.position, 'first checkpoint');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await checkpointOf(db, 'kafka-relay')).toBe(all[49]!.position);
      expect(await r.status()).toMatchObject({ position: all[49]!.position, published: 50, lag: 150 });
      const stopping = r.stop();
      release();
      await stopping;
      expect(await checkpointOf(db, 'kafka-relay')).toBe(all[199]!.position);
      expect((await r.status()).published).toBe(200);
    });

    test('once caught up it writes the last checkpoint without waiting for the interval', async () => {
      await appendInterleaved(store, 250);
      const publisher = new RecordingPublisher();
      const checkpointsAtPublish: (string | null)[] = [];
      publisher.failAfterPublish = async () => {
        checkpointsAtPublish.push(await checkpointOf(db, 'kafka-relay'));
        await new Promise((resolve) => setTimeout(resolve, 20));
        return null;
      };
      const r = relay(publisher, { batchSize: 50, checkpointIntervalMs: 60_000 });
      r.start();
      await until(() => caughtUp(r), 'relay caught up');
      const all = await store.readAll();
      // At each acknowledgement: the first batch's checkpoint (written at once, maybe not yet committed
      // at the second), and none of the batches acknowledged within the interval.
      expect(checkpointsAtPublish).toHaveLength(5);
      expect(checkpointsAtPublish[0]).toBeNull();
      expect([null, all[49]!.position]).toContain(checkpointsAtPublish[1]);
      expect(checkpointsAtPublish.slice(2)).toEqual([all[49]!.position, all[49]!.position, all[49]!.position]);
      expect(await checkpointOf(db, 'kafka-relay')).toBe(all[249]!.position);
      expect((await r.status()).published).toBe(250);
    });

    test('a failure of the last batch of a page, while the subscription idles, is retried from the checkpoint', async () => {
      await appendInterleaved(store, 15, { streams: 3 });
      const publisher = new RecordingPublisher();
      let failures = 0;
      publisher.failAfterPublish = async () => {
        if (publisher.batches.length !== 2 || failures > 0) return null;
        failures++;
        // Acknowledged late and then lost: the handler has long handed the page back.
        await new Promise((resolve) => setTimeout(resolve, 50));
        return new Error('request timed out');
      };
      const r = relay(publisher, { batchSize: 10, checkpointIntervalMs: 0 });
      r.start();
      await until(() => caughtUp(r), 'relay caught up after the failure');

      const status = await r.status();
      expect(status).toMatchObject({ state: 'running', publishErrors: 1, published: 15 });
      expect(status.lastError?.message).toBe('request timed out');
      const received = publisher.messages('events').map((m) => ({ key: m.key, eventId: eventIdOf(m) }));
      expect(received).toHaveLength(20);
      expect(new Set(received.map((m) => m.eventId)).size).toBe(15);
      expect(firstOccurrencesPerKey(received)).toEqual(await streamsOf(store));
    });

    test('splits a batch that would exceed the byte limit', async () => {
      await appendInterleaved(store, 20);
      const publisher = new RecordingPublisher();
      const oneMessage = (await store.readAll({ maxCount: 1 }))[0];
      const r = relay(publisher, { maxBatchBytes: JSON.stringify(oneMessage).length * 5 });
      r.start();
      await until(() => caughtUp(r), 'relay caught up');
      expect(publisher.batches.length).toBeGreaterThanOrEqual(4);
      expect(publisher.messages().length).toBe(20);
    });

    test('follows events appended after it caught up', async () => {
      await appendInterleaved(store, 5, { prefix: 'x' });
      const publisher = new RecordingPublisher();
      const r = relay(publisher);
      r.start();
      await until(() => caughtUp(r), 'first events published');
      await appendInterleaved(store, 7, { prefix: 'y' });
      await until(() => publisher.messages().length === 12, 'live events published');
      expect(publisher.messages().map((m) => eventIdOf(m))).toEqual((await store.readAll()).map((e) => e.eventId));
    });

    test('while the broker is down it keeps the checkpoint, reports retrying with the error, and resumes in order', async () => {
      await appendInterleaved(store, 30, { streams: 3 });
      const publisher = new RecordingPublisher();
      publisher.down = new Error('Connection error: ECONNREFUSED 127.0.0.1:9092');
      const r = relay(publisher, { batchSize: 10 });
      r.start();

      await until(async () => (await r.status()).consecutiveFailures >= 3, 'three failures');
      const down = await r.status();
      expect(down.state).toBe('retrying');
      expect(down.lastError?.message).toContain('ECONNREFUSED');
      expect(down.position).toBeNull();
      expect(down.lag).toBeGreaterThanOrEqual(30);
      expect(await checkpointOf(db, 'kafka-relay')).toBeNull();

      await appendInterleaved(store, 15, { prefix: 'during', streams: 3 });
      publisher.down = null;
      await until(() => caughtUp(r), 'relay caught up after the outage');

      const up = await r.status();
      expect(up).toMatchObject({ state: 'running', consecutiveFailures: 0, lag: 0, published: 45 });
      expect(up.lastError?.message).toContain('ECONNREFUSED');
      const received = publisher.messages('events').map((m) => ({ key: m.key, eventId: eventIdOf(m) }));
      expect(received).toHaveLength(45);
      expect(firstOccurrencesPerKey(received)).toEqual(await streamsOf(store));
    });

    test('recovers to running after an outage even when nothing is waiting to be published', async () => {
      const publisher = new RecordingPublisher();
      publisher.down = new Error('broker down');
      const r = relay(publisher);
      r.start();
      await until(async () => (await r.status()).state === 'retrying', 'retrying');
      publisher.down = null;
      await until(async () => (await r.status()).state === 'running', 'running again');
    });

    test('notices an outage while idle through the probe', async () => {
      const publisher = new RecordingPublisher();
      const r = relay(publisher, { probeIntervalMs: 20 });
      r.start();
      await until(() => publisher.ensured.length > 0, 'started');
      publisher.down = new Error('broker unreachable');
      await until(async () => (await r.status()).state === 'retrying', 'retrying while idle');
      publisher.down = null;
      await until(async () => (await r.status()).state === 'running', 'running again');
    });

    test('a crash after the ack and before the checkpoint republishes the batch: duplicates, no loss, order kept', async () => {
      await appendInterleaved(store, 40, { streams: 4 });
      const publisher = new RecordingPublisher();
      let crashes = 0;
      publisher.failAfterPublish = () => {
        if (publisher.batches.length !== 2 || crashes++ > 0) return null;
        // The process dies here: the second batch is on the broker, its checkpoint is not written,
        // and this relay publishes nothing more.
        publisher.down = new Error('process killed');
        return publisher.down;
      };
      const first = relay(publisher, { batchSize: 10 });
      first.start();
      await until(() => crashes > 0, 'crashed after the second batch');
      await first.stop();
      publisher.down = null;
      expect(await checkpointOf(db, 'kafka-relay')).toBe((await store.readAll({ maxCount: 10 }))[9]!.position);

      const second = relay(publisher, { batchSize: 10 });
      second.start();
      await until(() => caughtUp(second), 'second relay caught up');

      const received = publisher.messages('events').map((m) => ({ key: m.key, eventId: eventIdOf(m) }));
      expect(received).toHaveLength(50);
      expect(new Set(received.map((m) => m.eventId)).size).toBe(40);
      expect(firstOccurrencesPerKey(received)).toEqual(await streamsOf(store));
    });

    test('stop waits for the batch in hand and a restart continues from the checkpoint', async () => {
      await appendInterleaved(store, 30);
      const publisher = new RecordingPublisher();
      const first = relay(publisher, { batchSize: 5 });
      first.start();
      await until(() => publisher.batches.length >= 2, 'two batches');
      await first.stop();
      expect((await first.status()).state).toBe('stopped');
      const published = publisher.messages().length;
      const checkpoint = await checkpointOf(db, 'kafka-relay');
      const all = await store.readAll();
      expect(checkpoint).toBe(all[published - 1]!.position);

      const second = relay(publisher, { batchSize: 5 });
      second.start();
      await until(() => caughtUp(second), 'caught up');
      expect(publisher.messages().map((m) => eventIdOf(m))).toEqual(all.map((e) => e.eventId));
    });

    test('the checkpoint never moves back', async () => {
      const checkpoints = new RelayCheckpoints(db);
      const at = (text: string) => store.parsePosition(text);
      await checkpoints.save('r', at('10'));
      // 7 sorts after 10 as plain text: the stored key keeps the log order.
      await checkpoints.save('r', at('7'));
      expect(await checkpoints.load('r')).toBe('10');
      await checkpoints.save('r', at('12'));
      expect(await checkpoints.load('r')).toBe('12');
      expect(await checkpoints.load('other')).toBeNull();
    });
  });
}
