import { isBodySlug } from '../bodies/body.js';
import type { Decider } from '../kernel/decider.js';
import { toCalendarDate } from '../kernel/dates.js';
import { AlreadyExistsError, NotFoundError, RuleBrokenError, ValidationError } from '../kernel/errors.js';
import {
  optionalText,
  requireCalendarDate,
  requireEntityId,
  requireInteger,
  requireOccurredAt,
  requireText,
} from '../kernel/validation.js';
import {
  BOARD_KINDS,
  DEFAULT_REARRANGE_WITHIN_DAYS,
  MEMBER_ROLES,
  type Attendee,
  type BoardAccountability,
  type BoardCommand,
  type BoardKind,
  type BoardMember,
  type CancelMeeting,
  type ChangeBoardOversight,
  type ChangeBoardTerms,
  type EstablishBoard,
  type MemberRole,
  type QuorumByRole,
  type SetBoardAccountability,
  type HoldMeeting,
  type RearrangeMeeting,
  type ScheduleMeeting,
} from './board.commands.js';
import type { BoardEvent, BoardTerms } from './board.events.js';
import { evolveBoard, initialBoardState, type BoardState, type Meeting } from './board.state.js';

/** Two years: the longest gap a board's terms could sensibly allow between meetings. */
const MAX_DAYS_BETWEEN_MEETINGS = 731;
const MAX_REARRANGE_WITHIN_DAYS = 365;

const maxDaysBetweenMeetingsOf = (value: unknown): number =>
  requireInteger(
    value,
    { min: 1, max: MAX_DAYS_BETWEEN_MEETINGS },
    'maxDaysBetweenMeetings',
    'invalid-max-days-between-meetings',
    'maximum number of days between meetings',
  );

const quorumOf = (value: unknown): number =>
  requireInteger(value, { min: 1 }, 'quorum', 'invalid-quorum', 'quorum (the number of bodies that must attend)');

const rearrangeWithinDaysOf = (value: unknown): number =>
  requireInteger(
    value,
    { min: 1, max: MAX_REARRANGE_WITHIN_DAYS },
    'rearrangeWithinDays',
    'invalid-rearrange-within-days',
    'number of days within which a cancelled meeting must be rearranged',
  );

const chairOf = (value: unknown): string =>
  requireText(value, 'chair', 'chair-required', 'Say who chairs the board (a name or a role).');

const isRole = (value: unknown): value is MemberRole => (MEMBER_ROLES as readonly unknown[]).includes(value);
const ROLES_TEXT = MEMBER_ROLES.join(', ');

const membersOf = (value: unknown): BoardMember[] => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new ValidationError(
      'invalid-members',
      'members is a list of { role, name, body }.',
      'accountability.members',
    );
  }
  const members: BoardMember[] = [];
  for (const member of value as Partial<BoardMember>[]) {
    const name = optionalText(member?.name);
    if (name === null || !isRole(member?.role) || !isBodySlug(member?.body)) {
      throw new ValidationError(
        'invalid-member',
        `Each member needs a role (${ROLES_TEXT}), a name or post, and the id of the body they represent; got ${JSON.stringify(member)}.`,
        'accountability.members',
      );
    }
    if (members.some((m) => m.name === name && m.body === member.body && m.role === member.role)) {
      throw new ValidationError(
        'duplicate-member',
        `${name} (${member.body}) is listed more than once.`,
        'accountability.members',
      );
    }
    members.push({ role: member.role, name, body: member.body });
  }
  return members;
};

/**
 * The quorum by role: for each role, how many distinct bodies represented in it must attend. It cannot ask for more
 * bodies in a role than the members list has (when members are recorded), or the board could never be quorate.
 */
