import { createHash } from 'node:crypto';
import { backfillEventHashes } from './integrity/backfill-hashes.js';
import { CHECKPOINTS_SQL } from './integrity/checkpoints/checkpoint-table.js';
import { beforePositionSql, linkHashSql } from './integrity/event-hash.js';
import { CHAIN_VERSIONS_SQL } from './integrity/reseal/chain-history.js';
import type { SqlDatabase, SqlExecutor } from './sql-database.port.js';

/**
 * One versioned schema step. Ids are global across libs, so prefix them with the lib
 * (`event-store/0001-events`, `projections/0001-agreements`). Never edit a migration that has
 * shipped: its checksum is recorded and a changed script stops the service at start.
 */
export interface Migration {
  id: string;
  sql: string;
  /**
   * A data step that SQL cannot express, run after `sql` in the same transaction. Only `sql`
   * is checksummed: name the step in a comment of `sql`, and never change what a shipped one does.
   */
  run?: (tx: SqlExecutor) => Promise<unknown>;
}

/** Advisory lock key held while migrating; distinct from the append lock. */
export const MIGRATION_LOCK_KEY = 4_711_020_001;

/** The hash expression migration 0003 wrote by hand, and `event_store_append` as it shipped. */
const HAND_WRITTEN_LINK = `      h := encode(sha256(convert_to(
             (e->'hash'->>0) || '"' || pos::text || '","prevHash":"' || prev || '"' || (e->'hash'->>1) || (head + 1 + i)::text || (e->'hash'->>2),
             'UTF8')), 'hex');
`;

