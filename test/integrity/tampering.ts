/**
 * Tamper evidence, run against each SQL driver: rows are edited, deleted, reordered and forged
 * directly in SQL, and verify must name the first position where the chain breaks. Each tampering
 * happens in a transaction that verifies and rolls back, so the tests share one log.
 */
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import pg from 'pg';
import { loadConfig, type AppConfig } from '#config';
import {
  APPEND_LOCK_KEY,
  Checkpointer,
  createEventStore,
  Ed25519CheckpointSigner,
  FileCheckpointAnchor,
  GENESIS_HASH,
  latestCheckpoint,
  listCheckpoints,
  PgDatabase,
  PgliteDatabase,
  publicKeyPem,
  readChainPage,
  SqlEventStore,
  toReceipt,
  exportEvents,
  hashEvent,
  migrateEventStore,
  verifyExport,
  verifyLog,
  type ChainVerification,
  type Position,
  type SqlDatabase,
  type SqlExecutor,
} from '#event-store';
import { runCli } from '../../apps/cli/src/cli.js';
import type { TestDatabase, TestDriver } from '../support/db.js';
import { CLERK, readTampered } from './rolled-back.js';

export function tamperingSuite(driver: TestDriver): void {
  driver.describe(`tamper evidence on ${driver.name}`, () => {
    let database: TestDatabase;
    let db: SqlDatabase;
    let store: SqlEventStore;
    let positions: string[];
    /** An event in the middle of the log, with a causation id and 'Hampshire' in its data. */
    let target: string;
    /** A position the sequence handed out to an append that rolled back: a legitimate gap. */
    let gap: string;
    let agreement: string;
    let dir: string;

    const next = (position: string) => positions[positions.indexOf(position) + 1];

    /** Tampers, verifies inside the same transaction, then rolls the tampering back. */
    const verifyTampered = (tamper: (tx: SqlExecutor) => Promise<unknown>): Promise<ChainVerification> =>
      readTampered(db, tamper, (tx) => verifyLog(tx, { pageSize: 7 }));

    beforeAll(async () => {
      database = await driver.create();
      db = database.db;
      await migrateEventStore(db);
      store = new SqlEventStore(db);
      dir = await mkdtemp(join(tmpdir(), 'integrity-'));
      agreement = `agreement-${randomUUID()}`;
      await store.append(
        agreement,
        [
          {
            type: 'AgreementDrafted',
            occurredAt: '2015-04-01',
            data: {
              title: 'Hampshire & Thames Valley — Bi-lateral “Collaboration” ✓',
              parties: ['hampshire', 'thames-valley'],
              legalBasis: 's22A',
              figures: { z: 0.1, a: 1e21, m: -5, n: 12.5, tiny: 5e-324, big: 2 ** 60 },
              empty: {},
              none: null,
              flag: true,
            },
          },
          { type: 'PartyAdded', occurredAt: '2015-04-02T10:15:30+01:00', data: { party: 'thames-valley' } },
          {
            type: 'AgreementSigned',
            occurredAt: '2015-04-03T09:00:00.123Z',
            data: { party: 'hampshire', signedBy: 'Chief Constable' },
          },
        ],
        { expectedRevision: 'no-stream', actor: CLERK },
      );
      // Concurrent appends: group-committed into few transactions.
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.append(
            `board-${randomUUID()}`,
            [{ type: 'BoardMeetingScheduled', occurredAt: '2015-05-01', data: { i } }],
            {
              expectedRevision: 'no-stream',
              actor: CLERK,
            },
          ),
        ),
      );
      const { lastPosition } = await store.append(
        agreement,
        [
          {
            type: 'AgreementVaried',
            occurredAt: '2016-03-03',
            data: { summary: 'Hampshire joins the joint unit', amountGbp: 125000.5 },
          },
        ],
        { expectedRevision: 2, actor: CLERK, causationId: randomUUID(), correlationId: 'import-2016-03' },
      );
      target = lastPosition!;
      // A rolled-back append still draws a position: the log has a gap, and that is no break.
      const { rows } = await db.query<{ n: string }>(
        `SELECT nextval(pg_get_serial_sequence('events', 'position')) AS n`,
      );
      gap = rows[0]!.n;
      await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          store.append(
            `board-${randomUUID()}`,
            [{ type: 'BoardMeetingCancelled', occurredAt: '2016-01-10', data: { reason: `r${i}` } }],
            {
              expectedRevision: 'any',
              actor: CLERK,
            },
          ),
        ),
      );
      await store.append(
        agreement,
        [{ type: 'AgreementReviewed', occurredAt: '2016-04-01', data: { outcome: 'continue' } }],
        {
          expectedRevision: 3,
          actor: CLERK,
        },
      );
      const { rows: all } = await db.query<{ position: string }>('SELECT position FROM events ORDER BY position');
      positions = all.map((r) => r.position);
    });

    afterAll(async () => {
      await store?.close();
      await database?.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test('an untouched log verifies, across a legitimate position gap, up to the last event and its hash', async () => {
      expect(positions).not.toContain(gap);
      const { rows } = await db.query<{ hash: string }>('SELECT hash FROM events ORDER BY position DESC LIMIT 1');
      await expect(verifyLog(db, { pageSize: 5 })).resolves.toEqual({
        ok: true,
        events: positions.length,
        headPosition: positions.at(-1),
        headHash: rows[0]!.hash,
      });
    });

    test('the first event links to the genesis hash and each later one to the event before it', async () => {
      const { rows } = await db.query<{ hash: string; prev_hash: string }>(
        'SELECT hash, prev_hash FROM events ORDER BY position',
      );
      expect(rows[0]!.prev_hash).toBe('0'.repeat(64));
      rows.slice(1).forEach((row, i) => expect(row.prev_hash).toBe(rows[i]!.hash));
    });

    const oneByteEdits: [string, string][] = [
      [
        'a byte of its data',
        `UPDATE events SET data = replace(data::text, 'Hampshire', 'Hampshira')::jsonb WHERE position = $1`,
      ],
      ['a byte of its type', `UPDATE events SET type = overlay(type placing 'X' from 1 for 1) WHERE position = $1`],
      ['a byte of its stream id', `UPDATE events SET stream_id = stream_id || 'x' WHERE position = $1`],
      [
        'a byte of its event id',
        `UPDATE events SET event_id = overlay(event_id::text placing (CASE WHEN left(event_id::text, 1) = 'a' THEN 'b' ELSE 'a' END) from 1 for 1)::uuid WHERE position = $1`,
      ],
      ['its revision', `UPDATE events SET revision = revision + 1000 WHERE position = $1`],
      ['its schema version', `UPDATE events SET schema_version = schema_version + 1 WHERE position = $1`],
      [
        'its valid time (occurred_at)',
        `UPDATE events SET occurred_at = occurred_at + interval '1 day' WHERE position = $1`,
      ],
      [
        'its recorded time by a second',
        `UPDATE events SET recorded_at = recorded_at - interval '1 second' WHERE position = $1`,
      ],
      [
        'its recorded time by a microsecond',
        `UPDATE events SET recorded_at = recorded_at + interval '1 microsecond' WHERE position = $1`,
      ],
      ['a byte of its actor', `UPDATE events SET actor = replace(actor, 'clerk', 'clerc') WHERE position = $1`],
      ['a byte of its correlation id', `UPDATE events SET correlation_id = correlation_id || '1' WHERE position = $1`],
      [
        'a byte of its causation id',
        `UPDATE events SET causation_id = overlay(causation_id placing 'Z' from 1 for 1) WHERE position = $1`,
      ],
      [
        'its stored hash',
        `UPDATE events SET hash = overlay(hash placing (CASE WHEN left(hash, 1) = 'a' THEN 'b' ELSE 'a' END) from 1 for 1) WHERE position = $1`,
      ],
    ];
    test.each(oneByteEdits)('changing %s names exactly that position (hash mismatch)', async (_what, sql) => {
      const result = await verifyTampered((tx) => tx.query(sql, [target]));
      expect(result).toMatchObject({ ok: false, position: target, reason: 'hash-mismatch' });
    });

    test('after every rolled-back tampering the log verifies again', async () => {
      await expect(verifyLog(db)).resolves.toMatchObject({ ok: true, events: positions.length });
    });

    test('deleting an event names the next position (broken link)', async () => {
      const result = await verifyTampered((tx) => tx.query('DELETE FROM events WHERE position = $1', [target]));
      expect(result).toMatchObject({ ok: false, position: next(target), reason: 'broken-link' });
      expect(result.ok === false && result.detail).toMatch(/deleted, inserted or moved/);
    });

    test('deleting the first event names the second: it no longer links to the genesis hash', async () => {
      const result = await verifyTampered((tx) => tx.query('DELETE FROM events WHERE position = $1', [positions[0]]));
      expect(result).toMatchObject({
        ok: false,
        position: positions[1],
        reason: 'broken-link',
        expected: '0'.repeat(64),
      });
    });

    test('swapping two events between their positions (reordering) names the first of them', async () => {
      const [p, q] = [positions[2], positions[6]];
      const columns =
        'event_id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor, correlation_id, causation_id, data, hash, prev_hash';
      const result = await verifyTampered(async (tx) => {
        await tx.query(
          `CREATE TEMP TABLE swapped ON COMMIT DROP AS SELECT * FROM events WHERE position IN (${p}, ${q})`,
        );
        await tx.query(`DELETE FROM events WHERE position IN (${p}, ${q})`);
        await tx.query(
          `INSERT INTO events (position, ${columns}) OVERRIDING SYSTEM VALUE
           SELECT CASE WHEN position = ${p} THEN ${q} ELSE ${p} END, ${columns} FROM swapped`,
        );
      });
      expect(result).toMatchObject({ ok: false, position: p, reason: 'hash-mismatch' });
    });

    test('swapping the data of two events, hashes left in place, names the first of them', async () => {
      const [p, q] = [positions[4], positions[9]];
      const result = await verifyTampered((tx) =>
        tx.query(
          `UPDATE events e SET data = o.data FROM events o
            WHERE (e.position = $1 AND o.position = $2) OR (e.position = $2 AND o.position = $1)`,
          [p, q],
        ),
      );
      expect(result).toMatchObject({ ok: false, position: p, reason: 'hash-mismatch' });
    });

    const forge = async (tx: SqlExecutor, position: string, prevHash: string) => {
      const event = {
        eventId: randomUUID(),
        type: 'BoardMeetingHeld',
        streamId: `board-${randomUUID()}`,
        revision: 0,
        position: position as Position,
        schemaVersion: 1,
        occurredAt: '2016-01-15T00:00:00.000Z',
        recordedAt: '2016-01-16T09:00:00.000Z',
        actor: CLERK,
        correlationId: randomUUID(),
        causationId: null,
        data: { attendees: ['hampshire', 'thames-valley'], quorate: true },
      };
      // A valid-looking hash: it matches the forged row's own content and stated previous hash.
      await tx.query(
        `INSERT INTO events (position, event_id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor, correlation_id, causation_id, data, hash, prev_hash)
         OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          position,
          event.eventId,
          event.streamId,
          0,
          event.type,
          1,
          event.occurredAt,
          event.recordedAt,
          CLERK,
          event.correlationId,
          null,
          JSON.stringify(event.data),
          hashEvent(event, prevHash),
          prevHash,
        ],
      );
    };
    const hashAt = async (tx: SqlExecutor, position: string) =>
      (await tx.query<{ hash: string }>('SELECT hash FROM events WHERE position = $1', [position])).rows[0]!.hash;

    test('a forged event inserted into a gap, with a valid hash of its own but a wrong link, is named', async () => {
      const result = await verifyTampered((tx) => forge(tx, gap, 'f'.repeat(64)));
      expect(result).toMatchObject({ ok: false, position: gap, reason: 'broken-link' });
    });

    test('a forged event inserted into a gap that links correctly breaks the link of the event after it', async () => {
      const previous = positions.filter((p) => BigInt(p) < BigInt(gap)).at(-1)!;
      expect(previous).toBe(target);
      const result = await verifyTampered(async (tx) => forge(tx, gap, await hashAt(tx, previous)));
      expect(result).toMatchObject({ ok: false, position: next(target), reason: 'broken-link' });
    });

    test('a forged event appended after the head on a fork of the chain is named', async () => {
      const head = positions.at(-1)!;
      const forged = String(BigInt(head) + 1000n);
      const result = await verifyTampered(async (tx) => forge(tx, forged, await hashAt(tx, positions.at(-2)!)));
      expect(result).toMatchObject({ ok: false, position: forged, reason: 'broken-link' });
    });

    test('a row written around the store (no hash) is named, and appends after it still chain', async () => {
      const result = await verifyTampered(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(${APPEND_LOCK_KEY})`);
        await tx.query(
          `INSERT INTO events (event_id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor, correlation_id, data)
           VALUES ($1, $2, 0, 'BoardMeetingHeld', 1, now(), now(), $3, $4, '{}')`,
          [randomUUID(), `board-raw-${randomUUID()}`, CLERK, randomUUID()],
        );
      });
      expect(result).toMatchObject({ ok: false, reason: 'missing-hash' });
      expect(BigInt((result as { position: string }).position) > BigInt(positions.at(-1)!)).toBe(true);
    });

    describe('export and offline verification', () => {
      const exportTo = async (name: string, streamId?: string) => {
        const path = join(dir, name);
        const chunks: string[] = [];
        const summary = await exportEvents(db, { streamId, write: (t) => chunks.push(t), pageSize: 4 });
        await writeFile(path, chunks.join(''));
        return { path, summary, lines: chunks.join('').trimEnd().split('\n') };
      };
      const rewrite = async (name: string, lines: string[]) => {
        const path = join(dir, name);
        await writeFile(path, `${lines.join('\n')}\n`);
        return path;
      };
      const lineOf = (lines: string[], position: string) =>
        lines.findIndex((l, i) => i > 0 && (JSON.parse(l) as { position: string }).position === position);

      test('a whole-log export verifies offline, to the same head hash as the live log', async () => {
        const { path, summary, lines } = await exportTo('log.ndjson');
        const live = await verifyLog(db);
        expect(summary.events).toBe(positions.length);
        expect(lines).toHaveLength(positions.length + 1);
        expect(JSON.parse(lines[0]!)).toMatchObject({
          format: 'governance-event-log',
          version: 1,
          scope: 'log',
          headPosition: positions.at(-1),
        });
        expect(JSON.parse(lines[1]!)).toMatchObject({
          position: positions[0],
          prevHash: '0'.repeat(64),
          hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        });
        await expect(verifyExport(path)).resolves.toEqual({ ...live, scope: 'log' });
      });

      test('a byte changed in one line of the export fails offline at that line’s position', async () => {
        const { lines } = await exportTo('log.ndjson');
        const at = lineOf(lines, target);
        expect(lines[at]).toContain('Hampshire');
        const copy = [...lines];
        copy[at] = copy[at]!.replace('Hampshire', 'Hampshira');
        await expect(verifyExport(await rewrite('edited.ndjson', copy))).resolves.toMatchObject({
          ok: false,
          position: target,
          reason: 'hash-mismatch',
          line: at + 1,
        });
      });

      test('a line deleted from the export names the next position; a cut-off end fails against the header’s head', async () => {
        const { lines } = await exportTo('log.ndjson');
        const at = lineOf(lines, target);
        await expect(
          verifyExport(
            await rewrite(
              'deleted.ndjson',
              lines.filter((_, i) => i !== at),
            ),
          ),
        ).resolves.toMatchObject({
          ok: false,
          position: next(target),
          reason: 'broken-link',
        });
        await expect(verifyExport(await rewrite('cut.ndjson', lines.slice(0, -1)))).resolves.toMatchObject({
          ok: false,
          position: positions.at(-1),
          reason: 'head-mismatch',
        });
      });

      test('two lines swapped in the export fail at the first swapped line', async () => {
        const { lines } = await exportTo('log.ndjson');
        const copy = [...lines];
        [copy[3], copy[8]] = [copy[8]!, copy[3]!];
        await expect(verifyExport(await rewrite('swapped.ndjson', copy))).resolves.toMatchObject({
          ok: false,
          line: 4,
        });
      });

      test('a stream export checks each event’s own hash, its revisions and the links between consecutive log positions', async () => {
        const { path, lines } = await exportTo('stream.ndjson', agreement);
        expect(JSON.parse(lines[0]!)).toMatchObject({ scope: 'stream', streamId: agreement, lastRevision: 4 });
        const result = await verifyExport(path);
        // Revisions 0-2 were appended together: two links between consecutive positions.
        expect(result).toMatchObject({ ok: true, events: 5, scope: 'stream', streamId: agreement, linksChecked: 2 });

        const edited = [...lines];
        edited[4] = edited[4]!.replace('Hampshire', 'Hampshira');
        await expect(verifyExport(await rewrite('stream-edited.ndjson', edited))).resolves.toMatchObject({
          ok: false,
          position: target,
          reason: 'hash-mismatch',
          line: 5,
        });
        await expect(
          verifyExport(
            await rewrite(
              'stream-gap.ndjson',
              lines.filter((_, i) => i !== 2),
            ),
          ),
        ).resolves.toMatchObject({
          ok: false,
          reason: 'revision-gap',
        });
        await expect(verifyExport(await rewrite('stream-cut.ndjson', lines.slice(0, -1)))).resolves.toMatchObject({
          ok: false,
          reason: 'head-mismatch',
        });
      });

      test('a file that is not an export is refused with a reason', async () => {
        await expect(verifyExport(await rewrite('junk.ndjson', ['{"hello":1}']))).resolves.toMatchObject({
          ok: false,
          reason: 'malformed',
          line: 1,
        });
        const { lines } = await exportTo('log.ndjson');
        await expect(verifyExport(await rewrite('bad-line.ndjson', [lines[0]!, '{not json']))).resolves.toMatchObject({
          ok: false,
          reason: 'malformed',
          line: 2,
        });
        expect(await readFile(join(dir, 'bad-line.ndjson'), 'utf8')).toContain('{not json');
      });
    });

    test('many concurrent appends from several stores (as several processes) keep one unbroken chain', async () => {
      const stores = await Promise.all([1, 2, 3].map(async () => new SqlEventStore(await database.connect())));
      try {
        await Promise.all(
          stores.flatMap((s, k) =>
            Array.from({ length: 40 }, (_, i) =>
              s.append(
                `board-${k}-${i % 5}-${randomUUID().slice(0, 4)}`,
                [
                  { type: 'BoardMeetingScheduled', occurredAt: '2016-02-01', data: { k, i } },
                  ...(i % 3 === 0
                    ? [{ type: 'BoardMeetingHeld', occurredAt: '2016-02-02', data: { k, i, attendees: [] } }]
                    : []),
                ],
                { expectedRevision: 'any', actor: CLERK },
              ),
            ),
          ),
        );
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
      const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM events');
      await expect(verifyLog(db)).resolves.toMatchObject({ ok: true, events: Number(rows[0]!.n) });
    }, 60_000);
  });
}

