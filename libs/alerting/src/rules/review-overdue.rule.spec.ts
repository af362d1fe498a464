import { describe, expect, test } from '@jest/globals';
import { reviewOverdue } from './review-overdue.rule.js';
import { agreementOf, cameIntoForce, drafted, on, reviewed, terminated } from './rule-fixtures.js';

const dueOn31March = agreementOf(drafted('2016-03-31'), cameIntoForce());

describe('review-overdue', () => {
  test.each([
    ['the day before it is due', '2016-03-30', false],
    ['the day it is due', '2016-03-31', false],
    ['the day after', '2016-04-01', true],
  ])('an agreement in force, %s: alert %s', (_when, today, alert) => {
    expect(reviewOverdue({ agreement: dueOn31March, boards: [] }, on(today)).length).toBe(alert ? 1 : 0);
  });

  test('is amber, about the agreement', () => {
    expect(reviewOverdue({ agreement: dueOn31March, boards: [] }, on('2016-05-01'))).toEqual([
      {
        alertId: 'review-overdue--hampshire-tvp-bilateral',
        rule: 'review-overdue',
        severity: 'amber',
        subject: { boardId: null, meetingId: null, agreementId: 'hampshire-tvp-bilateral', party: null },
        reason:
          '"Hampshire and Thames Valley bilateral collaboration" was due for review on 2016-03-31, and no review has been recorded since.',
        breachedOn: '2016-04-01',
      },
    ]);
  });

  test.each([
    ['a review, late, with a next due date ahead', [reviewed('2016-04-20', '2017-03-31')], '2016-05-01', false],
    ['a review with a next due date that has passed', [reviewed('2016-03-01', '2016-04-15')], '2016-05-01', true],
    ['a review with no further review due', [reviewed('2016-04-20', null)], '2017-05-01', false],
  ])('after %s: alert %s', (_what, events, today, alert) => {
    const agreement = agreementOf(drafted('2016-03-31'), cameIntoForce(), ...events);
    expect(reviewOverdue({ agreement, boards: [] }, on(today)).length).toBe(alert ? 1 : 0);
  });

  test.each([
    ['a draft', agreementOf(drafted('2016-03-31'))],
    ['a terminated agreement', agreementOf(drafted('2016-03-31'), cameIntoForce(), terminated('2016-02-01'))],
    ['an agreement without a review date', agreementOf(drafted(null), cameIntoForce())],
  ])('does not apply to %s', (_what, agreement) => {
    expect(reviewOverdue({ agreement, boards: [] }, on('2016-05-01'))).toEqual([]);
  });
});