const APPEND_FUNCTION_0003 = `
CREATE OR REPLACE FUNCTION event_store_append(batch jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $fn$
DECLARE
  a jsonb;
  e jsonb;
  evs jsonb;
  stream text;
  n integer;
  i integer;
  outcomes jsonb := '[]'::jsonb;
  heads jsonb := '{}'::jsonb;
  keys_in_batch jsonb := '{}'::jsonb;
  stored record;
  head integer;
  expected jsonb;
  taken text[];
  seq regclass := pg_get_serial_sequence('events', 'position')::regclass;
  prev text;
  pos bigint;
  h text;
  positions bigint[];
  hashes text[];
  prevs text[];
  last_all bigint;
  outcome jsonb;
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'event_store_append needs READ COMMITTED' USING ERRCODE = 'ES001';
  END IF;
  PERFORM pg_advisory_xact_lock(4711020002); -- APPEND_LOCK_KEY
  SELECT ev.hash INTO prev FROM events ev WHERE ev.hash IS NOT NULL ORDER BY ev.position DESC LIMIT 1;
  prev := coalesce(prev, repeat('0', 64));
  FOR a IN SELECT value FROM jsonb_array_elements(batch) LOOP
    -- Idempotency: a key used earlier in this batch, or stored by an earlier append.
    IF a->>'key' IS NOT NULL THEN
      IF keys_in_batch ? (a->>'key') THEN
        outcome := keys_in_batch->(a->>'key');
        IF outcome->>'fingerprint' <> a->>'fingerprint' THEN
          outcomes := outcomes || jsonb_build_array(jsonb_build_object('error', 'idempotency-key-reused'));
        ELSE
          outcomes := outcomes || jsonb_build_array(outcome || '{"replayed": true}'::jsonb);
        END IF;
        CONTINUE;
      END IF;
      SELECT ik.fingerprint, ik.stream_id, ik.next_expected_revision, ik.first_position, ik.last_position INTO stored
        FROM idempotency_keys ik WHERE ik.key = a->>'key';
      IF FOUND THEN
        IF stored.fingerprint <> a->>'fingerprint' THEN
          outcomes := outcomes || jsonb_build_array(jsonb_build_object('error', 'idempotency-key-reused'));
        ELSE
          outcomes := outcomes || jsonb_build_array(jsonb_build_object(
            'streamId', stored.stream_id, 'next', stored.next_expected_revision,
            'first', stored.first_position::text, 'last', stored.last_position::text, 'replayed', true));
        END IF;
        CONTINUE;
      END IF;
    END IF;
    -- The expected revision, against the stream as the earlier appends of this batch left it.
    IF heads ? (a->>'streamId') THEN
      head := (heads->>(a->>'streamId'))::integer;
    ELSE
      SELECT ev.revision INTO head FROM events ev WHERE ev.stream_id = a->>'streamId' ORDER BY ev.revision DESC LIMIT 1;
      head := coalesce(head, -1);
    END IF;
    expected := a->'expected';
    IF NOT (expected = '"any"'::jsonb OR (expected = '"no-stream"'::jsonb AND head = -1)
            OR (jsonb_typeof(expected) = 'number' AND (expected::text)::integer = head)) THEN
      outcomes := outcomes || jsonb_build_array(jsonb_build_object('error', 'concurrency', 'actual', head));
      CONTINUE;
    END IF;
    -- Taken apart once: an expression like a->'events' copies the whole sub-array each time.
    evs := a->'events';
    stream := a->>'streamId';
    -- Event ids given by the caller must be new (rows of earlier appends in this batch are visible here).
    SELECT array_agg(x->>'eventId' ORDER BY o) INTO taken
      FROM jsonb_array_elements(evs) WITH ORDINALITY AS t(x, o)
     WHERE (x->>'supplied')::boolean AND EXISTS (SELECT 1 FROM events ev WHERE ev.event_id = (x->>'eventId')::uuid);
    IF taken IS NOT NULL THEN
      outcomes := outcomes || jsonb_build_array(jsonb_build_object('error', 'duplicate-event-id', 'eventIds', to_jsonb(taken)));
      CONTINUE;
    END IF;
    n := jsonb_array_length(evs);
    positions := '{}';
    hashes := '{}';
    prevs := '{}';
    FOR i IN 0 .. n - 1 LOOP
      e := evs->i;
      pos := nextval(seq);
      -- The chain link (integrity/event-hash.ts hashPrepared): the canonical text cut around position, prevHash and revision.
      h := encode(sha256(convert_to(
             (e->'hash'->>0) || '"' || pos::text || '","prevHash":"' || prev || '"' || (e->'hash'->>1) || (head + 1 + i)::text || (e->'hash'->>2),
             'UTF8')), 'hex');
      positions := array_append(positions, pos);
      hashes := array_append(hashes, h);
      prevs := array_append(prevs, prev);
      prev := h;
    END LOOP;
    IF n > 0 THEN
      INSERT INTO events (position, event_id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor,
                          correlation_id, causation_id, data, hash, prev_hash)
      OVERRIDING SYSTEM VALUE
      SELECT c.position, (x.e->>'eventId')::uuid, stream, head + x.ord::integer, x.e->>'type', (x.e->>'schemaVersion')::integer,
             (x.e->>'occurredAt')::timestamptz, m.recorded_at, m.actor, m.correlation_id, m.causation_id,
             x.e->'data', c.hash, c.prev_hash
        FROM (SELECT (a->>'recordedAt')::timestamptz AS recorded_at, a->>'actor' AS actor, a->>'correlationId' AS correlation_id,
                     a->>'causationId' AS causation_id) m
       CROSS JOIN jsonb_array_elements(evs) WITH ORDINALITY AS x(e, ord)
        JOIN unnest(positions, hashes, prevs) WITH ORDINALITY AS c(position, hash, prev_hash, ord) ON c.ord = x.ord;
      last_all := positions[n];
    END IF;
    heads := heads || jsonb_build_object(a->>'streamId', head + n);
    outcome := jsonb_build_object('streamId', a->>'streamId', 'next', head + n, 'first', positions[1]::text, 'last', positions[n]::text, 'replayed', false);
    IF a->>'key' IS NOT NULL THEN
      keys_in_batch := keys_in_batch || jsonb_build_object(a->>'key', outcome || jsonb_build_object('fingerprint', a->>'fingerprint'));
      INSERT INTO idempotency_keys (key, fingerprint, stream_id, next_expected_revision, first_position, last_position, created_at)
      VALUES (a->>'key', a->>'fingerprint', a->>'streamId', head + n, positions[1], positions[n], (a->>'recordedAt')::timestamptz);
    END IF;
    outcomes := outcomes || jsonb_build_array(outcome);
  END LOOP;
  IF last_all IS NOT NULL THEN
    PERFORM pg_notify('events_appended', last_all::text);
  END IF;
  RETURN outcomes;
END
$fn$;
    `;

