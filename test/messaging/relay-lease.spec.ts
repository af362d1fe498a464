// The relay lease: one holder at a time across connections (as across processes), a standby that
// takes over when the holder lets go or its connection dies, and the holder's relay stopped
// before the lock is released. PGlite (one process owns it) grants the lease at once.
import { afterEach, expect, test } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { RelayLease } from '#messaging';
import { pgliteDriver, postgresDriver, type TestDatabase } from '../support/db.js';

Logger.overrideLogger(['error']);

const disposals: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const dispose of disposals.splice(0).reverse()) await dispose().catch(() => undefined);
}, 60_000);

async function until(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A lease with a log of what it was told, in order. */
function tracked(lease: RelayLease, name: string, log: string[]) {
  lease.start(
    () => log.push(`${name} acquired`),
    async () => {
      // The relay stopping: a batch in flight being acknowledged and checkpointed.
      await new Promise((resolve) => setTimeout(resolve, 100));
      log.push(`${name} stopped`);
    },
  );
  disposals.push(() => lease.stop());
  return lease;
}

postgresDriver.describe('relay lease on PostgreSQL', () => {
  let database: TestDatabase;

  test('one holder at a time; the standby takes over after the holder stops its relay and lets go', async () => {
    database = await postgresDriver.create();
    disposals.push(() => database.dispose());
    const log: string[] = [];
    const first = tracked(
      new RelayLease(await database.connect(), 'kafka-relay', { retryMs: 50, heartbeatMs: 100 }),
      'first',
      log,
    );
    await until('first holds', () => first.held);
    const second = tracked(
      new RelayLease(await database.connect(), 'kafka-relay', { retryMs: 50, heartbeatMs: 100 }),
      'second',
      log,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(second.held).toBe(false);
    // Another relay name is another lease.
    const other = tracked(new RelayLease(await database.connect(), 'other-relay', { retryMs: 50 }), 'other', log);
    await until('other holds', () => other.held);

    await first.stop();
    await until('second holds', () => second.held);
    expect(log.filter((line) => !line.startsWith('other'))).toEqual([
      'first acquired',
      'first stopped',
      'second acquired',
    ]);
  });

  test('a holder whose connection is killed loses the lease and the standby takes it', async () => {
    database = await postgresDriver.create();
    disposals.push(() => database.dispose());
    const log: string[] = [];
    const holderDb = await database.connect();
    const holder = tracked(new RelayLease(holderDb, 'kafka-relay', { retryMs: 50, heartbeatMs: 100 }), 'holder', log);
    await until('holder holds', () => holder.held);
    const standby = tracked(
      new RelayLease(await database.connect(), 'kafka-relay', { retryMs: 50, heartbeatMs: 100 }),
      'standby',
      log,
    );

    // As when the holder's process dies: the server ends its session, releasing the lock.
    await database.db.query(
      `SELECT pg_terminate_backend(l.pid) FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.pid <> pg_backend_pid()`,
    );
    await until('standby holds', () => standby.held);
    // The holder cannot know at once that its session is gone: its heartbeat finds out (here within
    // 100 ms), and it stops its relay. That window is the one where a batch could go out twice.
    await until('holder noticed', () => log.includes('holder stopped'), 2000);
    expect(holder.held).toBe(false);
    expect([...log].sort()).toEqual(['holder acquired', 'holder stopped', 'standby acquired']);
  });
});

test('on PGlite the lease is granted at once and the relay stopped on stop', async () => {
  const database = await pgliteDriver.create();
  disposals.push(() => database.dispose());
  const log: string[] = [];
  const lease = tracked(new RelayLease(database.db, 'kafka-relay'), 'only', log);
  expect(lease.held).toBe(true);
  await lease.stop();
  expect(log).toEqual(['only acquired', 'only stopped']);
  expect(lease.held).toBe(false);
});
