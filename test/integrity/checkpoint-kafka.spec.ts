// Checkpoints leave the database: published to the checkpoints topic of a real broker
// (infra/kafka/kafka.sh), one receipt per checkpoint, in order, verifiable with the public key alone.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Logger } from '@nestjs/common';
import {
  Checkpointer,
  checkpointSignatureValid,
  Ed25519CheckpointSigner,
  listCheckpoints,
  migrateEventStore,
  parseReceipt,
  readPublicKey,
  SqlEventStore,
} from '#event-store';
import { KafkaCheckpointAnchor, KafkajsEventPublisher } from '#messaging';
import { pgliteDriver, type TestDatabase } from '../support/db.js';
import { ensureKafka, kafkaUnavailableReason } from '../support/kafka.js';
import { collect, until } from '../messaging/support.js';

Logger.overrideLogger(['error']);

const kafka = await ensureKafka();
const kafkaTest = kafka ? test : test.skip;
if (!kafka) console.warn(`skipping checkpoint-kafka.spec: ${kafkaUnavailableReason()}`);

let database: TestDatabase;
let store: SqlEventStore;
let publisher: KafkajsEventPublisher;

beforeAll(async () => {
  database = await pgliteDriver.create();
  await migrateEventStore(database.db);
  store = new SqlEventStore(database.db);
  publisher = new KafkajsEventPublisher({
    brokers: kafka?.brokers ?? ['127.0.0.1:1'],
    logLevel: 'nothing',
    retries: 10,
  });
});
afterAll(async () => {
  await publisher?.close();
  await store?.close();
  await database?.dispose();
});

kafkaTest(
  'every checkpoint reaches the topic once, in order, as a receipt keyed by the key id that verifies with the public key',
  async () => {
    const topic = `governance.checkpoints.test-${randomUUID().slice(0, 8)}`;
    const signer = Ed25519CheckpointSigner.generate();
    let hour = 0;
    const checkpointer = new Checkpointer(database.db, signer, {
      everyEvents: 3,
      intervalMs: 1000,
      clock: () => new Date(Date.UTC(2016, 3, 1, hour++)),
      anchors: [new KafkaCheckpointAnchor(publisher, signer.publicKey, topic)],
    });
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          store.append(
            `board-${randomUUID()}`,
            [{ type: 'BoardMeetingHeld', occurredAt: '2016-01-01', data: { round, i } }],
            {
              expectedRevision: 'no-stream',
              actor: 'officer',
            },
          ),
        ),
      );
      await checkpointer.runOnce();
    }
    const signed = await listCheckpoints(database.db);
    expect(signed.length).toBeGreaterThanOrEqual(4);

    const consumer = await collect(kafka!.brokers, [topic], `checkpoint-test-${randomUUID()}`);
    try {
      await until(() => consumer.received(topic).length >= signed.length, `${signed.length} checkpoints on ${topic}`);
      const received = consumer.received(topic);
      expect(received).toHaveLength(signed.length);
      expect(received.map((m) => m.headers.position)).toEqual(signed.map((c) => c.position));
      for (const message of received) {
        expect(message.key).toBe(signer.keyId);
        const receipt = parseReceipt(JSON.stringify(message.envelope));
        if (typeof receipt === 'string') throw new Error(receipt);
        const publicKey = readPublicKey((message.envelope as unknown as { publicKey: string }).publicKey);
        expect(checkpointSignatureValid(receipt, publicKey)).toBe(true);
        expect(receipt).toEqual(signed.find((c) => c.position === receipt.position));
      }
    } finally {
      await consumer.stop();
    }
  },
  180_000,
);