/** 0005's statement in place of HAND_WRITTEN_LINK. */
const LINK_CALL = `      h := event_store_link_hash(e->'hash', pos, prev, head + 1 + i);
`;

function replaceOnce(text: string, search: string, replacement: string): string {
  const at = text.indexOf(search);
  if (at < 0 || text.indexOf(search, at + 1) >= 0)
    throw new Error('A migration script is built from text that is not there once.');
  return text.slice(0, at) + replacement + text.slice(at + search.length);
}

/** The three pieces as the adapter sends them (appendPayload), in PreparedEventHash order. */
const LINK_PIECES = { beforePosition: 'pieces->>0', beforeRevision: 'pieces->>1', afterRevision: 'pieces->>2' };

/**
 * The chain link of one event, rendered from the hash format's one definition (integrity/event-hash.ts
 * LINK_TEXT). IMMUTABLE and a single SELECT, so PostgreSQL inlines it into the caller's expression.
 */
const LINK_HASH_FUNCTION = `
CREATE OR REPLACE FUNCTION event_store_link_hash(pieces jsonb, pos bigint, prev text, rev integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $fn$
  SELECT ${linkHashSql({ pieces: LINK_PIECES, values: { position: 'pos', prevHash: 'prev', revision: 'rev' } })}
$fn$;
`;

/** The insert of 0003/0005's append function, and the same with the traceparent (0006). */
const INSERT_WITHOUT_TRACEPARENT = `      INSERT INTO events (position, event_id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor,
                          correlation_id, causation_id, data, hash, prev_hash)
      OVERRIDING SYSTEM VALUE
      SELECT c.position, (x.e->>'eventId')::uuid, stream, head + x.ord::integer, x.e->>'type', (x.e->>'schemaVersion')::integer,
             (x.e->>'occurredAt')::timestamptz, m.recorded_at, m.actor, m.correlation_id, m.causation_id,
             x.e->'data', c.hash, c.prev_hash
        FROM (SELECT (a->>'recordedAt')::timestamptz AS recorded_at, a->>'actor' AS actor, a->>'correlationId' AS correlation_id,
                     a->>'causationId' AS causation_id) m
`;
const INSERT_WITH_TRACEPARENT = `      INSERT INTO events (position, event_id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor,
                          correlation_id, causation_id, traceparent, data, hash, prev_hash)
      OVERRIDING SYSTEM VALUE
      SELECT c.position, (x.e->>'eventId')::uuid, stream, head + x.ord::integer, x.e->>'type', (x.e->>'schemaVersion')::integer,
             (x.e->>'occurredAt')::timestamptz, m.recorded_at, m.actor, m.correlation_id, m.causation_id, m.traceparent,
             x.e->'data', c.hash, c.prev_hash
        FROM (SELECT (a->>'recordedAt')::timestamptz AS recorded_at, a->>'actor' AS actor, a->>'correlationId' AS correlation_id,
                     a->>'causationId' AS causation_id, a->>'traceparent' AS traceparent) m
`;

const APPEND_FUNCTION_0005 = replaceOnce(APPEND_FUNCTION_0003, HAND_WRITTEN_LINK, LINK_CALL);

/**
 * The chain link of the `k`th event of the batch in 0009's function: the same text as
 * event_store_link_hash (one definition, integrity/event-hash.ts LINK_TEXT), over its typed arrays.
 */