const quorumByRoleOf = (value: unknown, members: readonly BoardMember[]): QuorumByRole => {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError(
      'invalid-quorum-by-role',
      `quorumByRole maps a role (${ROLES_TEXT}) to a number of bodies.`,
      'accountability.quorumByRole',
    );
  }
  const quorum: QuorumByRole = {};
  for (const [role, count] of Object.entries(value as Record<string, unknown>)) {
    if (count === undefined) continue;
    if (!isRole(role)) {
      throw new ValidationError(
        'invalid-quorum-by-role',
        `"${role}" is not a role: quorumByRole takes ${ROLES_TEXT}.`,
        'accountability.quorumByRole',
      );
    }
    const needed = requireInteger(
      count,
      { min: 1, max: 1000 },
      'accountability.quorumByRole',
      'invalid-quorum-by-role',
      `number of ${role} bodies that must attend`,
    );
    const available = new Set(members.filter((m) => m.role === role).map((m) => m.body)).size;
    if (members.length > 0 && needed > available) {
      throw new ValidationError(
        'quorum-by-role-unreachable',
        `The quorum asks for ${needed} ${role} bodies, but the members list has ${available}: the board could never be quorate.`,
        'accountability.quorumByRole',
      );
    }
    quorum[role] = needed;
  }
  return quorum;
};

const accountabilityOf = (value: Partial<BoardAccountability> | null | undefined): BoardAccountability => {
  const kind = value?.kind;
  if (!(BOARD_KINDS as readonly unknown[]).includes(kind)) {
    throw new ValidationError(
      'invalid-board-kind',
      `Say what kind of board it is: one of ${BOARD_KINDS.join(', ')}.`,
      'accountability.kind',
    );
  }
  const members = membersOf(value?.members);
  return { kind: kind as BoardKind, members, quorumByRole: quorumByRoleOf(value?.quorumByRole, members) };
};

const requireBoard = (state: BoardState, boardId: string): void => {
  if (state.status === 'none') {
    throw new NotFoundError(
      'board-not-found',
      `There is no governance board "${boardId}": establish it first.`,
      'boardId',
    );
  }
};

const requireMeeting = (state: BoardState, meetingId: string): Meeting => {
  const meeting = state.meetings.get(meetingId);
  if (!meeting) {
    throw new NotFoundError(
      'meeting-not-found',
      `The ${state.name} has no meeting "${meetingId}": schedule it first.`,
      'meetingId',
    );
  }
  return meeting;
};

const refuseIfHeld = (state: BoardState, meeting: Meeting, refused: string): void => {
  if (meeting.status === 'held') {
    throw new RuleBrokenError(
      'meeting-already-held',
      `The ${state.name} meeting "${meeting.meetingId}" was held on ${meeting.heldOn}, so it ${refused}.`,
      'meetingId',
    );
  }
};

/**
 * A board cannot meet before it exists: a meeting dated before the establishment would count in a year the
 * board did not govern and leave that year's gaps unmeasured (docs/domain.md, "Governance boards"). The
 * refusal applies to commands only; events already stored keep folding as they are.
 */
const refuseBeforeEstablishment = (
  state: BoardState,
  date: string,
  what: string,
  field: string,
  code = 'meeting-before-establishment',
): void => {
  if (state.establishedOn !== null && date < state.establishedOn) {
    throw new ValidationError(
      code,
      `The ${state.name} was established on ${state.establishedOn}, so ${what} cannot be dated ${date}. ` +
        'A board established without an occurredAt is established on the day it was recorded: if it really ' +
        'existed earlier, record its establishment with its real date (occurredAt on POST /boards).',
      field,
    );
  }
};

const establishBoard = ({ data, metadata }: EstablishBoard, state: BoardState): BoardEvent[] => {
  if (state.status !== 'none') {
    throw new AlreadyExistsError(
      'board-already-exists',
      `Board "${data.boardId}" already exists (the ${state.name}, established on ${state.establishedOn}).`,
      'boardId',
    );
  }
  const boardId = requireEntityId(data.boardId, 'boardId', 'board');
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const name = requireText(data.name, 'name', 'name-required', 'Give the board a name.');
  const agreements = data.agreements ?? [];
  if (agreements.length === 0) {
    throw new ValidationError('agreements-required', `Say which agreements the ${name} oversees.`, 'agreements');
  }
  const agreementIds: string[] = [];
  for (const { agreementId, exists } of agreements) {
    if (agreementIds.includes(agreementId)) {
      throw new ValidationError(
        'duplicate-agreement',
        `Agreement "${agreementId}" is listed more than once.`,
        'agreements',
      );
    }
    if (!exists) {
      throw new NotFoundError(
        'agreement-not-found',
        `There is no agreement "${agreementId}" for the ${name} to oversee: record the agreement first.`,
        'agreements',
      );
    }
    agreementIds.push(agreementId);
  }
  const terms: BoardTerms = {
    chair: chairOf(data.chair),
    maxDaysBetweenMeetings: maxDaysBetweenMeetingsOf(data.maxDaysBetweenMeetings),
    quorum: quorumOf(data.quorum),
    rearrangeWithinDays: rearrangeWithinDaysOf(data.rearrangeWithinDays ?? DEFAULT_REARRANGE_WITHIN_DAYS),
  };
  const events: BoardEvent[] = [
    { type: 'GovernanceBoardEstablished', occurredAt, data: { boardId, name, agreementIds, ...terms } },
  ];
  if (data.accountability) {
    events.push({
      type: 'BoardAccountabilitySet',
      occurredAt,
      data: { boardId, ...accountabilityOf(data.accountability) },
    });
  }
  return events;
};

