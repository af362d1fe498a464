import { boardStreamId, isBoardEvent } from '#domain';
import type { EventStore, StoredEvent } from '#event-store';
import {
  assessBoardCompliance,
  type BoardCompliance,
  type BoardRecord,
  type BoardTermsRecord,
  type MeetingFact,
} from './assess-board-compliance.js';
import { dayOf, endOf } from '../shared.js';

/** What a transaction-time replay of a board was asked, and what it folded. */
export interface BoardReplay {
  /** Valid time judged (the report's `asOf`). */
  asOf: string;
  /** Transaction time asked about: only events recorded by then (a date: the end of that day, UTC). */
  knownAt: string;
  /** Board events folded into the answer, and when the last of them was recorded. */
  eventsConsidered: number;
  lastRecordedAt: string | null;
}

/** GET /boards/:id/compliance with knownAt: the same report, and what the replay was asked. */
export interface BoardComplianceReplayed extends BoardCompliance {
  replay: BoardReplay;
}

/** What the compliance rules read about one board: the rows the board-compliance read model keeps, as data. */
export interface BoardHistoryRows {
  board: BoardRecord;
  terms: BoardTermsRecord[];
  facts: MeetingFact[];
}

/**
 * A board's stream, in the order recorded, as the board-compliance read model stores it (one board row, a terms
 * record per establishment or change, one fact per meeting event, each dated by the day it happened). Null when the
 * events hold no establishment. A meeting event naming no meeting changes nothing, as in the projection.
 */
export function boardHistoryRowsFrom(events: readonly StoredEvent[]): BoardHistoryRows | null {
  let board: BoardRecord | null = null;
  /** The agreements overseen after the last oversight change, if any. */
  let agreementIds: string[] | null = null;
  const terms: BoardTermsRecord[] = [];
  const facts: MeetingFact[] = [];
  for (const event of events) {
    if (!isBoardEvent(event)) continue;
    const on = dayOf(event);
    const fact = (
      meetingId: string,
      what: MeetingFact['what'],
      scheduledFor: string,
      extra: Partial<MeetingFact> = {},
    ) => facts.push({ meetingId, what, occurredOn: on, scheduledFor, quorate: null, reason: null, ...extra });
    if (event.type.startsWith('BoardMeeting') && typeof (event.data as { meetingId?: unknown }).meetingId !== 'string')
      continue;
    switch (event.type) {
      case 'GovernanceBoardEstablished':
      case 'BoardTermsChanged': {
        const { chair, maxDaysBetweenMeetings, quorum, rearrangeWithinDays } = event.data;
        if (event.type === 'GovernanceBoardEstablished' && board === null) {
          const { boardId, name, agreementIds } = event.data;
          board = { boardId, name, agreementIds, establishedOn: on };
        }
        terms.push({ effectiveOn: on, chair, maxDaysBetweenMeetings, quorum, rearrangeWithinDays });
        break;
      }
      case 'BoardAccountabilitySet':
        break;
      case 'BoardOversightChanged':
        agreementIds = event.data.agreementIds;
        break;
      case 'BoardMeetingScheduled':
        fact(event.data.meetingId, 'scheduled', event.data.scheduledFor);
        break;
      case 'BoardMeetingHeld':
        fact(event.data.meetingId, 'held', event.data.scheduledFor, { quorate: event.data.quorate });
        break;
      case 'BoardMeetingCancelled':
        fact(event.data.meetingId, 'cancelled', event.data.scheduledFor, { reason: event.data.reason });
        break;
      case 'BoardMeetingRearranged':
        fact(event.data.meetingId, 'rearranged', event.data.newDate);
        break;
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  }
  if (board === null) return null;
  return { board: agreementIds === null ? board : { ...board, agreementIds }, terms, facts };
}

/**
 * A board's compliance for a year as the record stood at `knownAt` (transaction time), from its stream: only the
 * events recorded by then, judged by the same assessment as the read model (valid time `asOf` works as it does
 * there). Null when no establishment had been recorded by then.
 */
export function boardComplianceFrom(
  stream: readonly StoredEvent[],
  { financialYear, asOf, knownAt }: { financialYear: string; asOf: string; knownAt: string },
): BoardComplianceReplayed | null {
  const recordedUntil = Date.parse(endOf(knownAt));
  const events = stream.filter((e) => isBoardEvent(e) && Date.parse(e.recordedAt) <= recordedUntil);
  const rows = boardHistoryRowsFrom(events);
  if (rows === null) return null;
  const compliance = assessBoardCompliance(rows.board, rows.terms, rows.facts, { financialYear, asOf });
  return {
    ...compliance,
    replay: { asOf, knownAt, eventsConsidered: events.length, lastRecordedAt: events.at(-1)?.recordedAt ?? null },
  };
}

/** `boardComplianceFrom` the board's stream, read through the event-store port (one stream is small). */
export async function boardComplianceKnownAt(
  store: Pick<EventStore, 'readStream'>,
  boardId: string,
  options: { financialYear: string; asOf: string; knownAt: string },
): Promise<BoardComplianceReplayed | null> {
  return boardComplianceFrom(await store.readStream(boardStreamId(boardId)), options);
}