const LINK_OF_K = linkHashSql({
  pieces: {
    beforePosition: 'before_position[k]',
    beforeRevision: 'before_revision[k]',
    afterRevision: 'after_revision[k]',
  },
  values: { position: 'pos', prevHash: 'prev', revision: 'head + 1 + k - first' },
});

/** The first hash piece of the `k`th event, joined around its data (integrity/event-hash.ts prepareEventHash). */
const BEFORE_POSITION_OF_K = beforePositionSql({
  beforeData: 'before_data[k]',
  dataCanonical: 'data_texts[k]',
  afterData: 'after_data[k]',
});

/**
 * 0009's append function, `event_store_append_columns`: the rules of 0006's `event_store_append`
 * (idempotency key, expected revision, supplied event ids, one outcome per append, the same rows,
 * positions and chain links), with the batch in columns and the work split around the lock.
 *
 * The batch (sql-event-store.adapter.ts appendPayload) is one JSON object of arrays: one element per
 * append (streamIds, expected, keys, fingerprints, recordedAts, actors, correlationIds, causationIds,
 * traceparents, counts) and one per event, in batch order (eventIds, supplied, types, schemaVersions,
 * occurredAts, data, beforeData, afterData, beforeRevision, afterRevision). Each event's data comes
 * once, as its canonical JSON text: it is parsed into the stored jsonb (which keeps no key order, so
 * the same value) and joined into the hashed text.
 *
 * Before the lock, nothing reads a table: jsonb_to_record turns the arrays into typed arrays in
 * their order, each data text is parsed, each first hash piece joined, and each append's range of
 * events found. Under the lock: per append, the idempotency key, the stream's head and one
 * statement looking up its supplied ids (an index probe each); per event only nextval and the
 * link; then one INSERT of the whole batch's rows. An append whose supplied ids repeat an earlier
 * append's of the batch first inserts the rows judged before it, so its lookup sees them (0006
 * inserted per append).
 */
