import { describe, expect, test } from '@jest/globals';
import { noMeetingScheduled } from './no-meeting-scheduled.rule.js';
import {
  agreementOf,
  boardOf,
  cameIntoForce,
  drafted,
  established,
  facts,
  held,
  IN_FORCE,
  on,
  scheduled,
  terminated,
} from './rule-fixtures.js';

describe('no-meeting-scheduled', () => {
  test.each([
    ['the day before the meeting', '2015-06-09', false],
    ['the day of the meeting (it may yet be held)', '2015-06-10', false],
    ['the day after it, with nothing else in the diary', '2015-06-11', true],
  ])('a board of an agreement in force, %s: alert %s', (_when, today, alert) => {
    const board = boardOf(established(), scheduled('2015-q1', '2015-06-10'));
    expect(noMeetingScheduled(facts(board, IN_FORCE()), on(today)).length).toBe(alert ? 1 : 0);
  });

  test('a board that has just met and not yet set its next meeting is flagged, amber', () => {
    const board = boardOf(established(), scheduled('2015-q1', '2015-06-10'), held('2015-q1', '2015-06-10'));
    expect(noMeetingScheduled(facts(board, IN_FORCE()), on('2015-06-10'))).toEqual([
      {
        alertId: 'no-meeting-scheduled--hampshire-tvp',
        rule: 'no-meeting-scheduled',
        severity: 'amber',
        subject: { boardId: 'hampshire-tvp', meetingId: null, agreementId: null, party: null },
        reason:
          'The Hampshire/TVP Bilateral Collaboration Governance Board oversees "Hampshire and Thames Valley bilateral collaboration", in force, but has no meeting in its diary.',
        breachedOn: null,
      },
    ]);
  });

  test.each([
    ['still a draft', agreementOf(drafted())],
    ['terminated', agreementOf(drafted(), cameIntoForce(), terminated('2015-05-01'))],
  ])('does not apply while the agreement is %s', (_status, agreement) => {
    expect(noMeetingScheduled(facts(boardOf(established()), agreement), on('2015-06-01'))).toEqual([]);
  });
});
