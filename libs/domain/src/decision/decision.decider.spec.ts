import { describe, expect, test } from '@jest/globals';
import { AlreadyExistsError, NotFoundError, ValidationError } from '../kernel/errors.js';
import { given } from '../kernel/testing.js';
import type { RecordDecision } from './decision.commands.js';
import { decisionDecider } from './decision.decider.js';
import { upcastDecisionRecorded, type DecisionRecorded } from './decision.events.js';

const NOW = '2016-06-01T09:30:00.000Z';
const at = (date: string): string => `${date}T00:00:00.000Z`;

const board = { boardId: 'hampshire-tvp-board', exists: true, meetingIds: ['2015-q1', '2015-q2'] };
const agreement = { agreementId: 'hampshire-tvp-bilateral', exists: true, parties: ['hampshire', 'thames-valley'] };
const SUMMARY = 'Joint roads policing unit to be reviewed before 2016-17 budget setting';

const record = (data: Partial<RecordDecision['data']> = {}): RecordDecision => ({
  type: 'RecordDecision',
  data: {
    decisionId: 'd-2015-017',
    summary: SUMMARY,
    board,
    meetingId: '2015-q1',
    agreement,
    occurredAt: at('2015-06-10'),
    ...data,
  },
  metadata: { now: NOW },
});

const recorded = (data: Partial<DecisionRecorded['data']> = {}): DecisionRecorded => ({
  type: 'DecisionRecorded',
  occurredAt: at('2015-06-10'),
  data: {
    decisionId: 'd-2015-017',
    summary: SUMMARY,
    boardId: 'hampshire-tvp-board',
    meetingId: '2015-q1',
    agreementId: 'hampshire-tvp-bilateral',
    madeBy: { kind: 'board', bodyId: null, name: null },
    decisionNotice: null,
    approvedBy: [],
    variationId: null,
    ...data,
  },
});

describe('RecordDecision', () => {
  test('records a decision taken at a board meeting about an agreement', () => {
    given(decisionDecider).when(record()).then([recorded()]);
  });

  test('records a decision of a board outside a meeting', () => {
    given(decisionDecider)
      .when(record({ meetingId: undefined, agreement: undefined }))
      .then([recorded({ meetingId: null, agreementId: null })]);
  });

  test('records a decision about an agreement alone', () => {
    given(decisionDecider)
      .when(record({ board: null, meetingId: null }))
      .then([recorded({ boardId: null, meetingId: null, madeBy: null })]);
  });

  test('rejects a decision with neither a board nor an agreement', () => {
    given(decisionDecider)
      .when(record({ board: null, meetingId: null, agreement: null }))
      .thenThrows(ValidationError, 'decision-needs-subject');
  });

  test('rejects a meeting without its board', () => {
    given(decisionDecider)
      .when(record({ board: null }))
      .thenThrows(ValidationError, 'meeting-needs-board');
  });

  test('rejects a meeting the board does not have', () => {
    given(decisionDecider)
      .when(record({ meetingId: '2015-q3' }))
      .thenThrows(NotFoundError, 'meeting-not-found');
  });

  test('rejects a board that does not exist', () => {
    given(decisionDecider)
      .when(record({ board: { ...board, exists: false, meetingIds: [] }, meetingId: null }))
      .thenThrows(NotFoundError, 'board-not-found');
  });

  test('rejects an agreement that does not exist', () => {
    given(decisionDecider)
      .when(record({ agreement: { agreementId: 'se-rocu', exists: false, parties: [] } }))
      .thenThrows(NotFoundError, 'agreement-not-found');
  });

  test('rejects recording the same decision twice', () => {
    given(decisionDecider, [recorded()]).when(record()).thenThrows(AlreadyExistsError, 'decision-already-recorded');
  });

  test('rejects a decision without a summary', () => {
    given(decisionDecider)
      .when(record({ summary: '' }))
      .thenThrows(ValidationError, 'summary-required');
  });

  test('rejects an id unfit for a stream name', () => {
    given(decisionDecider)
      .when(record({ decisionId: 'decision 17' }))
      .thenThrows(ValidationError, 'invalid-decision-id');
  });

  test('rejects a decision dated in the future', () => {
    given(decisionDecider)
      .when(record({ occurredAt: at('2016-06-02') }))
      .thenThrows(ValidationError, 'occurred-in-future');
  });
});

