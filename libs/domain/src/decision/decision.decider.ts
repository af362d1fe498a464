import type { Decider } from '../kernel/decider.js';
import { AlreadyExistsError, NotFoundError, ValidationError } from '../kernel/errors.js';
import { optionalText, requireEntityId, requireOccurredAt, requireText } from '../kernel/validation.js';
import type { DecisionCommand, RecordDecision } from './decision.commands.js';
import type { DecisionEvent } from './decision.events.js';
import { evolveDecision, initialDecisionState, type DecisionState } from './decision.state.js';

const recordDecision = ({ data, metadata }: RecordDecision, state: DecisionState): DecisionEvent[] => {
  if (state.status !== 'none') {
    throw new AlreadyExistsError(
      'decision-already-recorded',
      `Decision "${data.decisionId}" was already recorded (decided on ${state.decidedOn}).`,
      'decisionId',
    );
  }
  const decisionId = requireEntityId(data.decisionId, 'decisionId', 'decision');
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const summary = requireText(data.summary, 'summary', 'summary-required', 'Summarise what was decided.');
  const board = data.board ?? null;
  const agreement = data.agreement ?? null;
  const meetingId = optionalText(data.meetingId);
  if (board === null && agreement === null) {
    throw new ValidationError(
      'decision-needs-subject',
      'Say which board took the decision or which agreement it is about (or both).',
      'boardId',
    );
  }
  if (meetingId !== null && board === null) {
    throw new ValidationError('meeting-needs-board', `Say which board meeting "${meetingId}" belongs to.`, 'boardId');
  }
  if (board !== null && !board.exists) {
    throw new NotFoundError('board-not-found', `There is no governance board "${board.boardId}".`, 'boardId');
  }
  if (board !== null && meetingId !== null && !board.meetingIds.includes(meetingId)) {
    throw new NotFoundError(
      'meeting-not-found',
      `Board "${board.boardId}" has no meeting "${meetingId}": schedule it first.`,
      'meetingId',
    );
  }
  if (agreement !== null && !agreement.exists) {
    throw new NotFoundError('agreement-not-found', `There is no agreement "${agreement.agreementId}".`, 'agreementId');
  }
  return [
    {
      type: 'DecisionRecorded',
      occurredAt,
      data: {
        decisionId,
        summary,
        boardId: board?.boardId ?? null,
        meetingId,
        agreementId: agreement?.agreementId ?? null,
      },
    },
  ];
};

export const decideDecision = (command: DecisionCommand, state: DecisionState): DecisionEvent[] => {
  switch (command.type) {
    case 'RecordDecision':
      return recordDecision(command, state);
    default: {
      const _exhaustive: never = command.type;
      throw new Error(`Unknown decision command ${String(_exhaustive)}`);
    }
  }
};

export const decisionDecider: Decider<DecisionCommand, DecisionEvent, DecisionState> = {
  decide: decideDecision,
  evolve: evolveDecision,
  initialState: initialDecisionState,
};
