import { describe, expect, test } from '@jest/globals';
import { fold } from '../kernel/decider.js';
import { NotFoundError, RuleBrokenError, ValidationError } from '../kernel/errors.js';
import { given } from '../kernel/testing.js';
import { alertIdFor } from './alert-id.js';
import type { AcknowledgeAlert, RaiseAlert, ResolveAlert } from './alert.commands.js';
import { alertDecider } from './alert.decider.js';
import type { AlertAcknowledged, AlertEvent, AlertRaised, AlertResolved } from './alert.events.js';

// seeds/003: "a number of formal Hampshire/TVP Bi-lateral Collaboration Governance Board meetings
// were cancelled and not rearranged during 2015/16".
const RULE = 'meeting-cancelled-not-rearranged' as const;
const SUBJECT = { boardId: 'hampshire-tvp', meetingId: '2015-q3' };
const ALERT_ID = 'meeting-cancelled-not-rearranged--hampshire-tvp--2015-q3';
const STORED_SUBJECT = { boardId: 'hampshire-tvp', meetingId: '2015-q3', agreementId: null, party: null };
const REASON = 'The meeting of 2015-09-10 was cancelled on 2015-09-01 and not rearranged within 28 days.';
const DETECTED = '2015-09-30T06:00:00.000Z';

const raise = (data: Partial<RaiseAlert['data']> = {}, now = DETECTED): RaiseAlert => ({
  type: 'RaiseAlert',
  data: {
    alertId: ALERT_ID,
    rule: RULE,
    severity: 'red',
    subject: SUBJECT,
    reason: REASON,
    detectedAt: now,
    breachedOn: '2015-09-30',
    ...data,
  },
  metadata: { now },
});
const raised = (occurrence = 1, at = DETECTED): AlertRaised => ({
  type: 'AlertRaised',
  occurredAt: at,
  data: {
    alertId: ALERT_ID,
    rule: RULE,
    severity: 'red',
    subject: STORED_SUBJECT,
    reason: REASON,
    breachedOn: '2015-09-30',
    occurrence,
  },
});
const acknowledge = (
  data: Partial<AcknowledgeAlert['data']> = {},
  now = '2015-10-02T09:00:00.000Z',
): AcknowledgeAlert => ({
  type: 'AcknowledgeAlert',
  data: { alertId: ALERT_ID, acknowledgedBy: 'officer:jane.smith', note: 'Chief of staff asked to rearrange', ...data },
  metadata: { now },
});
const acknowledged = (at = '2015-10-02T09:00:00.000Z'): AlertAcknowledged => ({
  type: 'AlertAcknowledged',
  occurredAt: at,
  data: {
    alertId: ALERT_ID,
    rule: RULE,
    acknowledgedBy: 'officer:jane.smith',
    note: 'Chief of staff asked to rearrange',
  },
});
const resolve = (now = '2015-10-05T06:00:00.000Z'): ResolveAlert => ({
  type: 'ResolveAlert',
  data: { alertId: ALERT_ID, reason: 'The meeting was rearranged for 2015-10-20.' },
  metadata: { now },
});
const resolved = (at = '2015-10-05T06:00:00.000Z'): AlertResolved => ({
  type: 'AlertResolved',
  occurredAt: at,
  data: { alertId: ALERT_ID, rule: RULE, reason: 'The meeting was rearranged for 2015-10-20.' },
});

describe('alertIdFor', () => {
  test('is the rule and its subject, so the same breach always has the same id', () => {
    expect(alertIdFor(RULE, SUBJECT)).toBe(ALERT_ID);
    expect(alertIdFor(RULE, { meetingId: '2015-q3', boardId: 'hampshire-tvp', party: null })).toBe(ALERT_ID);
    expect(alertIdFor('review-overdue', { agreementId: 'hampshire-tvp-bilateral' })).toBe(
      'review-overdue--hampshire-tvp-bilateral',
    );
    expect(alertIdFor('withdrawal-imminent', { agreementId: 'se-rocu', party: 'kent' })).toBe(
      'withdrawal-imminent--se-rocu--kent',
    );
  });

  test('tells apart different subjects and different rules', () => {
    expect(alertIdFor(RULE, { ...SUBJECT, meetingId: '2015-q4' })).not.toBe(ALERT_ID);
    expect(alertIdFor('meeting-outcome-missing', SUBJECT)).not.toBe(ALERT_ID);
  });

  test('keeps ids of long subjects within 100 characters, still distinct', () => {
    const long = (n: string) => alertIdFor(RULE, { boardId: 'b'.repeat(90), meetingId: `meeting-${n}` });
    expect(long('1').length).toBeLessThanOrEqual(100);
    expect(long('1')).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
    expect(long('1')).not.toBe(long('2'));
    expect(long('1')).toBe(long('1'));
  });
});

