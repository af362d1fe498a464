import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '#config';
import { TERRITORIAL_FORCES } from '#domain';
import { ensureProjectionSchema, READ_MODEL_PROJECTIONS, rebuildProjections } from '#projections';
import { issueToken } from '#platform';
import { createApp } from '../../../apps/api/src/create-app.js';
import type { BenchConfig } from '../config.js';
import { scaled } from '../config.js';
import type { Report } from '../lib/report.js';
import { now, percentile, progress, rng, sleep } from '../lib/stats.js';
import { prepareLog } from './catchup.js';

/** One read: the API's request for subject `i` and the peer's bare SELECTs of the same read-model rows. */
interface Read {
  key: string;
  label: string;
  path(i: number): string;
  peer(client: pg.Client, i: number): Promise<unknown>;
}

interface Timed {
  p50: number;
  p99: number;
  rps: number;
  failures: number;
  firstFailure: string | null;
}

/** `n` requests one after another (concurrency 1); latency of each in ms, req/s over the whole loop. */
async function timed(n: number, label: string, once: (i: number) => Promise<string | null>): Promise<Timed> {
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | null = null;
  const tick = progress(label);
  const started = now();
  for (let i = 0; i < n; i++) {
    const t = now();
    const failure = await once(i);
    latencies.push(now() - t);
    if (failure !== null) {
      failures++;
      firstFailure ??= failure;
    }
    tick(i + 1, n);
  }
  const seconds = (now() - started) / 1000;
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    rps: n / seconds,
    failures,
    firstFailure,
  };
}

const FINANCIAL_YEARS = ['2016-17', '2017-18', '2018-19', '2019-20', '2020-21', '2021-22', '2022-23', '2023-24'];
const DAY = 86_400_000;

/**
 * Section 9: reads at the real scale (issue 17). The generated history (`BENCH_EVENTS`, ten years of every
 * collaboration of the 43 forces) in its own database, the read models rebuilt from it, the real API started on
 * it; then, one request at a time, the register (first page, and filtered by a party), an agreement as of a date,
 * a board's compliance for a year and a force's governance statement for a year, each against a peer in the same
 * run: a raw `pg` client fetching the read-model rows (or, for the replayed agreement, the stream's events) that
 * answer is built from. Subjects are drawn with a seeded PRNG, the same every run.
 */
