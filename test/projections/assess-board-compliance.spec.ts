import { describe, expect, test } from '@jest/globals';
import { assessBoardCompliance, type BoardTermsRecord, type MeetingFact } from '#projections';

// Established 89 days before the first meeting: a gap between meetings counts from establishment.
const board = { boardId: 'b', name: 'Board', agreementIds: ['a'], establishedOn: '2015-02-01' };
const terms: BoardTermsRecord[] = [
  { effectiveOn: '2015-01-01', chair: 'Chair', maxDaysBetweenMeetings: 92, quorum: 2, rearrangeWithinDays: 28 },
];
const fact = (
  meetingId: string,
  what: MeetingFact['what'],
  occurredOn: string,
  scheduledFor: string,
  quorate: boolean | null = null,
): MeetingFact => ({
  meetingId,
  what,
  occurredOn,
  scheduledFor,
  quorate,
  reason: null,
});
const held = (id: string, on: string, quorate = true) => [
  fact(id, 'scheduled', '2026-01-01', on),
  fact(id, 'held', on, on, quorate),
];
const quarterly = [
  ...held('q1', '2015-05-01'),
  ...held('q2', '2015-07-30'),
  ...held('q3', '2015-10-28'),
  ...held('q4', '2016-01-26'),
];

describe('board compliance rules', () => {
  test('green when every meeting was held, quorate, and no gap exceeds the maximum', () => {
    const result = assessBoardCompliance(board, terms, [...quarterly, ...held('q5', '2016-03-30')], {
      financialYear: '2015-16',
      asOf: '2016-06-01',
    });
    expect(result.status).toBe('green');
    expect(result.reasons).toEqual([]);
    expect(result.counts).toEqual({ scheduled: 5, held: 5, quorate: 5, cancelled: 0, cancelledNotRearranged: 0 });
    expect(result.longestGap).toEqual({ days: 90, from: '2015-05-01', to: '2015-07-30' });
  });

  test('amber when a meeting was inquorate', () => {
    const result = assessBoardCompliance(
      board,
      terms,
      [...quarterly.slice(0, 6), ...held('q4', '2016-01-26', false), ...held('q5', '2016-03-30')],
      {
        financialYear: '2015-16',
        asOf: '2016-06-01',
      },
    );
    expect(result.status).toBe('amber');
    expect(result.reasons).toEqual(['The meeting held on 26 January 2016 (q4) was not quorate (quorum 2).']);
  });

  test('amber, in the year the 8th day falls in, when a meeting date passed more than 7 days ago with no outcome recorded', () => {
    const facts = [...quarterly, fact('q5', 'scheduled', '2026-01-01', '2016-03-30')];
    expect(assessBoardCompliance(board, terms, facts, { financialYear: '2016-17', asOf: '2016-04-06' }).status).toBe(
      'green',
    );
    const late = assessBoardCompliance(board, terms, facts, { financialYear: '2016-17', asOf: '2016-04-07' });
    expect(late.status).toBe('amber');
    expect(late.reasons).toEqual([
      'The meeting due on 30 March 2016 (q5) is more than 7 days past with neither held nor cancelled recorded.',
    ]);
    expect(assessBoardCompliance(board, terms, facts, { financialYear: '2015-16', asOf: '2016-04-07' }).status).toBe(
      'green',
    );
  });

  test('a breach put right after the year ends still counts in the year it began: rearranged after its deadline is red', () => {
    const facts = [
      ...quarterly,
      ...held('q5', '2016-03-30'),
      fact('x', 'scheduled', '2026-01-01', '2016-03-01'),
      fact('x', 'cancelled', '2016-02-20', '2016-03-01'),
      fact('x', 'rearranged', '2016-04-10', '2016-04-20'),
    ];
    const year = assessBoardCompliance(board, terms, facts, { financialYear: '2015-16', asOf: '2016-06-01' });
    expect(year.status).toBe('red');
    expect(year.reasons).toEqual([
      'The meeting due on 1 March 2016 (x) was cancelled on 20 February 2016 and not rearranged within 28 days.',
    ]);
    const next = assessBoardCompliance(board, terms, facts, { financialYear: '2016-17', asOf: '2016-06-01' });
    expect(next.reasons).toContain(
      'The meeting due on 1 March 2016 (x) was cancelled on 20 February 2016 and not rearranged within 28 days.',
    );
  });

  test('a cancellation rearranged 29 days later counts as not rearranged; one rearranged on the 28th day does not', () => {
    const facts = [
      ...quarterly,
      fact('x', 'scheduled', '2026-01-01', '2015-09-01'),
      fact('x', 'cancelled', '2015-08-20', '2015-09-01'),
      fact('x', 'rearranged', '2015-09-17', '2015-09-30'),
      fact('x', 'held', '2015-09-30', '2015-09-30', true),
      fact('y', 'scheduled', '2026-01-01', '2015-12-01'),
      fact('y', 'cancelled', '2015-11-20', '2015-12-01'),
      fact('y', 'rearranged', '2015-12-19', '2015-12-20'),
      fact('y', 'held', '2015-12-20', '2015-12-20', true),
    ];
    const result = assessBoardCompliance(board, terms, facts, { financialYear: '2015-16', asOf: '2016-06-01' });
    expect(result.cancellations.map((c) => [c.meetingId, c.notRearranged])).toEqual([
      ['x', false],
      ['y', true],
    ]);
    expect(result.status).toBe('red');
    expect(result.reasons).toEqual([
      'The meeting due on 1 December 2015 (y) was cancelled on 20 November 2015 and not rearranged within 28 days.',
    ]);
  });

  test('a cancellation is not flagged while its days to rearrange are still running', () => {
    const facts = [
      ...held('q1', '2015-05-01'),
      fact('x', 'scheduled', '2026-01-01', '2015-07-01'),
      fact('x', 'cancelled', '2015-06-20', '2015-07-01'),
    ];
    const result = assessBoardCompliance(board, terms, facts, { financialYear: '2015-16', asOf: '2015-07-10' });
    expect(result.counts.cancelledNotRearranged).toBe(0);
    expect(
      assessBoardCompliance(board, terms, facts, { financialYear: '2015-16', asOf: '2015-07-19' }).counts
        .cancelledNotRearranged,
    ).toBe(1);
  });

  test('the terms in force at the end of the period apply, and the gap counts from the last meeting before the year', () => {
    const changed = [...terms, { ...terms[0]!, effectiveOn: '2015-06-01', maxDaysBetweenMeetings: 183 }];
    const facts = [...held('old', '2015-02-01'), ...held('q2', '2015-08-15'), ...held('q4', '2016-02-01')];
    const result = assessBoardCompliance(board, changed, facts, { financialYear: '2015-16', asOf: '2016-06-01' });
    expect(result.terms.maxDaysBetweenMeetings).toBe(183);
    expect(result.longestGap).toEqual({ days: 195, from: '2015-02-01', to: '2015-08-15' });
    expect(result.reasons).toEqual([
      'No meeting was held for 195 days, from 1 February 2015 to 15 August 2015: the terms of reference allow at most 183.',
    ]);
  });
});

