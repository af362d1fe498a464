import { describe, expect, test } from '@jest/globals';
import { meetingCancelledNotRearranged } from './meeting-cancelled-not-rearranged.rule.js';
import {
  agreementOf,
  boardOf,
  BOARD_ID,
  cameIntoForce,
  cancelled,
  drafted,
  established,
  facts,
  on,
  rearranged,
  scheduled,
  terminated,
} from './rule-fixtures.js';

// Q3 set for 10 September 2015, cancelled on 1 September; 28 days to rearrange it run to 29 September.
const cancelledQ3 = [
  established(),
  scheduled('2015-q3', '2015-09-10'),
  cancelled('2015-q3', '2015-09-01', '2015-09-10'),
];

describe('meeting-cancelled-not-rearranged', () => {
  test.each([
    ['on the day of the cancellation', '2015-09-01', false],
    ['on the 28th day after it (still in time)', '2015-09-29', false],
    ['on the 29th day after it', '2015-09-30', true],
    ['months later', '2016-03-31', true],
  ])('a meeting cancelled and not rearranged, %s: alert %s', (_when, today, alert) => {
    const conditions = meetingCancelledNotRearranged(facts(boardOf(...cancelledQ3)), on(today));
    expect(conditions.length).toBe(alert ? 1 : 0);
  });

  test('is red, about the board and meeting, with a stable id and the day the breach began', () => {
    const [condition] = meetingCancelledNotRearranged(facts(boardOf(...cancelledQ3)), on('2015-10-15'));
    expect(condition).toEqual({
      alertId: 'meeting-cancelled-not-rearranged--hampshire-tvp--2015-q3',
      rule: 'meeting-cancelled-not-rearranged',
      severity: 'red',
      subject: { boardId: BOARD_ID, meetingId: '2015-q3', agreementId: null, party: null },
      reason:
        'The Hampshire/TVP Bilateral Collaboration Governance Board meeting "2015-q3" set for 2015-09-10 was cancelled on 2015-09-01 and not rearranged within 28 days (by 2015-09-29).',
      breachedOn: '2015-09-30',
    });
  });

  test.each([
    ['14 days, on the 14th day', 14, '2015-09-15', false],
    ['14 days, on the 15th day', 14, '2015-09-16', true],
  ])('follows the board’s own rearrangement period: %s', (_case, rearrangeWithinDays, today, alert) => {
    const board = boardOf(established({ rearrangeWithinDays }), ...cancelledQ3.slice(1));
    expect(meetingCancelledNotRearranged(facts(board), on(today)).length).toBe(alert ? 1 : 0);
  });

  test('clears once the meeting is rearranged, even late', () => {
    const board = boardOf(...cancelledQ3, rearranged('2015-q3', '2015-10-20', '2015-09-10', '2015-11-05'));
    expect(meetingCancelledNotRearranged(facts(board), on('2015-10-21'))).toEqual([]);
  });

  test('flags each cancelled meeting on its own', () => {
    const board = boardOf(
      ...cancelledQ3,
      scheduled('2015-q4', '2015-12-10'),
      cancelled('2015-q4', '2015-12-01', '2015-12-10'),
      scheduled('2016-q1', '2016-03-10'),
    );
    expect(meetingCancelledNotRearranged(facts(board), on('2016-01-15')).map((c) => c.subject.meetingId)).toEqual([
      '2015-q3',
      '2015-q4',
    ]);
  });

  test('flags a rearranged meeting cancelled again, from the second cancellation', () => {
    const board = boardOf(
      ...cancelledQ3,
      rearranged('2015-q3', '2015-09-05', '2015-09-10', '2015-10-01'),
      cancelled('2015-q3', '2015-09-25', '2015-10-01'),
    );
    expect(meetingCancelledNotRearranged(facts(board), on('2015-10-23'))).toEqual([]);
    expect(meetingCancelledNotRearranged(facts(board), on('2015-10-24'))).toHaveLength(1);
  });

  test('clears when every agreement the board oversees has terminated', () => {
    const ended = agreementOf(drafted(), cameIntoForce(), terminated('2016-02-01'));
    expect(meetingCancelledNotRearranged(facts(boardOf(...cancelledQ3), ended), on('2016-03-01'))).toEqual([]);
  });
});
