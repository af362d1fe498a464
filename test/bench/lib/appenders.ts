import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createEventStore, type EventStoreHandle } from '#event-store';
import { ACTOR, type BenchEvent } from './payload.js';

/**
 * The three ways of appending the same rows: our event store, Emmett's PostgreSQL event store and
 * a raw `pg` INSERT into a copy of our `events` table (no concurrency check, no group commit: the
 * floor cost of durably writing the rows). Each keeps its own stream revisions.
 */
export interface Appender {
  readonly name: string;
  /** Appends `events` to `stream`, expecting the revision this appender last saw there. */
  append(stream: string, events: BenchEvent[]): Promise<void>;
  close(): Promise<void>;
}

const POOL_SIZE = 10;

export async function ourAppender(url: string): Promise<Appender & { handle: EventStoreHandle }> {
  const handle = await createEventStore({ databaseUrl: url });
  const revisions = new Map<string, number>();
  return {
    name: 'ours',
    handle,
    async append(stream, events) {
      const expected = revisions.get(stream) ?? -1;
      const result = await handle.store.append(stream, events, {
        expectedRevision: expected < 0 ? 'no-stream' : expected,
        actor: ACTOR,
        correlationId: randomUUID(),
      });
      revisions.set(stream, result.nextExpectedRevision);
    },
    close: () => handle.close(),
  };
}

/** Needs our `events` table to exist in the database (it copies its definition). */
export async function rawAppender(url: string): Promise<Appender> {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  await pool.query('CREATE TABLE IF NOT EXISTS raw_events (LIKE events INCLUDING ALL)');
  const revisions = new Map<string, number>();
  return {
    name: 'raw INSERT',
    async append(stream, events) {
      const first = (revisions.get(stream) ?? -1) + 1;
      revisions.set(stream, first + events.length - 1);
      const recordedAt = new Date().toISOString();
      const correlationId = randomUUID();
      if (events.length === 1) {
        const e = events[0];
        await pool.query(
          `INSERT INTO raw_events (event_id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor, correlation_id, causation_id, data)
           VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, NULL, $9)`,
          [
            e!.eventId,
            stream,
            first,
            e!.type,
            e!.occurredAt,
            recordedAt,
            ACTOR,
            correlationId,
            JSON.stringify(e!.data),
          ],
        );
        return;
      }
      // One statement, so one implicit transaction, as an append of several events must be.
      await pool.query(
        `INSERT INTO raw_events (event_id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor, correlation_id, causation_id, data)
         SELECT event_id, $2, $3 + ord - 1, type, 1, occurred_at, $5, $6, $7, NULL, data::jsonb
           FROM unnest($1::uuid[], $4::text[], $8::timestamptz[], $9::text[]) WITH ORDINALITY AS t(event_id, type, occurred_at, data, ord)
          ORDER BY ord`,
        [
          events.map((e) => e.eventId),
          stream,
          first,
          events.map((e) => e.type),
          recordedAt,
          ACTOR,
          correlationId,
          events.map((e) => e.occurredAt),
          events.map((e) => JSON.stringify(e.data)),
        ],
      );
    },
    close: () => pool.end(),
  };
}

/** Emmett's PostgreSQL event store over its own pool of the same size. Null (with the reason) when it cannot be loaded. */
export async function emmettAppender(url: string): Promise<Appender | { unavailable: string }> {
  let emmett: typeof import('@event-driven-io/emmett-postgresql');
  try {
    emmett = await import('@event-driven-io/emmett-postgresql');
  } catch (error) {
    return { unavailable: `@event-driven-io/emmett-postgresql could not be loaded: ${(error as Error).message}` };
  }
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  const store = emmett.getPostgreSQLEventStore(url, {
    connectionOptions: { pooled: true, pool },
    schema: { autoMigration: 'CreateOrUpdate' },
  });
  await store.schema.migrate();
  const versions = new Map<string, bigint>();
  return {
    name: 'Emmett',
    async append(stream, events) {
      const result = await store.appendToStream(
        stream,
        events.map((e) => ({
          type: e.type,
          data: e.data,
          metadata: { messageId: e.eventId, actor: ACTOR, occurredAt: e.occurredAt, correlationId: randomUUID() },
        })),
        { expectedStreamVersion: versions.get(stream) ?? 0n },
      );
      versions.set(stream, result.nextExpectedStreamVersion);
    },
    async close() {
      await store.close();
      await pool.end();
    },
  };
}
