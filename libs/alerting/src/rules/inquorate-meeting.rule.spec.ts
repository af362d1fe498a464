import { describe, expect, test } from '@jest/globals';
import { inquorateMeeting } from './inquorate-meeting.rule.js';
import { boardOf, established, facts, held, on, scheduled } from './rule-fixtures.js';

describe('inquorate-meeting', () => {
  test.each([
    ['quorate', true, 0],
    ['inquorate', false, 1],
  ])('a meeting held %s: %s alert(s)', (_what, quorate, alerts) => {
    const board = boardOf(
      established(),
      scheduled('2015-q1', '2015-06-10'),
      held('2015-q1', '2015-06-10', '2015-06-10', quorate),
    );
    expect(inquorateMeeting(facts(board), on('2015-06-10'))).toHaveLength(alerts);
  });

  test('is amber, about the meeting, from the day it was held', () => {
    const board = boardOf(
      established(),
      scheduled('2015-q1', '2015-06-10'),
      held('2015-q1', '2015-06-12', '2015-06-10', false),
    );
    expect(inquorateMeeting(facts(board), on('2016-01-01'))).toEqual([
      expect.objectContaining({
        alertId: 'inquorate-meeting--hampshire-tvp--2015-q1',
        severity: 'amber',
        breachedOn: '2015-06-12',
      }),
    ]);
  });

  test('clears when the board next holds a quorate meeting on a later day', () => {
    const board = boardOf(
      established(),
      scheduled('2015-q1', '2015-06-10'),
      held('2015-q1', '2015-06-10', '2015-06-10', false),
      scheduled('2015-q2', '2015-07-10'),
      held('2015-q2', '2015-07-10'),
    );
    expect(inquorateMeeting(facts(board), on('2015-07-09'))).toHaveLength(1);
    expect(inquorateMeeting(facts(board), on('2015-07-10'))).toEqual([]);
  });
});
