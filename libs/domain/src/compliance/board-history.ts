import type { BoardState, BoardTermsRecord } from '../board/board.state.js';

/** One fact about a meeting, in the order it was recorded. `scheduledFor` is the meeting's date after it. */
export interface MeetingFact {
  meetingId: string;
  what: 'scheduled' | 'held' | 'cancelled' | 'rearranged';
  /** The day it happened; for `scheduled`, the day it was recorded (the server's clock). */
  occurredOn: string;
  scheduledFor: string;
  quorate: boolean | null;
  reason: string | null;
}

/** What the compliance rules judge a board by: its history as data, whether folded from events or read from a read model. */
export interface BoardHistory {
  boardId: string;
  name: string;
  establishedOn: string;
  terms: readonly BoardTermsRecord[];
  facts: readonly MeetingFact[];
}

/** The history of an established board, from its folded state. */
export const boardHistoryOf = (board: BoardState): BoardHistory => ({
  boardId: board.boardId,
  name: board.name,
  establishedOn: board.establishedOn ?? '',
  terms: board.termsHistory,
  facts: [...board.meetings.values()].flatMap((meeting) =>
    meeting.history.map((entry): MeetingFact => ({
      meetingId: meeting.meetingId,
      what: entry.what,
      occurredOn: entry.on,
      scheduledFor: entry.scheduledFor,
      quorate: entry.what === 'held' ? meeting.quorate : null,
      reason: null,
    })),
  ),
});
