import { boardStreamId, isBoardEvent } from '#domain';
import type { EventStore, StoredEvent } from '#event-store';
import {
  assessBoardCompliance,
  type BoardCompliance,
  type BoardRecord,
  type BoardTermsRecord,
  type MeetingFact,
} from './assess-board-compliance.js';
import { endOf } from '../shared.js';
import { emptyBoardRowsChange, evolveBoardRows, meetingFactOf, termsRecordOf } from './board-compliance.projection.js';

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
 * A board's stream, in the order recorded, as the board-compliance read model stores it: the rows come from the
 * projection's own `evolveBoardRows`, so a replay and the read model cannot disagree about what a board event
 * means. Null when the events hold no establishment.
 */
export function boardHistoryRowsFrom(events: readonly StoredEvent[]): BoardHistoryRows | null {
  const rows = emptyBoardRowsChange();
  for (const event of events) if (isBoardEvent(event)) evolveBoardRows(rows, event);
  const [board] = rows.boards.values();
  if (!board) return null;
  return {
    board: {
      boardId: board.board_id,
      name: board.name,
      agreementIds: board.agreement_ids,
      establishedOn: board.established_on,
    },
    terms: rows.terms.map(termsRecordOf),
    facts: rows.facts.map(meetingFactOf),
  };
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