describe('a cancellation awaiting rearrangement', () => {
  const cancelled = [
    ...held('q1', '2015-05-01'),
    fact('q2', 'scheduled', '2015-01-01', '2015-07-30'),
    fact('q2', 'cancelled', '2015-07-20', '2015-07-30'),
  ];
  const cancellationOn = (asOf: string, facts: MeetingFact[] = cancelled) =>
    assessBoardCompliance(board, terms, facts, { financialYear: '2015-16', asOf }).cancellations[0];

  test('shows at once, with its deadline (the cancellation day plus the terms’ 28 days), before it is a breach', () => {
    expect(cancellationOn('2015-07-20')).toMatchObject({
      rearrangeBy: '2015-08-17',
      state: 'awaiting-rearrangement',
      notRearranged: false,
    });
    expect(cancellationOn('2015-08-17')?.state).toBe('awaiting-rearrangement');
  });

  test('is not rearranged once the deadline passes', () => {
    expect(cancellationOn('2015-08-18')).toMatchObject({ state: 'not-rearranged', notRearranged: true });
  });

  test('is rearranged when put back in the diary in time', () => {
    const rearranged = [...cancelled, fact('q2', 'rearranged', '2015-08-01', '2015-08-20')];
    expect(cancellationOn('2015-09-01', rearranged)).toMatchObject({
      state: 'rearranged',
      rearrangedOn: '2015-08-01',
      notRearranged: false,
    });
  });

  test('takes its deadline from the terms in force on the day it was cancelled', () => {
    const longer: BoardTermsRecord[] = [
      ...terms,
      { effectiveOn: '2015-07-01', chair: 'Chair', maxDaysBetweenMeetings: 92, quorum: 2, rearrangeWithinDays: 60 },
    ];
    const result = assessBoardCompliance(board, longer, cancelled, { financialYear: '2015-16', asOf: '2015-08-30' });
    expect(result.cancellations[0]).toMatchObject({ rearrangeBy: '2015-09-18', state: 'awaiting-rearrangement' });
  });
});
