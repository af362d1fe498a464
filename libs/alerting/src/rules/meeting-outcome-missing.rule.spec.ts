import { describe, expect, test } from '@jest/globals';
import { meetingOutcomeMissing } from './meeting-outcome-missing.rule.js';
import { boardOf, cancelled, established, facts, held, on, rearranged, scheduled } from './rule-fixtures.js';

const q1 = [established(), scheduled('2015-q1', '2015-06-10')];

describe('meeting-outcome-missing', () => {
  test.each([
    ['on the day of the meeting', '2015-06-10', false],
    ['7 days after it', '2015-06-17', false],
    ['8 days after it', '2015-06-18', true],
  ])('a meeting neither held nor cancelled, %s: alert %s', (_when, today, alert) => {
    expect(meetingOutcomeMissing(facts(boardOf(...q1)), on(today)).length).toBe(alert ? 1 : 0);
  });

  test('is amber, about the meeting', () => {
    expect(meetingOutcomeMissing(facts(boardOf(...q1)), on('2015-06-18'))).toEqual([
      expect.objectContaining({
        alertId: 'meeting-outcome-missing--hampshire-tvp--2015-q1',
        severity: 'amber',
        subject: { boardId: 'hampshire-tvp', meetingId: '2015-q1', agreementId: null, party: null },
        breachedOn: '2015-06-18',
      }),
    ]);
  });

  test.each([
    ['held', held('2015-q1', '2015-06-10')],
    ['cancelled', cancelled('2015-q1', '2015-06-01', '2015-06-10')],
  ])('clears once the meeting is recorded as %s, even late', (_what, outcome) => {
    expect(meetingOutcomeMissing(facts(boardOf(...q1, outcome)), on('2015-07-01'))).toEqual([]);
  });

  test('counts from the new date of a rearranged meeting', () => {
    const board = boardOf(...q1, rearranged('2015-q1', '2015-06-01', '2015-06-10', '2015-06-24', false));
    expect(meetingOutcomeMissing(facts(board), on('2015-07-01'))).toEqual([]);
    expect(meetingOutcomeMissing(facts(board), on('2015-07-02'))).toHaveLength(1);
  });
});
