import { describe, test } from '@jest/globals';
import { AlreadyExistsError, NotFoundError, ValidationError } from '../kernel/errors.js';
import { given } from '../kernel/testing.js';
import type { RecordDecision } from './decision.commands.js';
import { decisionDecider } from './decision.decider.js';
import type { DecisionRecorded } from './decision.events.js';

const NOW = '2016-06-01T09:30:00.000Z';
const at = (date: string): string => `${date}T00:00:00.000Z`;

const board = { boardId: 'hampshire-tvp-board', exists: true, meetingIds: ['2015-q1', '2015-q2'] };
const agreement = { agreementId: 'hampshire-tvp-bilateral', exists: true };
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
      .then([recorded({ boardId: null, meetingId: null })]);
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
      .when(record({ agreement: { agreementId: 'se-rocu', exists: false } }))
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
