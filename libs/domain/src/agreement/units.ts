import { RuleBrokenError } from '../kernel/errors.js';
import type { AgreementState, AgreementStatus } from './agreement.state.js';

/**
 * What a unit's decider needs to know of its parent agreement (issue 15: Zephyr's RART, RIU, Protected Persons and
 * Fraud units). The handler loads the parent and supplies this; the decider stays pure and never looks it up.
 */
export interface ParentFacts {
  agreementId: string;
  title: string;
  status: AgreementStatus;
  inForceFrom: string | null;
  terminatedOn: string | null;
  /** Current parties, with the day each joined. */
  parties: readonly { id: string; joinedOn: string }[];
  /** Parties that have left, with the days they joined and left. */
  formerParties: readonly { id: string; joinedOn: string; leftOn: string }[];
}

/** A unit of an agreement in force, as a parent's termination needs to know it. */
export interface UnitInForce {
  agreementId: string;
  title: string;
}

/**
 * Whether `partyId` is a party of the parent on `on`: a current party, or one that had not yet left by then. A
 * party's joining day is not required to come first: a unit is often drafted in the same negotiation as its parent
 * (or before the parent's draft is recorded), and the unit's commencement is held to the parent's dates instead.
 */
export const isPartyOfParentOn = (parent: ParentFacts, partyId: string, on: string): boolean =>
  parent.parties.some((party) => party.id === partyId) ||
  parent.formerParties.some((party) => party.id === partyId && on < party.leftOn);

/**
 * A unit is made within its parent: its parties are the parent's (a unit adds no body the umbrella agreement does not
 * bind). Police Act 1996 s22A(2): a collaboration agreement binds only those who made it, so a unit that named a
 * body outside the parent would be a separate agreement, not a unit of it.
 */
export const requirePartiesOfParent = (
  parent: ParentFacts,
  parties: readonly { id: string; name: string }[],
  on: string,
  field: string,
): void => {
  const outside = parties.filter((party) => !isPartyOfParentOn(parent, party.id, on)).map((party) => party.name);
  if (outside.length > 0) {
    throw new RuleBrokenError(
      'not-a-party-of-parent',
      `${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} not a party of the parent agreement ` +
        `"${parent.title}" on ${on}: a unit's parties must be parties of its parent. Add ${outside.length === 1 ? 'it' : 'them'} ` +
        'to the parent first, or record a separate agreement.',
      field,
    );
  }
};

/** A unit comes into force only while its parent is in force: not before the parent commenced, nor once it ended. */
export const requireParentInForceOn = (parent: ParentFacts, on: string): void => {
  if (parent.inForceFrom === null || on < parent.inForceFrom) {
    throw new RuleBrokenError(
      'parent-not-in-force',
      parent.inForceFrom === null
        ? `The parent agreement "${parent.title}" has not come into force, so its unit cannot come into force yet.`
        : `The parent agreement "${parent.title}" came into force on ${parent.inForceFrom}, so its unit cannot ` +
            `come into force on ${on}, before it.`,
      'occurredAt',
    );
  }
  if (parent.terminatedOn !== null && on >= parent.terminatedOn) {
    throw new RuleBrokenError(
      'parent-ended',
      `The parent agreement "${parent.title}" ended on ${parent.terminatedOn}, so its unit cannot come into force ` +
        `on ${on}.`,
      'occurredAt',
    );
  }
};

/**
 * A parent cannot end while a unit is in force, unless the termination ends its units with it (`endUnits`): a unit
 * stands on its parent's terms, and would otherwise be left in force with nothing under it.
 */
export const requireNoUnitsLeftInForce = (title: string, units: readonly UnitInForce[], endUnits: boolean): void => {
  if (units.length > 0 && !endUnits) {
    throw new RuleBrokenError(
      'units-in-force',
      `"${title}" has ${units.length === 1 ? 'a unit' : `${units.length} units`} in force ` +
        `(${units.map((unit) => `"${unit.title}"`).join(', ')}): terminate ${units.length === 1 ? 'it' : 'them'} first, ` +
        'or ask to end the units with it (endUnits).',
      'endUnits',
    );
  }
};

/** The facts a unit is checked against, taken from its parent's folded state. */
export const parentFactsOf = (parent: AgreementState): ParentFacts => ({
  agreementId: parent.agreementId,
  title: parent.title,
  status: parent.status,
  inForceFrom: parent.inForceFrom,
  terminatedOn: parent.terminatedOn,
  parties: parent.members.map((member) => ({ id: member.body.id, joinedOn: member.joinedOn })),
  formerParties: parent.formerMembers.map((former) => ({
    id: former.body.id,
    joinedOn: former.joinedOn,
    leftOn: former.leftOn,
  })),
});
