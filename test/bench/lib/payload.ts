import { randomUUID } from 'node:crypto';

/**
 * The ~500-byte JSON payload every append benchmark writes (a DecisionRecorded as the API would
 * record it), identical for our store, Emmett and the raw INSERT.
 */
export function decisionPayload(i: number): Record<string, unknown> {
  return {
    decisionId: `bench-decision-${i}`,
    summary:
      'The board agreed to extend the joint firearms training unit to cover the specialist ' +
      'public order syllabus from the next financial year, subject to the host force confirming ' +
      'the revised cost apportionment and the chief finance officers agreeing the variation.',
    boardId: 'board-hampshire-thames-valley-bilateral',
    meetingId: 'meeting-2016-03-03',
    agreementId: 'agreement-hampshire-thames-valley-joint-operations',
    occurredAt: '2016-03-03',
  };
}

export const PAYLOAD_BYTES = Buffer.byteLength(JSON.stringify(decisionPayload(123456)));

export interface BenchEvent {
  eventId: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export const ACTOR = 'officer.jones@thamesvalley.pnn.police.uk';

export function benchEvents(count: number, seq: number): BenchEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    eventId: randomUUID(),
    type: 'DecisionRecorded',
    occurredAt: '2016-03-03T00:00:00.000Z',
    data: decisionPayload(seq * count + i),
  }));
}
