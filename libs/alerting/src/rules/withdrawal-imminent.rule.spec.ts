import { describe, expect, test } from '@jest/globals';
import { withdrawalImminent } from './withdrawal-imminent.rule.js';
import { agreementOf, cameIntoForce, drafted, noticeGiven, on, terminated, withdrew } from './rule-fixtures.js';

// Hampshire gives notice on 1 January 2016 to leave on 31 March 2016.
const notice = [drafted(), cameIntoForce(), noticeGiven('hampshire', '2016-01-01', '2016-03-31')];

describe('withdrawal-imminent', () => {
  test.each([
    ['31 days before it takes effect', '2016-02-29', false],
    ['30 days before', '2016-03-01', true],
    ['on the day it takes effect', '2016-03-31', true],
    ['after it took effect, not yet recorded', '2016-04-10', true],
  ])('a withdrawal notice, %s: alert %s', (_when, today, alert) => {
    expect(withdrawalImminent({ agreement: agreementOf(...notice), boards: [] }, on(today)).length).toBe(alert ? 1 : 0);
  });

  test('is info, about the agreement and the party', () => {
    expect(withdrawalImminent({ agreement: agreementOf(...notice), boards: [] }, on('2016-03-15'))).toEqual([
      {
        alertId: 'withdrawal-imminent--hampshire-tvp-bilateral--hampshire',
        rule: 'withdrawal-imminent',
        severity: 'info',
        subject: { boardId: null, meetingId: null, agreementId: 'hampshire-tvp-bilateral', party: 'hampshire' },
        reason:
          'Hampshire and Isle of Wight Constabulary gave notice on 2016-01-01 to withdraw from "Hampshire and Thames Valley bilateral collaboration"; the withdrawal takes effect on 2016-03-31.',
        breachedOn: '2016-03-01',
      },
    ]);
  });

  test('clears once the withdrawal is recorded', () => {
    expect(
      withdrawalImminent(
        { agreement: agreementOf(...notice, withdrew('hampshire', '2016-03-31')), boards: [] },
        on('2016-04-01'),
      ),
    ).toEqual([]);
  });

  test('clears when the agreement terminates', () => {
    expect(
      withdrawalImminent({ agreement: agreementOf(...notice, terminated('2016-03-20')), boards: [] }, on('2016-03-21')),
    ).toEqual([]);
  });

  test('does not apply to an agreement without notices', () => {
    expect(
      withdrawalImminent({ agreement: agreementOf(drafted(), cameIntoForce()), boards: [] }, on('2016-03-15')),
    ).toEqual([]);
  });
});