export async function readsBench(report: Report, config: BenchConfig): Promise<void> {
  const log = await prepareLog(report, config, { name: 'reads', emmett: false });
  const { db, store } = log.handle;

  // The read models, through the rebuild path (section 4), with progress.
  await ensureProjectionSchema(db, READ_MODEL_PROJECTIONS);
  const read = new Map<string, number>();
  const tick = progress(`building the read models (events read, summed over ${READ_MODEL_PROJECTIONS.length})`, 5000);
  const t = now();
  await rebuildProjections(db, store, READ_MODEL_PROJECTIONS, {
    onProgress: (p) => {
      read.set(p.projection, p.eventsRead);
      tick(
        [...read.values()].reduce((a, b) => a + b, 0),
        log.events * READ_MODEL_PROJECTIONS.length,
      );
    },
  });
  process.stderr.write(`  read models built in ${((now() - t) / 1000).toFixed(0)} s\n`);

  // The real API, with its background work (WORKERS=on, the default): the compliance reactor writes the alerts
  // a governance statement lists.
  const appConfig = loadConfig({
    DATABASE_URL: log.url,
    PORT: '0',
    LOG_LEVEL: 'error',
    AUTH_JWT_SECRET: randomBytes(32).toString('base64'),
    WORKERS: 'on',
  });
  const app = await createApp(appConfig, { logger: false });
  await app.listen(0, '127.0.0.1');
  const apiUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const token = await issueToken(appConfig.auth, { sub: 'bench@example.pnn.police.uk', roles: ['admin'] });
  const client = new pg.Client({ connectionString: log.url });
  await client.connect();
  try {
    // Until every projection and reactor (the alerts) has processed the whole log.
    const waitStarted = now();
    for (let i = 0; ; i++) {
      const { rows } = await client.query<{ behind: number; slowest: string | null; head: string | null }>(
        // Checkpoints hold the port's position key: a SQL position left-padded to 20 digits.
        `SELECT count(*)::int AS behind, min(coalesce(position, '0'))::bigint::text AS slowest,
                (SELECT max(position)::text FROM events) AS head
           FROM processor_checkpoints
          WHERE kind IN ('projection', 'reactor')
            AND coalesce(position, '') < (SELECT lpad(max(position)::text, 20, '0') FROM events)`,
      );
      const { behind, slowest, head } = rows[0]!;
      if (behind === 0) break;
      if (now() - waitStarted > 300_000) {
        report.note(`reads: ${behind} projection(s)/reactor(s) still behind the log after 300 s; measured anyway.`);
        break;
      }
      if (i % 20 === 0)
        process.stderr.write(
          `  … waiting for the API's background work: ${behind} behind, the slowest at position ${slowest ?? 0} of ${head ?? 0}\n`,
        );
      await sleep(500);
    }
    await client.query(
      'ANALYZE agreement_register, agreement_detail, membership_intervals, boards, board_terms, board_meeting_facts, savings, alerts',
    );

    // Subjects, seeded: the same agreements, boards, forces, dates and years every run.
    const r = rng(17);
    const subjects = Array.from({ length: 64 }, () => ({
      agreement: `a${Math.floor(r() * log.agreements)}`,
      board: `b${Math.floor(r() * log.agreements)}`,
      force: TERRITORIAL_FORCES[Math.floor(r() * TERRITORIAL_FORCES.length)]!.id,
      // After every agreement's drafting (the history drafts them all before April 2018) and before its end.
      asOf: new Date(Date.UTC(2018, 3, 1) + Math.floor(r() * 2556) * DAY).toISOString().slice(0, 10),
      financialYear: FINANCIAL_YEARS[Math.floor(r() * FINANCIAL_YEARS.length)]!,
    }));
    const subject = (i: number) => subjects[i % subjects.length]!;
    const limit = 101; // the API reads one row past its default page of 100 (pageOf)
    const counts = 'SELECT status, count(*) FROM agreement_register GROUP BY status';

    const reads: Read[] = [
      {
        key: 'register',
        label: 'GET /agreements (register, first page)',
        path: () => '/agreements',
        peer: async (c) => {
          await c.query('SELECT * FROM agreement_register ORDER BY lower(title), agreement_id LIMIT $1', [limit]);
          await c.query(counts);
        },
      },
      {
        key: 'register.party',
        label: 'GET /agreements?party=<force>',
        path: (i) => `/agreements?party=${subject(i).force}`,
        peer: async (c, i) => {
          await c.query(
            'SELECT * FROM agreement_register WHERE $1 = ANY (party_ids) ORDER BY lower(title), agreement_id LIMIT $2',
            [subject(i).force, limit],
          );
          await c.query(counts);
        },
      },
      {
        key: 'asof',
        label: 'GET /agreements/:id?asOf=<date>',
        path: (i) => `/agreements/${subject(i).agreement}?asOf=${subject(i).asOf}`,
        // Replayed from its stream: the peer reads the stream's events and the two candidate lists.
        peer: async (c, i) => {
          const id = subject(i).agreement;
          await c.query(
            `SELECT agreement_id FROM agreement_detail WHERE detail->'supersedes' @> jsonb_build_array($1::text)`,
            [id],
          );
          await c.query('SELECT agreement_id FROM agreement_register WHERE parent_id = $1', [id]);
          await c.query('SELECT * FROM events WHERE stream_id = $1 ORDER BY revision', [`agreement-${id}`]);
        },
      },
      {
        key: 'compliance',
        label: 'GET /boards/:id/compliance?financialYear=',
        path: (i) => `/boards/${subject(i).board}/compliance?financialYear=${subject(i).financialYear}`,
        peer: async (c, i) => {
          const id = subject(i).board;
          await c.query('SELECT * FROM boards WHERE board_id = $1', [id]);
          await c.query('SELECT * FROM board_terms WHERE board_id = $1 ORDER BY position', [id]);
          await c.query('SELECT * FROM board_meeting_facts WHERE board_id = $1 ORDER BY position', [id]);
        },
      },
      {
        key: 'statement',
        label: 'GET /bodies/:id/governance-statement?financialYear=',
        path: (i) => `/bodies/${subject(i).force}/governance-statement?financialYear=${subject(i).financialYear}`,
        // The same rows, fetched set-based: the force's membership intervals, every board (the statement reads
        // them all for their oversight), the terms and meeting facts of the boards over its agreements, their
        // register rows, the year's savings and the alerts.
        peer: async (c, i) => {
          const { force, financialYear } = subject(i);
          const intervals = await c.query<{ agreement_id: string }>(
            'SELECT * FROM membership_intervals WHERE body_id = $1',
            [force],
          );
          const ids = [...new Set(intervals.rows.map((row) => row.agreement_id))];
          const boards = await c.query<{ board_id: string; agreement_ids: string[] }>('SELECT * FROM boards');
          const overseeing = boards.rows
            .filter((b) => b.agreement_ids.some((a) => ids.includes(a)))
            .map((b) => b.board_id);
          await c.query('SELECT * FROM board_terms WHERE board_id = ANY ($1) ORDER BY board_id, position', [
            overseeing,
          ]);
          await c.query('SELECT * FROM board_meeting_facts WHERE board_id = ANY ($1) ORDER BY board_id, position', [
            overseeing,
          ]);
          await c.query('SELECT * FROM agreement_register WHERE agreement_id = ANY ($1)', [ids]);
          await c.query('SELECT * FROM savings WHERE agreement_id = ANY ($1) AND financial_year = $2', [
            ids,
            financialYear,
          ]);
          await c.query('SELECT * FROM alerts WHERE board_id = ANY ($1) OR agreement_id = ANY ($2)', [overseeing, ids]);
        },
      },
    ];

    const n = Math.max(20, scaled(config, 400));
    const headers = { authorization: `Bearer ${token}` };
    const api = (read: Read) => async (i: number) => {
      const res = await fetch(`${apiUrl}${read.path(i)}`, { headers });
      await res.arrayBuffer();
      return res.status === 200 ? null : `HTTP ${res.status} for ${read.path(i)}`;
    };
    const peer = (read: Read) => async (i: number) => {
      await read.peer(client, i);
      return null;
    };
    report.note(
      `Reads: ${log.events.toLocaleString('en-GB')} events, ${log.agreements} agreements; ${n} requests per figure at concurrency 1 over ${subjects.length} seeded subjects, each after one warm-up pass; the peer is one raw pg client on the same database. No goal: issue 17 sets none for reads.`,
    );
    for (const read of reads) {
      // Warm-up: the first request of each subject plans its statements and fills the caches.
      for (let i = 0; i < Math.min(n, subjects.length); i++) await api(read)(i);
      for (let i = 0; i < Math.min(n, subjects.length); i++) await peer(read)(i);
    }
    for (let run = 0; run < config.runs; run++) {
      for (const read of reads) {
        // Alternate which side goes first, so neither always runs on a warmer cache.
        const sides = [
          ['api', () => timed(n, `${read.key} API run ${run + 1}`, api(read))],
          ['pg', () => timed(n, `${read.key} raw pg run ${run + 1}`, peer(read))],
        ] as const;
        const results = new Map<string, Timed>();
        for (const [side, work] of run % 2 === 0 ? sides : [...sides].reverse()) results.set(side, await work());
        const ours = results.get('api')!;
        const raw = results.get('pg')!;
        if (ours.failures > 0)
          report.note(
            `reads ${read.key} run ${run + 1}: ${ours.failures} of ${n} not 200 (first: ${ours.firstFailure})`,
          );
        process.stderr.write(
          `  run ${run + 1} ${read.key.padEnd(15)} API p50 ${ours.p50.toFixed(2)} p99 ${ours.p99.toFixed(2)} ms ${ours.rps.toFixed(0)} req/s | ` +
            `raw pg p50 ${raw.p50.toFixed(2)} p99 ${raw.p99.toFixed(2)} ms\n`,
        );
        const s = '9 reads';
        const id = `reads.${read.key}`;
        report.add(`${id}.api.p50`, ours.p50, {
          section: s,
          label: `${read.label}: API p50`,
          unit: 'ms',
          peer: `${id}.pg.p50`,
        });
        report.add(`${id}.api.p99`, ours.p99, {
          section: s,
          label: `${read.label}: API p99`,
          unit: 'ms',
          peer: `${id}.pg.p99`,
        });
        report.add(`${id}.api.rps`, ours.rps, {
          section: s,
          label: `${read.label}: API req/s (1 conn)`,
          unit: 'req/s',
          peer: `${id}.pg.rps`,
        });
        report.add(`${id}.pg.p50`, raw.p50, { section: s, label: `${read.label}: raw pg p50`, unit: 'ms' });
        report.add(`${id}.pg.p99`, raw.p99, { section: s, label: `${read.label}: raw pg p99`, unit: 'ms' });
        report.add(`${id}.pg.rps`, raw.rps, {
          section: s,
          label: `${read.label}: raw pg req/s (1 conn)`,
          unit: 'req/s',
        });
      }
    }
  } finally {
    await client.end();
    await app.close();
    await log.handle.close();
  }
}
