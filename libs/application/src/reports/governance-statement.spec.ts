import { describe, expect, test } from '@jest/globals';
import { csvField, oversightDuring, statementFindings } from './governance-statement.js';

const board = (cancellations: { meetingDate: string; notRearranged: boolean }[], reasons: string[] = []) => ({
  boardId: 'b',
  name: 'Joint Board',
  reasons,
  cancellations: cancellations.map((c, i) => ({
    meetingId: `m${i}`,
    cancelledOn: c.meetingDate,
    reason: null,
    rearrangedOn: null,
    rearrangedTo: null,
    ...c,
  })),
});

describe('statementFindings', () => {
  const base = { financialYear: '2015-16', agreements: [], agreementsWithoutBoard: [], agreementsPastReviewDate: [] };

  test('given three meetings cancelled and not rearranged, one sentence counts and names them', () => {
    const findings = statementFindings({
      ...base,
      boards: [
        board([
          { meetingDate: '2015-06-01', notRearranged: true },
          { meetingDate: '2015-07-01', notRearranged: false },
          { meetingDate: '2015-09-01', notRearranged: true },
          { meetingDate: '2016-01-05', notRearranged: true },
        ]),
      ] as never,
    });
    expect(findings).toEqual([
      '3 formal Joint Board meetings were cancelled and not rearranged during 2015/16 (meetings of 1 June 2015, 1 September 2015 and 5 January 2016).',
    ]);
  });

  test("given a board's other reasons, each is a finding; the not-rearranged reason is not said twice", () => {
    const findings = statementFindings({
      ...base,
      boards: [
        board(
          [{ meetingDate: '2015-06-01', notRearranged: true }],
          ['A cancelled meeting was not rearranged within 28 days.', 'The longest gap was 200 days.'],
        ),
      ] as never,
    });
    expect(findings).toEqual([
      '1 formal Joint Board meeting was cancelled and not rearranged during 2015/16 (meeting of 1 June 2015).',
      'Joint Board: The longest gap was 200 days.',
    ]);
  });

  test('given agreements with no board and past review, they are named by title', () => {
    const findings = statementFindings({
      financialYear: '2019-20',
      boards: [],
      agreements: [
        { agreementId: 'a', title: 'Air Support' },
        { agreementId: 'b', title: 'Dogs' },
      ] as never,
      agreementsWithoutBoard: ['a', 'b'],
      agreementsPastReviewDate: ['b'],
    });
    expect(findings).toEqual([
      '2 agreements in force during 2019/20 had no overseeing board: Air Support and Dogs.',
      '1 agreement was past its review date: Dogs.',
    ]);
  });

  test('given a cancellation still within its time to be rearranged, it is named with its deadline', () => {
    const findings = statementFindings({
      ...base,
      boards: [
        {
          ...board([]),
          cancellations: [
            {
              meetingId: 'm',
              meetingDate: '2016-03-15',
              cancelledOn: '2016-03-10',
              rearrangeBy: '2016-04-07',
              state: 'awaiting-rearrangement',
              notRearranged: false,
            },
          ],
        },
      ] as never,
    });
    expect(findings).toEqual([
      'The Joint Board meeting of 15 March 2016 was cancelled on 10 March 2016 and awaits rearrangement by 7 April 2016.',
    ]);
  });

  test('given nothing wrong, no findings', () => {
    expect(
      statementFindings({ ...base, boards: [board([{ meetingDate: '2015-06-01', notRearranged: false }])] as never }),
    ).toEqual([]);
  });
});

describe('csvField', () => {
  test.each([
    [null, ''],
    [3, '3'],
    [true, 'true'],
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "no"', '"say ""no"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['-1', "'-1"],
  ])('%p → %p', (value, text) => {
    expect(csvField(value)).toBe(text);
  });
});

describe('oversightDuring: what a board oversaw in a year, by the oversight then', () => {
  const year = { from: '2015-04-01', to: '2016-03-31' };

  test('given oversight from before the year and still on, the agreement is listed with no dates', () => {
    expect(oversightDuring([{ agreementId: 'a', from: '2014-01-01', until: null }], year)).toEqual([
      { agreementId: 'a', from: null, until: null },
    ]);
  });

  test('given oversight that began or ended within the year, it says from or until when', () => {
    expect(
      oversightDuring(
        [
          { agreementId: 'a', from: '2014-01-01', until: '2015-10-01' },
          { agreementId: 'b', from: '2015-10-01', until: null },
        ],
        year,
      ),
    ).toEqual([
      { agreementId: 'a', from: null, until: '2015-10-01' },
      { agreementId: 'b', from: '2015-10-01', until: null },
    ]);
  });

  test('given oversight that ended before the year, or began after it, or lasted no day, nothing', () => {
    expect(
      oversightDuring(
        [
          { agreementId: 'a', from: '2014-01-01', until: '2015-04-01' },
          { agreementId: 'b', from: '2016-04-01', until: null },
          { agreementId: 'c', from: '2015-06-01', until: '2015-06-01' },
        ],
        year,
      ),
    ).toEqual([]);
  });
});
