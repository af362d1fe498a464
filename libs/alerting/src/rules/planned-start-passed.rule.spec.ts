import { describe, expect, test } from '@jest/globals';
import { resolutionReason } from '../resolution-reason.js';
import { plannedStartPassed } from './planned-start-passed.rule.js';
import {
  AGREEMENT_ID,
  agreementOf,
  cameIntoForce,
  drafted,
  on,
  startPlanned,
  startReplanned,
  terminated,
} from './rule-fixtures.js';

// Seed 002: "aimed to start on 1st April but may be Sept" (issue 15, item 4).
const planned = [drafted(), startPlanned('2015-04-01')];

describe('planned-start-passed', () => {
  test.each([
    ['the day before the planned start', '2015-03-31', false],
    ['on the planned start (still in time)', '2015-04-01', false],
    ['the day after the planned start', '2015-04-02', true],
    ['a year later', '2016-04-01', true],
  ])('given a draft planned to start on 2015-04-01, when checked %s, then alert %s', (_when, today, alert) => {
    expect(plannedStartPassed({ agreement: agreementOf(...planned), boards: [] }, on(today)).length).toBe(
      alert ? 1 : 0,
    );
  });

  test('is amber, about the agreement, dated the day after the planned start', () => {
    expect(plannedStartPassed({ agreement: agreementOf(...planned), boards: [] }, on('2015-04-20'))).toEqual([
      {
        alertId: `planned-start-passed--${AGREEMENT_ID}`,
        rule: 'planned-start-passed',
        severity: 'amber',
        subject: { boardId: null, meetingId: null, agreementId: AGREEMENT_ID, party: null },
        reason:
          '"Hampshire and Thames Valley bilateral collaboration" was planned to start on 2015-04-01 and has not come into force: record its commencement, or re-plan its start with the reason.',
        breachedOn: '2015-04-02',
      },
    ]);
  });

  test('given the start re-planned to a day ahead, then no alert until that day has passed', () => {
    const agreement = agreementOf(...planned, startReplanned('2015-09-01', '2015-04-01', '2015-03-20'));
    expect(plannedStartPassed({ agreement, boards: [] }, on('2015-04-20'))).toEqual([]);
    expect(plannedStartPassed({ agreement, boards: [] }, on('2015-09-02'))).toMatchObject([
      { breachedOn: '2015-09-02' },
    ]);
  });

  test('given the agreement commenced, then no alert, and the resolution says when', () => {
    const agreement = agreementOf(...planned, cameIntoForce('2015-04-10'));
    expect(plannedStartPassed({ agreement, boards: [] }, on('2015-04-20'))).toEqual([]);
    expect(
      resolutionReason(
        'planned-start-passed',
        { boardId: null, meetingId: null, agreementId: AGREEMENT_ID, party: null },
        { agreement },
        '2015-04-20',
      ),
    ).toBe('No longer detected on 2015-04-20: the agreement came into force on 2015-04-10.');
  });

  test('given the draft terminated (abandoned), then no alert', () => {
    const agreement = agreementOf(...planned, terminated('2015-03-20'));
    expect(plannedStartPassed({ agreement, boards: [] }, on('2015-04-20'))).toEqual([]);
  });

  test('given no planned start, then no alert', () => {
    expect(plannedStartPassed({ agreement: agreementOf(drafted()), boards: [] }, on('2016-01-01'))).toEqual([]);
  });
});
