import { describe, expect, test } from '@jest/globals';
import { withdrawalOutcomeMissing } from './withdrawal-outcome-missing.rule.js';
import { agreementOf, cameIntoForce, drafted, noticeGiven, on, terminated, withdrew } from './rule-fixtures.js';

// Hampshire gives notice on 1 January 2016 to leave on 31 March 2016 (issue 15: silent until now).
const notice = [drafted(), cameIntoForce(), noticeGiven('hampshire', '2016-01-01', '2016-03-31')];

describe('withdrawal-outcome-missing', () => {
  test.each([
    ['on the day it takes effect', '2016-03-31', false],
    ['7 days after it took effect (within grace)', '2016-04-07', false],
    ['8 days after it took effect', '2016-04-08', true],
    ['a year after it took effect', '2017-03-31', true],
  ])('given a withdrawal notice, when checked %s, then alert %s', (_when, today, alert) => {
    expect(withdrawalOutcomeMissing({ agreement: agreementOf(...notice), boards: [] }, on(today)).length).toBe(
      alert ? 1 : 0,
    );
  });

  test('is amber, about the agreement and the party, dated the first day past grace', () => {
    expect(withdrawalOutcomeMissing({ agreement: agreementOf(...notice), boards: [] }, on('2016-04-20'))).toEqual([
      {
        alertId: 'withdrawal-outcome-missing--hampshire-tvp-bilateral--hampshire',
        rule: 'withdrawal-outcome-missing',
        severity: 'amber',
        subject: { boardId: null, meetingId: null, agreementId: 'hampshire-tvp-bilateral', party: 'hampshire' },
        reason:
          'Hampshire and Isle of Wight Constabulary gave notice on 2016-01-01 to withdraw from "Hampshire and Thames Valley bilateral collaboration" on 2016-03-31; more than 7 days later the withdrawal is not recorded.',
        breachedOn: '2016-04-08',
      },
    ]);
  });

  test('given the withdrawal recorded, then no alert', () => {
    const agreement = agreementOf(...notice, withdrew('hampshire', '2016-03-31'));
    expect(withdrawalOutcomeMissing({ agreement, boards: [] }, on('2016-05-01'))).toEqual([]);
  });

  test('given the agreement terminated, then no alert', () => {
    const agreement = agreementOf(...notice, terminated('2016-03-20'));
    expect(withdrawalOutcomeMissing({ agreement, boards: [] }, on('2016-05-01'))).toEqual([]);
  });

  test('given no notice, then no alert', () => {
    expect(
      withdrawalOutcomeMissing({ agreement: agreementOf(drafted(), cameIntoForce()), boards: [] }, on('2017-01-01')),
    ).toEqual([]);
  });
});
