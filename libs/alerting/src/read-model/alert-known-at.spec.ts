import { describe, expect, test } from '@jest/globals';
import type { StoredEvent } from '#event-store';
import { alertViewFrom } from './alert-known-at.js';

let revision = 0;
const recorded = (type: string, data: object, at: string): StoredEvent => ({
  eventId: `e${revision}`,
  type,
  streamId: 'alert-x',
  revision: revision++,
  position: String(revision) as StoredEvent['position'],
  schemaVersion: 1,
  occurredAt: at,
  recordedAt: at,
  actor: 'system',
  correlationId: 'c',
  causationId: null,
  data: { alertId: 'x', rule: 'meeting-outcome-missing', ...data },
});
const subject = { boardId: 'b', meetingId: 'q3', agreementId: null, party: null };
const raised = (occurrence: number, at: string) =>
  recorded(
    'AlertRaised',
    { severity: 'amber', subject, reason: `occurrence ${occurrence}`, breachedOn: '2015-12-23', occurrence },
    at,
  );

describe('an alert replayed from its events', () => {
  test('given no events, then no alert', () => {
    expect(alertViewFrom([])).toBeNull();
  });

  test('given raised then acknowledged then resolved, then resolved with both recorded', () => {
    revision = 0;
    const view = alertViewFrom([
      raised(1, '2016-04-10T09:00:00.000Z'),
      recorded('AlertAcknowledged', { acknowledgedBy: 'clerk', note: 'chasing' }, '2016-04-11T09:00:00.000Z'),
      recorded('AlertResolved', { reason: 'cancelled' }, '2016-05-20T09:00:00.000Z'),
    ]);
    expect(view).toEqual({
      alertId: 'x',
      rule: 'meeting-outcome-missing',
      severity: 'amber',
      status: 'resolved',
      subject,
      reason: 'occurrence 1',
      breachedOn: '2015-12-23',
      occurrence: 1,
      raisedAt: '2016-04-10T09:00:00.000Z',
      raisedRecordedAt: '2016-04-10T09:00:00.000Z',
      acknowledgement: { at: '2016-04-11T09:00:00.000Z', by: 'clerk', note: 'chasing' },
      resolution: { at: '2016-05-20T09:00:00.000Z', reason: 'cancelled' },
      lastPosition: '3',
    });
  });

  test('given a new occurrence after a resolution, then it is open again with nothing acknowledged or resolved', () => {
    revision = 0;
    const view = alertViewFrom([
      raised(1, '2016-04-10T09:00:00.000Z'),
      recorded('AlertAcknowledged', { acknowledgedBy: 'clerk', note: null }, '2016-04-11T09:00:00.000Z'),
      recorded('AlertResolved', { reason: 'held' }, '2016-04-12T09:00:00.000Z'),
      raised(2, '2016-05-01T09:00:00.000Z'),
    ]);
    expect(view).toMatchObject({ status: 'open', occurrence: 2, acknowledgement: null, resolution: null });
  });
});
