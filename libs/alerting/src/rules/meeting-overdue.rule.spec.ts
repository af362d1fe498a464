import { describe, expect, test } from '@jest/globals';
import { meetingOverdue } from './meeting-overdue.rule.js';
import { boardOf, established, facts, held, on, scheduled } from './rule-fixtures.js';

describe('meeting-overdue', () => {
  // Established 1 April 2015 with a quarterly rhythm: at most 92 days between meetings.
  test.each([
    ['92 days after establishment', '2015-07-02', false],
    ['93 days after establishment', '2015-07-03', true],
  ])('a board that has never met, %s: alert %s', (_when, today, alert) => {
    const conditions = meetingOverdue(facts(boardOf(established())), on(today));
    expect(conditions.length).toBe(alert ? 1 : 0);
  });

  test.each([
    ['92 days after the last meeting', '2015-09-10', false],
    ['93 days after the last meeting', '2015-09-11', true],
  ])('counts from the last meeting held, %s: alert %s', (_when, today, alert) => {
    const board = boardOf(established(), scheduled('2015-q1', '2015-06-10'), held('2015-q1', '2015-06-10'));
    expect(meetingOverdue(facts(board), on(today)).length).toBe(alert ? 1 : 0);
  });

  test('is red, about the board, and says since when', () => {
    const board = boardOf(established(), scheduled('2015-q1', '2015-06-10'), held('2015-q1', '2015-06-10'));
    expect(meetingOverdue(facts(board), on('2016-01-01'))).toEqual([
      {
        alertId: 'meeting-overdue--hampshire-tvp',
        rule: 'meeting-overdue',
        severity: 'red',
        subject: { boardId: 'hampshire-tvp', meetingId: null, agreementId: null, party: null },
        reason:
          'The Hampshire/TVP Bilateral Collaboration Governance Board has held no meeting since its last meeting on 2015-06-10: its terms of reference allow at most 92 days between meetings.',
        breachedOn: '2015-09-11',
      },
    ]);
  });

  test('no longer says the board has never met once a meeting is recorded (issue 15)', () => {
    // Overdue since establishment, then a meeting held on 2015-08-01 is recorded late: overdue again from it.
    const board = boardOf(established(), scheduled('2015-q1', '2015-08-01'), held('2015-q1', '2015-08-01'));
    const [overdue, ...rest] = meetingOverdue(facts(board), on('2016-01-01'));
    expect(rest).toEqual([]);
    expect(overdue?.reason).toContain('since its last meeting on 2015-08-01');
    expect(overdue?.reason).not.toContain('never met');
  });

  test('an inquorate meeting still counts as a meeting held', () => {
    const board = boardOf(
      established(),
      scheduled('2015-q1', '2015-06-10'),
      held('2015-q1', '2015-06-10', '2015-06-10', false),
    );
    expect(meetingOverdue(facts(board), on('2015-09-01'))).toEqual([]);
  });

  test('a scheduled or cancelled meeting does not stop the clock', () => {
    const board = boardOf(established(), scheduled('2015-q1', '2015-06-10'));
    expect(meetingOverdue(facts(board), on('2015-07-03'))).toHaveLength(1);
  });

  test('follows a changed maximum gap', () => {
    expect(meetingOverdue(facts(boardOf(established({ maxDaysBetweenMeetings: 183 }))), on('2015-07-03'))).toEqual([]);
  });
});