const APPEND_FUNCTION_0009 = `
CREATE OR REPLACE FUNCTION event_store_append_columns(batch jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $fn$
DECLARE
  -- One element per append.
  streams text[];
  expecteds jsonb[];
  keys text[];
  fingerprints text[];
  recorded_ats timestamptz[];
  actors text[];
  correlation_ids text[];
  causation_ids text[];
  traceparents text[];
  counts integer[];
  firsts integer[];
  repeats_batch boolean[];
  outs jsonb[];
  -- One element per event of the batch, in batch order.
  event_ids uuid[];
  supplied boolean[];
  types text[];
  schema_versions integer[];
  occurred_ats timestamptz[];
  data_texts text[];
  before_data text[];
  after_data text[];
  before_revision text[];
  after_revision text[];
  event_append integer[];
  datas jsonb[];
  before_position text[];
  positions bigint[];
  revisions integer[];
  hashes text[];
  prevs text[];
  -- The judging.
  n_appends integer;
  n_events integer;
  ai integer;
  j integer;
  k integer;
  first integer;
  n integer;
  stream text;
  head integer;
  expected jsonb;
  taken text[];
  stored record;
  outcome jsonb;
  heads jsonb := '{}'::jsonb;
  keys_in_batch jsonb := '{}'::jsonb;
  pending_from integer := 1;
  seq regclass := pg_get_serial_sequence('events', 'position')::regclass;
  prev text;
  pos bigint;
  last_all bigint;
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'event_store_append needs READ COMMITTED' USING ERRCODE = 'ES001';
  END IF;
  -- Before the lock: the batch taken apart, once.
  SELECT r."streamIds", r.expected, r.keys, r.fingerprints, r."recordedAts", r.actors, r."correlationIds",
         r."causationIds", r.traceparents, r.counts, r."eventIds", r.supplied, r.types, r."schemaVersions",
         r."occurredAts", r.data, r."beforeData", r."afterData", r."beforeRevision", r."afterRevision"
    INTO streams, expecteds, keys, fingerprints, recorded_ats, actors, correlation_ids, causation_ids, traceparents,
         counts, event_ids, supplied, types, schema_versions, occurred_ats, data_texts, before_data, after_data,
         before_revision, after_revision
    FROM jsonb_to_record(batch) AS r("streamIds" text[], expected jsonb[], keys text[], fingerprints text[],
         "recordedAts" timestamptz[], actors text[], "correlationIds" text[], "causationIds" text[], traceparents text[],
         counts integer[], "eventIds" uuid[], supplied boolean[], types text[], "schemaVersions" integer[],
         "occurredAts" timestamptz[], data text[], "beforeData" text[], "afterData" text[], "beforeRevision" text[],
         "afterRevision" text[]);
  n_appends := coalesce(cardinality(streams), 0);
  n_events := coalesce(cardinality(event_ids), 0);
  IF coalesce(cardinality(counts), 0) <> n_appends
     OR (SELECT coalesce(sum(c), 0) FROM unnest(counts) AS c) <> n_events
     OR coalesce(cardinality(data_texts), 0) <> n_events OR coalesce(cardinality(before_data), 0) <> n_events
     OR coalesce(cardinality(after_data), 0) <> n_events OR coalesce(cardinality(before_revision), 0) <> n_events
     OR coalesce(cardinality(after_revision), 0) <> n_events THEN
    RAISE EXCEPTION 'event_store_append_columns: the batch''s arrays do not match its counts' USING ERRCODE = 'ES002';
  END IF;
  firsts := array_fill(0, ARRAY[n_appends]);
  outs := array_fill(NULL::jsonb, ARRAY[n_appends]);
  event_append := array_fill(0, ARRAY[n_events]);
  datas := array_fill(NULL::jsonb, ARRAY[n_events]);
  before_position := array_fill(NULL::text, ARRAY[n_events]);
  positions := array_fill(NULL::bigint, ARRAY[n_events]);
  revisions := array_fill(NULL::integer, ARRAY[n_events]);
  hashes := array_fill(NULL::text, ARRAY[n_events]);
  prevs := array_fill(NULL::text, ARRAY[n_events]);
  k := 1;
  FOR ai IN 1 .. n_appends LOOP
    firsts[ai] := k;
    FOR j IN 1 .. counts[ai] LOOP
      event_append[k] := ai;
      datas[k] := data_texts[k]::jsonb;
      before_position[k] := ${BEFORE_POSITION_OF_K};
      k := k + 1;
    END LOOP;
  END LOOP;
  -- Which appends supply an id an earlier append of the batch holds too (a single append cannot).
  IF n_appends > 1 THEN
    SELECT array_agg(coalesce(s.repeats, false) ORDER BY g.ai) INTO repeats_batch
      FROM generate_series(1, n_appends) AS g(ai)
      LEFT JOIN (SELECT w.ai, bool_or(w.supplied AND w.earliest < w.ai) AS repeats
                   FROM (SELECT v.ai, v.supplied, min(v.ai) OVER (PARTITION BY v.id) AS earliest
                           FROM unnest(event_append, event_ids, supplied) AS v(ai, id, supplied)) w
                  GROUP BY w.ai) s ON s.ai = g.ai;
  ELSE
    repeats_batch := array_fill(false, ARRAY[n_appends]);
  END IF;

  PERFORM pg_advisory_xact_lock(4711020002); -- APPEND_LOCK_KEY
  SELECT ev.hash INTO prev FROM events ev WHERE ev.hash IS NOT NULL ORDER BY ev.position DESC LIMIT 1;
  prev := coalesce(prev, repeat('0', 64));
  FOR ai IN 1 .. n_appends + 1 LOOP
    -- The rows judged so far go in: at the end, or before an append whose lookup must see them.
    IF (ai > n_appends OR repeats_batch[ai]) AND pending_from <= n_events THEN
      INSERT INTO events (position, event_id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor,
                          correlation_id, causation_id, traceparent, data, hash, prev_hash)
      OVERRIDING SYSTEM VALUE
      SELECT positions[g.k], event_ids[g.k], streams[event_append[g.k]], revisions[g.k], types[g.k], schema_versions[g.k],
             occurred_ats[g.k], recorded_ats[event_append[g.k]], actors[event_append[g.k]],
             correlation_ids[event_append[g.k]], causation_ids[event_append[g.k]], traceparents[event_append[g.k]],
             datas[g.k], hashes[g.k], prevs[g.k]
        FROM generate_series(pending_from, CASE WHEN ai > n_appends THEN n_events ELSE firsts[ai] - 1 END) AS g(k)
       WHERE positions[g.k] IS NOT NULL;
      pending_from := CASE WHEN ai > n_appends THEN n_events + 1 ELSE firsts[ai] END;
    END IF;
    EXIT WHEN ai > n_appends;
    stream := streams[ai];
    -- Idempotency: a key used earlier in this batch, or stored by an earlier append.
    IF keys[ai] IS NOT NULL THEN
      IF keys_in_batch ? keys[ai] THEN
        outcome := keys_in_batch->keys[ai];
        IF outcome->>'fingerprint' <> fingerprints[ai] THEN
          outs[ai] := jsonb_build_object('error', 'idempotency-key-reused');
        ELSE
          outs[ai] := outcome || '{"replayed": true}'::jsonb;
        END IF;
        CONTINUE;
      END IF;
      SELECT ik.fingerprint, ik.stream_id, ik.next_expected_revision, ik.first_position, ik.last_position INTO stored
        FROM idempotency_keys ik WHERE ik.key = keys[ai];
      IF FOUND THEN
        IF stored.fingerprint <> fingerprints[ai] THEN
          outs[ai] := jsonb_build_object('error', 'idempotency-key-reused');
        ELSE
          outs[ai] := jsonb_build_object(
            'streamId', stored.stream_id, 'next', stored.next_expected_revision,
            'first', stored.first_position::text, 'last', stored.last_position::text, 'replayed', true);
        END IF;
        CONTINUE;
      END IF;
    END IF;
    -- The expected revision, against the stream as the earlier appends of this batch left it.
    IF heads ? stream THEN
      head := (heads->>stream)::integer;
    ELSE
      SELECT ev.revision INTO head FROM events ev WHERE ev.stream_id = stream ORDER BY ev.revision DESC LIMIT 1;
      head := coalesce(head, -1);
    END IF;
    expected := expecteds[ai];
    IF NOT (expected = '"any"'::jsonb OR (expected = '"no-stream"'::jsonb AND head = -1)
            OR (jsonb_typeof(expected) = 'number' AND (expected::text)::integer = head)) THEN
      outs[ai] := jsonb_build_object('error', 'concurrency', 'actual', head);
      CONTINUE;
    END IF;
    first := firsts[ai];
    n := counts[ai];
    -- Event ids given by the caller must be new (the rows of earlier appends it repeats are in the table by now).
    -- A scalar subquery, not EXISTS: EXISTS becomes a join, and the plan cached while the table was small
    -- hashes the whole table on every append (0006's check, issue 17); this one is an index probe per id.
    SELECT array_agg(event_ids[g.k]::text ORDER BY g.k) INTO taken
      FROM generate_series(first, first + n - 1) AS g(k)
     WHERE supplied[g.k] AND (SELECT true FROM events ev WHERE ev.event_id = event_ids[g.k]) IS NOT NULL;
    IF taken IS NOT NULL THEN
      outs[ai] := jsonb_build_object('error', 'duplicate-event-id', 'eventIds', to_jsonb(taken));
      CONTINUE;
    END IF;
    -- Positions in queue order, each link over the one before.
    FOR k IN first .. first + n - 1 LOOP
      pos := nextval(seq);
      positions[k] := pos;
      revisions[k] := head + 1 + k - first;
      prevs[k] := prev;
      prev := ${LINK_OF_K};
      hashes[k] := prev;
    END LOOP;
    IF n > 0 THEN
      last_all := positions[first + n - 1];
    END IF;
    heads := heads || jsonb_build_object(stream, head + n);
    outcome := jsonb_build_object('streamId', stream, 'next', head + n, 'first', positions[first]::text,
                                  'last', positions[first + n - 1]::text, 'replayed', false);
    IF keys[ai] IS NOT NULL THEN
      keys_in_batch := keys_in_batch || jsonb_build_object(keys[ai], outcome || jsonb_build_object('fingerprint', fingerprints[ai]));
      INSERT INTO idempotency_keys (key, fingerprint, stream_id, next_expected_revision, first_position, last_position, created_at)
      VALUES (keys[ai], fingerprints[ai], stream, head + n, positions[first], positions[first + n - 1], recorded_ats[ai]);
    END IF;
    outs[ai] := outcome;
  END LOOP;
  IF last_all IS NOT NULL THEN
    PERFORM pg_notify('events_appended', last_all::text);
  END IF;
  RETURN to_jsonb(outs);
END
$fn$;
`;

