import { randomUUID } from 'node:crypto';
import { TERRITORIAL_FORCES, type BodyRef, type ReferenceBody } from '#domain';
import type { SqlDatabase } from '#event-store';
import { progress, rng } from './stats.js';

/**
 * A realistic generated history for the catch-up and rebuild benchmarks: all 43 territorial forces,
 * ~2,000 agreements (scaled with the target size) drafted, signed, approved by each PCC, in force,
 * reviewed, varied, joined and withdrawn from, with savings per financial year; one governance
 * board per agreement meeting quarterly for ten years (held, cancelled, sometimes rearranged) and the
 * decisions of each held meeting. Deterministic (seeded PRNG). Decisions per meeting are set so the
 * history has exactly `target` events.
 *
 * Rows go to an UNLOGGED staging table in 10,000-row unnest INSERTs, then into `events` in one
 * set-based `INSERT … SELECT … ORDER BY recorded_at` so positions follow transaction time.
 */

export interface HistoryRow {
  streamId: string;
  revision: number;
  type: string;
  occurredAt: number;
  recordedAt: number;
  actor: string;
  data: unknown;
}

const DAY = 86_400_000;
const START = Date.UTC(2015, 3, 1);
const END = Date.UTC(2025, 2, 31);
const AREAS = [
  'serious and organised crime',
  'major crime investigation',
  'firearms',
  'roads policing',
  'forensics',
  'counter terrorism',
  'dogs',
  'procurement',
  'information technology',
  'legal services',
  'professional standards',
  'public order',
];
const DELIVERY = ['host-force', 'joint-unit', 'virtual', 'national'] as const;
const iso = (t: number): string => new Date(t).toISOString().slice(0, 10);
const fy = (t: number): string => {
  const d = new Date(t);
  const y = d.getUTCMonth() >= 3 ? d.getUTCFullYear() : d.getUTCFullYear() - 1;
  return `${y}-${String((y + 1) % 100).padStart(2, '0')}`;
};
const ref = (f: ReferenceBody): BodyRef => ({ id: f.id, name: f.name, kind: f.kind, policingBody: f.policingBody });
const officer = (force: string, n: number): string => `officer.${n}@${force}.pnn.police.uk`;
const SUMMARY =
  'The board reviewed the performance report for the quarter, noted the savings position against the ' +
  'forecast, agreed the revised risk register and asked the host force to bring the options appraisal ' +
  'for the shared service to the next meeting.';

export interface HistoryStats {
  events: number;
  heldMeetings: number;
  agreements: number;
}