describe('RaiseAlert', () => {
  test('raises an alert, dated when it was detected', () => {
    const state = given(alertDecider).when(raise()).then([raised()]);
    expect(state).toMatchObject({ status: 'open', occurrence: 1, raisedAt: DETECTED });
  });

  test('records nothing when the alert is already open (re-evaluation never raises it twice)', () => {
    given(alertDecider, [raised()])
      .when(raise({ reason: 'Still not rearranged.' }, '2015-10-01T06:00:00.000Z'))
      .then([]);
  });

  test('records a new occurrence when the breach it tracks ended and another began (its reason is the new one)', () => {
    // issue 15: a board overdue since establishment ("it has never met") records a backdated meeting, and
    // is overdue again counting from it; the open alert must stop saying it has never met.
    const later = '2015-11-02T06:00:00.000Z';
    const reason = 'No meeting since its last meeting on 2015-08-01.';
    given(alertDecider, [raised()])
      .when(raise({ reason, breachedOn: '2015-11-02' }, later))
      .then([
        {
          type: 'AlertResolved',
          occurredAt: later,
          data: {
            alertId: ALERT_ID,
            rule: RULE,
            reason: 'The breach that began on 2015-09-30 has ended; another began on 2015-11-02.',
          },
        },
        { ...raised(2, later), data: { ...raised(2, later).data, reason, breachedOn: '2015-11-02' } },
      ]);
  });

  test('records nothing when the alert is acknowledged but its condition still holds', () => {
    given(alertDecider, [raised(), acknowledged()]).when(raise({}, '2015-10-03T06:00:00.000Z')).then([]);
  });

  test('raises the alert again after it resolved: a new occurrence under the same id', () => {
    const state = given(alertDecider, [raised(), acknowledged(), resolved()])
      .when(raise({}, '2015-11-20T06:00:00.000Z'))
      .then([raised(2, '2015-11-20T06:00:00.000Z')]);
    expect(state).toMatchObject({ status: 'open', occurrence: 2, acknowledgedBy: null, note: null, resolvedAt: null });
  });

  test('rejects an id that is not the one of its rule and subject', () => {
    given(alertDecider)
      .when(raise({ alertId: 'some-other-id' }))
      .thenThrows(ValidationError, 'alert-id-mismatch');
  });

  test('rejects an unknown rule or severity', () => {
    given(alertDecider)
      .when(raise({ rule: 'meeting-too-long' as never }))
      .thenThrows(ValidationError, 'invalid-alert-rule');
    given(alertDecider)
      .when(raise({ severity: 'purple' as never }))
      .thenThrows(ValidationError, 'invalid-alert-severity');
  });

  test('rejects an alert about nothing', () => {
    given(alertDecider)
      .when(raise({ alertId: RULE, subject: {} }))
      .thenThrows(ValidationError, 'alert-subject-required');
  });

  test('rejects an alert without a reason', () => {
    given(alertDecider)
      .when(raise({ reason: ' ' }))
      .thenThrows(ValidationError, 'reason-required');
  });

  test('rejects a detection time later than the clock', () => {
    given(alertDecider)
      .when(raise({ detectedAt: '2015-10-01T00:00:00.000Z' }))
      .thenThrows(ValidationError, 'occurred-in-future');
  });
});

describe('AcknowledgeAlert', () => {
  test('records who acknowledged an open alert and their note', () => {
    const state = given(alertDecider, [raised()]).when(acknowledge()).then([acknowledged()]);
    expect(state).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'officer:jane.smith',
      note: 'Chief of staff asked to rearrange',
    });
  });

  test('accepts an acknowledgement without a note', () => {
    given(alertDecider, [raised()])
      .when(acknowledge({ note: '  ' }))
      .then([{ ...acknowledged(), data: { ...acknowledged().data, note: null } }]);
  });

  test('rejects acknowledging an alert twice', () => {
    given(alertDecider, [raised(), acknowledged()])
      .when(acknowledge())
      .thenThrows(RuleBrokenError, 'alert-already-acknowledged');
  });

  test('rejects acknowledging a resolved alert', () => {
    given(alertDecider, [raised(), resolved()])
      .when(acknowledge())
      .thenThrows(RuleBrokenError, 'alert-already-resolved');
  });

  test('rejects acknowledging an alert that was never raised', () => {
    given(alertDecider).when(acknowledge()).thenThrows(NotFoundError, 'alert-not-found');
  });

  test('rejects an acknowledgement that does not say who', () => {
    given(alertDecider, [raised()])
      .when(acknowledge({ acknowledgedBy: '' }))
      .thenThrows(ValidationError, 'acknowledged-by-required');
  });
});

describe('ResolveAlert', () => {
  test('resolves an open alert when its condition clears', () => {
    const state = given(alertDecider, [raised()]).when(resolve()).then([resolved()]);
    expect(state.status).toBe('resolved');
  });

  test('resolves an acknowledged alert', () => {
    given(alertDecider, [raised(), acknowledged()]).when(resolve()).then([resolved()]);
  });

  test('records nothing for an alert already resolved, or never raised', () => {
    given(alertDecider, [raised(), resolved()]).when(resolve('2015-10-06T06:00:00.000Z')).then([]);
    given(alertDecider).when(resolve()).then([]);
  });
});

test('the state remembers the whole life of the last occurrence', () => {
  const history: AlertEvent[] = [raised(), acknowledged(), resolved()];
  expect(fold(alertDecider, history)).toMatchObject({
    alertId: ALERT_ID,
    rule: RULE,
    severity: 'red',
    subject: STORED_SUBJECT,
    status: 'resolved',
    raisedAt: DETECTED,
    acknowledgedAt: '2015-10-02T09:00:00.000Z',
    resolvedAt: '2015-10-05T06:00:00.000Z',
  });
});