const MAX_POSITION = '9223372036854775807';
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A committed, tamperable copy of the suite's database, and the configuration `cli verify` reads it with. */
interface DatabaseCopy {
  config: AppConfig;
  tamper(work: (tx: SqlExecutor) => Promise<unknown>): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * The 14 tampering cases against signed checkpoints, each on its own committed copy of one log and
 * judged by `cli verify --public-key --receipt`, as an auditor would run it: the four that the
 * chain alone misses (edit and recompute, delete and relink, a forged tail, a cut tail) included,
 * with the chain recomputed by the project's own hashEvent.
 */
export function signedTamperingSuite(driver: TestDriver): void {
  driver.describe(`signed checkpoints on ${driver.name}: the 14 tampering cases through cli verify`, () => {
    let database: TestDatabase;
    let dir: string;
    let positions: string[];
    let checkpoints: string[];
    let target: string;
    let gap: string;
    let keyFile: string;
    let receiptFile: string;
    let anchorFile: string;
    const signer = Ed25519CheckpointSigner.generate();
    const next = (position: string) => positions[positions.indexOf(position) + 1];

    beforeAll(async () => {
      database = await driver.create({ onDisk: true });
      const db = database.db;
      await migrateEventStore(db);
      const store = new SqlEventStore(db);
      dir = await mkdtemp(join(tmpdir(), 'signed-tampering-'));
      anchorFile = join(dir, 'anchors.ndjson');
      let hour = 0;
      // Every call is an hour later: each run signs whatever is unsigned, five events at most per checkpoint.
      const checkpointer = new Checkpointer(db, signer, {
        everyEvents: 5,
        intervalMs: 1000,
        clock: () => new Date(Date.UTC(2016, 3, 1, hour++)),
        anchors: [new FileCheckpointAnchor(anchorFile)],
      });
      const agreement = `agreement-${randomUUID()}`;
      await store.append(
        agreement,
        [
          {
            type: 'AgreementDrafted',
            occurredAt: '2015-04-01',
            data: { title: 'Hampshire & Thames Valley', parties: ['hampshire', 'thames-valley'] },
          },
          { type: 'PartyAdded', occurredAt: '2015-04-02', data: { party: 'thames-valley' } },
        ],
        { expectedRevision: 'no-stream', actor: CLERK },
      );
      for (let i = 0; i < 5; i++) {
        await store.append(
          `board-${randomUUID()}`,
          [{ type: 'BoardMeetingScheduled', occurredAt: '2015-05-01', data: { i } }],
          {
            expectedRevision: 'no-stream',
            actor: CLERK,
          },
        );
      }
      await checkpointer.runOnce();
      const { lastPosition } = await store.append(
        agreement,
        [{ type: 'AgreementVaried', occurredAt: '2016-03-03', data: { summary: 'Hampshire joins the joint unit' } }],
        { expectedRevision: 1, actor: CLERK },
      );
      target = lastPosition!;
      const { rows } = await db.query<{ n: string }>(
        `SELECT nextval(pg_get_serial_sequence('events', 'position')) AS n`,
      );
      gap = rows[0]!.n;
      for (let i = 0; i < 14; i++) {
        await store.append(
          `board-${randomUUID()}`,
          [{ type: 'BoardMeetingCancelled', occurredAt: '2016-01-10', data: { reason: `r${i}` } }],
          {
            expectedRevision: 'any',
            actor: CLERK,
          },
        );
        if (i % 6 === 5) await checkpointer.runOnce();
      }
      await checkpointer.runOnce();
      positions = (await db.query<{ position: string }>('SELECT position FROM events ORDER BY position')).rows.map(
        (r) => r.position,
      );
      checkpoints = (await listCheckpoints(db)).map((c) => c.position);
      const latest = (await latestCheckpoint(db))!;
      receiptFile = join(dir, 'receipt.json');
      await writeFile(receiptFile, JSON.stringify(toReceipt(latest, signer.publicKey)));
      keyFile = join(dir, 'checkpoint-key.pub');
      await writeFile(keyFile, publicKeyPem(signer.publicKey));
      await store.close();
      // Copies are taken from the closed database: a PGlite directory or a PostgreSQL template has one user at a time.
      await db.close();
    }, 120_000);

    afterAll(async () => {
      await database?.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    async function copy(): Promise<DatabaseCopy> {
      if (driver.name === 'pglite') {
        const copyDir = await mkdtemp(join(dir, 'copy-'));
        await cp(database.dataDir!, copyDir, { recursive: true });
        return {
          config: loadConfig({ DATA_DIR: copyDir }),
          async tamper(work) {
            const db = await PgliteDatabase.open({ dataDir: copyDir });
            try {
              await db.transaction(work);
            } finally {
              await db.close();
            }
          },
          dispose: () => rm(copyDir, { recursive: true, force: true }),
        };
      }
      const source = new URL(database.url!).pathname.slice(1);
      const name = `${source}_copy_${randomUUID().slice(0, 8)}`;
      const admin = async (sql: string) => {
        const client = new pg.Client({ connectionString: adminUrl });
        await client.connect();
        try {
          await client.query(sql);
        } finally {
          await client.end();
        }
      };
      await admin(`CREATE DATABASE ${name} TEMPLATE ${source}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return {
        config: loadConfig({ DATABASE_URL: url.toString() }),
        async tamper(work) {
          const db = new PgDatabase({ connectionString: url.toString(), max: 1 });
          try {
            await db.transaction(work);
          } finally {
            await db.close();
          }
        },
        dispose: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      };
    }

    async function verifyCli(config: AppConfig, ...extra: string[]) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(['verify', '--public-key', keyFile, '--receipt', receiptFile, ...extra], {
        stdout: { write: (t: string) => out.push(t) },
        stderr: { write: (t: string) => err.push(t), isTTY: false },
        config,
      });
      const text = out.join('');
      const broken = /^Chain BROKEN at position (\S+): (\S+)/.exec(text);
      return { code, text, err: err.join(''), position: broken?.[1] ?? null, reason: broken?.[2] ?? null };
    }

    async function tampered(work: (tx: SqlExecutor) => Promise<unknown>, ...extra: string[]) {
      const db = await copy();
      try {
        await db.tamper(work);
        return await verifyCli(db.config, ...extra);
      } finally {
        await db.dispose();
      }
    }

    /** Recomputes hash and prev_hash of every event from `from` on with the project's own hashEvent, as an attacker would. */
    async function relinkFrom(tx: SqlExecutor, from: string) {
      let prev = GENESIS_HASH;
      for (const row of await readChainPage(tx, '0', MAX_POSITION, 100_000)) {
        if (BigInt(row.position) >= BigInt(from)) {
          const hash = hashEvent(row, prev);
          await tx.query('UPDATE events SET hash = $1, prev_hash = $2 WHERE position = $3', [hash, prev, row.position]);
          prev = hash;
        } else {
          prev = row.hash!;
        }
      }
    }

    /** Inserts a forged event with a hash valid for its own content and the given previous hash; returns that hash. */
    async function forge(tx: SqlExecutor, position: string, prevHash: string): Promise<string> {
      const event = {
        eventId: randomUUID(),
        type: 'BoardMeetingHeld',
        streamId: `board-${randomUUID()}`,
        revision: 0,
        position: position as Position,
        schemaVersion: 1,
        occurredAt: '2016-01-15T00:00:00.000Z',
        recordedAt: '2016-01-16T09:00:00.000Z',
        actor: CLERK,
        correlationId: randomUUID(),
        causationId: null,
        data: { attendees: ['hampshire'], quorate: true },
      };
      const hash = hashEvent(event, prevHash);
      await tx.query(
        `INSERT INTO events (position, event_id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor, correlation_id, causation_id, data, hash, prev_hash)
         OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, 0, $4, 1, $5, $6, $7, $8, NULL, $9, $10, $11)`,
        [
          position,
          event.eventId,
          event.streamId,
          event.type,
          event.occurredAt,
          event.recordedAt,
          CLERK,
          event.correlationId,
          JSON.stringify(event.data),
          hash,
          prevHash,
        ],
      );
      return hash;
    }
    const hashAt = async (tx: SqlExecutor, position: string) =>
      (await tx.query<{ hash: string }>('SELECT hash FROM events WHERE position = $1', [position])).rows[0]!.hash;
    /** The events after the second-to-last checkpoint, and the checkpoints signing them, gone. */
    const cutTail = async (tx: SqlExecutor) => {
      const keep = checkpoints.at(-2)!;
      await tx.query('DELETE FROM events WHERE position > $1', [keep]);
      await tx.query('DELETE FROM integrity_checkpoints WHERE position > $1', [keep]);
      return positions.filter((p) => BigInt(p) > BigInt(keep));
    };

    test('the untouched log verifies with its key and receipt, every event signed up to the head', async () => {
      expect(checkpoints.length).toBeGreaterThanOrEqual(4);
      expect(checkpoints.at(-1)).toBe(positions.at(-1));
      expect(positions).not.toContain(gap);
      const db = await copy();
      try {
        const result = await verifyCli(db.config, '--anchors', anchorFile);
        expect(result).toMatchObject({ code: 0, position: null });
        expect(result.text).toContain(
          `Chain intact: ${positions.length} events verified, head position ${positions.at(-1)}`,
        );
        expect(result.text).toContain(
          `Signed checkpoints: ${checkpoints.length} verified with key ${signer.keyId} (1 receipt(s) among them`,
        );
        expect(result.text).toContain(`signed through position ${positions.at(-1)}`);
      } finally {
        await db.dispose();
      }
    }, 60_000);

    const cases: [
      string,
      () => Promise<{ position: string | null; reason: string | null; code: number }>,
      () => [string, string],
    ][] = [
      [
        '1. a byte of an event’s data changed',
        () =>
          tampered((tx) =>
            tx.query(
              `UPDATE events SET data = replace(data::text, 'Hampshire', 'Hampshira')::jsonb WHERE position = $1`,
              [target],
            ),
          ),
        () => [target, 'hash-mismatch'],
      ],
      [
        '2. an event’s stored hash changed',
        () => tampered((tx) => tx.query(`UPDATE events SET hash = repeat('a', 64) WHERE position = $1`, [target])),
        () => [target, 'hash-mismatch'],
      ],
      [
        '3. a recorded time moved by a microsecond',
        () =>
          tampered((tx) =>
            tx.query(`UPDATE events SET recorded_at = recorded_at + interval '1 microsecond' WHERE position = $1`, [
              target,
            ]),
          ),
        () => [target, 'hash-mismatch'],
      ],
      [
        '4. an event deleted (chain left as it is)',
        () => tampered((tx) => tx.query('DELETE FROM events WHERE position = $1', [target])),
        () => [next(target)!, 'broken-link'],
      ],
      [
        '5. the first event deleted',
        () => tampered((tx) => tx.query('DELETE FROM events WHERE position = $1', [positions[0]])),
        () => [positions[1]!, 'broken-link'],
      ],
      [
        '6. two events swapped between their positions (reordered)',
        () =>
          tampered(async (tx) => {
            const [p, q] = [positions[2], positions[6]];
            const columns =
              'event_id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor, correlation_id, causation_id, data, hash, prev_hash';
            await tx.query(
              `CREATE TEMP TABLE swapped ON COMMIT DROP AS SELECT * FROM events WHERE position IN (${p}, ${q})`,
            );
            await tx.query(`DELETE FROM events WHERE position IN (${p}, ${q})`);
            await tx.query(
              `INSERT INTO events (position, ${columns}) OVERRIDING SYSTEM VALUE SELECT CASE WHEN position = ${p} THEN ${q} ELSE ${p} END, ${columns} FROM swapped`,
            );
          }),
        () => [positions[2]!, 'hash-mismatch'],
      ],
      [
        '7. a forged event inserted into a gap with a wrong link',
        () => tampered((tx) => forge(tx, gap, 'f'.repeat(64))),
        () => [gap, 'broken-link'],
      ],
      [
        '8. a forged event inserted into a gap, linked to the event before it',
        () => tampered(async (tx) => forge(tx, gap, await hashAt(tx, target))),
        () => [gap, 'unsigned-event'],
      ],
      [
        '9. a row written around the store (no hash) after the head',
        () =>
          tampered((tx) =>
            tx.query(
              `INSERT INTO events (position, event_id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor, correlation_id, data)
               OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, 0, 'BoardMeetingHeld', 1, now(), now(), $4, $5, '{}')`,
              [String(BigInt(positions.at(-1)!) + 5n), randomUUID(), `board-raw-${randomUUID()}`, CLERK, randomUUID()],
            ),
          ),
        () => [String(BigInt(positions.at(-1)!) + 5n), 'missing-hash'],
      ],
      [
        '10. a forged event on a fork after the head',
        () =>
          tampered(async (tx) =>
            forge(tx, String(BigInt(positions.at(-1)!) + 1000n), await hashAt(tx, positions.at(-2)!)),
          ),
        () => [String(BigInt(positions.at(-1)!) + 1000n), 'broken-link'],
      ],
      [
        '11. an event edited and the whole chain after it recomputed',
        () =>
          tampered(async (tx) => {
            await tx.query(
              `UPDATE events SET data = replace(data::text, 'Hampshire', 'Hampshira')::jsonb WHERE position = $1`,
              [target],
            );
            await relinkFrom(tx, target);
          }),
        () => [target, 'rewritten'],
      ],
      [
        '12. an event deleted and the rest relinked',
        () =>
          tampered(async (tx) => {
            await tx.query('DELETE FROM events WHERE position = $1', [target]);
            await relinkFrom(tx, next(target)!);
          }),
        () => [target, 'missing-event'],
      ],
      [
        '13. the tail replaced by a forged one, linked and hashed, its checkpoints deleted (the receipt names its head)',
        () =>
          tampered(async (tx) => {
            let prev = await hashAt(tx, checkpoints.at(-2)!);
            for (const position of await cutTail(tx)) prev = await forge(tx, position, prev);
          }),
        () => [positions.at(-1)!, 'rewritten'],
      ],
      [
        '14. the tail cut off with its checkpoints (the receipt names its head)',
        () => tampered(cutTail),
        () => [positions.at(-1)!, 'truncated'],
      ],
    ];
    test.each(cases)(
      '%s: cli verify fails there (exit 1)',
      async (_name, run, expected) => {
        const [position, reason] = expected();
        await expect(run()).resolves.toMatchObject({ code: 1, position, reason });
      },
      60_000,
    );

    test('with the anchor file, a forged or cut tail is named at its first event, not only at the receipt', async () => {
      const first = next(checkpoints.at(-2)!);
      const forged = await tampered(
        async (tx) => {
          let prev = await hashAt(tx, checkpoints.at(-2)!);
          for (const position of await cutTail(tx)) prev = await forge(tx, position, prev);
        },
        '--anchors',
        anchorFile,
      );
      expect(forged).toMatchObject({ code: 1, position: first, reason: 'rewritten' });
      const cut = await tampered(cutTail, '--anchors', anchorFile);
      expect(cut).toMatchObject({ code: 1, position: first, reason: 'truncated' });
      expect(cut.text).toContain(`the log ends at position ${checkpoints.at(-2)}`);
    }, 60_000);

    test('checkpoints re-signed with a key of the attacker’s own, after an edit and recompute, fail at the first checkpoint', async () => {
      const attacker = Ed25519CheckpointSigner.generate();
      // Re-signed through the project's own Checkpointer, as the service would sign.
      const db = await copy();
      try {
        await db.tamper(async (tx) => {
          await tx.query(
            `UPDATE events SET data = replace(data::text, 'Hampshire', 'Hampshira')::jsonb WHERE position = $1`,
            [target],
          );
          await relinkFrom(tx, target);
          await tx.query('DELETE FROM integrity_checkpoints');
        });
        const handle = await createEventStore({ databaseUrl: db.config.databaseUrl, dataDir: db.config.dataDir });
        try {
          const forger = new Checkpointer(handle.db, attacker, { everyEvents: 5, intervalMs: 0 });
          await forger.runOnce();
        } finally {
          await handle.close();
        }
        const resigned = await verifyCli(db.config);
        expect(resigned).toMatchObject({ code: 1, reason: 'bad-checkpoint' });
        expect(resigned.text).toMatch(/does not verify with the given public key/);
      } finally {
        await db.dispose();
      }
    }, 60_000);

    test('a checkpoint row deleted from the middle is named by the one after it', async () => {
      const result = await tampered((tx) =>
        tx.query('DELETE FROM integrity_checkpoints WHERE position = $1', [checkpoints[1]]),
      );
      expect(result).toMatchObject({ code: 1, position: checkpoints[1], reason: 'missing-checkpoint' });
    }, 60_000);
  });
}
