import { policingBodyOn } from '../bodies/policing-body-history.js';
import type { PolicingBody } from '../bodies/body.js';
import { toCalendarDate } from '../kernel/dates.js';
import { NotFoundError, RuleBrokenError, ValidationError } from '../kernel/errors.js';
import { findMember, type AgreementState, type Member } from './agreement.state.js';

/** The checks the agreement's commands share (the decider and the variations, variations.ts). */

export const listNames = (names: readonly string[]): string =>
  names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

export const requireExisting = (state: AgreementState, agreementId: string): void => {
  if (state.status === 'none') {
    throw new NotFoundError(
      'agreement-not-found',
      `There is no agreement "${agreementId}": draft it first.`,
      'agreementId',
    );
  }
  if (state.status === 'terminated') {
    throw new RuleBrokenError(
      'agreement-terminated',
      `"${state.title}" was terminated on ${state.terminatedOn}: nothing more can be recorded against it.`,
    );
  }
};

export const requireInForce = (state: AgreementState, agreementId: string, refused: string): void => {
  requireExisting(state, agreementId);
  if (state.status !== 'in-force') {
    throw new RuleBrokenError('not-in-force', `"${state.title}" has not come into force, so ${refused}.`);
  }
};

export const requireMember = (state: AgreementState, partyId: string, field = 'party'): Member => {
  const member = findMember(state, partyId);
  if (member) return member;
  const former = state.formerMembers.findLast((f) => f.body.id === partyId);
  throw new RuleBrokenError(
    'not-a-party',
    former
      ? `${former.body.name} withdrew from "${state.title}" on ${former.leftOn} and is no longer a party to it.`
      : `"${partyId}" is not a party to "${state.title}".`,
    field,
  );
};

/** Facts about a party cannot predate its membership, nor facts of an agreement in force its commencement. */
export const requireNotBefore = (
  on: string,
  earliest: string | null,
  fact: string,
  since: string,
  field = 'occurredAt',
) => {
  if (earliest !== null && on < earliest) {
    throw new ValidationError(
      'date-out-of-order',
      `${fact} cannot be dated ${on}, before ${since} (${earliest}).`,
      field,
    );
  }
};

export const requireNotBeforeMembership = (state: AgreementState, member: Member, on: string, fact: string): void => {
  const joinedWhenDrafted = member.joinedOn === state.draftedOn;
  requireNotBefore(
    on,
    member.joinedOn,
    fact,
    joinedWhenDrafted ? 'the agreement was drafted' : `${member.body.name} joined`,
  );
};

/**
 * The policing body an approval given on `on` is credited to: the body that held the role on its date (police
 * authority before 22 November 2012, PCC, then PFCC or mayor: docs/domain.md, "Policing bodies in their time"), not
 * today's holder. Where the history cannot tell (a change known only to its month or year), the party's recorded one
 * stays. Null when the party has no local policing body.
 */
export const policingBodyCreditedOn = (member: Member, occurredAt: string): PolicingBody | null => {
  const dated = member.body.policingBody ? policingBodyOn(member.body.id, toCalendarDate(occurredAt)) : null;
  return dated?.known ? dated.policingBody : member.body.policingBody;
};
