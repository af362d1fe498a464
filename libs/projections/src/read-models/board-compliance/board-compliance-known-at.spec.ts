import { describe, expect, test } from '@jest/globals';
import type { StoredEvent } from '#event-store';
import { boardComplianceFrom, boardHistoryRowsFrom } from './board-compliance-known-at.js';

let revision = 0;
/** A board event as the store hands it back: happened on `occurredAt`, recorded at `recordedAt`. */
const recorded = (type: string, data: object, occurredAt: string, recordedAt: string): StoredEvent => ({
  eventId: `e${revision}`,
  type,
  streamId: 'board-b',
  revision,
  position: String(++revision) as StoredEvent['position'],
  schemaVersion: 1,
  occurredAt: `${occurredAt}T09:00:00.000Z`,
  recordedAt,
  actor: 'test',
  correlationId: 'c',
  causationId: null,
  data: { boardId: 'b', ...data },
});

const APRIL = '2016-04-10T09:00:00.000Z';
const MAY = '2016-05-20T09:00:00.000Z';
const terms = { chair: 'Chair', maxDaysBetweenMeetings: 400, quorum: 2, rearrangeWithinDays: 28 };
const stream = (): StoredEvent[] => {
  revision = 0;
  return [
    recorded('GovernanceBoardEstablished', { name: 'Board', agreementIds: ['a'], ...terms }, '2015-04-01', APRIL),
    recorded('BoardMeetingScheduled', { meetingId: 'q3', scheduledFor: '2015-12-15' }, '2015-04-01', APRIL),
    recorded('BoardMeetingScheduled', { meetingId: 'q4', scheduledFor: '2016-03-15' }, '2015-04-01', APRIL),
    recorded(
      'BoardMeetingHeld',
      { meetingId: 'q4', heldOn: '2016-03-15', scheduledFor: '2016-03-15', attendees: [], quorate: true, quorum: 2 },
      '2016-03-15',
      APRIL,
    ),
    // Recorded late: the December meeting had been cancelled.
    recorded(
      'BoardMeetingCancelled',
      { meetingId: 'q3', reason: 'Chair unavailable', scheduledFor: '2015-12-15' },
      '2015-12-10',
      MAY,
    ),
  ];
};
const year = { financialYear: '2015-16', asOf: '2016-05-31' };

describe('board compliance known at a time', () => {
  test('given a late cancellation, when judged as known before it was recorded, then the old RAG and counts', () => {
    const answer = boardComplianceFrom(stream(), { ...year, knownAt: '2016-04-30' });
    expect(answer).toMatchObject({
      status: 'amber',
      counts: { scheduled: 2, held: 1, cancelled: 0 },
      replay: { asOf: '2016-05-31', knownAt: '2016-04-30', eventsConsidered: 4, lastRecordedAt: APRIL },
    });
  });

  test('given a late cancellation, when judged as known after it, then it counts in the past where it happened', () => {
    const answer = boardComplianceFrom(stream(), { ...year, knownAt: MAY });
    expect(answer).toMatchObject({
      status: 'red',
      counts: { scheduled: 2, held: 1, cancelled: 1, cancelledNotRearranged: 1 },
      replay: { eventsConsidered: 5, lastRecordedAt: MAY },
    });
  });

  test('a date as knownAt means the end of that day; an instant before the first event knows no board', () => {
    expect(boardComplianceFrom(stream(), { ...year, knownAt: '2016-05-20' })?.status).toBe('red');
    expect(boardComplianceFrom(stream(), { ...year, knownAt: '2016-04-10T08:59:59Z' })).toBeNull();
    expect(boardComplianceFrom(stream(), { ...year, knownAt: '2016-04-09' })).toBeNull();
  });

  test('the rows folded are those the read model keeps: board, terms per change, one fact per meeting event', () => {
    const events = stream();
    events.push(recorded('BoardTermsChanged', { changed: ['quorum'], ...terms, quorum: 3 }, '2016-06-01', MAY));
    // A meeting event naming no meeting changes nothing, as in the projection.
    events.push(recorded('BoardMeetingHeld', { heldOn: '2016-06-02', quorate: true }, '2016-06-02', MAY));
    expect(boardHistoryRowsFrom(events)).toEqual({
      board: { boardId: 'b', name: 'Board', agreementIds: ['a'], establishedOn: '2015-04-01' },
      terms: [
        { effectiveOn: '2015-04-01', ...terms },
        { effectiveOn: '2016-06-01', ...terms, quorum: 3 },
      ],
      facts: [
        {
          meetingId: 'q3',
          what: 'scheduled',
          occurredOn: '2015-04-01',
          scheduledFor: '2015-12-15',
          quorate: null,
          reason: null,
        },
        {
          meetingId: 'q4',
          what: 'scheduled',
          occurredOn: '2015-04-01',
          scheduledFor: '2016-03-15',
          quorate: null,
          reason: null,
        },
        {
          meetingId: 'q4',
          what: 'held',
          occurredOn: '2016-03-15',
          scheduledFor: '2016-03-15',
          quorate: true,
          reason: null,
        },
        {
          meetingId: 'q3',
          what: 'cancelled',
          occurredOn: '2015-12-10',
          scheduledFor: '2015-12-15',
          quorate: null,
          reason: 'Chair unavailable',
        },
      ],
    });
  });
});