export const eventStoreMigrations: readonly Migration[] = [
  {
    id: 'event-store/0001-events',
    // CACHE 1 (the default) is required: with a per-session cache, sessions would draw positions
    // from interleaved ranges and a commit could expose a position lower than one already read.
    // The per-event hash columns for tamper evidence came later, in 0002.
    sql: `
      CREATE TABLE events (
        position bigint GENERATED ALWAYS AS IDENTITY (CACHE 1) PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        stream_id text NOT NULL,
        revision integer NOT NULL CHECK (revision >= 0),
        type text NOT NULL,
        schema_version integer NOT NULL CHECK (schema_version >= 1),
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        actor text NOT NULL,
        correlation_id text NOT NULL,
        causation_id text,
        data jsonb NOT NULL,
        CONSTRAINT events_stream_revision_key UNIQUE (stream_id, revision)
      );
      CREATE INDEX events_recorded_at_idx ON events (recorded_at, position);

      CREATE TABLE idempotency_keys (
        key text PRIMARY KEY,
        fingerprint text NOT NULL,
        stream_id text NOT NULL,
        next_expected_revision integer NOT NULL,
        first_position bigint,
        last_position bigint,
        created_at timestamptz NOT NULL
      );
    `,
  },
  {
    id: 'event-store/0002-event-hashes',
    // Tamper evidence (integrity/event-hash.ts): each event's SHA-256 over its envelope and the
    // previous event's hash. Nullable: a row written around the store has none, and verify names it.
    sql: `
      ALTER TABLE events ADD COLUMN hash text, ADD COLUMN prev_hash text;
      -- then backfillEventHashes (integrity/backfill-hashes.ts) chains the rows already stored
    `,
    run: backfillEventHashes,
  },
  {
    id: 'event-store/0003-append-function',
    // One round trip per group-commit batch (sql-event-store.adapter.ts): takes the append lock,
    // judges each append (idempotency key, expected revision, supplied event ids) as the adapter
    // did statement by statement, draws positions, links the hash chain with the same text as
    // integrity/event-hash.ts hashPrepared (the canonical JSON comes cut around position, prevHash
    // and revision; SHA-256 of its UTF-8 bytes, hex), inserts every row and NOTIFYs. Returns one
    // outcome per append. The verifier recomputes each hash in JS from the stored envelope.
    sql: APPEND_FUNCTION_0003,
  },
  {
    id: 'event-store/0004-integrity-checkpoints',
    // Signed checkpoints of the hash chain (integrity/checkpoints, docs/integrity.md).
    sql: CHECKPOINTS_SQL,
  },
  {
    id: 'event-store/0005-append-function-link-text',
    // The append function of 0003, unchanged but for its hash expression: that is now
    // event_store_link_hash, rendered from the same definition as the verifier's hashPrepared, so
    // the text of a link exists once. It renders to the text 0003 built, so no stored hash changes.
    sql: LINK_HASH_FUNCTION + APPEND_FUNCTION_0005,
  },
  {
    id: 'event-store/0006-event-traceparent',
    // The W3C traceparent an append was made under (docs/operations.md, "Tracing"), beside the
    // correlation id. Nullable: older events and appends with tracing off have none. Not part of the
    // hashed text (integrity/event-hash.ts), so every stored hash stays valid; the append function
    // of 0005 with the column in its insert.
    sql:
      'ALTER TABLE events ADD COLUMN traceparent text;\n' +
      replaceOnce(APPEND_FUNCTION_0005, INSERT_WITHOUT_TRACEPARENT, INSERT_WITH_TRACEPARENT),
  },
  {
    id: 'event-store/0007-person-keys',
    // One AES-256-GCM key per natural person named in the log (personal-data/, docs/security.md,
    // "Personal data"). Found by the HMAC of the normalised name under the server secret, so no name
    // is stored here. A null key is an erasure: the person's envelopes read as "erased". Only one live
    // key per name: a name recorded again after its erasure is a new person with a new key.
    sql: `
      CREATE TABLE person_keys (
        person_id uuid PRIMARY KEY,
        lookup_digest text NOT NULL,
        key bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        erased_at timestamptz,
        CONSTRAINT person_keys_key_size CHECK (key IS NULL OR octet_length(key) = 32),
        CONSTRAINT person_keys_erased CHECK ((key IS NULL) = (erased_at IS NOT NULL))
      );
      CREATE UNIQUE INDEX person_keys_live_digest_key ON person_keys (lookup_digest) WHERE key IS NOT NULL;
    `,
  },
  {
    id: 'event-store/0008-chain-versions',
    // The recorded re-chains (integrity/reseal, docs/integrity.md "Re-chains"): a range per chain
    // version, and the hashes each re-chain replaced, so checkpoints signed before it still verify.
    // Empty until an operator runs `cli seal-personal-data`; no stored event changes here.
    sql: CHAIN_VERSIONS_SQL,
  },
  {
    id: 'event-store/0009-append-columns',
    // event_store_append_columns, the append function the store calls from this release on: 0006's
    // rules, rows and links with less work under the append lock (issue 17). 0006's
    // event_store_append stays, unchanged, for a process of the previous release still running
    // while its successor starts; nothing of this release calls it.
    sql: APPEND_FUNCTION_0009,
  },
];

