import { describe, expect, test } from '@jest/globals';
import { AlreadyExistsError, NotFoundError, RuleBrokenError, ValidationError } from '../kernel/errors.js';
import { given, INHERITED_NAMES } from '../kernel/testing.js';
import type {
  Attendee,
  CancelMeeting,
  ChangeBoardTerms,
  EstablishBoard,
  HoldMeeting,
  RearrangeMeeting,
  ScheduleMeeting,
} from './board.commands.js';
import { boardDecider } from './board.decider.js';
import type { BoardEvent, BoardMeetingHeld, BoardTermsChanged, GovernanceBoardEstablished } from './board.events.js';

const NOW = '2016-06-01T09:30:00.000Z';
const at = (date: string): string => `${date}T00:00:00.000Z`;
const meta = { now: NOW };

// The board behind seeds/003: "a number of formal Hampshire/TVP Bi-lateral Collaboration Governance
// Board meetings were cancelled and not rearranged during 2015/16".
const BOARD_ID = 'hampshire-tvp-board';
const BOARD_NAME = 'Hampshire/TVP Bilateral Collaboration Governance Board';

const establish = (data: Partial<EstablishBoard['data']> = {}): EstablishBoard => ({
  type: 'EstablishBoard',
  data: {
    boardId: BOARD_ID,
    name: BOARD_NAME,
    agreements: [{ agreementId: 'hampshire-tvp-bilateral', exists: true }],
    chair: 'Thames Valley Police and Crime Commissioner',
    maxDaysBetweenMeetings: 92,
    quorum: 2,
    occurredAt: at('2014-04-01'),
    ...data,
  },
  metadata: meta,
});

const established: GovernanceBoardEstablished = {
  type: 'GovernanceBoardEstablished',
  occurredAt: at('2014-04-01'),
  data: {
    boardId: BOARD_ID,
    name: BOARD_NAME,
    agreementIds: ['hampshire-tvp-bilateral'],
    chair: 'Thames Valley Police and Crime Commissioner',
    maxDaysBetweenMeetings: 92,
    quorum: 2,
    rearrangeWithinDays: 28,
  },
};

const changeTerms = (
  data: Omit<ChangeBoardTerms['data'], 'boardId' | 'occurredAt'>,
  on = '2015-04-01',
): ChangeBoardTerms => ({
  type: 'ChangeBoardTerms',
  data: { boardId: BOARD_ID, occurredAt: at(on), ...data },
  metadata: meta,
});

const schedule = (meetingId: string, scheduledFor: string, now = NOW): ScheduleMeeting => ({
  type: 'ScheduleMeeting',
  data: { boardId: BOARD_ID, meetingId, scheduledFor },
  metadata: { now },
});

const scheduled = (meetingId: string, scheduledFor: string, recordedAt = at('2015-03-01')): BoardEvent => ({
  type: 'BoardMeetingScheduled',
  occurredAt: recordedAt,
  data: { boardId: BOARD_ID, meetingId, scheduledFor },
});

const hampshire = (name: string): Attendee => ({ name, body: 'hampshire' });
const tvp = (name: string): Attendee => ({ name, body: 'thames-valley' });
const BOTH_FORCES = [hampshire('Chief Constable, Hampshire'), tvp('Chief Constable, Thames Valley')];

const hold = (meetingId: string, on: string, attendees: Attendee[] = BOTH_FORCES): HoldMeeting => ({
  type: 'HoldMeeting',
  data: { boardId: BOARD_ID, meetingId, occurredAt: at(on), attendees },
  metadata: meta,
});

const held = (
  meetingId: string,
  on: string,
  scheduledFor: string,
  attendees: Attendee[] = BOTH_FORCES,
  quorate = true,
  quorum = 2,
): BoardMeetingHeld => ({
  type: 'BoardMeetingHeld',
  occurredAt: at(on),
  data: { boardId: BOARD_ID, meetingId, heldOn: on, scheduledFor, attendees, quorate, quorum, quorumByRole: {} },
});

const cancel = (meetingId: string, on: string, reason = 'Chief officers unavailable'): CancelMeeting => ({
  type: 'CancelMeeting',
  data: { boardId: BOARD_ID, meetingId, reason, occurredAt: at(on) },
  metadata: meta,
});

