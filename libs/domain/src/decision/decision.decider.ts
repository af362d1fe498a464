import type { Decider } from '../kernel/decider.js';
import { AlreadyExistsError, NotFoundError, ValidationError } from '../kernel/errors.js';
import { optionalText, requireEntityId, requireOccurredAt, requireText } from '../kernel/validation.js';
import type { DecisionCommand, RecordDecision } from './decision.commands.js';
import { policingBodyOn } from '../bodies/policing-body-history.js';
import { isPoliceForce } from '../bodies/body.js';
import { toCalendarDate } from '../kernel/dates.js';
import type { DecisionEvent, DecisionMaker, DecisionNotice } from './decision.events.js';
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
  const madeBy = makerOf(data, toCalendarDate(occurredAt));
  const decisionNotice = noticeOf(data.decisionNotice ?? null);
  const approvedBy = [...(data.approvedBy ?? [])];
  if (approvedBy.length > 0 && agreement === null) {
    throw new ValidationError(
      'approvals-need-agreement',
      'Say which agreement the approving parties are parties to (agreementId).',
      'agreementId',
    );
  }
  approvedBy.forEach((party, i) => {
    if (agreement !== null && !agreement.parties.includes(party)) {
      throw new ValidationError(
        'approver-not-a-party',
        `"${party}" is not a party to agreement "${agreement.agreementId}": only its parties approve its decisions.`,
        `approvedBy[${i}]`,
      );
    }
    if (approvedBy.indexOf(party) !== i) {
      throw new ValidationError('approver-repeated', `"${party}" is named twice.`, `approvedBy[${i}]`);
    }
  });
  const variationId = optionalText(data.variationId);
  if (variationId !== null) requireEntityId(variationId, 'variationId', 'variation');
  if (variationId !== null && agreement === null) {
    throw new ValidationError('variation-needs-agreement', 'Say which agreement the variation varies.', 'agreementId');
  }
  if (variationId !== null && agreement?.variationIds && !agreement.variationIds.includes(variationId)) {
    throw new NotFoundError(
      'variation-not-found',
      `Agreement "${agreement.agreementId}" has no variation "${variationId}": propose it first (POST /agreements/${agreement.agreementId}/variations).`,
      'variationId',
    );
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
        madeBy,
        decisionNotice,
        approvedBy,
        variationId,
      },
    },
  ];
};

/**
 * Who decided, as of the decision's day: the board by default when one is named; a PCC is the force's
 * policing body of that day (a police authority before 22 November 2012 is refused as a PCC), a chief officer
 * is the force's chief constable (or commissioner).
 */
function makerOf(data: RecordDecision['data'], on: string): DecisionMaker | null {
  const given = data.madeBy ?? null;
  if (given === null) return data.board ? { kind: 'board', bodyId: null, name: null } : null;
  switch (given.kind) {
    case 'board':
      if (!data.board) {
        throw new ValidationError(
          'maker-board-missing',
          'A decision made by a board names the board (boardId).',
          'boardId',
        );
      }
      return { kind: 'board', bodyId: null, name: null };
    case 'pcc':
    case 'chief-officer': {
      const body = given.body ?? null;
      if (body === null || !isPoliceForce(body)) {
        throw new ValidationError(
          'maker-force-required',
          `A decision of a ${given.kind === 'pcc' ? 'policing body' : 'chief officer'} names the police force (madeBy.bodyId).`,
          'madeBy.bodyId',
        );
      }
      if (given.kind === 'chief-officer')
        return { kind: 'chief-officer', bodyId: body.id, name: `Chief officer of ${body.name}` };
      const dated = policingBodyOn(body.id, on);
      const policingBody = dated === null ? body.policingBody : dated.known ? dated.policingBody : null;
      if (policingBody === null) {
        throw new ValidationError(
          'maker-policing-body-unknown',
          `Which body held ${body.name}'s policing body role on ${on} is not known: record the decision as "other" with the body's name.`,
          'madeBy.kind',
        );
      }
      if (policingBody.kind === 'police-authority') {
        throw new ValidationError(
          'maker-not-a-pcc',
          `On ${on} ${body.name}'s policing body was ${policingBody.name}, not a commissioner: record it as "other" with that name.`,
          'madeBy.kind',
        );
      }
      return { kind: 'pcc', bodyId: body.id, name: policingBody.name };
    }
    case 'other': {
      const name = requireText(
        given.name,
        'madeBy.name',
        'maker-name-required',
        'Name the body that made the decision.',
      );
      if (name.length > 200) throw new ValidationError('maker-name-too-long', 'At most 200 characters.', 'madeBy.name');
      return { kind: 'other', bodyId: null, name };
    }
    default: {
      const _exhaustive: never = given.kind;
      throw new ValidationError('maker-kind-unknown', `Unknown decision maker ${String(_exhaustive)}.`, 'madeBy.kind');
    }
  }
}

const NOTICE_NUMBER = /^[\p{L}\p{N}][\p{L}\p{N} ./_-]{0,63}$/u;

function noticeOf(notice: { number: string; url?: string | null } | null): DecisionNotice | null {
  if (notice === null) return null;
  if (typeof notice.number !== 'string' || !NOTICE_NUMBER.test(notice.number)) {
    throw new ValidationError(
      'decision-notice-number',
      'A decision notice number is 1–64 letters, digits, spaces and . / _ - (e.g. "PCC 2015/017").',
      'decisionNotice.number',
    );
  }
  const url = notice.url ?? null;
  if (url !== null && !isHttpsUrl(url)) {
    throw new ValidationError(
      'decision-notice-url',
      'The decision notice link must be an https:// address.',
      'decisionNotice.url',
    );
  }
  return { number: notice.number, url };
}

const isHttpsUrl = (text: string): boolean => {
  if (text.length > 2000) return false;
  try {
    return new URL(text).protocol === 'https:';
  } catch {
    return false;
  }
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
