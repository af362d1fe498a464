import pg from 'pg';
import { createEventStore, type EventStoreHandle } from '#event-store';
import type { BenchConfig } from '../config.js';
import { freshDatabase } from '../lib/env.js';
import { loadHistory } from '../lib/history.js';
import type { Report } from '../lib/report.js';
import { now, progress } from '../lib/stats.js';

export interface LogDatabase {
  url: string;
  handle: EventStoreHandle;
  events: number;
  emmett: boolean;
  /** Agreements in the generated history (`a0` … `a<n-1>`, each with its board `b<i>`). */
  agreements: number;
}

/**
 * Creates `bench_log` (or `bench_<name>`) with the generated history in our `events` and, for Emmett (unless
 * `emmett: false`, as the reads section asks: it measures no Emmett reader), the same rows in `emt_messages`.
 */
export async function prepareLog(
  report: Report,
  config: BenchConfig,
  { name = 'log', emmett: withEmmett = true }: { name?: string; emmett?: boolean } = {},
): Promise<LogDatabase> {
  const url = await freshDatabase(name);
  const handle = await createEventStore({ databaseUrl: url });
  const loaded = await loadHistory(handle.db, config.historyEvents);
  process.stderr.write(
    `  history: ${loaded.events.toLocaleString('en-GB')} events, ${loaded.agreements} agreements, loaded in ${loaded.seconds.toFixed(0)} s\n`,
  );
  let emmett = false;
  if (!withEmmett) return { url, handle, events: loaded.events, emmett, agreements: loaded.agreements };
  try {
    const { getPostgreSQLEventStore } = await import('@event-driven-io/emmett-postgresql');
    const store = getPostgreSQLEventStore(url, { schema: { autoMigration: 'CreateOrUpdate' } });
    await store.schema.migrate();
    await store.close();
    process.stderr.write(
      "  … copying the same rows into Emmett's emt_messages / emt_streams, one transaction per append as Emmett writes them\n",
    );
    // Emmett's appendToStream writes one stream's events in one transaction and stamps them with its
    // xid; its reader orders by (transaction_id, global_position). So each run of consecutive events of
    // one stream in our log (an append) gets its own transaction, in log order: a procedure that
    // COMMITs per append. synchronous_commit off for this session only: the loading is not measured,
    // and a flush per commit would make a million commits take minutes.
    const t = now();
    await handle.db.query(`
      CREATE OR REPLACE PROCEDURE bench_copy_to_emmett() LANGUAGE plpgsql AS $$
      DECLARE
        r record;
      BEGIN
        SET LOCAL synchronous_commit = off;
        FOR r IN
          SELECT min(position) AS lo, max(position) AS hi FROM (
            SELECT position, sum(CASE WHEN stream_id IS DISTINCT FROM previous THEN 1 ELSE 0 END) OVER (ORDER BY position) AS append_no
              FROM (SELECT position, stream_id, lag(stream_id) OVER (ORDER BY position) AS previous FROM events) s
          ) g GROUP BY append_no ORDER BY append_no
        LOOP
          INSERT INTO emt_messages (stream_position, transaction_id, created, is_archived, message_kind, stream_id, partition,
                                    message_schema_version, message_id, message_type, message_data, message_metadata)
          SELECT revision + 1, pg_current_xact_id(), recorded_at, false, 'E', stream_id, 'emt:default', '1', event_id::text, type, data,
                 jsonb_build_object('actor', actor, 'correlationId', correlation_id, 'occurredAt', occurred_at)
            FROM events WHERE position BETWEEN r.lo AND r.hi ORDER BY position;
          COMMIT;
          SET LOCAL synchronous_commit = off;
        END LOOP;
      END $$`);
    await handle.db.query('CALL bench_copy_to_emmett()');
    const { rows } = await handle.db.query<{ transactions: number }>(
      'SELECT count(DISTINCT transaction_id)::int AS transactions FROM emt_messages',
    );
    report.note(
      `Emmett's emt_messages was loaded the way its append writes it: one transaction per append (each run of consecutive events of one stream in the log), ${rows[0]!.transactions.toLocaleString('en-GB')} transactions for ${loaded.events.toLocaleString('en-GB')} events, in ${((now() - t) / 1000).toFixed(0)} s; before, one set-based INSERT gave every row the same transaction id.`,
    );
    await handle.db.query(`
      INSERT INTO emt_streams (stream_id, stream_position, partition, stream_type, stream_metadata, is_archived)
      SELECT stream_id, max(revision) + 1, 'emt:default', split_part(stream_id, '-', 1), '{}', false FROM events GROUP BY stream_id`);
    await handle.db.query('VACUUM ANALYZE');
    emmett = true;
  } catch (error) {
    report.note(`Emmett's reader not measured: ${(error as Error).message}`);
  }
  return { url, handle, events: loaded.events, emmett, agreements: loaded.agreements };
}

/** A reader that is still reading after this long stops; its rate is what it read in that time (BENCH_READ_CAP_S). */
const CAP_SECONDS = Number(process.env.BENCH_READ_CAP_S ?? 60);

type Reader = { name: string; key: string; read(total: number, batchSize: number): Promise<number> };

