import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { FoldedStreams } from '#application';
import { SqlEventStore, migrateEventStore, type ReadStreamOptions, type StoredEvent } from '#event-store';
import { pgliteDriver, type TestDatabase } from '../support/db.js';

/** Counts what it is folded over; a state is the list of event types seen. */
const counter = {
  initialState: (): string[] => [],
  evolve: (state: string[], event: StoredEvent): string[] => [...state, event.type],
};

/** The SQL store, counting the reads of each stream. */
class CountingStore extends SqlEventStore {
  readonly reads: string[] = [];
  override readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    this.reads.push(streamId);
    return super.readStream(streamId, options);
  }
}

const event = (type: string) => ({ type, occurredAt: '2016-01-01T00:00:00.000Z', data: {} });

describe("one request's lookups of a stream read it once (FoldedStreams.inRequest)", () => {
  let database: TestDatabase;
  let store: CountingStore;

  beforeAll(async () => {
    database = await pgliteDriver.create();
    await migrateEventStore(database.db);
    store = new CountingStore(database.db);
    await store.append('board-b1', [event('BoardConstituted')], { expectedRevision: 'no-stream', actor: 'test' });
    await store.append('agreement-a1', [event('AgreementDrafted')], { expectedRevision: 'no-stream', actor: 'test' });
  });
  afterAll(async () => {
    await store?.close();
    await database?.dispose();
  });

  test('in a request, lookups after the first read of a stream read nothing; outside one, every lookup reads', async () => {
    const folded = new FoldedStreams(store);
    store.reads.length = 0;
    await folded.inRequest(async () => {
      await folded.lookup('board-b1', counter);
      await Promise.all([folded.lookup('agreement-a1', counter), folded.lookup('agreement-a1', counter)]);
      await folded.lookup('board-b1', counter);
      expect((await folded.lookup('agreement-a1', counter)).state).toEqual(['AgreementDrafted']);
    });
    expect(store.reads).toEqual(['board-b1', 'agreement-a1']);

    store.reads.length = 0;
    await folded.lookup('board-b1', counter);
    await folded.lookup('board-b1', counter);
    expect(store.reads).toEqual(['board-b1', 'board-b1']);
  });

  test('two requests do not share what they read: each reads the stream, and sees what was appended in between', async () => {
    const folded = new FoldedStreams(store);
    await folded.inRequest(() => folded.lookup('board-b1', counter));
    await store.append('board-b1', [event('MeetingScheduled')], { expectedRevision: 0, actor: 'test' });
    store.reads.length = 0;
    const seen = await folded.inRequest(() => folded.lookup('board-b1', counter));
    expect(seen).toEqual({ state: ['BoardConstituted', 'MeetingScheduled'], revision: 1 });
    expect(store.reads).toEqual(['board-b1']);
  });

  test('load (the command runner) always reads the store, even in a request; a lookup after it reuses it, after forget reads again', async () => {
    const folded = new FoldedStreams(store);
    await folded.inRequest(async () => {
      const looked = await folded.lookup('agreement-a1', counter);
      // Someone else writes after the lookup: the command's load sees it and so appends at the new revision.
      await store.append('agreement-a1', [event('AgreementSigned')], { expectedRevision: looked.revision, actor: 'x' });
      store.reads.length = 0;
      const loaded = await folded.load('agreement-a1', counter);
      expect(loaded.revision).toBe(looked.revision + 1);
      expect(await folded.lookup('agreement-a1', counter)).toEqual(loaded);
      expect(store.reads).toEqual(['agreement-a1']);
      folded.forget('agreement-a1');
      await folded.lookup('agreement-a1', counter);
      expect(store.reads).toEqual(['agreement-a1', 'agreement-a1']);
    });
  });
});
