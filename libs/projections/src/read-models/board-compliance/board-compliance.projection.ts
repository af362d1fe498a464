import type {
  BoardMeetingCancelled,
  BoardMeetingHeld,
  BoardMeetingRearranged,
  BoardMeetingScheduled,
  BoardTermsChanged,
  GovernanceBoardEstablished,
} from '#domain';
import type { SqlProjection } from '../../sql-projection.js';
import { dataOf, dayOf } from '../shared.js';

export const BOARD_COMPLIANCE_EVENTS = [
  'GovernanceBoardEstablished',
  'BoardTermsChanged',
  'BoardMeetingScheduled',
  'BoardMeetingHeld',
  'BoardMeetingCancelled',
  'BoardMeetingRearranged',
] as const;

/**
 * Boards, their terms of reference over time, their meetings as they stand, and every meeting
 * fact with its valid date, so compliance can be judged for any financial year as of any date.
 */
export const boardComplianceProjection: SqlProjection = {
  name: 'board-compliance',
  version: 1,
  handles: BOARD_COMPLIANCE_EVENTS,
  tables: ['boards', 'board_terms', 'board_meetings', 'board_meeting_facts'],
  schema: (t) => `
    CREATE TABLE IF NOT EXISTS ${t('boards')} (
      board_id text PRIMARY KEY,
      name text NOT NULL,
      agreement_ids text[] NOT NULL,
      established_on date NOT NULL,
      chair text NOT NULL,
      max_days_between_meetings integer NOT NULL,
      quorum integer NOT NULL,
      rearrange_within_days integer NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${t('board_terms')} (
      board_id text NOT NULL,
      position bigint NOT NULL,
      effective_on date NOT NULL,
      chair text NOT NULL,
      max_days_between_meetings integer NOT NULL,
      quorum integer NOT NULL,
      rearrange_within_days integer NOT NULL,
      PRIMARY KEY (board_id, position)
    );
    CREATE TABLE IF NOT EXISTS ${t('board_meetings')} (
      board_id text NOT NULL,
      meeting_id text NOT NULL,
      scheduled_for date NOT NULL,
      status text NOT NULL,
      held_on date,
      quorate boolean,
      attendees jsonb,
      cancelled_on date,
      cancellation_reason text,
      rearranged_to date,
      PRIMARY KEY (board_id, meeting_id)
    );
    CREATE TABLE IF NOT EXISTS ${t('board_meeting_facts')} (
      board_id text NOT NULL,
      position bigint NOT NULL,
      meeting_id text NOT NULL,
      what text NOT NULL,
      occurred_on date NOT NULL,
      scheduled_for date NOT NULL,
      quorate boolean,
      reason text,
      PRIMARY KEY (board_id, position)
    );
  `,
  async apply({ tx, t }, event) {
    const on = dayOf(event);
    const fact = (meetingId: string, what: string, scheduledFor: string, extra: { quorate?: boolean; reason?: string } = {}) =>
      tx.query(
        `INSERT INTO ${t('board_meeting_facts')} (board_id, position, meeting_id, what, occurred_on, scheduled_for, quorate, reason)
         VALUES ($1, $2::bigint, $3, $4, $5::date, $6::date, $7, $8) ON CONFLICT (board_id, position) DO NOTHING`,
        [(event.data as { boardId: string }).boardId, event.position, meetingId, what, on, scheduledFor, extra.quorate ?? null, extra.reason ?? null],
      );
    const terms = async (data: GovernanceBoardEstablished['data'] | BoardTermsChanged['data']) => {
      await tx.query(
        `INSERT INTO ${t('board_terms')} (board_id, position, effective_on, chair, max_days_between_meetings, quorum, rearrange_within_days)
         VALUES ($1, $2::bigint, $3::date, $4, $5, $6, $7) ON CONFLICT (board_id, position) DO NOTHING`,
        [data.boardId, event.position, on, data.chair, data.maxDaysBetweenMeetings, data.quorum, data.rearrangeWithinDays],
      );
      await tx.query(
        `UPDATE ${t('boards')} SET chair = $2, max_days_between_meetings = $3, quorum = $4, rearrange_within_days = $5 WHERE board_id = $1`,
        [data.boardId, data.chair, data.maxDaysBetweenMeetings, data.quorum, data.rearrangeWithinDays],
      );
    };
    switch (event.type) {
      case 'GovernanceBoardEstablished': {
        const data = dataOf<GovernanceBoardEstablished>(event);
        await tx.query(
          `INSERT INTO ${t('boards')} (board_id, name, agreement_ids, established_on, chair, max_days_between_meetings, quorum, rearrange_within_days)
           VALUES ($1, $2, $3::text[], $4::date, $5, $6, $7, $8) ON CONFLICT (board_id) DO NOTHING`,
          [data.boardId, data.name, data.agreementIds, on, data.chair, data.maxDaysBetweenMeetings, data.quorum, data.rearrangeWithinDays],
        );
        await terms(data);
        return;
      }
      case 'BoardTermsChanged':
        await terms(dataOf<BoardTermsChanged>(event));
        return;
      case 'BoardMeetingScheduled': {
        const { boardId, meetingId, scheduledFor } = dataOf<BoardMeetingScheduled>(event);
        await tx.query(
          `INSERT INTO ${t('board_meetings')} (board_id, meeting_id, scheduled_for, status) VALUES ($1, $2, $3::date, 'scheduled')
           ON CONFLICT (board_id, meeting_id) DO NOTHING`,
          [boardId, meetingId, scheduledFor],
        );
        await fact(meetingId, 'scheduled', scheduledFor);
        return;
      }
      case 'BoardMeetingHeld': {
        const { boardId, meetingId, heldOn, quorate, attendees, scheduledFor } = dataOf<BoardMeetingHeld>(event);
        await tx.query(
          `UPDATE ${t('board_meetings')} SET status = 'held', held_on = $3::date, quorate = $4, attendees = $5::jsonb
            WHERE board_id = $1 AND meeting_id = $2`,
          [boardId, meetingId, heldOn, quorate, JSON.stringify(attendees)],
        );
        await fact(meetingId, 'held', scheduledFor, { quorate });
        return;
      }
      case 'BoardMeetingCancelled': {
        const { boardId, meetingId, reason, scheduledFor } = dataOf<BoardMeetingCancelled>(event);
        await tx.query(
          `UPDATE ${t('board_meetings')} SET status = 'cancelled', cancelled_on = $3::date, cancellation_reason = $4
            WHERE board_id = $1 AND meeting_id = $2`,
          [boardId, meetingId, on, reason],
        );
        await fact(meetingId, 'cancelled', scheduledFor, { reason });
        return;
      }
      case 'BoardMeetingRearranged': {
        const { boardId, meetingId, newDate } = dataOf<BoardMeetingRearranged>(event);
        await tx.query(
          `UPDATE ${t('board_meetings')} SET status = 'scheduled', scheduled_for = $3::date, rearranged_to = $3::date
            WHERE board_id = $1 AND meeting_id = $2`,
          [boardId, meetingId, newDate],
        );
        await fact(meetingId, 'rearranged', newDate);
        return;
      }
    }
  },
};
