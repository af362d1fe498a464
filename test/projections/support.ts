import {
  migrateEventStore,
  positionKey,
  SqlEventStore,
  type EventStore,
  type NewEvent,
  type Position,
  type SqlDatabase,
  type SqlExecutor,
  type StoredEvent,
} from '#event-store';
import {
  READ_MODEL_PROJECTIONS,
  type ProjectionContext,
  type ProjectionLogger,
  type SqlProjection,
} from '#projections';

/** Opens the event store over a test database (fast polling so live tests are quick). */
export async function openStore(db: SqlDatabase, clock?: () => Date): Promise<SqlEventStore> {
  await migrateEventStore(db);
  return new SqlEventStore(db, { pollIntervalMs: 50, clock });
}

export const event = (
  type: string,
  data: Record<string, unknown> = {},
  occurredAt = '2016-03-03T10:00:00Z',
): NewEvent => ({
  type,
  occurredAt,
  data,
});

/** Appends `count` events, spread over `streams` streams of each of the kinds `tick` and `tock`, plus one unhandled type. */
export async function appendMany(store: EventStore, count: number, prefix = 'a'): Promise<Position> {
  let last: Position | null = null;
  for (let i = 0; i < count; i++) {
    const kind = i % 5 === 4 ? 'other' : i % 2 === 0 ? 'tick' : 'tock';
    const type = kind === 'other' ? 'Ignored' : kind === 'tick' ? 'Ticked' : 'Tocked';
    const result = await store.append(`${kind}-${prefix}${i % 7}`, [event(type, { n: i })], {
      expectedRevision: 'any',
      actor: 'test',
    });
    last = result.lastPosition;
  }
  return last as Position;
}

export interface CountingOptions {
  version?: number;
  /** Throw for an event (a poison event, or a transient failure while it returns true). */
  failOn?(event: StoredEvent): boolean;
  /** Counts by this much per event (a changed meaning, for version bumps). */
  weight?: number;
  name?: string;
  /** Give it an `applyBatch` (set-based, as the read models have): a failOn event fails its whole batch. */
  batched?: boolean;
}

/**
 * The test read model: events per stream kind (`tick-…` → `tick`), plus a log of applied event ids
 * without a unique key, so an event applied twice shows up as a duplicate instead of an error.
 */
export function countingProjection(options: CountingOptions = {}): SqlProjection {
  const weight = options.weight ?? 1;
  return {
    name: options.name ?? 'stream-counts',
    version: options.version ?? 1,
    handles: ['Ticked', 'Tocked', 'Poisoned'],
    tables: ['stream_counts', 'stream_applied'],
    schema: (t) => `
      CREATE TABLE IF NOT EXISTS ${t('stream_counts')} (stream_kind text PRIMARY KEY, events integer NOT NULL);
      CREATE TABLE IF NOT EXISTS ${t('stream_applied')} (event_id text NOT NULL, position text COLLATE "C" NOT NULL);
      CREATE INDEX IF NOT EXISTS ${t('stream_applied')}_position_idx ON ${t('stream_applied')} (position);
    `,
    async apply(ctx, e) {
      const { tx, t } = ctx;
      if (options.failOn?.(e)) throw new Error(`cannot count ${e.type} at ${e.position}`);
      await tx.query(
        `INSERT INTO ${t('stream_counts')} (stream_kind, events) VALUES ($1, $2)
         ON CONFLICT (stream_kind) DO UPDATE SET events = ${t('stream_counts')}.events + $2`,
        [e.streamId.split('-')[0], weight],
      );
      await tx.query(`INSERT INTO ${t('stream_applied')} (event_id, position) VALUES ($1, $2)`, [
        e.eventId,
        positionKey(e.position),
      ]);
    },
    ...(options.batched
      ? {
          async applyBatch(ctx: ProjectionContext, events: readonly StoredEvent[]) {
            const { tx, t } = ctx;
            batches.push(events.length);
            const poison = events.find((e) => options.failOn?.(e));
            if (poison) throw new Error(`cannot count ${poison.type} at ${poison.position}`);
            const counts = new Map<string, number>();
            for (const e of events)
              counts.set(e.streamId.split('-')[0]!, (counts.get(e.streamId.split('-')[0]!) ?? 0) + weight);
            await tx.query(
              `INSERT INTO ${t('stream_counts')} (stream_kind, events) SELECT * FROM unnest($1::text[], $2::int[])
               ON CONFLICT (stream_kind) DO UPDATE SET events = ${t('stream_counts')}.events + EXCLUDED.events`,
              [[...counts.keys()], [...counts.values()]],
            );
            await tx.query(
              `INSERT INTO ${t('stream_applied')} (event_id, position) SELECT * FROM unnest($1::text[], $2::text[])`,
              [events.map((e) => e.eventId), events.map((e) => positionKey(e.position))],
            );
          },
        }
      : {}),
  };
}

/** Sizes of the batches the batched counting projections were given (tests read it to prove batching happened). */
export const batches: number[] = [];

export interface Snapshot {
  counts: { stream_kind: string; events: number }[];
  applied: number;
  duplicates: number;
}

export async function snapshot(db: SqlExecutor): Promise<Snapshot> {
  const counts = await db.query<{ stream_kind: string; events: number }>(
    'SELECT stream_kind, events FROM stream_counts ORDER BY stream_kind',
  );
  const applied = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM stream_applied');
  const duplicates = await db.query<{ n: string }>(
    'SELECT count(*)::text AS n FROM (SELECT event_id FROM stream_applied GROUP BY event_id HAVING count(*) > 1) d',
  );
  return {
    counts: counts.rows.map((r) => ({ stream_kind: r.stream_kind, events: Number(r.events) })),
    applied: Number(applied.rows[0]!.n),
    duplicates: Number(duplicates.rows[0]!.n),
  };
}

/** What the counts must be after `count` events from appendMany (any prefixes). */
export function expectedCounts(count: number): Snapshot['counts'] {
  let tick = 0;
  let tock = 0;
  for (let i = 0; i < count; i++) {
    if (i % 5 === 4) continue;
    if (i % 2 === 0) tick++;
    else tock++;
  }
  return [
    { stream_kind: 'tick', events: tick },
    { stream_kind: 'tock', events: tock },
  ].filter((c) => c.events > 0);
}

/**
 * Every row of every read-model table, to compare read models built different ways. `rewriteKey`
 * rewrites the stored position keys (to compare read models of stores whose positions differ).
 */
export async function dumpReadModels(
  db: SqlExecutor,
  rewriteKey: (key: string) => string = (key) => key,
): Promise<Record<string, string[]>> {
  const dump: Record<string, string[]> = {};
  for (const table of READ_MODEL_PROJECTIONS.flatMap((p) => p.tables)) {
    const { rows } = await db.query<{ row: Record<string, unknown> }>(`SELECT to_jsonb(x) AS row FROM ${table} x`);
    dump[table] = rows
      .map(({ row }) =>
        JSON.stringify(typeof row.position === 'string' ? { ...row, position: rewriteKey(row.position) } : row),
      )
      .sort();
  }
  return dump;
}

export class RecordingLogger implements ProjectionLogger {
  readonly lines: { level: 'log' | 'warn' | 'error'; message: string }[] = [];
  log(message: string): void {
    this.lines.push({ level: 'log', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
  errors(): string[] {
    return this.lines.filter((l) => l.level === 'error').map((l) => l.message);
  }
}

export const until = async (
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
