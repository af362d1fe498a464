import { describe, expect, test } from '@jest/globals';
import type { BoardEvent } from '#domain';
import { noAccountabilityBoard } from './no-accountability-board.rule.js';
import { noOverseeingBoard } from './no-overseeing-board.rule.js';
import { noReviewDate } from './no-review-date.rule.js';
import {
  AGREEMENT_ID,
  BOARD_ID,
  IN_FORCE,
  agreementOf,
  at,
  boardOf,
  cameIntoForce,
  drafted,
  established,
  terminated,
} from './rule-fixtures.js';

/* The accountability rules of issue 16: an agreement in force needs a board, a review date, and a joint board. */

const kind = (k: 'joint-accountability' | 'chief-officers' | 'programme'): BoardEvent => ({
  type: 'BoardAccountabilitySet',
  occurredAt: at('2015-04-01'),
  data: { boardId: BOARD_ID, kind: k, members: [], quorumByRole: {} },
});
const removed: BoardEvent = {
  type: 'BoardOversightChanged',
  occurredAt: at('2016-01-01'),
  data: { boardId: BOARD_ID, agreementId: AGREEMENT_ID, change: 'removed', agreementIds: ['other'] },
};

describe('no-overseeing-board', () => {
  test('given an agreement in force and no board: amber, about the agreement', () => {
    expect(noOverseeingBoard({ agreement: IN_FORCE(), boards: [] })).toEqual([
      expect.objectContaining({
        rule: 'no-overseeing-board',
        severity: 'amber',
        subject: expect.objectContaining({ agreementId: AGREEMENT_ID }) as unknown,
      }),
    ]);
  });

  test('a board overseeing it clears it; a board that let it go does not', () => {
    expect(noOverseeingBoard({ agreement: IN_FORCE(), boards: [boardOf(established())] })).toEqual([]);
    expect(noOverseeingBoard({ agreement: IN_FORCE(), boards: [boardOf(established(), removed)] })).toHaveLength(1);
  });

  test('a draft or a terminated agreement raises nothing', () => {
    expect(noOverseeingBoard({ agreement: agreementOf(drafted()), boards: [] })).toEqual([]);
    const ended = agreementOf(drafted(), cameIntoForce(), terminated('2016-01-01'));
    expect(noOverseeingBoard({ agreement: ended, boards: [] })).toEqual([]);
  });
});

describe('no-review-date', () => {
  test('in force with no review date: info; with one: nothing', () => {
    expect(noReviewDate({ agreement: IN_FORCE(), boards: [] })).toEqual([
      expect.objectContaining({ rule: 'no-review-date', severity: 'info' }),
    ]);
    const dated = agreementOf(drafted('2017-03-31'), cameIntoForce());
    expect(noReviewDate({ agreement: dated, boards: [] })).toEqual([]);
  });
});

describe('no-accountability-board', () => {
  test('overseen only by a chief officers board: info naming it', () => {
    const [found] = noAccountabilityBoard({
      agreement: IN_FORCE(),
      boards: [boardOf(established(), kind('chief-officers'))],
    });
    expect(found).toMatchObject({ rule: 'no-accountability-board', severity: 'info' });
    expect(found?.reason).toContain('chief-officers');
  });

  test('a joint accountability board, a board of no recorded kind, or no board at all: nothing', () => {
    for (const boards of [[boardOf(established(), kind('joint-accountability'))], [boardOf(established())], []]) {
      expect(noAccountabilityBoard({ agreement: IN_FORCE(), boards })).toEqual([]);
    }
  });
});
