import { describe, expect, test } from '@jest/globals';
import { NotFoundError, RuleBrokenError, ValidationError } from '../kernel/errors.js';
import { given } from '../kernel/testing.js';
import type {
  BoardAccountability,
  ChangeBoardOversight,
  EstablishBoard,
  HoldMeeting,
  SetBoardAccountability,
} from './board.commands.js';
import { boardDecider } from './board.decider.js';
import type { BoardEvent, GovernanceBoardEstablished } from './board.events.js';

/*
 * Board accountability (issue 16 item 4): a board has a kind, members by role and a quorum by role, and the
 * agreements it oversees change over time. Seed 003's bilateral board holds the chiefs to account before both PCCs.
 */

const NOW = '2016-06-01T09:30:00.000Z';
const at = (date: string): string => `${date}T00:00:00.000Z`;
const meta = { now: NOW };
const BOARD_ID = 'hampshire-tvp';
const NAME = 'Hampshire/TVP Bilateral Collaboration Governance Board';

const JOINT: BoardAccountability = {
  kind: 'joint-accountability',
  members: [
    { role: 'pcc', name: 'Police and Crime Commissioner for Thames Valley', body: 'thames-valley' },
    { role: 'pcc', name: 'Police and Crime Commissioner for Hampshire', body: 'hampshire' },
    { role: 'chief-officer', name: 'Chief Constable of Thames Valley Police', body: 'thames-valley' },
    { role: 'chief-officer', name: 'Chief Constable of Hampshire Constabulary', body: 'hampshire' },
  ],
  quorumByRole: { pcc: 2 },
};

const established: GovernanceBoardEstablished = {
  type: 'GovernanceBoardEstablished',
  occurredAt: at('2014-04-01'),
  data: {
    boardId: BOARD_ID,
    name: NAME,
    agreementIds: ['hampshire-tvp-bilateral'],
    chair: 'Thames Valley PCC',
    maxDaysBetweenMeetings: 92,
    quorum: 2,
    rearrangeWithinDays: 28,
  },
};
const accountabilitySet = (accountability = JOINT, on = '2014-04-01'): BoardEvent => ({
  type: 'BoardAccountabilitySet',
  occurredAt: at(on),
  data: { boardId: BOARD_ID, ...accountability },
});

const establish = (accountability: Partial<BoardAccountability> | null): EstablishBoard => ({
  type: 'EstablishBoard',
  data: {
    boardId: BOARD_ID,
    name: NAME,
    agreements: [{ agreementId: 'hampshire-tvp-bilateral', exists: true }],
    chair: 'Thames Valley PCC',
    maxDaysBetweenMeetings: 92,
    quorum: 2,
    accountability,
    occurredAt: at('2014-04-01'),
  },
  metadata: meta,
});
const setAccountability = (
  accountability: Partial<BoardAccountability>,
  on = '2015-04-01',
): SetBoardAccountability => ({
  type: 'SetBoardAccountability',
  data: { boardId: BOARD_ID, accountability, occurredAt: at(on) },
  metadata: meta,
});
const oversight = (
  change: 'added' | 'removed',
  agreementId: string,
  on = '2015-04-01',
  exists = true,
): ChangeBoardOversight => ({
  type: 'ChangeBoardOversight',
  data: { boardId: BOARD_ID, change, agreement: { agreementId, exists }, occurredAt: at(on) },
  metadata: meta,
});

describe('the board kind, members and quorum by role', () => {
  test('given none, establishing with them records the board and then its accountability, on the same day', () => {
    const state = given(boardDecider).when(establish(JOINT)).then([established, accountabilitySet()]);
    expect(state.accountability).toEqual(JOINT);
  });

  test('a board established without them has none recorded (as every board written before they existed)', () => {
    const state = given(boardDecider).when(establish(null)).then([established]);
    expect(state.accountability).toBeNull();
  });

  test('given a board, setting them later replaces the whole profile from that day', () => {
    const programme: BoardAccountability = { kind: 'programme', members: [], quorumByRole: {} };
    const state = given(boardDecider, [established, accountabilitySet()])
      .when(setAccountability(programme))
      .then([accountabilitySet(programme, '2015-04-01')]);
    expect(state.accountability?.kind).toBe('programme');
  });

  test.each([
    ['an unknown kind', { ...JOINT, kind: 'steering' as never }, 'invalid-board-kind'],
    ['a member with no role', { ...JOINT, members: [{ name: 'X', body: 'hampshire' } as never] }, 'invalid-member'],
    [
      'a member of a body that is not an id',
      { ...JOINT, members: [{ role: 'pcc', name: 'X', body: 'Not An Id' }] },
      'invalid-member',
    ],
    ['a duplicated member', { ...JOINT, members: [JOINT.members[0]!, JOINT.members[0]!] }, 'duplicate-member'],
    [
      'a quorum for a role that is not one',
      { ...JOINT, quorumByRole: { mayor: 1 } as never },
      'invalid-quorum-by-role',
    ],
    ['a quorum of zero', { ...JOINT, quorumByRole: { pcc: 0 } }, 'invalid-quorum-by-role'],
    [
      'a quorum of more bodies than the members have',
      { ...JOINT, quorumByRole: { pcc: 3 } },
      'quorum-by-role-unreachable',
    ],
    [
      'a quorum named `constructor`',
      { ...JOINT, quorumByRole: JSON.parse('{"constructor":1}') as never },
      'invalid-quorum-by-role',
    ],
  ] as [string, Partial<BoardAccountability>, string][])('refuses %s, naming the field', (_, accountability, code) => {
    const error = given(boardDecider, [established])
      .when(setAccountability(accountability))
      .thenThrows(ValidationError, code);
    expect(error.field).toMatch(/^accountability\./);
  });

  test('refuses a change dated before the board was established', () => {
    given(boardDecider, [established])
      .when(setAccountability(JOINT, '2013-01-01'))
      .thenThrows(ValidationError, 'before-establishment');
  });
});

