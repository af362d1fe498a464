import { describe, expect, test } from '@jest/globals';
import { backoffDelay, type Position, type StoredEvent } from '#event-store';
import { decodeEnvelope, DEFAULT_TOPICS, MalformedMessageError, toMessages } from '#messaging';

const envelope = (type: string, streamId = 'board-1'): StoredEvent => ({
  eventId: '5f0c6a64-8a5e-4c5e-9f59-1f7f3f0a0001',
  type,
  streamId,
  revision: 3,
  position: '42' as Position,
  schemaVersion: 2,
  occurredAt: '2016-03-03T00:00:00.000Z',
  recordedAt: '2016-03-10T09:00:00.000Z',
  actor: 'officer@hampshire',
  correlationId: 'corr-1',
  causationId: null,
  data: { meetingId: 'm-1' },
});

describe('messages of a stored event', () => {
  test('every event goes to the events topic keyed by its stream, with the envelope as value', () => {
    const event = envelope('BoardMeetingCancelled');
    const messages = toMessages(event, DEFAULT_TOPICS);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toEqual({
      topic: 'governance.events',
      key: 'board-1',
      value: JSON.stringify(event),
      headers: { eventId: event.eventId, type: 'BoardMeetingCancelled', schemaVersion: '2', correlationId: 'corr-1' },
    });
  });

  test('the causation id travels in a header when the event has one', () => {
    const event = { ...envelope('AlertRaised', 'alert-a1'), causationId: 'cause-1' };
    for (const message of toMessages(event, DEFAULT_TOPICS)) {
      expect(message.headers).toMatchObject({
        eventId: event.eventId,
        correlationId: 'corr-1',
        causationId: 'cause-1',
      });
    }
  });

  test.each(['AlertRaised', 'AlertAcknowledged', 'AlertResolved'])('%s also goes to the alerts topic', (type) => {
    const messages = toMessages(envelope(type, 'alert-a1'), { events: 'e', alerts: 'a' });
    expect(messages.map((m) => [m.topic, m.key])).toEqual([
      ['e', 'alert-a1'],
      ['a', 'alert-a1'],
    ]);
  });

  test('a message value decodes back to the same envelope', () => {
    const event = envelope('AlertRaised');
    expect(decodeEnvelope('t', toMessages(event, DEFAULT_TOPICS)[0]!.value)).toEqual(event);
  });

  test.each([
    ['no value', null],
    ['not JSON', '{'],
    ['no eventId', JSON.stringify({ type: 'AlertRaised', streamId: 's' })],
  ])('rejects a message with %s as malformed', (_why, value) => {
    expect(() => decodeEnvelope('t', value)).toThrow(MalformedMessageError);
  });
});

describe('backoff', () => {
  test('doubles from the initial delay up to the cap', () => {
    const options = { initialMs: 500, maxMs: 30_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => backoffDelay(n, options))).toEqual([
      500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });
});
