import type { BodyRef } from '../bodies/body.js';
import { RuleBrokenError, ValidationError } from '../kernel/errors.js';
import { requireInteger, requireOneOf, requireText } from '../kernel/validation.js';
import type { LegalBasis } from './agreement.commands.js';

/**
 * Who a party to an agreement is, as the Police Act 1996 has them (docs/domain.md, "Parties as the Act has them";
 * this project's reading). For a police force the party is its chief officer, its local policing body, or both
 * (s22A(1) to (5)); any other body (a fire and rescue authority, a council, a national agency) is a party in its own
 * right (s22A(6)) and has no capacity.
 */
export const PARTY_CAPACITIES = ['chief-officer', 'policing-body', 'chief-officer-and-policing-body'] as const;
export type PartyCapacity = (typeof PARTY_CAPACITIES)[number];

/**
 * A party as an agreement event records it: the body, and the capacity a police party acts in. `capacity` is
 * written from `AgreementDrafted` version 3, `PartyAdded` version 2 and `PartyJoined` version 3 (null when the
 * officer did not give one); it is absent from the earlier versions, read as not recorded (`capacityOf`).
 */
export type PartyRecord = BodyRef & { capacity?: PartyCapacity | null };

/** The capacity an event records for a party: null ("not recorded") for the versions written before it. */
export const capacityOf = (party: PartyRecord): PartyCapacity | null => party.capacity ?? null;

/** How a read shows the capacity. */
export const capacitySentence = (capacity: PartyCapacity | null): string =>
  capacity === null
    ? 'not recorded'
    : capacity === 'chief-officer'
      ? 'chief officer'
      : capacity === 'policing-body'
        ? 'policing body'
        : 'chief officer and policing body';

/**
 * Whether the party's local policing body must approve the agreement before it commences (and each variation
 * before it takes effect). Police Act 1996 s22A: a chief officer makes the agreement with the approval of the
 * force's policing body; a party that is only the policing body consents by its own signature, so no separate
 * approval is asked of it. A capacity not recorded asks it wherever a policing body exists, as before capacities
 * were recorded; a body without a policing body is never asked. The one rule the decider, the variations and the
 * reads call.
 */
export const approvalAskedOf = (party: { body: Pick<BodyRef, 'policingBody'>; capacity: PartyCapacity | null }) =>
  party.body.policingBody !== null && party.capacity !== 'policing-body';

/**
 * The capacity given for `body` on an agreement made under `legalBasis`, checked: one of the three, given only for
 * a body with a local policing body (`capacity-without-policing-body`), and not chief officer alone on an s23A
 * agreement (`chief-officer-on-s23a`: policing bodies' support agreements are made by the policing bodies).
 */
export const requireCapacity = (
  body: BodyRef,
  value: unknown,
  legalBasis: LegalBasis | null,
  field: string,
): PartyCapacity | null => {
  if (value === undefined || value === null) return null;
  const capacity = requireOneOf(value, PARTY_CAPACITIES, field, 'invalid-capacity', 'party capacity');
  if (body.policingBody === null) {
    throw new ValidationError(
      'capacity-without-policing-body',
      `${body.name} has no local policing body, so it is a party in its own right: give no capacity for it ` +
        '(a capacity says whether a police force takes part by its chief officer, its policing body or both).',
      field,
    );
  }
  // Police Act 1996 s22A(4) (policing body collaboration provision, what s23A supplements): the parties include each
  // policing body the provision relates to; a chief officer alone is not one.
  if (legalBasis === 's23A' && capacity === 'chief-officer') {
    throw new ValidationError(
      'chief-officer-on-s23a',
      `An s23A agreement is made by policing bodies: ${body.name} cannot be a party by its chief officer alone ` +
        '(give policing-body or chief-officer-and-policing-body).',
      field,
    );
  }
  return capacity;
};

/**
 * Which bodies may be parties under which basis (this project's reading of the Police Act 1996; docs/domain.md).
 * An agreement under s22A or s23A is a collaboration agreement of the Act: it is made by policing bodies, or chief
 * officers with policing bodies (s22A(1)), so at least one party must be a police force with a local policing body
 * (`no-police-party`); other persons (fire and rescue authorities, councils, national agencies) may be parties too
 * (s22A(6)). An agreement under another statute or an MoU may include any body. A basis not recorded (an old
 * record) is not judged.
 */
export const requirePartiesAllowed = (
  legalBasis: LegalBasis | null,
  parties: readonly BodyRef[],
  title: string,
  field = 'parties',
): void => {
  if (legalBasis !== 's22A' && legalBasis !== 's23A') return;
  if (parties.some((party) => party.policingBody !== null)) return;
  throw new ValidationError(
    'no-police-party',
    `"${title}" is made under ${legalBasis}, a collaboration agreement of the Police Act 1996, which is made by ` +
      'policing bodies or chief officers with policing bodies (s22A(1)): at least one party must be a police force ' +
      'with a local policing body. Record it under other or mou if no police force is a party.',
    field,
  );
};

/** What a source says of members it does not name ("25 police forces and 7 fire and rescue authorities"). */
export interface DeclaredMembership {
  description: string;
  /** How many members the source says there are, named or not. */
  count: number;
}

/** At most this many declared members: a bound on input, above every collaboration on record (56 for the NPCC). */
export const MAX_DECLARED_MEMBERS = 1000;

/**
 * A declared membership, checked: a description, and a whole count of at least two (an agreement has two parties)
 * and at least the parties named.
 */
export const requireDeclaredMembership = (value: unknown, named: number): DeclaredMembership | null => {
  if (value === undefined || value === null) return null;
  const declared = value as { description?: unknown; count?: unknown };
  const description = requireText(
    declared.description,
    'declaredMembership.description',
    'declared-membership-description-required',
    'Say what the source says of the members (e.g. "25 police forces and 7 fire and rescue authorities").',
  );
  const count = requireInteger(
    declared.count,
    { min: 2, max: MAX_DECLARED_MEMBERS },
    'declaredMembership.count',
    'invalid-declared-count',
    'count of members',
  );
  if (count < named) {
    throw new ValidationError(
      'declared-membership-too-small',
      `The source is declared to have ${count} members, but ${named} are named: the count is of every member, named or not.`,
      'declaredMembership.count',
    );
  }
  return { description, count };
};

/** A party added must not take the named parties past the membership declared. */
export const requireWithinDeclared = (declared: DeclaredMembership | null, named: number, field = 'party'): void => {
  if (declared !== null && named > declared.count) {
    throw new RuleBrokenError(
      'declared-membership-exceeded',
      `The agreement is declared to have ${declared.count} members (${declared.description}), and all ${declared.count} are already named.`,
      field,
    );
  }
};

/** "1 of 32 members named"; null when no membership is declared (every member is named). */
export const namedSentence = (named: number, declared: DeclaredMembership | null): string | null =>
  declared === null ? null : `${named} of ${declared.count} members named`;