describe('the quorum by role', () => {
  const scheduled: BoardEvent = {
    type: 'BoardMeetingScheduled',
    occurredAt: at('2015-03-01'),
    data: { boardId: BOARD_ID, meetingId: '2015-q1', scheduledFor: '2015-06-10' },
  };
  const hold = (attendees: HoldMeeting['data']['attendees']): HoldMeeting => ({
    type: 'HoldMeeting',
    data: { boardId: BOARD_ID, meetingId: '2015-q1', occurredAt: at('2015-06-10'), attendees },
    metadata: meta,
  });
  const chiefs = [
    { name: 'Chief Constable, Hampshire', body: 'hampshire', role: 'chief-officer' as const },
    { name: 'Chief Constable, Thames Valley', body: 'thames-valley', role: 'chief-officer' as const },
  ];

  test('two forces present but no PCC: inquorate under a quorum of two PCCs, and the event says why', () => {
    given(boardDecider, [established, accountabilitySet(), scheduled])
      .when(hold(chiefs))
      .then([
        {
          type: 'BoardMeetingHeld',
          occurredAt: at('2015-06-10'),
          data: {
            boardId: BOARD_ID,
            meetingId: '2015-q1',
            heldOn: '2015-06-10',
            scheduledFor: '2015-06-10',
            attendees: chiefs,
            quorate: false,
            quorum: 2,
            quorumByRole: { pcc: 2 },
          },
        },
      ]);
  });

  test('both PCCs present: quorate', () => {
    const pccs = [
      { name: 'PCC for Hampshire', body: 'hampshire', role: 'pcc' as const },
      { name: 'PCC for Thames Valley', body: 'thames-valley', role: 'pcc' as const },
    ];
    const state = given(boardDecider, [established, accountabilitySet(), scheduled])
      .when(hold([...pccs, ...chiefs]))
      .then([expect.objectContaining({ type: 'BoardMeetingHeld' }) as unknown as BoardEvent]);
    expect(state.meetings.get('2015-q1')?.quorate).toBe(true);
  });

  test('an attendee in a role that is not one is refused', () => {
    given(boardDecider, [established, scheduled])
      .when(hold([{ name: 'X', body: 'hampshire', role: 'mayor' as never }]))
      .thenThrows(ValidationError, 'invalid-attendee-role');
  });
});

describe('the agreements a board oversees, over time', () => {
  const added: BoardEvent = {
    type: 'BoardOversightChanged',
    occurredAt: at('2015-04-01'),
    data: {
      boardId: BOARD_ID,
      agreementId: 'hampshire-tvp-ict',
      change: 'added',
      agreementIds: ['hampshire-tvp-bilateral', 'hampshire-tvp-ict'],
    },
  };

  test('given a board, adding an agreement from a date records it with the whole list after the change', () => {
    const state = given(boardDecider, [established]).when(oversight('added', 'hampshire-tvp-ict')).then([added]);
    expect(state.oversight).toEqual([
      { agreementId: 'hampshire-tvp-bilateral', from: '2014-04-01', until: null },
      { agreementId: 'hampshire-tvp-ict', from: '2015-04-01', until: null },
    ]);
  });

  test('removing one closes its period and keeps the history', () => {
    const state = given(boardDecider, [established, added])
      .when(oversight('removed', 'hampshire-tvp-bilateral', '2016-03-31'))
      .then([
        {
          type: 'BoardOversightChanged',
          occurredAt: at('2016-03-31'),
          data: {
            boardId: BOARD_ID,
            agreementId: 'hampshire-tvp-bilateral',
            change: 'removed',
            agreementIds: ['hampshire-tvp-ict'],
          },
        },
      ]);
    expect(state.agreementIds).toEqual(['hampshire-tvp-ict']);
    expect(state.oversight[0]).toEqual({
      agreementId: 'hampshire-tvp-bilateral',
      from: '2014-04-01',
      until: '2016-03-31',
    });
  });

  test('refuses an agreement not recorded, one already overseen, one not overseen, and the last one', () => {
    given(boardDecider, [established])
      .when(oversight('added', 'nowhere', '2015-04-01', false))
      .thenThrows(NotFoundError, 'agreement-not-found');
    given(boardDecider, [established])
      .when(oversight('added', 'hampshire-tvp-bilateral'))
      .thenThrows(RuleBrokenError, 'agreement-already-overseen');
    given(boardDecider, [established])
      .when(oversight('removed', 'hampshire-tvp-ict'))
      .thenThrows(RuleBrokenError, 'agreement-not-overseen');
    given(boardDecider, [established])
      .when(oversight('removed', 'hampshire-tvp-bilateral'))
      .thenThrows(RuleBrokenError, 'last-agreement');
  });

  test('refuses a change dated before the board was established, or of an unknown kind', () => {
    given(boardDecider, [established])
      .when(oversight('added', 'hampshire-tvp-ict', '2013-01-01'))
      .thenThrows(ValidationError, 'before-establishment');
    given(boardDecider, [established])
      .when({
        ...oversight('added', 'hampshire-tvp-ict'),
        data: { ...oversight('added', 'x').data, change: 'swapped' as never },
      })
      .thenThrows(ValidationError, 'invalid-change');
  });
});