/** Generates the history one stream at a time (already with revisions); returns the counts. */
export function* generateHistory(
  target: number,
  decisionsPerMeeting?: number[],
): Generator<HistoryRow[], HistoryStats> {
  const agreements = Math.max(10, Math.round((2000 * target) / 1_000_000));
  const r = rng(20_160_303);
  // Decisions draw from their own sequence, so their number (planned in a first pass) leaves the rest of the history unchanged.
  const rd = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  let events = 0;
  let heldMeetings = 0;
  let decisionSeq = 0;
  const forces = TERRITORIAL_FORCES;

  for (let i = 0; i < agreements; i++) {
    const agreementId = `a${i}`;
    const aStream = `agreement-${agreementId}`;
    const size = 2 + Math.floor(r() * 5);
    const base = Math.floor(r() * forces.length);
    const parties = Array.from({ length: size }, (_, k) => forces[(base + k) % forces.length]);
    const host = parties[0];
    const drafted = START + Math.floor(r() * 3 * 365) * DAY;
    const agreementRows: HistoryRow[] = [];
    let last = drafted;
    const add = (
      rows: HistoryRow[],
      stream: string,
      type: string,
      occurredAt: number,
      data: unknown,
      actorForce: string,
      lagDays = 1 + Math.floor(r() * 10),
      rand: () => number = r,
    ): void => {
      const prev = rows.at(-1)?.recordedAt ?? 0;
      rows.push({
        streamId: stream,
        revision: rows.length,
        type,
        occurredAt,
        recordedAt: Math.max(prev + 1000, occurredAt + lagDays * DAY + Math.floor(rand() * DAY)),
        actor: officer(actorForce, 1 + Math.floor(rand() * 4)),
        data,
      });
    };
    add(
      agreementRows,
      aStream,
      'AgreementDrafted',
      drafted,
      {
        agreementId,
        title: `${host!.shortName} and partners: ${pick(AREAS)} collaboration ${i}`,
        legalBasis: r() < 0.8 ? 's22A' : 'mou',
        businessArea: pick(AREAS),
        deliveryModel: pick(DELIVERY),
        parties: parties.map((p) => ref(p!)),
        hostForce: host!.id,
        parentAgreementId: null,
        reviewDue: iso(drafted + 365 * DAY),
      },
      host!.id,
    );
    for (const p of parties) {
      last += (5 + Math.floor(r() * 20)) * DAY;
      add(
        agreementRows,
        aStream,
        'AgreementSigned',
        last,
        { agreementId, party: p!.id, signedBy: `Chief Constable of ${p!.shortName}` },
        p!.id,
      );
    }
    for (const p of parties) {
      last += (3 + Math.floor(r() * 10)) * DAY;
      add(
        agreementRows,
        aStream,
        'PccApprovalGiven',
        last,
        { agreementId, party: p!.id, policingBody: p!.policingBody },
        p!.id,
      );
    }
    const inForce = last + 7 * DAY;
    add(
      agreementRows,
      aStream,
      'AgreementCameIntoForce',
      inForce,
      { agreementId, parties: parties.map((p) => p!.id) },
      host!.id,
    );
    const members = new Set(parties.map((p) => p!.id));
    let hostId = host!.id;
    const withdrawAt = size >= 3 && r() < 0.15 ? inForce + Math.floor(r() * 2500) * DAY : null;
    const leaver = parties[parties.length - 1];
    const joinAt = r() < 0.1 ? inForce + Math.floor(r() * 2500) * DAY : null;
    let joined = false;
    let withdrew = false;
    for (let year = new Date(inForce).getUTCFullYear(); Date.UTC(year, 3, 15) < END; year++) {
      const april = Date.UTC(year, 3, 15);
      if (april > inForce) {
        add(
          agreementRows,
          aStream,
          'SavingsForecast',
          april,
          { agreementId, financialYear: fy(april), amountPence: Math.floor(r() * 5e7) },
          hostId,
        );
        add(
          agreementRows,
          aStream,
          'SavingsRealised',
          april + 30 * DAY,
          { agreementId, financialYear: fy(april - 365 * DAY), amountPence: Math.floor(r() * 5e7) },
          hostId,
        );
        add(
          agreementRows,
          aStream,
          'AgreementReviewed',
          april + 60 * DAY,
          {
            agreementId,
            outcome: 'continue: the agreement still meets its aims',
            nextReviewDue: iso(april + 425 * DAY),
          },
          hostId,
        );
        if (r() < 0.2)
          add(
            agreementRows,
            aStream,
            'AgreementVaried',
            april + 90 * DAY,
            { agreementId, summary: 'Schedule 2 (cost apportionment) updated to the latest establishment figures.' },
            hostId,
          );
        if (r() < 0.03) {
          const to = [...members].find((m) => m !== hostId);
          if (to) {
            add(
              agreementRows,
              aStream,
              'HostForceChanged',
              april + 120 * DAY,
              { agreementId, from: hostId, to },
              hostId,
            );
            hostId = to;
          }
        }
      }
      if (joinAt !== null && !joined && joinAt < april) {
        const newcomer = forces[(base + size) % forces.length];
        if (!members.has(newcomer!.id)) {
          add(agreementRows, aStream, 'PartyJoined', joinAt, { agreementId, party: ref(newcomer!) }, newcomer!.id);
          members.add(newcomer!.id);
        }
        joined = true;
      }
      if (withdrawAt !== null && !withdrew && withdrawAt < april && leaver!.id !== hostId) {
        add(
          agreementRows,
          aStream,
          'WithdrawalNoticeGiven',
          withdrawAt,
          { agreementId, party: leaver!.id, effectiveOn: iso(withdrawAt + 182 * DAY) },
          leaver!.id,
        );
        add(
          agreementRows,
          aStream,
          'ForceWithdrew',
          withdrawAt + 182 * DAY,
          { agreementId, party: leaver!.id, reason: 'the force has joined the regional alternative' },
          leaver!.id,
        );
        members.delete(leaver!.id);
        withdrew = true;
      }
    }
    const terminated = r() < 0.05;
    if (terminated)
      add(
        agreementRows,
        aStream,
        'AgreementTerminated',
        END - 20 * DAY,
        { agreementId, reason: 'superseded by a national arrangement' },
        hostId,
      );
    events += agreementRows.length;
    yield agreementRows;

    // The governance board: quarterly meetings for the life of the agreement.
    const boardId = `b${i}`;
    const bStream = `board-${boardId}`;
    const boardRows: HistoryRow[] = [];
    const established = inForce + 14 * DAY;
    const quorum = Math.max(2, Math.ceil(size / 2));
    add(
      boardRows,
      bStream,
      'GovernanceBoardEstablished',
      established,
      {
        boardId,
        name: `${host!.shortName} collaboration governance board ${i}`,
        agreementIds: [agreementId],
        chair: `Deputy Chief Constable, ${host!.shortName}`,
        maxDaysBetweenMeetings: 92,
        quorum,
        rearrangeWithinDays: 28,
      },
      host!.id,
    );
    const decisionRows: HistoryRow[][] = [];
    for (let m = 0, date = established + 60 * DAY; date < END; m++, date += 91 * DAY) {
      const meetingId = `m${m}`;
      add(
        boardRows,
        bStream,
        'BoardMeetingScheduled',
        date - 60 * DAY,
        { boardId, meetingId, scheduledFor: iso(date) },
        host!.id,
        0,
      );
      let heldOn: number | null = date;
      if (r() < 0.15) {
        add(
          boardRows,
          bStream,
          'BoardMeetingCancelled',
          date - 5 * DAY,
          { boardId, meetingId, reason: 'chair unavailable (operational commitment)', scheduledFor: iso(date) },
          host!.id,
          0,
        );
        if (r() < 0.6) {
          heldOn = date + 20 * DAY;
          add(
            boardRows,
            bStream,
            'BoardMeetingRearranged',
            date - 3 * DAY,
            { boardId, meetingId, previousDate: iso(date), newDate: iso(heldOn), wasCancelled: true },
            host!.id,
            0,
          );
        } else heldOn = null;
      }
      if (heldOn === null) continue;
      const present = [...members].filter(() => r() < 0.85);
      add(
        boardRows,
        bStream,
        'BoardMeetingHeld',
        heldOn,
        {
          boardId,
          meetingId,
          heldOn: iso(heldOn),
          scheduledFor: iso(heldOn),
          attendees: present.map((body) => ({ name: `Representative of ${body}`, body })),
          quorate: present.length >= quorum,
          quorum,
        },
        host!.id,
      );
      const decisions = decisionsPerMeeting?.[heldMeetings] ?? 0;
      heldMeetings++;
      for (let d = 0; d < decisions; d++) {
        const decisionId = `d${decisionSeq++}`;
        const rows: HistoryRow[] = [];
        add(
          rows,
          `decision-${decisionId}`,
          'DecisionRecorded',
          heldOn,
          { decisionId, summary: SUMMARY, boardId, meetingId, agreementId },
          host!.id,
          2,
          rd,
        );
        decisionRows.push(rows);
      }
    }
    events += boardRows.length;
    yield boardRows;
    for (const rows of decisionRows) {
      events += rows.length;
      yield rows;
    }
  }
  return { events, heldMeetings, agreements };
}