// Whitespace does not count, so re-indenting a shipped script is not a change.
const checksum = (sql: string): string => createHash('sha256').update(sql.replace(/\s+/g, ' ').trim()).digest('hex');

export class MigrationChangedError extends Error {
  constructor(readonly id: string) {
    super(
      `Migration ${id} was already applied with a different script. Add a new migration instead of editing a shipped one.`,
    );
    this.name = 'MigrationChangedError';
  }
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in the given order, in one
 * transaction under an advisory lock: running it twice, or from two processes at once, applies
 * each step once. Returns the ids applied now.
 */
export async function runMigrations(db: SqlDatabase, migrations: readonly Migration[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const { id } of migrations) {
    if (ids.has(id)) throw new Error(`Migration id ${id} appears twice.`);
    ids.add(id);
  }
  return db.transaction(async (tx) => {
    // The lock comes first, in its own statement: the statements after it see what the previous
    // holder committed (READ COMMITTED takes a new snapshot per statement).
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        id text PRIMARY KEY,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await tx.query<{ id: string; checksum: string }>('SELECT id, checksum FROM schema_migrations');
    const applied = new Map(rows.map((r) => [r.id, r.checksum]));
    const appliedNow: string[] = [];
    for (const migration of migrations) {
      const sum = checksum(migration.sql);
      const previous = applied.get(migration.id);
      if (previous !== undefined) {
        if (previous !== sum) throw new MigrationChangedError(migration.id);
        continue;
      }
      await tx.query(migration.sql);
      await migration.run?.(tx);
      await tx.query('INSERT INTO schema_migrations (id, checksum) VALUES ($1, $2)', [migration.id, sum]);
      appliedNow.push(migration.id);
    }
    return appliedNow;
  });
}

export function migrateEventStore(db: SqlDatabase): Promise<string[]> {
  return runMigrations(db, eventStoreMigrations);
}
