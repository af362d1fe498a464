import { toCalendarDate } from '../kernel/dates.js';
import type { BoardAccountability } from './board.commands.js';
import type { BoardEvent, BoardTerms } from './board.events.js';

export type MeetingStatus = 'scheduled' | 'held' | 'cancelled';

export interface MeetingHistoryEntry {
  what: 'scheduled' | 'held' | 'cancelled' | 'rearranged';
  /** Calendar date the fact happened (for `scheduled`, the day it was recorded). */
  on: string;
  /** The meeting's date after this fact. */
  scheduledFor: string;
}

export interface Meeting {
  meetingId: string;
  status: MeetingStatus;
  scheduledFor: string;
  heldOn: string | null;
  quorate: boolean | null;
  cancelledOn: string | null;
  history: readonly MeetingHistoryEntry[];
}

/** Terms of reference as they stood from a day on (the day the establishment or change happened). */
export interface BoardTermsRecord extends BoardTerms {
  effectiveOn: string;
}

/** An agreement the board oversees (or oversaw) and from/until when. */
export interface OversightPeriod {
  agreementId: string;
  from: string;
  /** The day it was removed; null while the board still oversees it. */
  until: string | null;
}

/** The oversight periods after an agreement is added or removed on `on` (the domain and the read model share it). */
export const changeOversightPeriods = (
  periods: readonly OversightPeriod[],
  { agreementId, change }: { agreementId: string; change: 'added' | 'removed' },
  on: string,
): OversightPeriod[] =>
  change === 'added'
    ? [...periods, { agreementId, from: on, until: null }]
    : periods.map((period) =>
        period.agreementId === agreementId && period.until === null ? { ...period, until: on } : period,
      );

export interface BoardState {
  status: 'none' | 'established';
  boardId: string;
  name: string;
  /** The agreements it oversees now. */
  agreementIds: readonly string[];
  /** Every agreement it has overseen, with the dates (valid time). */
  oversight: readonly OversightPeriod[];
  /** Kind, members and quorum by role; null until recorded (boards established before they were recorded). */
  accountability: BoardAccountability | null;
  terms: BoardTerms;
  /** Every version of the terms, in the order recorded: the compliance rules judge each day by the terms then in force. */
  termsHistory: readonly BoardTermsRecord[];
  establishedOn: string | null;
  /** By meeting id. A Map, because the ids come from users: a plain object would find `constructor`. */
  meetings: ReadonlyMap<string, Meeting>;
}

export const initialBoardState = (): BoardState => ({
  status: 'none',
  boardId: '',
  name: '',
  agreementIds: [],
  oversight: [],
  accountability: null,
  terms: { chair: '', maxDaysBetweenMeetings: 0, quorum: 0, rearrangeWithinDays: 0 },
  termsHistory: [],
  establishedOn: null,
  meetings: new Map(),
});

const withMeeting = (state: BoardState, meetingId: string, change: (meeting: Meeting) => Meeting): BoardState => {
  const meeting = state.meetings.get(meetingId);
  return meeting ? { ...state, meetings: new Map(state.meetings).set(meetingId, change(meeting)) } : state;
};

const termsOf = ({ chair, maxDaysBetweenMeetings, quorum, rearrangeWithinDays }: BoardTerms): BoardTerms => ({
  chair,
  maxDaysBetweenMeetings,
  quorum,
  rearrangeWithinDays,
});

export const evolveBoard = (state: BoardState, event: BoardEvent): BoardState => {
  const on = toCalendarDate(event.occurredAt);
  switch (event.type) {
    case 'GovernanceBoardEstablished':
      return {
        ...state,
        status: 'established',
        boardId: event.data.boardId,
        name: event.data.name,
        agreementIds: event.data.agreementIds,
        oversight: event.data.agreementIds.map((agreementId) => ({ agreementId, from: on, until: null })),
        terms: termsOf(event.data),
        termsHistory: [{ effectiveOn: on, ...termsOf(event.data) }],
        establishedOn: on,
      };
    case 'BoardTermsChanged':
      return {
        ...state,
        terms: termsOf(event.data),
        termsHistory: [...state.termsHistory, { effectiveOn: on, ...termsOf(event.data) }],
      };
    case 'BoardAccountabilitySet': {
      const { kind, members, quorumByRole } = event.data;
      return { ...state, accountability: { kind, members, quorumByRole } };
    }
    case 'BoardOversightChanged': {
      return {
        ...state,
        agreementIds: event.data.agreementIds,
        oversight: changeOversightPeriods(state.oversight, event.data, on),
      };
    }
    case 'BoardMeetingScheduled': {
      const { meetingId, scheduledFor } = event.data;
      const meeting: Meeting = {
        meetingId,
        status: 'scheduled',
        scheduledFor,
        heldOn: null,
        quorate: null,
        cancelledOn: null,
        history: [{ what: 'scheduled', on, scheduledFor }],
      };
      return { ...state, meetings: new Map(state.meetings).set(meetingId, meeting) };
    }
    case 'BoardMeetingHeld':
      return withMeeting(state, event.data.meetingId, (meeting) => ({
        ...meeting,
        status: 'held',
        heldOn: event.data.heldOn,
        quorate: event.data.quorate,
        history: [...meeting.history, { what: 'held', on, scheduledFor: meeting.scheduledFor }],
      }));
    case 'BoardMeetingCancelled':
      return withMeeting(state, event.data.meetingId, (meeting) => ({
        ...meeting,
        status: 'cancelled',
        cancelledOn: on,
        history: [...meeting.history, { what: 'cancelled', on, scheduledFor: meeting.scheduledFor }],
      }));
    case 'BoardMeetingRearranged':
      return withMeeting(state, event.data.meetingId, (meeting) => ({
        ...meeting,
        status: 'scheduled',
        scheduledFor: event.data.newDate,
        history: [...meeting.history, { what: 'rearranged', on, scheduledFor: event.data.newDate }],
      }));
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
};