/** Decisions per held meeting so that the whole history has `target` events. */
function planDecisions(target: number): number[] {
  const gen = generateHistory(target);
  let step = gen.next();
  while (!step.done) step = gen.next();
  const skeleton = step.value;
  const remaining = Math.max(0, target - skeleton.events);
  const per = Math.floor(remaining / skeleton.heldMeetings);
  const extra = remaining - per * skeleton.heldMeetings;
  return Array.from({ length: skeleton.heldMeetings }, (_, k) => per + (k < extra ? 1 : 0));
}

/**
 * Writes the generated history into `events` of a database that has the event store's schema.
 * Returns the number of events and the types of each.
 */
export async function loadHistory(
  db: SqlDatabase,
  target: number,
): Promise<{ events: number; agreements: number; seconds: number }> {
  const started = Date.now();
  const plan = planDecisions(target);
  await db.query(`DROP TABLE IF EXISTS bench_history`);
  await db.query(`CREATE UNLOGGED TABLE bench_history (
    seq bigint NOT NULL, event_id uuid NOT NULL, stream_id text NOT NULL, revision int NOT NULL, type text NOT NULL,
    occurred_at timestamptz NOT NULL, recorded_at timestamptz NOT NULL, actor text NOT NULL, correlation_id text NOT NULL, data text NOT NULL)`);
  const tick = progress('generating history');
  let pending: HistoryRow[] = [];
  let seq = 0;
  let written = 0;
  const flush = (rows: HistoryRow[]): Promise<unknown> => {
    const from = seq;
    seq += rows.length;
    return db
      .query(
        `INSERT INTO bench_history SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::int[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::text[], $9::text[], $10::text[])`,
        [
          rows.map((_, k) => from + k),
          rows.map(() => randomUUID()),
          rows.map((x) => x.streamId),
          rows.map((x) => x.revision),
          rows.map((x) => x.type),
          rows.map((x) => new Date(x.occurredAt).toISOString()),
          rows.map((x) => new Date(x.recordedAt).toISOString()),
          rows.map((x) => x.actor),
          rows.map(() => randomUUID()),
          rows.map((x) => JSON.stringify(x.data)),
        ],
      )
      .then(() => {
        written += rows.length;
        tick(written, target);
      });
  };
  // Two INSERTs in flight at most: generation overlaps the database's work without piling rows up in memory.
  const inFlight = new Set<Promise<unknown>>();
  const gen = generateHistory(target, plan);
  let step = gen.next();
  for (; !step.done; step = gen.next()) {
    pending.push(...step.value);
    if (pending.length >= 10_000) {
      const p: Promise<unknown> = flush(pending).finally(() => inFlight.delete(p));
      inFlight.add(p);
      pending = [];
      if (inFlight.size >= 2) await Promise.race(inFlight);
    }
  }
  if (pending.length > 0) await flush(pending);
  await Promise.all(inFlight);
  const result = step.value;
  process.stderr.write(
    `  … ordering ${result.events.toLocaleString('en-GB')} events into the log (set-based INSERT … SELECT … ORDER BY recorded_at)\n`,
  );
  await db.query(`
    INSERT INTO events (event_id, stream_id, revision, type, schema_version, occurred_at, recorded_at, actor, correlation_id, causation_id, data)
    SELECT event_id, stream_id, revision, type, 1, occurred_at, recorded_at, actor, correlation_id, NULL, data::jsonb
      FROM bench_history ORDER BY recorded_at, seq`);
  await db.query('DROP TABLE bench_history');
  await db.query('VACUUM ANALYZE events');
  return { events: result.events, agreements: result.agreements, seconds: (Date.now() - started) / 1000 };
}