const cancelled = (
  meetingId: string,
  on: string,
  scheduledFor: string,
  reason = 'Chief officers unavailable',
): BoardEvent => ({
  type: 'BoardMeetingCancelled',
  occurredAt: at(on),
  data: { boardId: BOARD_ID, meetingId, reason, scheduledFor },
});

const rearrange = (meetingId: string, on: string, newDate: string): RearrangeMeeting => ({
  type: 'RearrangeMeeting',
  data: { boardId: BOARD_ID, meetingId, newDate, occurredAt: at(on) },
  metadata: meta,
});

const rearranged = (
  meetingId: string,
  on: string,
  previousDate: string,
  newDate: string,
  wasCancelled: boolean,
): BoardEvent => ({
  type: 'BoardMeetingRearranged',
  occurredAt: at(on),
  data: { boardId: BOARD_ID, meetingId, previousDate, newDate, wasCancelled },
});

const withQ1 = [established, scheduled('2015-q1', '2015-06-10')];

describe('EstablishBoard', () => {
  test('establishes a board with its terms of reference, rearranging within 28 days by default', () => {
    const state = given(boardDecider).when(establish()).then([established]);
    expect(state.terms.rearrangeWithinDays).toBe(28);
  });

  test('establishes a board with its own rearrangement period', () => {
    given(boardDecider)
      .when(establish({ rearrangeWithinDays: 14 }))
      .then([{ ...established, data: { ...established.data, rearrangeWithinDays: 14 } }]);
  });

  test('rejects establishing the same board twice', () => {
    given(boardDecider, [established]).when(establish()).thenThrows(AlreadyExistsError, 'board-already-exists');
  });

  test('rejects a board that oversees no agreement', () => {
    given(boardDecider)
      .when(establish({ agreements: [] }))
      .thenThrows(ValidationError, 'agreements-required');
  });

  test('rejects an agreement that does not exist, naming it', () => {
    const error = given(boardDecider)
      .when(
        establish({
          agreements: [
            { agreementId: 'hampshire-tvp-bilateral', exists: true },
            { agreementId: 'se-rocu', exists: false },
          ],
        }),
      )
      .thenThrows(NotFoundError, 'agreement-not-found');
    expect(error.message).toContain('"se-rocu"');
  });

  test('rejects an agreement listed twice', () => {
    const agreement = { agreementId: 'hampshire-tvp-bilateral', exists: true };
    given(boardDecider)
      .when(establish({ agreements: [agreement, agreement] }))
      .thenThrows(ValidationError, 'duplicate-agreement');
  });

  test('rejects a maximum gap between meetings outside 1 to 731 days', () => {
    for (const maxDaysBetweenMeetings of [0, 732, 91.5]) {
      given(boardDecider)
        .when(establish({ maxDaysBetweenMeetings }))
        .thenThrows(ValidationError, 'invalid-max-days-between-meetings');
    }
  });

  test('rejects a quorum below one body', () => {
    given(boardDecider)
      .when(establish({ quorum: 0 }))
      .thenThrows(ValidationError, 'invalid-quorum');
  });

  test('rejects a rearrangement period that is not a whole number of days', () => {
    given(boardDecider)
      .when(establish({ rearrangeWithinDays: 0 }))
      .thenThrows(ValidationError, 'invalid-rearrange-within-days');
  });

  test('rejects a board without a name, a chair or a usable id', () => {
    given(boardDecider)
      .when(establish({ name: '' }))
      .thenThrows(ValidationError, 'name-required');
    given(boardDecider)
      .when(establish({ chair: ' ' }))
      .thenThrows(ValidationError, 'chair-required');
    given(boardDecider)
      .when(establish({ boardId: 'hampshire/tvp' }))
      .thenThrows(ValidationError, 'invalid-board-id');
  });

  test('rejects an establishment date in the future', () => {
    given(boardDecider)
      .when(establish({ occurredAt: at('2016-06-02') }))
      .thenThrows(ValidationError, 'occurred-in-future');
  });
});