/** Our catch-up subscription, from the start of the log until it has delivered `total` events. */
const ourReader = (log: LogDatabase): Reader => ({
  name: 'ours (subscribe)',
  key: 'ours',
  async read(total, batchSize) {
    let seen = 0;
    const tick = progress('ours');
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const subscription = log.handle.store.subscribe(
      (events) => {
        seen += events.length;
        tick(seen, total);
        if (seen >= total) finished();
        return Promise.resolve();
      },
      { batchSize },
    );
    await Promise.race([done, subscription.done]);
    await subscription.stop();
    return seen;
  },
});

/** Emmett's own catch-up reader (the batch puller its consumers use), at its shortest pull interval. */
async function emmettReader(log: LogDatabase): Promise<Reader> {
  const { postgreSQLEventStoreMessageBatchPuller } = await import('@event-driven-io/emmett-postgresql');
  const { dumbo } = await import('@event-driven-io/dumbo');
  return {
    name: 'Emmett (batch puller)',
    key: 'emmett',
    async read(total, batchSize) {
      const pool = dumbo({ connectionString: log.url });
      const deadline = now() + CAP_SECONDS * 1000;
      let seen = 0;
      const tick = progress('Emmett');
      const abort = new AbortController();
      const puller = postgreSQLEventStoreMessageBatchPuller({
        executor: pool.execute,
        batchSize,
        pullingFrequencyInMs: 0,
        stopWhen: { noMessagesLeft: true },
        signal: abort.signal,
        eachBatch: (messages) => {
          seen += messages.length;
          tick(seen, total);
          return Promise.resolve(seen >= total || now() > deadline ? { type: 'STOP' as const } : undefined);
        },
      });
      try {
        await puller.start({ startFrom: 'BEGINNING' });
      } finally {
        await pool.close();
      }
      return seen;
    },
  };
}

/** The floor: a keyset SELECT loop over the same table with plain `pg` (rows parsed by pg's defaults). */
const rawReader = (log: LogDatabase): Reader => ({
  name: 'raw keyset SELECT',
  key: 'raw',
  async read(total, batchSize) {
    const client = new pg.Client({ connectionString: log.url });
    await client.connect();
    let seen = 0;
    let after = '0';
    const tick = progress('raw');
    try {
      while (seen < total) {
        const { rows } = await client.query<{ position: string }>(
          `SELECT position, event_id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor, correlation_id, causation_id, data
             FROM events WHERE position > $1 ORDER BY position LIMIT $2`,
          [after, batchSize],
        );
        if (rows.length === 0) break;
        seen += rows.length;
        after = rows[rows.length - 1]!.position;
        tick(seen, total);
      }
    } finally {
      await client.end();
    }
    return seen;
  },
});

export async function catchUpBench(report: Report, config: BenchConfig, log: LogDatabase): Promise<void> {
  const batchSize = Math.round(Number(process.env.BENCH_READ_BATCH ?? 500));
  const readers: Reader[] = [ourReader(log), rawReader(log)];
  if (log.emmett) readers.push(await emmettReader(log));
  report.note(
    `Catch-up reads: every reader reads ${log.events.toLocaleString('en-GB')} events in pages of ${batchSize} (BENCH_READ_BATCH); Emmett's puller runs with pullingFrequencyInMs 0.`,
  );
  for (let run = 0; run < config.runs; run++) {
    const order = readers.map((_, i) => readers[(i + run) % readers.length]);
    for (const reader of order) {
      const t = now();
      const seen = await reader!.read(log.events, batchSize);
      const eps = seen / ((now() - t) / 1000);
      if (seen < log.events && run === 0) {
        report.note(
          `${reader!.name} was stopped after ${CAP_SECONDS} s (BENCH_READ_CAP_S) having read ${seen.toLocaleString('en-GB')} of ${log.events.toLocaleString('en-GB')} events; its rate is over what it read. ` +
            (reader!.key === 'emmett'
              ? "Measured reason: Emmett 0.42's emt_messages has no index serving its reader's ORDER BY transaction_id, global_position, so every page is a (parallel) sequential scan of the whole table (EXPLAIN ANALYZE in test/bench/README.md)."
              : ''),
        );
      }
      process.stderr.write(`  run ${run + 1} ${reader!.name.padEnd(22)} ${eps.toFixed(0).padStart(8)} events/s\n`);
      const base = { section: '3 catch-up', unit: 'events/s' };
      report.add(`catchup.${reader!.key}`, eps, {
        ...base,
        label: `catch-up read ${(log.events / 1e6).toFixed(1)}M: ${reader!.name}`,
        ...(reader!.key === 'ours' && log.emmett
          ? { peer: 'catchup.emmett', goal: { on: 'ratio' as const, min: 2, text: '≥ 2× Emmett' } }
          : {}),
      });
      if (reader!.key === 'ours') {
        report.add('catchup.ours.vsraw', eps, {
          ...base,
          label: `catch-up read: ours (vs raw)`,
          peer: 'catchup.raw',
          goal: { on: 'ratio', min: 0.7, text: '≥ 0.7× raw SELECT' },
        });
      }
    }
  }
}
