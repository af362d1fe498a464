import { describe, expect, test } from '@jest/globals';
import type { BoardTermsRecord } from '../board/board.state.js';
import {
  cancelledNotRearranged,
  inquorateMeeting,
  isOpenOn,
  meetingOutcomeMissing,
  meetingOverdue,
  OUTCOME_GRACE_DAYS,
} from './board-breaches.js';
import type { BoardHistory, MeetingFact } from './board-history.js';

const terms = (effectiveOn: string, change: Partial<BoardTermsRecord> = {}): BoardTermsRecord => ({
  effectiveOn,
  chair: 'Chair',
  maxDaysBetweenMeetings: 92,
  quorum: 2,
  rearrangeWithinDays: 28,
  ...change,
});
const fact = (
  meetingId: string,
  what: MeetingFact['what'],
  occurredOn: string,
  scheduledFor: string,
  quorate: boolean | null = null,
): MeetingFact => ({ meetingId, what, occurredOn, scheduledFor, quorate, reason: null });
const board = (facts: MeetingFact[], history: BoardTermsRecord[] = [terms('2015-04-01')]): BoardHistory => ({
  boardId: 'b',
  name: 'Board',
  establishedOn: '2015-04-01',
  terms: history,
  facts,
});
const spans = (breaches: { began: string; ended: string | null }[]) => breaches.map((b) => [b.began, b.ended]);

describe('board compliance breaches', () => {
  test('a cancellation not rearranged in time is breached from the day after the deadline until the rearrangement', () => {
    const history = board([
      fact('x', 'scheduled', '2015-04-01', '2015-06-01'),
      fact('x', 'cancelled', '2015-05-20', '2015-06-01'),
      fact('x', 'rearranged', '2015-07-01', '2015-07-20'),
    ]);
    expect(cancelledNotRearranged(history, '2015-06-17')).toEqual([]);
    expect(spans(cancelledNotRearranged(history, '2015-06-18'))).toEqual([['2015-06-18', null]]);
    expect(spans(cancelledNotRearranged(history, '2016-01-01'))).toEqual([['2015-06-18', '2015-07-01']]);
  });

  test('a cancellation rearranged on the last day allowed is no breach; the days allowed are those in force when it was cancelled', () => {
    const history = board(
      [
        fact('x', 'scheduled', '2015-04-01', '2015-06-01'),
        fact('x', 'cancelled', '2015-05-20', '2015-06-01'),
        fact('x', 'rearranged', '2015-06-17', '2015-07-20'),
      ],
      [terms('2015-04-01'), terms('2015-06-01', { rearrangeWithinDays: 7 })],
    );
    expect(cancelledNotRearranged(history, '2016-01-01')).toEqual([]);
  });

  test('a gap longer than the allowance is breached from the day after it until a meeting is held, counted from establishment', () => {
    const history = board([
      fact('m', 'scheduled', '2015-04-01', '2015-08-01'),
      fact('m', 'held', '2015-08-01', '2015-08-01', true),
    ]);
    expect(meetingOverdue(history, '2015-07-02')).toEqual([]);
    const [breach] = meetingOverdue(history, '2016-01-01');
    expect(breach).toMatchObject({
      began: '2015-07-03',
      ended: '2015-08-01',
      since: '2015-04-01',
      sinceEstablishment: true,
    });
    expect(spans(meetingOverdue(history, '2016-01-01'))).toEqual([
      ['2015-07-03', '2015-08-01'],
      ['2015-11-02', null],
    ]);
  });

  test('each day of a gap is judged by the terms recorded before it: looser terms end a breach, tighter ones begin one, from the next day', () => {
    const history = board(
      [],
      [
        terms('2015-04-01'),
        terms('2015-07-10', { maxDaysBetweenMeetings: 183 }),
        terms('2015-09-01', { maxDaysBetweenMeetings: 60 }),
      ],
    );
    expect(spans(meetingOverdue(history, '2015-12-31'))).toEqual([
      ['2015-07-03', '2015-07-11'],
      ['2015-09-02', null],
    ]);
  });

  test(`an outcome missing ${OUTCOME_GRACE_DAYS} days after the date is in grace; from the 8th it is breached until recorded`, () => {
    const history = board([
      fact('m', 'scheduled', '2015-04-01', '2015-06-01'),
      fact('m', 'held', '2015-06-20', '2015-06-01', true),
    ]);
    expect(meetingOutcomeMissing(history, '2015-06-08')).toEqual([]);
    expect(spans(meetingOutcomeMissing(history, '2015-06-09'))).toEqual([['2015-06-09', null]]);
    expect(spans(meetingOutcomeMissing(history, '2015-07-01'))).toEqual([['2015-06-09', '2015-06-20']]);
  });

  test('an inquorate meeting is breached from its day until the board next holds a quorate meeting', () => {
    const history = board([
      fact('a', 'scheduled', '2015-04-01', '2015-05-01'),
      fact('a', 'held', '2015-05-01', '2015-05-01', false),
      fact('b', 'scheduled', '2015-04-01', '2015-06-01'),
      fact('b', 'held', '2015-06-01', '2015-06-01', true),
    ]);
    const [breach] = inquorateMeeting(history, '2015-12-31');
    expect(breach).toMatchObject({
      began: '2015-05-01',
      ended: '2015-06-01',
      quorum: 2,
      subject: { boardId: 'b', meetingId: 'a' },
    });
    expect(isOpenOn(breach!, '2015-05-31')).toBe(true);
    expect(isOpenOn(breach!, '2015-06-01')).toBe(false);
  });
});
