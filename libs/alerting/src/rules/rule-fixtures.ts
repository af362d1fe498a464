/** Test support for the rule specs (not exported): states folded from events, and a clock set to a day. */
import {
  agreementDecider,
  boardDecider,
  fold,
  type AgreementEvent,
  type AgreementState,
  type Attendee,
  type BoardEvent,
  type BoardState,
  type BodyRef,
} from '#domain';
import type { BoardFacts } from './condition.js';

export const BOARD_ID = 'hampshire-tvp';
export const BOARD_NAME = 'Hampshire/TVP Bilateral Collaboration Governance Board';
export const AGREEMENT_ID = 'hampshire-tvp-bilateral';

export const at = (date: string): string => `${date}T00:00:00.000Z`;
/** The evaluator's clock on a day (mid-morning, so a date-only comparison is what counts). */
export const on = (date: string): Date => new Date(`${date}T09:30:00.000Z`);

export const established = (
  terms: { maxDaysBetweenMeetings?: number; quorum?: number; rearrangeWithinDays?: number } = {},
  date = '2015-04-01',
): BoardEvent => ({
  type: 'GovernanceBoardEstablished',
  occurredAt: at(date),
  data: {
    boardId: BOARD_ID,
    name: BOARD_NAME,
    agreementIds: [AGREEMENT_ID],
    chair: 'Thames Valley Police and Crime Commissioner',
    maxDaysBetweenMeetings: 92,
    quorum: 2,
    rearrangeWithinDays: 28,
    ...terms,
  },
});
export const scheduled = (meetingId: string, scheduledFor: string, recordedOn = '2015-04-01'): BoardEvent => ({
  type: 'BoardMeetingScheduled',
  occurredAt: at(recordedOn),
  data: { boardId: BOARD_ID, meetingId, scheduledFor },
});
const BOTH: Attendee[] = [
  { name: 'Chief Constable, Hampshire', body: 'hampshire' },
  { name: 'Chief Constable, Thames Valley', body: 'thames-valley' },
];
export const held = (meetingId: string, heldOn: string, scheduledFor = heldOn, quorate = true): BoardEvent => ({
  type: 'BoardMeetingHeld',
  occurredAt: at(heldOn),
  data: {
    boardId: BOARD_ID,
    meetingId,
    heldOn,
    scheduledFor,
    attendees: quorate ? BOTH : BOTH.slice(1),
    quorate,
    quorum: 2,
  },
});
export const cancelled = (meetingId: string, cancelledOn: string, scheduledFor: string): BoardEvent => ({
  type: 'BoardMeetingCancelled',
  occurredAt: at(cancelledOn),
  data: { boardId: BOARD_ID, meetingId, reason: 'Chief officers unavailable', scheduledFor },
});
export const rearranged = (
  meetingId: string,
  rearrangedOn: string,
  previousDate: string,
  newDate: string,
  wasCancelled = true,
): BoardEvent => ({
  type: 'BoardMeetingRearranged',
  occurredAt: at(rearrangedOn),
  data: { boardId: BOARD_ID, meetingId, previousDate, newDate, wasCancelled },
});

export const boardOf = (...events: BoardEvent[]): BoardState => fold(boardDecider, events);

const party = (id: string, name: string, pcc: string): BodyRef => ({
  id,
  name,
  kind: 'territorial-police-force',
  policingBody: { name: pcc, kind: 'pcc' },
});
export const HAMPSHIRE = party(
  'hampshire',
  'Hampshire and Isle of Wight Constabulary',
  'Police and Crime Commissioner for Hampshire',
);
export const THAMES_VALLEY = party(
  'thames-valley',
  'Thames Valley Police',
  'Police and Crime Commissioner for Thames Valley',
);

export const drafted = (reviewDue: string | null = null, date = '2015-01-05'): AgreementEvent => ({
  type: 'AgreementDrafted',
  occurredAt: at(date),
  data: {
    agreementId: AGREEMENT_ID,
    title: 'Hampshire and Thames Valley bilateral collaboration',
    legalBasis: 's22A',
    scope: 'local',
    businessArea: 'joint operations',
    deliveryModel: 'joint-unit',
    parties: [HAMPSHIRE, THAMES_VALLEY],
    hostForce: 'thames-valley',
    parentAgreementId: null,
    reviewDue,
  },
});
export const cameIntoForce = (date = '2015-03-01'): AgreementEvent => ({
  type: 'AgreementCameIntoForce',
  occurredAt: at(date),
  data: { agreementId: AGREEMENT_ID, parties: ['hampshire', 'thames-valley'] },
});
export const startPlanned = (plannedStart: string, date = '2015-01-05'): AgreementEvent => ({
  type: 'AgreementStartPlanned',
  occurredAt: at(date),
  data: { agreementId: AGREEMENT_ID, plannedStart },
});
export const startReplanned = (plannedStart: string, previousPlannedStart: string, date: string): AgreementEvent => ({
  type: 'AgreementStartReplanned',
  occurredAt: at(date),
  data: { agreementId: AGREEMENT_ID, plannedStart, previousPlannedStart, reason: 'May be September' },
});
export const reviewed = (date: string, nextReviewDue: string | null): AgreementEvent => ({
  type: 'AgreementReviewed',
  occurredAt: at(date),
  data: { agreementId: AGREEMENT_ID, outcome: 'Continue as agreed', nextReviewDue },
});
export const noticeGiven = (partyId: string, givenOn: string, effectiveOn: string): AgreementEvent => ({
  type: 'WithdrawalNoticeGiven',
  occurredAt: at(givenOn),
  data: { agreementId: AGREEMENT_ID, party: partyId, effectiveOn, override: null },
});
export const withdrew = (partyId: string, date: string): AgreementEvent => ({
  type: 'ForceWithdrew',
  occurredAt: at(date),
  data: { agreementId: AGREEMENT_ID, party: partyId, reason: null },
});
export const terminated = (date: string): AgreementEvent => ({
  type: 'AgreementTerminated',
  occurredAt: at(date),
  data: { agreementId: AGREEMENT_ID, reason: 'Replaced by a regional agreement' },
});

export const agreementOf = (...events: AgreementEvent[]): AgreementState => fold(agreementDecider, events);
export const IN_FORCE = (): AgreementState => agreementOf(drafted(), cameIntoForce());

export const facts = (board: BoardState, ...agreements: AgreementState[]): BoardFacts => ({
  board,
  agreements: agreements.length > 0 ? agreements : [IN_FORCE()],
});