describe('ChangeBoardTerms', () => {
  test('records the terms after the change and which of them changed', () => {
    const state = given(boardDecider, [established])
      .when(changeTerms({ maxDaysBetweenMeetings: 61, quorum: 2, chair: 'Hampshire PCC' }))
      .then([
        {
          type: 'BoardTermsChanged',
          occurredAt: at('2015-04-01'),
          data: {
            boardId: BOARD_ID,
            changed: ['chair', 'maxDaysBetweenMeetings'],
            chair: 'Hampshire PCC',
            maxDaysBetweenMeetings: 61,
            quorum: 2,
            rearrangeWithinDays: 28,
          },
        },
      ]);
    expect(state.terms.maxDaysBetweenMeetings).toBe(61);
  });

  test('rejects a change that changes nothing', () => {
    given(boardDecider, [established]).when(changeTerms({})).thenThrows(ValidationError, 'no-change');
    given(boardDecider, [established])
      .when(changeTerms({ quorum: 2 }))
      .thenThrows(ValidationError, 'no-change');
  });

  test('rejects invalid new terms', () => {
    given(boardDecider, [established])
      .when(changeTerms({ quorum: -1 }))
      .thenThrows(ValidationError, 'invalid-quorum');
    given(boardDecider, [established])
      .when(changeTerms({ maxDaysBetweenMeetings: 1000 }))
      .thenThrows(ValidationError, 'invalid-max-days-between-meetings');
  });

  test('rejects a change dated before the board was established', () => {
    given(boardDecider, [established])
      .when(changeTerms({ quorum: 1 }, '2014-03-01'))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('rejects a change dated in the future', () => {
    given(boardDecider, [established])
      .when(changeTerms({ quorum: 1 }, '2016-07-01'))
      .thenThrows(ValidationError, 'occurred-in-future');
  });

  test('rejects changing the terms of a board that does not exist', () => {
    given(boardDecider)
      .when(changeTerms({ quorum: 1 }))
      .thenThrows(NotFoundError, 'board-not-found');
  });
});

describe('ScheduleMeeting', () => {
  test('schedules a meeting, dated when it was recorded', () => {
    given(boardDecider, [established])
      .when(schedule('2015-q1', '2015-06-10', at('2015-03-01')))
      .then([scheduled('2015-q1', '2015-06-10', at('2015-03-01'))]);
  });

  test('accepts a meeting recorded after its date (a late entry)', () => {
    given(boardDecider, [established])
      .when(schedule('2015-q1', '2015-06-10'))
      .then([scheduled('2015-q1', '2015-06-10', NOW)]);
  });

  test('rejects a meeting id used before on this board', () => {
    given(boardDecider, withQ1)
      .when(schedule('2015-q1', '2015-09-10'))
      .thenThrows(AlreadyExistsError, 'meeting-already-scheduled');
  });

  test('rejects a date that is not a real date', () => {
    given(boardDecider, [established])
      .when(schedule('2015-q1', '2015-06-31'))
      .thenThrows(ValidationError, 'invalid-scheduled-for');
  });

  test('rejects a meeting id unfit for a URL', () => {
    given(boardDecider, [established])
      .when(schedule('Q1 2015', '2015-06-10'))
      .thenThrows(ValidationError, 'invalid-meeting-id');
  });

  test('rejects scheduling for a board that does not exist', () => {
    given(boardDecider).when(schedule('2015-q1', '2015-06-10')).thenThrows(NotFoundError, 'board-not-found');
  });
});

describe('HoldMeeting', () => {
  test('records a quorate meeting: both forces attended', () => {
    const state = given(boardDecider, withQ1)
      .when(hold('2015-q1', '2015-06-10'))
      .then([held('2015-q1', '2015-06-10', '2015-06-10')]);
    expect(state.meetings.get('2015-q1')!.status).toBe('held');
  });

  test('records an inquorate meeting: quorum counts distinct bodies, not people', () => {
    const onlyTvp = [tvp('Chief Constable, Thames Valley'), tvp('Deputy Chief Constable, Thames Valley')];
    given(boardDecider, withQ1)
      .when(hold('2015-q1', '2015-06-10', onlyTvp))
      .then([held('2015-q1', '2015-06-10', '2015-06-10', onlyTvp, false)]);
  });

  test('records a meeting held on a different day from the one scheduled, logged late', () => {
    given(boardDecider, withQ1)
      .when(hold('2015-q1', '2015-06-17'))
      .then([held('2015-q1', '2015-06-17', '2015-06-10')]);
  });

  test('judges quorum against the terms in force when the meeting is recorded', () => {
    const { chair, maxDaysBetweenMeetings, rearrangeWithinDays } = established.data;
    const quorumOfOne: BoardTermsChanged = {
      type: 'BoardTermsChanged',
      occurredAt: at('2015-04-01'),
      data: { boardId: BOARD_ID, changed: ['quorum'], chair, maxDaysBetweenMeetings, quorum: 1, rearrangeWithinDays },
    };
    given(boardDecider, [...withQ1, quorumOfOne])
      .when(hold('2015-q1', '2015-06-10', [tvp('Chief Constable, Thames Valley')]))
      .then([held('2015-q1', '2015-06-10', '2015-06-10', [tvp('Chief Constable, Thames Valley')], true, 1)]);
  });

  test('rejects a meeting that was never scheduled', () => {
    given(boardDecider, withQ1).when(hold('2015-q2', '2015-09-10')).thenThrows(NotFoundError, 'meeting-not-found');
  });

  test('rejects recording a meeting as held twice', () => {
    given(boardDecider, [...withQ1, held('2015-q1', '2015-06-10', '2015-06-10')])
      .when(hold('2015-q1', '2015-06-11'))
      .thenThrows(RuleBrokenError, 'meeting-already-held');
  });

  test('rejects holding a cancelled meeting until it is rearranged', () => {
    const error = given(boardDecider, [...withQ1, cancelled('2015-q1', '2015-06-01', '2015-06-10')])
      .when(hold('2015-q1', '2015-06-10'))
      .thenThrows(RuleBrokenError, 'meeting-cancelled');
    expect(error.message).toContain('cancelled on 2015-06-01');
  });

  test('holds a cancelled meeting once rearranged', () => {
    given(boardDecider, [
      ...withQ1,
      cancelled('2015-q1', '2015-06-01', '2015-06-10'),
      rearranged('2015-q1', '2015-06-05', '2015-06-10', '2015-06-24', true),
    ])
      .when(hold('2015-q1', '2015-06-24'))
      .then([held('2015-q1', '2015-06-24', '2015-06-24')]);
  });

  test('rejects a meeting without attendees', () => {
    given(boardDecider, withQ1)
      .when(hold('2015-q1', '2015-06-10', []))
      .thenThrows(ValidationError, 'attendees-required');
  });

  test('rejects an attendee without a name or a body id', () => {
    given(boardDecider, withQ1)
      .when(hold('2015-q1', '2015-06-10', [{ name: '', body: 'hampshire' }]))
      .thenThrows(ValidationError, 'invalid-attendee');
    given(boardDecider, withQ1)
      .when(hold('2015-q1', '2015-06-10', [{ name: 'Chief Constable', body: 'Thames Valley Police' }]))
      .thenThrows(ValidationError, 'invalid-attendee');
  });

  test('rejects the same attendee listed twice', () => {
    given(boardDecider, withQ1)
      .when(hold('2015-q1', '2015-06-10', [tvp('Chief Constable'), tvp('Chief Constable')]))
      .thenThrows(ValidationError, 'duplicate-attendee');
  });

  test('rejects a meeting dated in the future', () => {
    given(boardDecider, [established, scheduled('2016-q2', '2016-06-10')])
      .when(hold('2016-q2', '2016-06-10'))
      .thenThrows(ValidationError, 'occurred-in-future');
  });

  test('rejects a meeting of a board that does not exist', () => {
    given(boardDecider).when(hold('2015-q1', '2015-06-10')).thenThrows(NotFoundError, 'board-not-found');
  });
});

describe('CancelMeeting', () => {
  test('records a cancellation with its reason and the date it was scheduled for', () => {
    const state = given(boardDecider, withQ1)
      .when(cancel('2015-q1', '2015-06-01'))
      .then([cancelled('2015-q1', '2015-06-01', '2015-06-10')]);
    expect(state.meetings.get('2015-q1')).toMatchObject({ status: 'cancelled', cancelledOn: '2015-06-01' });
  });

  test('rejects cancelling a meeting already held', () => {
    given(boardDecider, [...withQ1, held('2015-q1', '2015-06-10', '2015-06-10')])
      .when(cancel('2015-q1', '2015-06-11'))
      .thenThrows(RuleBrokenError, 'meeting-already-held');
  });

  test('rejects cancelling a meeting twice', () => {
    given(boardDecider, [...withQ1, cancelled('2015-q1', '2015-06-01', '2015-06-10')])
      .when(cancel('2015-q1', '2015-06-02'))
      .thenThrows(RuleBrokenError, 'meeting-already-cancelled');
  });

  test('rejects a cancellation without a reason', () => {
    given(boardDecider, withQ1)
      .when(cancel('2015-q1', '2015-06-01', ''))
      .thenThrows(ValidationError, 'reason-required');
  });

  test('rejects a meeting that was never scheduled', () => {
    given(boardDecider, withQ1).when(cancel('2015-q2', '2015-06-01')).thenThrows(NotFoundError, 'meeting-not-found');
  });

  test('rejects a cancellation dated in the future', () => {
    given(boardDecider, withQ1).when(cancel('2015-q1', '2016-06-02')).thenThrows(ValidationError, 'occurred-in-future');
  });

  test('rejects cancelling a meeting of a board that does not exist', () => {
    given(boardDecider).when(cancel('2015-q1', '2015-06-01')).thenThrows(NotFoundError, 'board-not-found');
  });
});

describe('RearrangeMeeting', () => {
  test('moves a scheduled meeting to a new date', () => {
    const state = given(boardDecider, withQ1)
      .when(rearrange('2015-q1', '2015-06-01', '2015-06-17'))
      .then([rearranged('2015-q1', '2015-06-01', '2015-06-10', '2015-06-17', false)]);
    expect(state.meetings.get('2015-q1')).toMatchObject({ status: 'scheduled', scheduledFor: '2015-06-17' });
  });

  test('puts a cancelled meeting back in the diary under the same id', () => {
    const state = given(boardDecider, [...withQ1, cancelled('2015-q1', '2015-06-01', '2015-06-10')])
      .when(rearrange('2015-q1', '2015-06-05', '2015-06-24'))
      .then([rearranged('2015-q1', '2015-06-05', '2015-06-10', '2015-06-24', true)]);
    expect(state.meetings.get('2015-q1')!.status).toBe('scheduled');
    expect(state.meetings.get('2015-q1')!.history.map((entry) => entry.what)).toEqual([
      'scheduled',
      'cancelled',
      'rearranged',
    ]);
  });

  test('rejects rearranging a meeting already held', () => {
    given(boardDecider, [...withQ1, held('2015-q1', '2015-06-10', '2015-06-10')])
      .when(rearrange('2015-q1', '2015-06-11', '2015-06-24'))
      .thenThrows(RuleBrokenError, 'meeting-already-held');
  });

  test('rejects a new date earlier than the day it was rearranged', () => {
    given(boardDecider, withQ1)
      .when(rearrange('2015-q1', '2015-06-01', '2015-05-28'))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('rejects a rearrangement dated before the cancellation it answers', () => {
    given(boardDecider, [...withQ1, cancelled('2015-q1', '2015-06-01', '2015-06-10')])
      .when(rearrange('2015-q1', '2015-05-20', '2015-06-24'))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('rejects moving a scheduled meeting to the date it already has', () => {
    given(boardDecider, withQ1)
      .when(rearrange('2015-q1', '2015-06-01', '2015-06-10'))
      .thenThrows(ValidationError, 'date-unchanged');
  });

  test('rejects a new date that is not a real date', () => {
    given(boardDecider, withQ1)
      .when(rearrange('2015-q1', '2015-06-01', '2015-06-31'))
      .thenThrows(ValidationError, 'invalid-new-date');
  });

  test('rejects a meeting that was never scheduled', () => {
    given(boardDecider, withQ1)
      .when(rearrange('2015-q2', '2015-06-01', '2015-06-17'))
      .thenThrows(NotFoundError, 'meeting-not-found');
  });

  test('rejects a rearrangement dated in the future', () => {
    given(boardDecider, withQ1)
      .when(rearrange('2015-q1', '2016-06-02', '2016-06-17'))
      .thenThrows(ValidationError, 'occurred-in-future');
  });

  test('rejects rearranging a meeting of a board that does not exist', () => {
    given(boardDecider)
      .when(rearrange('2015-q1', '2015-06-01', '2015-06-17'))
      .thenThrows(NotFoundError, 'board-not-found');
  });
});

describe('meetings before the board was established', () => {
  // A board established with no occurredAt is established on the day it was recorded; one recorded today
  // then accepted meetings held in 2015, and its 2015-16 compliance had no longest gap.
  const establishedToday: GovernanceBoardEstablished = { ...established, occurredAt: NOW };

  test('rejects scheduling a meeting dated before the establishment, saying how to record the real date', () => {
    const error = given(boardDecider, [establishedToday])
      .when(schedule('2015-q1', '2015-06-10'))
      .thenThrows(ValidationError, 'meeting-before-establishment');
    expect(error.field).toBe('scheduledFor');
    expect(error.message).toContain('established on 2016-06-01');
    expect(error.message).toContain('occurredAt on POST /boards');
  });

  test('accepts a meeting on the day of establishment', () => {
    given(boardDecider, [establishedToday])
      .when(schedule('2016-q1', '2016-06-01'))
      .then([scheduled('2016-q1', '2016-06-01', NOW)]);
  });

  // The remaining commands meet meetings that old logs hold: scheduled before the rule existed.
  const oldLog = [establishedToday, scheduled('2015-q1', '2015-06-10')];

  test('rejects holding a meeting on a day before the establishment', () => {
    const error = given(boardDecider, oldLog)
      .when(hold('2015-q1', '2015-06-10'))
      .thenThrows(ValidationError, 'meeting-before-establishment');
    expect(error.field).toBe('occurredAt');
  });

  test('rejects a cancellation dated before the establishment', () => {
    given(boardDecider, oldLog)
      .when(cancel('2015-q1', '2015-06-01'))
      .thenThrows(ValidationError, 'meeting-before-establishment');
  });

  test('rejects rearranging a meeting to a date before the establishment', () => {
    const error = given(boardDecider, [established, scheduled('2015-q1', '2015-06-10')])
      .when(rearrange('2015-q1', '2014-03-01', '2014-03-20'))
      .thenThrows(ValidationError, 'meeting-before-establishment');
    expect(error.field).toBe('newDate');
  });

  test('still folds a log that holds such meetings, and moves them to a date after establishment', () => {
    const state = given(boardDecider, [...oldLog, held('2015-q1', '2015-06-10', '2015-06-10')])
      .when(schedule('2016-q2', '2016-09-01'))
      .then([scheduled('2016-q2', '2016-09-01', NOW)]);
    expect(state.meetings.get('2015-q1')!.status).toBe('held');
    given(boardDecider, oldLog)
      .when(rearrange('2015-q1', '2016-06-01', '2016-07-01'))
      .then([
        {
          type: 'BoardMeetingRearranged',
          occurredAt: at('2016-06-01'),
          data: {
            boardId: BOARD_ID,
            meetingId: '2015-q1',
            previousDate: '2015-06-10',
            newDate: '2016-07-01',
            wasCancelled: false,
          },
        },
      ]);
  });
});

describe('meeting ids named after what every object inherits', () => {
  test.each(INHERITED_NAMES)(
    'rejects holding, cancelling or rearranging "%s", never scheduled, as not found',
    (name) => {
      given(boardDecider, withQ1).when(hold(name, '2015-06-10')).thenThrows(NotFoundError, 'meeting-not-found');
      given(boardDecider, withQ1).when(cancel(name, '2015-06-01')).thenThrows(NotFoundError, 'meeting-not-found');
      given(boardDecider, withQ1)
        .when(rearrange(name, '2015-06-01', '2015-06-17'))
        .thenThrows(NotFoundError, 'meeting-not-found');
    },
  );

  test('schedules a meeting called "constructor" and holds it under that id', () => {
    const state = given(boardDecider, [established])
      .when(schedule('constructor', '2015-06-10', at('2015-03-01')))
      .then([scheduled('constructor', '2015-06-10')]);
    expect([...state.meetings.keys()]).toEqual(['constructor']);
    given(boardDecider, [established, scheduled('constructor', '2015-06-10')])
      .when(hold('constructor', '2015-06-10'))
      .then([held('constructor', '2015-06-10', '2015-06-10')]);
  });

  test('rejects scheduling "__proto__": it is not an id', () => {
    given(boardDecider, [established])
      .when(schedule('__proto__', '2015-06-10'))
      .thenThrows(ValidationError, 'invalid-meeting-id');
  });
});
