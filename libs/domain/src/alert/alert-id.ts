import type { AlertRule, AlertSubject } from './alert.commands.js';
import type { StoredAlertSubject } from './alert.events.js';

/** Entity ids are at most 100 characters (kernel/validation.ts); longer slugs keep a prefix and a hash of the whole. */
const MAX_ALERT_ID = 100;
const SEPARATOR = '--';

/** FNV-1a, 32 bits, as 8 hex digits: enough to tell apart the rare ids that need shortening. */
const fnv1a = (text: string): string => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
};

/** Every subject field, null when absent, in one order (the id's and the stored event's). */
export const normaliseAlertSubject = (subject: AlertSubject): StoredAlertSubject => ({
  boardId: subject.boardId ?? null,
  meetingId: subject.meetingId ?? null,
  agreementId: subject.agreementId ?? null,
  party: subject.party ?? null,
});

/**
 * The stable id of an alert: the rule and its subject, so re-evaluating the same breach always lands
 * on the same stream (`alert-<id>`) and can never raise it twice.
 *
 *   alertIdFor('meeting-cancelled-not-rearranged', { boardId: 'hampshire-tvp', meetingId: '2015-q3' })
 *     === 'meeting-cancelled-not-rearranged--hampshire-tvp--2015-q3'
 */
export const alertIdFor = (rule: AlertRule, subject: AlertSubject): string => {
  const { boardId, meetingId, agreementId, party } = normaliseAlertSubject(subject);
  const slug = [rule, boardId, meetingId, agreementId, party]
    .filter((part): part is string => part !== null)
    .join(SEPARATOR);
  if (slug.length <= MAX_ALERT_ID) return slug;
  const hash = fnv1a(slug);
  return `${slug.slice(0, MAX_ALERT_ID - hash.length - 1).replace(/[-._]+$/, '')}-${hash}`;
};