const setBoardAccountability = ({ data, metadata }: SetBoardAccountability, state: BoardState): BoardEvent[] => {
  requireBoard(state, data.boardId);
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  refuseBeforeEstablishment(
    state,
    toCalendarDate(occurredAt),
    'a change of its members',
    'occurredAt',
    'before-establishment',
  );
  const accountability = accountabilityOf(data.accountability);
  return [{ type: 'BoardAccountabilitySet', occurredAt, data: { boardId: state.boardId, ...accountability } }];
};

/**
 * The agreements a board oversees change over time (issue 16): an agreement added from a date, or removed from one.
 * A board keeps at least one agreement; an agreement is added once while overseen.
 */
const changeBoardOversight = ({ data, metadata }: ChangeBoardOversight, state: BoardState): BoardEvent[] => {
  requireBoard(state, data.boardId);
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  refuseBeforeEstablishment(
    state,
    toCalendarDate(occurredAt),
    'a change of the agreements it oversees',
    'occurredAt',
    'before-establishment',
  );
  const agreementId = requireEntityId(data.agreement?.agreementId, 'agreementId', 'agreement');
  const overseen = state.agreementIds.includes(agreementId);
  let agreementIds: string[];
  if (data.change === 'added') {
    if (!data.agreement.exists) {
      throw new NotFoundError(
        'agreement-not-found',
        `There is no agreement "${agreementId}" for the ${state.name} to oversee: record the agreement first.`,
        'agreementId',
      );
    }
    if (overseen) {
      throw new RuleBrokenError(
        'agreement-already-overseen',
        `The ${state.name} already oversees agreement "${agreementId}".`,
        'agreementId',
      );
    }
    agreementIds = [...state.agreementIds, agreementId];
  } else if (data.change === 'removed') {
    if (!overseen) {
      throw new RuleBrokenError(
        'agreement-not-overseen',
        `The ${state.name} does not oversee agreement "${agreementId}", so it cannot be removed.`,
        'agreementId',
      );
    }
    if (state.agreementIds.length === 1) {
      throw new RuleBrokenError(
        'last-agreement',
        `Agreement "${agreementId}" is the only one the ${state.name} oversees: add the agreement that replaces it first.`,
        'agreementId',
      );
    }
    agreementIds = state.agreementIds.filter((id) => id !== agreementId);
  } else {
    throw new ValidationError('invalid-change', 'change is "added" or "removed".', 'change');
  }
  return [
    {
      type: 'BoardOversightChanged',
      occurredAt,
      data: { boardId: state.boardId, agreementId, change: data.change, agreementIds },
    },
  ];
};

