import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Position, SqlEventStore } from '#event-store';
import {
  READ_MODEL_PROJECTIONS,
  ProjectionRunner,
  ProjectionStatus,
  rebuildProjection,
  silentLogger,
} from '#projections';
import { testDrivers, type TestDatabase } from '../support/db.js';
import { Story } from './story.js';
import { dumpReadModels, openStore } from './support.js';

/*
 * What earlier builds stored for POST /boards/:id/meetings/constructor/held (and cancellation,
 * rearrangement) on a meeting never scheduled: their plain-object lookup found Object's
 * constructor, whose meetingId and scheduledFor are undefined, so the stored data lacks them. The
 * log keeps such events for good; the read models must take them as the domain's fold does.
 */

for (const driver of testDrivers) {
  driver.describe(`meeting events that name no meeting, on ${driver.name}`, () => {
    let database: TestDatabase;
    let store: SqlEventStore;
    let runner: ProjectionRunner;
    let status: ProjectionStatus;

    beforeAll(async () => {
      database = await driver.create();
      const story = new Story();
      store = await openStore(database.db, story.clock);
      story.attach(store);
      await story.agreements();
      await story.board2015();
      runner = new ProjectionRunner(database.db, store, READ_MODEL_PROJECTIONS, { logger: silentLogger });
      await runner.start();
      status = new ProjectionStatus(database.db, store, READ_MODEL_PROJECTIONS, runner);
      await status.waitForPosition(story.last as Position, { timeoutMs: 20_000 });
    });

    afterAll(async () => {
      await status?.close();
      await runner?.stop();
      await store?.close();
      await database?.dispose();
    });

    test('change no read model, live or rebuilt, event by event or batched, and park nothing', async () => {
      const before = await dumpReadModels(database.db);
      const boardId = 'hants-tvp';
      const stored = await store.append(
        `board-${boardId}`,
        [
          {
            type: 'BoardMeetingHeld',
            occurredAt: '2016-02-01T10:00:00.000Z',
            data: {
              boardId,
              heldOn: '2016-02-01',
              attendees: [{ name: 'A. Chief', body: 'hampshire' }],
              quorate: false,
              quorum: 2,
            },
          },
          {
            type: 'BoardMeetingCancelled',
            occurredAt: '2016-02-02T10:00:00.000Z',
            data: { boardId, reason: 'Chair unavailable' },
          },
          {
            type: 'BoardMeetingRearranged',
            occurredAt: '2016-02-03T10:00:00.000Z',
            data: { boardId, newDate: '2016-03-01', wasCancelled: false },
          },
        ],
        { expectedRevision: 'any', actor: 'admin:earlier-build' },
      );
      await status.waitForPosition(stored.lastPosition as Position, { timeoutMs: 20_000 });
      expect((await status.health()).problems).toEqual([]);
      expect(await dumpReadModels(database.db)).toEqual(before);

      const eventByEvent = READ_MODEL_PROJECTIONS.map((projection) => ({ ...projection, applyBatch: undefined }));
      for (const projection of [...eventByEvent, ...READ_MODEL_PROJECTIONS]) {
        expect((await rebuildProjection(database.db, store, projection, { batchSize: 7 })).parked).toBe(0);
        expect(await dumpReadModels(database.db)).toEqual(before);
      }
    });
  });
}