describe('RecordDecision: provenance (who decided, under what authority, who approved, what it changed)', () => {
  const force = (id: string, name: string) => ({
    id,
    name,
    kind: 'territorial-police-force' as const,
    policingBody: { name: `${name} PCC`, kind: 'pcc' as const },
  });
  const tvp = force('thames-valley', 'Thames Valley Police');

  test('a PCC decision under a published notice, approved by both parties, about a variation', () => {
    given(decisionDecider)
      .when(
        record({
          board: null,
          meetingId: null,
          madeBy: { kind: 'pcc', body: tvp },
          decisionNotice: { number: 'PCC 2015/017', url: 'https://www.example.gov.uk/decisions/2015-017' },
          approvedBy: ['thames-valley', 'hampshire'],
          variationId: 'v-2015-roads',
        }),
      )
      .then([
        recorded({
          boardId: null,
          meetingId: null,
          madeBy: { kind: 'pcc', bodyId: 'thames-valley', name: 'Thames Valley Police and Crime Commissioner' },
          decisionNotice: { number: 'PCC 2015/017', url: 'https://www.example.gov.uk/decisions/2015-017' },
          approvedBy: ['thames-valley', 'hampshire'],
          variationId: 'v-2015-roads',
        }),
      ]);
  });

  test('a PCC before 22 November 2012 is refused: the force had a police authority then', () => {
    given(decisionDecider)
      .when(record({ madeBy: { kind: 'pcc', body: tvp }, occurredAt: at('2010-06-10') }))
      .thenThrows(ValidationError, 'maker-not-a-pcc');
  });

  test('a chief officer decision names the force', () => {
    given(decisionDecider)
      .when(record({ madeBy: { kind: 'chief-officer', body: tvp } }))
      .then([
        recorded({
          madeBy: { kind: 'chief-officer', bodyId: 'thames-valley', name: 'Chief officer of Thames Valley Police' },
        }),
      ]);
    given(decisionDecider)
      .when(record({ madeBy: { kind: 'chief-officer', body: null } }))
      .thenThrows(ValidationError, 'maker-force-required');
  });

  test('another body is named; a board decision needs the board', () => {
    given(decisionDecider)
      .when(record({ madeBy: { kind: 'other', name: 'Home Secretary' } }))
      .then([recorded({ madeBy: { kind: 'other', bodyId: null, name: 'Home Secretary' } })]);
    given(decisionDecider)
      .when(record({ madeBy: { kind: 'other', name: ' ' } }))
      .thenThrows(ValidationError, 'maker-name-required');
    given(decisionDecider)
      .when(record({ board: null, meetingId: null, madeBy: { kind: 'board' } }))
      .thenThrows(ValidationError, 'maker-board-missing');
  });

  test('approvers must be parties of the agreement, each once; a variation needs its agreement', () => {
    given(decisionDecider)
      .when(record({ approvedBy: ['dorset'] }))
      .thenThrows(ValidationError, 'approver-not-a-party');
    given(decisionDecider)
      .when(record({ approvedBy: ['hampshire', 'hampshire'] }))
      .thenThrows(ValidationError, 'approver-repeated');
    given(decisionDecider)
      .when(record({ agreement: null, approvedBy: ['hampshire'] }))
      .thenThrows(ValidationError, 'approvals-need-agreement');
    given(decisionDecider)
      .when(record({ agreement: null, variationId: 'v1' }))
      .thenThrows(ValidationError, 'variation-needs-agreement');
  });

  test('a variation named must be one proposed on the agreement (s23C(4)), `constructor` included', () => {
    const withVariations = { ...agreement, variationIds: ['roads-2015'] };
    given(decisionDecider)
      .when(record({ agreement: withVariations, variationId: 'roads-2015' }))
      .then([recorded({ variationId: 'roads-2015' })]);
    for (const variationId of ['roads-2016', 'constructor']) {
      given(decisionDecider)
        .when(record({ agreement: withVariations, variationId }))
        .thenThrows(NotFoundError, 'variation-not-found');
    }
  });

  test('a decision notice has a plain number and an https link', () => {
    given(decisionDecider)
      .when(record({ decisionNotice: { number: '<script>' } }))
      .thenThrows(ValidationError, 'decision-notice-number');
    given(decisionDecider)
      .when(record({ decisionNotice: { number: 'PCC 1', url: 'javascript:alert(1)' } }))
      .thenThrows(ValidationError, 'decision-notice-url');
  });
});

describe('upcastDecisionRecorded', () => {
  test('version 1 with a board reads as made by the board; without one, as not recorded', () => {
    const v1 = { decisionId: 'd', summary: 's', boardId: 'b', meetingId: null, agreementId: null };
    expect(upcastDecisionRecorded(v1)).toEqual({
      ...v1,
      madeBy: { kind: 'board', bodyId: null, name: null },
      decisionNotice: null,
      approvedBy: [],
      variationId: null,
    });
    expect(upcastDecisionRecorded({ ...v1, boardId: null, agreementId: 'a' }).madeBy).toBeNull();
  });
});