const changeBoardTerms = ({ data, metadata }: ChangeBoardTerms, state: BoardState): BoardEvent[] => {
  requireBoard(state, data.boardId);
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const given = <T>(value: T | null | undefined): value is T => value !== undefined && value !== null;
  const proposed: BoardTerms = {
    chair: given(data.chair) ? chairOf(data.chair) : state.terms.chair,
    maxDaysBetweenMeetings: given(data.maxDaysBetweenMeetings)
      ? maxDaysBetweenMeetingsOf(data.maxDaysBetweenMeetings)
      : state.terms.maxDaysBetweenMeetings,
    quorum: given(data.quorum) ? quorumOf(data.quorum) : state.terms.quorum,
    rearrangeWithinDays: given(data.rearrangeWithinDays)
      ? rearrangeWithinDaysOf(data.rearrangeWithinDays)
      : state.terms.rearrangeWithinDays,
  };
  const changed = (Object.keys(proposed) as (keyof BoardTerms)[]).filter((key) => proposed[key] !== state.terms[key]);
  if (changed.length === 0) {
    throw new ValidationError(
      'no-change',
      `Nothing to change: give at least one term of reference of the ${state.name} that differs from the current one.`,
    );
  }
  const on = toCalendarDate(occurredAt);
  if (state.establishedOn !== null && on < state.establishedOn) {
    throw new ValidationError(
      'date-out-of-order',
      `The terms of the ${state.name} cannot change on ${on}, before it was established (${state.establishedOn}).`,
      'occurredAt',
    );
  }
  return [{ type: 'BoardTermsChanged', occurredAt, data: { boardId: state.boardId, changed, ...proposed } }];
};

const scheduleMeeting = ({ data, metadata }: ScheduleMeeting, state: BoardState): BoardEvent[] => {
  requireBoard(state, data.boardId);
  const meetingId = requireEntityId(data.meetingId, 'meetingId', 'meeting');
  const existing = state.meetings.get(meetingId);
  if (existing) {
    throw new AlreadyExistsError(
      'meeting-already-scheduled',
      `The ${state.name} already has a meeting "${meetingId}" (for ${existing.scheduledFor}).`,
      'meetingId',
    );
  }
  const scheduledFor = requireCalendarDate(data.scheduledFor, 'scheduledFor', 'the meeting');
  refuseBeforeEstablishment(state, scheduledFor, `a meeting "${meetingId}"`, 'scheduledFor');
  return [
    {
      type: 'BoardMeetingScheduled',
      occurredAt: metadata.now,
      data: { boardId: state.boardId, meetingId, scheduledFor },
    },
  ];
};

const attendeesOf = (value: unknown): Attendee[] => {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ValidationError(
      'attendees-required',
      'Say who attended the meeting (name and body of each attendee).',
      'attendees',
    );
  }
  const attendees: Attendee[] = [];
  for (const attendee of value as Partial<Attendee>[]) {
    const name = optionalText(attendee?.name);
    const body = attendee?.body;
    if (name === null || !isBodySlug(body)) {
      throw new ValidationError(
        'invalid-attendee',
        `Each attendee needs a name and the id of the body they represent (e.g. "thames-valley"); got ${JSON.stringify(attendee)}.`,
        'attendees',
      );
    }
    if (attendees.some((a) => a.name === name && a.body === body)) {
      throw new ValidationError('duplicate-attendee', `${name} (${body}) is listed more than once.`, 'attendees');
    }
    const role = attendee.role;
    if (role !== undefined && role !== null && !isRole(role)) {
      throw new ValidationError(
        'invalid-attendee-role',
        `${name} attended in role "${String(role)}": a role is one of ${ROLES_TEXT}.`,
        'attendees',
      );
    }
    attendees.push(isRole(role) ? { name, body, role } : { name, body });
  }
  return attendees;
};

const holdMeeting = ({ data, metadata }: HoldMeeting, state: BoardState): BoardEvent[] => {
  requireBoard(state, data.boardId);
  const meeting = requireMeeting(state, data.meetingId);
  refuseIfHeld(state, meeting, 'cannot be recorded as held again');
  if (meeting.status === 'cancelled') {
    throw new RuleBrokenError(
      'meeting-cancelled',
      `The ${state.name} meeting "${meeting.meetingId}" was cancelled on ${meeting.cancelledOn}: record its rearrangement before recording it as held.`,
      'meetingId',
    );
  }
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  refuseBeforeEstablishment(state, toCalendarDate(occurredAt), `its meeting "${meeting.meetingId}"`, 'occurredAt');
  const attendees = attendeesOf(data.attendees);
  const { quorum } = state.terms;
  const quorumByRole = state.accountability?.quorumByRole ?? {};
  const bodiesPresent = new Set(attendees.map((attendee) => attendee.body)).size;
  const rolesMet = Object.entries(quorumByRole).every(
    ([role, needed]) => new Set(attendees.filter((a) => a.role === role).map((a) => a.body)).size >= needed,
  );
  return [
    {
      type: 'BoardMeetingHeld',
      occurredAt,
      data: {
        boardId: state.boardId,
        meetingId: meeting.meetingId,
        heldOn: toCalendarDate(occurredAt),
        scheduledFor: meeting.scheduledFor,
        attendees,
        quorate: bodiesPresent >= quorum && rolesMet,
        quorum,
        quorumByRole,
      },
    },
  ];
};

const cancelMeeting = ({ data, metadata }: CancelMeeting, state: BoardState): BoardEvent[] => {
  requireBoard(state, data.boardId);
  const meeting = requireMeeting(state, data.meetingId);
  refuseIfHeld(state, meeting, 'cannot be cancelled');
  if (meeting.status === 'cancelled') {
    throw new RuleBrokenError(
      'meeting-already-cancelled',
      `The ${state.name} meeting "${meeting.meetingId}" was already cancelled on ${meeting.cancelledOn}.`,
      'meetingId',
    );
  }
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const reason = requireText(data.reason, 'reason', 'reason-required', 'Say why the meeting was cancelled.');
  refuseBeforeEstablishment(
    state,
    toCalendarDate(occurredAt),
    `the cancellation of its meeting "${meeting.meetingId}"`,
    'occurredAt',
  );
  return [
    {
      type: 'BoardMeetingCancelled',
      occurredAt,
      data: { boardId: state.boardId, meetingId: meeting.meetingId, reason, scheduledFor: meeting.scheduledFor },
    },
  ];
};

const rearrangeMeeting = ({ data, metadata }: RearrangeMeeting, state: BoardState): BoardEvent[] => {
  requireBoard(state, data.boardId);
  const meeting = requireMeeting(state, data.meetingId);
  refuseIfHeld(state, meeting, 'cannot be rearranged');
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const newDate = requireCalendarDate(data.newDate, 'newDate', 'the rearranged meeting');
  const on = toCalendarDate(occurredAt);
  refuseBeforeEstablishment(state, newDate, `its meeting "${meeting.meetingId}"`, 'newDate');
  if (newDate < on) {
    throw new ValidationError(
      'date-out-of-order',
      `A meeting rearranged on ${on} cannot be moved to an earlier date (${newDate}).`,
      'newDate',
    );
  }
  const wasCancelled = meeting.status === 'cancelled';
  if (wasCancelled && meeting.cancelledOn !== null && on < meeting.cancelledOn) {
    throw new ValidationError(
      'date-out-of-order',
      `The meeting "${meeting.meetingId}" was cancelled on ${meeting.cancelledOn}, so it cannot have been rearranged on ${on}.`,
      'occurredAt',
    );
  }
  if (!wasCancelled && newDate === meeting.scheduledFor) {
    throw new ValidationError(
      'date-unchanged',
      `The meeting "${meeting.meetingId}" is already scheduled for ${newDate}.`,
      'newDate',
    );
  }
  return [
    {
      type: 'BoardMeetingRearranged',
      occurredAt,
      data: {
        boardId: state.boardId,
        meetingId: meeting.meetingId,
        previousDate: meeting.scheduledFor,
        newDate,
        wasCancelled,
      },
    },
  ];
};

export const decideBoard = (command: BoardCommand, state: BoardState): BoardEvent[] => {
  switch (command.type) {
    case 'EstablishBoard':
      return establishBoard(command, state);
    case 'ChangeBoardTerms':
      return changeBoardTerms(command, state);
    case 'SetBoardAccountability':
      return setBoardAccountability(command, state);
    case 'ChangeBoardOversight':
      return changeBoardOversight(command, state);
    case 'ScheduleMeeting':
      return scheduleMeeting(command, state);
    case 'HoldMeeting':
      return holdMeeting(command, state);
    case 'CancelMeeting':
      return cancelMeeting(command, state);
    case 'RearrangeMeeting':
      return rearrangeMeeting(command, state);
    default: {
      const _exhaustive: never = command;
      throw new Error(`Unknown board command ${JSON.stringify(_exhaustive)}`);
    }
  }
};

export const boardDecider: Decider<BoardCommand, BoardEvent, BoardState> = {
  decide: decideBoard,
  evolve: evolveBoard,
  initialState: initialBoardState,
};
