import { isPoliceForce } from '../bodies/body.js';
import type { Decider } from '../kernel/decider.js';
import { parseFinancialYear, toCalendarDate } from '../kernel/dates.js';
import { NotFoundError, AlreadyExistsError, RuleBrokenError, ValidationError } from '../kernel/errors.js';
import {
  optionalText,
  requireCalendarDate,
  requireEntityId,
  requireOccurredAt,
  requireOneOf,
  requireText,
} from '../kernel/validation.js';
import {
  DELIVERY_MODELS,
  AGREEMENT_SCOPES,
  LEGAL_BASES,
  SAVINGS_KINDS,
  type AddParty,
  type AddServiceLine,
  type AgreementCommand,
  type BringIntoForce,
  type ChangeHostForce,
  type DraftAgreement,
  type EndServiceLine,
  type GivePccApproval,
  type GiveWithdrawalNotice,
  type RecordDatePrecision,
  type RecordSavings,
  type RecordSupersession,
  type ReplanStart,
  type NoticeOverride,
  type ReviewAgreement,
  type SetTerms,
  type SignAgreement,
  type TerminateAgreement,
  type VaryAgreement,
  type WithdrawParty,
} from './agreement.commands.js';
import type { AgreementEvent } from './agreement.events.js';
import {
  listNames,
  policingBodyCreditedOn,
  requireExisting,
  requireInForce,
  requireMember,
  requireNotBefore,
  requireNotBeforeMembership,
} from './agreement.rules.js';
import {
  describeNoticePeriod,
  endOfNoticePeriod,
  requireEffectiveFrom,
  requireTerms,
  termsInForceOn,
} from './terms.js';
import { requireFunctionOfTerms } from './service-lines.js';
import {
  PARTY_FACTS,
  PRECISE_FACTS,
  requireDatePrecision,
  requirePrecisionFits,
  type DatedFactRef,
  type PreciseFact,
} from './date-precision.js';
import { isRecordedDatePrecision, type RecordedDatePrecision } from '../kernel/dates.js';
import {
  approvalAskedOf,
  requireCapacity,
  requireDeclaredMembership,
  requirePartiesAllowed,
  requireWithinDeclared,
  type PartyCapacity,
  type PartyRecord,
} from './parties.js';
import type { BodyRef } from '../bodies/body.js';
import { approveVariation, proposeVariation, signVariation, withdrawVariation } from './variations.js';
import { requireNoUnitsLeftInForce, requireParentInForceOn, requirePartiesOfParent } from './units.js';
import {
  evolveAgreement,
  findMember,
  initialAgreementState,
  type AgreementState,
  type Member,
} from './agreement.state.js';

const requireHostable = (state: AgreementState, hostForce: string): Member => {
  const host = findMember(state, hostForce);
  if (!host) {
    throw new ValidationError(
      'host-not-a-party',
      `"${hostForce}" cannot host "${state.title}": the host force must be one of its current parties.`,
      'hostForce',
    );
  }
  if (!isPoliceForce(host.body)) {
    throw new ValidationError(
      'host-not-a-police-force',
      `${host.body.name} cannot host "${state.title}": only a police force can be the host force.`,
      'hostForce',
    );
  }
  return host;
};

/** A planned start is a day from the one it is planned on: a plan made today for a day gone by plans nothing. */
const requirePlannedStart = (value: unknown, plannedOn: string): string => {
  const plannedStart = requireCalendarDate(value, 'plannedStart', 'the planned start');
  if (plannedStart < plannedOn) {
    throw new ValidationError(
      'date-out-of-order',
      `A start planned on ${plannedOn} cannot be planned for ${plannedStart}, a day already past: record the ` +
        'commencement if it has happened.',
      'plannedStart',
    );
  }
  return plannedStart;
};

const draftAgreement = ({ data, metadata }: DraftAgreement, state: AgreementState): AgreementEvent[] => {
  if (state.status !== 'none') {
    throw new AlreadyExistsError(
      'agreement-already-exists',
      `Agreement "${data.agreementId}" already exists ("${state.title}", drafted on ${state.draftedOn}).`,
      'agreementId',
    );
  }
  const agreementId = requireEntityId(data.agreementId, 'agreementId', 'agreement');
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const on = toCalendarDate(occurredAt);
  const title = requireText(data.title, 'title', 'title-required', 'Give the agreement a title.');
  const businessArea = requireText(
    data.businessArea,
    'businessArea',
    'business-area-required',
    'Say which business area the agreement covers (e.g. "serious and organised crime").',
  );
  if ((data.legalBasis as string) === 'national') {
    // Release 0.1.0 took `national` as a legal basis; it is a scope (national collaborations are made under
    // a statute, usually s22A, or an MoU): docs/domain.md, "Agreements".
    throw new ValidationError(
      'legal-basis-is-a-scope',
      '"national" is the scope of an agreement, not its legal basis: give the statute it is made under as legalBasis ' +
        '(s22A for a collaboration of chief officers or policing bodies, s23A, other or mou) and scope "national".',
      'legalBasis',
    );
  }
  const legalBasis = requireOneOf(data.legalBasis, LEGAL_BASES, 'legalBasis', 'invalid-legal-basis', 'legal basis');
  const scope =
    data.scope === undefined || data.scope === null
      ? null
      : requireOneOf(data.scope, AGREEMENT_SCOPES, 'scope', 'invalid-scope', 'scope (local, regional or national)');
  const deliveryModel = requireOneOf(
    data.deliveryModel,
    DELIVERY_MODELS,
    'deliveryModel',
    'invalid-delivery-model',
    'delivery model',
  );

  const parties = data.parties ?? [];
  const seen = new Set<string>();
  for (const party of parties) {
    if (seen.has(party.id)) {
      throw new ValidationError('duplicate-party', `${party.name} is listed more than once as a party.`, 'parties');
    }
    seen.add(party.id);
  }
  // A declared membership (parties.ts) says how many members there are: a source that names only one of them
  // (the Vehicle Procurement Consortium names Gloucestershire) still records an agreement of two or more parties.
  const declaredMembership = requireDeclaredMembership(data.declaredMembership, parties.length);
  if (parties.length < (declaredMembership === null ? 2 : 1)) {
    throw new ValidationError(
      'too-few-parties',
      declaredMembership === null
        ? `A collaboration agreement needs at least two parties; ${parties[0] === undefined ? 'none was' : `only ${parties[0].name} was`} given.`
        : 'Name at least one of the members the agreement is declared to have.',
      'parties',
    );
  }
  requirePartiesAllowed(legalBasis, parties, title);
  const records = withCapacities(parties, data.partyCapacities, legalBasis);

  const hostForce = optionalText(data.hostForce);
  if (hostForce !== null) {
    const host = parties.find((party) => party.id === hostForce);
    if (!host) {
      throw new ValidationError(
        'host-not-a-party',
        `"${hostForce}" cannot host "${title}": the host force must be one of its parties (${listNames(parties.map((p) => p.name))}).`,
        'hostForce',
      );
    }
    if (!isPoliceForce(host)) {
      throw new ValidationError(
        'host-not-a-police-force',
        `${host.name} cannot host "${title}": only a police force can be the host force.`,
        'hostForce',
      );
    }
  } else if (deliveryModel === 'host-force') {
    throw new ValidationError(
      'host-force-required',
      'A host-force agreement needs a host force: say which party hosts it.',
      'hostForce',
    );
  }

  const parent = data.parent ?? null;
  if (parent !== null) {
    if (parent.agreementId === agreementId) {
      throw new ValidationError('parent-is-self', 'An agreement cannot be its own parent agreement.', 'parentId');
    }
    if (!parent.exists) {
      throw new NotFoundError(
        'parent-agreement-not-found',
        `The parent agreement "${parent.agreementId}" does not exist: record it first.`,
        'parentId',
      );
    }
    if (parent.facts) requirePartiesOfParent(parent.facts, parties, on, 'parties');
  }

  let reviewDue: string | null = null;
  if (data.reviewDue !== undefined && data.reviewDue !== null) {
    reviewDue = requireCalendarDate(data.reviewDue, 'reviewDue', 'the review');
    if (reviewDue <= on) {
      throw new ValidationError(
        'date-out-of-order',
        `The first review (${reviewDue}) must fall after the agreement was drafted (${on}).`,
        'reviewDue',
      );
    }
  }

  const plannedStart =
    data.plannedStart === undefined || data.plannedStart === null ? null : requirePlannedStart(data.plannedStart, on);

  const drafted: AgreementEvent = {
    type: 'AgreementDrafted',
    occurredAt,
    data: {
      agreementId,
      title,
      legalBasis,
      scope,
      businessArea,
      deliveryModel,
      parties: records,
      hostForce,
      parentAgreementId: parent?.agreementId ?? null,
      reviewDue,
    },
  };
  const events: AgreementEvent[] = [drafted];
  if (declaredMembership !== null) {
    events.push({ type: 'MembershipDeclared', occurredAt, data: { agreementId, ...declaredMembership } });
  }
  if (plannedStart !== null) {
    events.push({ type: 'AgreementStartPlanned', occurredAt, data: { agreementId, plannedStart } });
  }
  return events;
};

/** The draft's parties with the capacity given for each (null where none was), each checked (parties.ts). */
const withCapacities = (
  parties: readonly BodyRef[],
  given: DraftAgreement['data']['partyCapacities'],
  legalBasis: DraftAgreement['data']['legalBasis'],
): PartyRecord[] => {
  const capacities = new Map<string, PartyCapacity | null>();
  (given ?? []).forEach((entry, index) => {
    const field = `partyCapacities[${index}]`;
    const party = parties.find((p) => p.id === entry.party);
    if (!party) {
      throw new ValidationError(
        'capacity-for-non-party',
        `"${String(entry.party)}" is not one of the parties drafted, so no capacity can be given for it.`,
        `${field}.party`,
      );
    }
    if (capacities.has(party.id)) {
      throw new ValidationError(
        'duplicate-capacity',
        `The capacity of ${party.name} is given more than once.`,
        `${field}.party`,
      );
    }
    capacities.set(party.id, requireCapacity(party, entry.capacity, legalBasis, `${field}.capacity`));
  });
  return parties.map((party) => ({ ...party, capacity: capacities.get(party.id) ?? null }));
};

// Issue 15 (seed 002: "aimed to start on 1st April but may be Sept"): a draft's planned start moves, and the
// record keeps why. Once the agreement has commenced its start is a fact (inForceFrom), no longer a plan.
const replanStart = ({ data, metadata }: ReplanStart, state: AgreementState): AgreementEvent[] => {
  requireExisting(state, data.agreementId);
  if (state.status === 'in-force') {
    throw new RuleBrokenError(
      'already-in-force',
      `"${state.title}" has been in force since ${state.inForceFrom}: its start is no longer a plan to move.`,
      'plannedStart',
    );
  }
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const on = toCalendarDate(occurredAt);
  const reason = requireText(
    data.reason,
    'reason',
    'reason-required',
    'Say why the start is re-planned (e.g. "may be September: the host force is not yet decided").',
  );
  const plannedStart = requirePlannedStart(data.plannedStart, on);
  if (plannedStart === state.plannedStart) {
    throw new RuleBrokenError(
      'planned-start-unchanged',
      `"${state.title}" is already planned to start on ${plannedStart}.`,
      'plannedStart',
    );
  }
  requireNotBefore(on, state.draftedOn, 'Re-planning the start', 'the agreement was drafted');
  return [
    {
      type: 'AgreementStartReplanned',
      occurredAt,
      data: { agreementId: state.agreementId, plannedStart, previousPlannedStart: state.plannedStart, reason },
    },
  ];
};

// Issue 15: agreements replace one another (the 3-force forensics agreement the 4-force one; NPAS the Gwent and
// South Wales air support). One successor may replace several, and one predecessor may be split among several
// successors (the tri-force unit's firearms, dogs and roads), so neither side is limited to one. A draft may
// record it, as the proposal it is part of.
const recordSupersession = ({ data, metadata }: RecordSupersession, state: AgreementState): AgreementEvent[] => {
  requireExisting(state, data.agreementId);
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const supersededAgreementId = requireEntityId(data.superseded.agreementId, 'supersedes', 'agreement');
  if (supersededAgreementId === state.agreementId) {
    throw new ValidationError('supersedes-self', 'An agreement cannot supersede itself.', 'supersedes');
  }
  if (!data.superseded.exists) {
    throw new NotFoundError(
      'superseded-agreement-not-found',
      `There is no agreement "${supersededAgreementId}" to supersede: record it first.`,
      'supersedes',
    );
  }
  if (state.supersedes.includes(supersededAgreementId)) {
    throw new RuleBrokenError(
      'supersession-already-recorded',
      `"${state.title}" is already recorded as superseding "${supersededAgreementId}".`,
      'supersedes',
    );
  }
  requireNotBefore(toCalendarDate(occurredAt), state.draftedOn, 'A supersession', 'the agreement was drafted');
  return [
    { type: 'PredecessorSuperseded', occurredAt, data: { agreementId: state.agreementId, supersededAgreementId } },
  ];
};

const signAgreement = ({ data, metadata }: SignAgreement, state: AgreementState): AgreementEvent[] => {
  requireExisting(state, data.agreementId);
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const member = requireMember(state, data.party);
  const signedBy = requireText(data.signedBy, 'signedBy', 'signed-by-required', 'Say who signed for the party.');
  if (member.signature) {
    throw new RuleBrokenError(
      'party-already-signed',
      `${member.body.name} has already signed this agreement (on ${member.signature.signedOn}).`,
      'party',
    );
  }
  requireNotBeforeMembership(state, member, toCalendarDate(occurredAt), `${member.body.name}'s signature`);
  const datePrecision = requireDatePrecision(data.datePrecision, occurredAt);
  return [
    {
      type: 'AgreementSigned',
      occurredAt,
      data: { agreementId: state.agreementId, party: member.body.id, signedBy, datePrecision },
    },
  ];
};

// Police Act 1996 s22A: a chief officer may make a collaboration agreement only with the approval of
// the force's local policing body (PCC, mayor or police authority).
const givePccApproval = ({ data, metadata }: GivePccApproval, state: AgreementState): AgreementEvent[] => {
  requireExisting(state, data.agreementId);
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const member = requireMember(state, data.party);
  const policingBody = policingBodyCreditedOn(member, occurredAt);
  if (!policingBody) {
    throw new RuleBrokenError(
      'no-policing-body',
      `${member.body.name} has no local policing body, so there is no PCC approval to record for it.`,
      'party',
    );
  }
  if (!approvalAskedOf(member)) {
    throw new RuleBrokenError(
      'approval-not-asked',
      `${member.body.name} is a party by its policing body, which consents by its own signature: no separate ` +
        'approval is asked of it.',
      'party',
    );
  }
  if (member.approval) {
    throw new RuleBrokenError(
      'approval-already-given',
      `${member.approval.policingBody.name} has already approved this agreement for ${member.body.name} (on ${member.approval.approvedOn}).`,
      'party',
    );
  }
  requireNotBeforeMembership(state, member, toCalendarDate(occurredAt), `The approval by ${policingBody.name}`);
  const datePrecision = requireDatePrecision(data.datePrecision, occurredAt);
  return [
    {
      type: 'PccApprovalGiven',
      occurredAt,
      data: { agreementId: state.agreementId, party: member.body.id, policingBody, datePrecision },
    },
  ];
};

const bringIntoForce = ({ data, metadata }: BringIntoForce, state: AgreementState): AgreementEvent[] => {
  requireExisting(state, data.agreementId);
  if (state.status === 'in-force') {
    throw new RuleBrokenError('already-in-force', `"${state.title}" has been in force since ${state.inForceFrom}.`);
  }
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const unsigned = state.members.filter((member) => !member.signature).map((member) => member.body.name);
  if (unsigned.length > 0) {
    throw new RuleBrokenError(
      'signatures-missing',
      `"${state.title}" cannot come into force until every party has signed: ${listNames(unsigned)} ${unsigned.length === 1 ? 'has' : 'have'} not signed yet.`,
    );
  }
  const unapproved = state.members
    .filter((member) => approvalAskedOf(member) && !member.approval)
    .map((member) => `${member.body.policingBody?.name} (for ${member.body.name})`);
  if (unapproved.length > 0) {
    throw new RuleBrokenError(
      'approvals-missing',
      `"${state.title}" cannot come into force until every party's policing body has approved it: still waiting for ${listNames(unapproved)}.`,
    );
  }
  if (data.parent) requireParentInForceOn(data.parent, toCalendarDate(occurredAt));
  requireNotBefore(
    toCalendarDate(occurredAt),
    state.latestFactOn,
    'Commencement',
    'the latest signature, approval or change recorded on the draft',
  );
  const datePrecision = requireDatePrecision(data.datePrecision, occurredAt);
  return [
    {
      type: 'AgreementCameIntoForce',
      occurredAt,
      data: { agreementId: state.agreementId, parties: state.members.map((member) => member.body.id), datePrecision },
    },
  ];
};

/** The day a recorded fact is dated, and its precision now; refused when the fact is not recorded. */
const recordedFact = (state: AgreementState, { fact, party }: DatedFactRef, at: string) => {
  const field = `${at}.fact`;
  if (fact === 'drafted') return { day: state.draftedOn ?? '', precision: state.draftedPrecision, what: 'the draft' };
  if (fact === 'in-force') {
    if (state.inForceFrom === null) {
      throw new RuleBrokenError(
        'not-in-force',
        `"${state.title}" has not come into force: there is no commencement date to qualify.`,
        field,
      );
    }
    return { day: state.inForceFrom, precision: state.inForcePrecision, what: 'the commencement' };
  }
  const partyId = typeof party === 'string' ? party : '';
  if (fact === 'left') {
    const former = state.formerMembers.findLast((f) => f.body.id === partyId);
    if (!former) {
      throw new RuleBrokenError(
        'not-withdrawn',
        `"${partyId}" has not withdrawn from "${state.title}": there is no leaving date to qualify.`,
        `${at}.party`,
      );
    }
    return { day: former.leftOn, precision: former.leftPrecision, what: `${former.body.name}'s withdrawal` };
  }
  const member = requireMember(state, partyId);
  if (fact === 'joined') {
    if (!member.joinedInForce) {
      throw new RuleBrokenError(
        'not-joined',
        `${member.body.name} is a party of the draft of "${state.title}", not a body that joined it in force: its ` +
          'membership begins with the commencement (fact in-force).',
        `${at}.party`,
      );
    }
    return { day: member.joinedOn, precision: member.joinedPrecision, what: `${member.body.name}'s joining` };
  }
  if (fact === 'signed') {
    if (!member.signature) {
      throw new RuleBrokenError('not-signed', `${member.body.name} has not signed "${state.title}".`, `${at}.party`);
    }
    return {
      day: member.signature.signedOn,
      precision: member.signature.precision,
      what: `${member.body.name}'s signature`,
    };
  }
  if (!member.approval) {
    throw new RuleBrokenError(
      'not-approved',
      `${member.body.name}'s policing body has not approved "${state.title}".`,
      `${at}.party`,
    );
  }
  return {
    day: member.approval.approvedOn,
    precision: member.approval.precision,
    what: `${member.body.name}'s approval`,
  };
};

// Issue 15: a register page dated 24 August 2017 shows an agreement in operation by then, not from then. The
// precision of a date already recorded is stated by its own event, which moves no date (docs/domain.md, "Dates and
// their precision"), so a record imported before precisions existed keeps its facts and gains how exactly they are
// known.
const recordDatePrecision = ({ data, metadata }: RecordDatePrecision, state: AgreementState): AgreementEvent[] => {
  requireExisting(state, data.agreementId);
  if (!isRecordedDatePrecision(data.precision)) {
    throw new ValidationError(
      'invalid-date-precision',
      `${JSON.stringify(data.precision)} is not a date precision: give day, month, year or on-or-before.`,
      'precision',
    );
  }
  const precision: RecordedDatePrecision = data.precision;
  const reason = requireText(
    data.reason,
    'reason',
    'reason-required',
    'Say why the date is known only so exactly (e.g. "the register page dated 24 August 2017 lists it").',
  );
  if (!Array.isArray(data.facts) || data.facts.length === 0) {
    throw new ValidationError('facts-required', 'Name the recorded facts whose dates this precision is of.', 'facts');
  }
  const facts: DatedFactRef[] = [];
  let changes = 0;
  data.facts.forEach((ref: DatedFactRef, i) => {
    const at = `facts[${i}]`;
    const fact: PreciseFact = requireOneOf(
      ref?.fact,
      PRECISE_FACTS,
      `${at}.fact`,
      'invalid-fact',
      'dated fact (drafted, signed, approved, in-force, joined or left)',
    );
    const party = PARTY_FACTS.includes(fact) ? ref.party : null;
    if (facts.some((f) => f.fact === fact && f.party === party)) {
      throw new ValidationError('duplicate-fact', `${fact}${party ? ` (${party})` : ''} is named more than once.`, at);
    }
    const recorded = recordedFact(state, { fact, party }, at);
    requirePrecisionFits(precision, recorded.day, 'precision');
    if (recorded.precision !== precision) changes++;
    facts.push({ fact, party });
  });
  if (changes === 0) {
    throw new RuleBrokenError(
      'precision-unchanged',
      `The dates named on "${state.title}" are already recorded with precision ${precision}.`,
      'precision',
    );
  }
  return [
    {
      type: 'DatePrecisionRecorded',
      occurredAt: metadata.now,
      data: { agreementId: state.agreementId, facts, precision, reason },
    },
  ];
};

const varyAgreement = ({ data, metadata }: VaryAgreement, state: AgreementState): AgreementEvent[] => {
  requireInForce(state, data.agreementId, 'it cannot be varied: change the draft instead');
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const summary = requireText(data.summary, 'summary', 'summary-required', 'Summarise what the variation changes.');
  requireNotBefore(toCalendarDate(occurredAt), state.inForceFrom, 'A variation', 'the agreement came into force');
  return [{ type: 'AgreementVaried', occurredAt, data: { agreementId: state.agreementId, summary } }];
};

const changeHostForce = ({ data, metadata }: ChangeHostForce, state: AgreementState): AgreementEvent[] => {
  requireExisting(state, data.agreementId);
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const host = requireHostable(state, data.hostForce);
  if (host.body.id === state.hostForce) {
    throw new RuleBrokenError('host-unchanged', `${host.body.name} already hosts "${state.title}".`, 'hostForce');
  }
  const on = toCalendarDate(occurredAt);
  requireNotBefore(on, state.inForceFrom, 'A change of host', 'the agreement came into force');
  requireNotBeforeMembership(state, host, on, 'A change of host');
  return [
    {
      type: 'HostForceChanged',
      occurredAt,
      data: { agreementId: state.agreementId, from: state.hostForce, to: host.body.id },
    },
  ];
};

const addParty = ({ data, metadata }: AddParty, state: AgreementState): AgreementEvent[] => {
  requireExisting(state, data.agreementId);
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const existing = findMember(state, data.party.id);
  if (existing) {
    throw new RuleBrokenError(
      'already-a-party',
      `${existing.body.name} is already a party to "${state.title}" (since ${existing.joinedOn}).`,
      'party',
    );
  }
  const on = toCalendarDate(occurredAt);
  if (data.parent) requirePartiesOfParent(data.parent, [data.party], on, 'party');
  const party: PartyRecord = {
    ...data.party,
    capacity: requireCapacity(data.party, data.capacity, state.legalBasis, 'capacity'),
  };
  requireWithinDeclared(state.declaredMembership, state.members.length + 1);
  if (state.status === 'drafted') {
    requireNotBefore(on, state.draftedOn, `Adding ${party.name}`, 'the agreement was drafted');
    return [{ type: 'PartyAdded', occurredAt, data: { agreementId: state.agreementId, party } }];
  }
  requireNotBefore(on, state.inForceFrom, `${party.name} joining`, 'the agreement came into force');
  const left = state.formerMembers.findLast((former) => former.body.id === party.id);
  requireNotBefore(on, left?.leftOn ?? null, `${party.name} rejoining`, `it withdrew`);
  const datePrecision = requireDatePrecision(data.datePrecision, occurredAt);
  return [{ type: 'PartyJoined', occurredAt, data: { agreementId: state.agreementId, party, datePrecision } }];
};

const giveWithdrawalNotice = ({ data, metadata }: GiveWithdrawalNotice, state: AgreementState): AgreementEvent[] => {
  requireInForce(state, data.agreementId, 'a party cannot give notice to withdraw from it');
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const member = requireMember(state, data.party);
  if (member.notice) {
    throw new RuleBrokenError(
      'notice-already-given',
      `${member.body.name} already gave notice on ${member.notice.givenOn}, taking effect on ${member.notice.effectiveOn}.`,
      'party',
    );
  }
  const effectiveOn = requireCalendarDate(data.effectiveOn, 'effectiveOn', 'the withdrawal to take effect');
  const on = toCalendarDate(occurredAt);
  if (effectiveOn <= on) {
    throw new ValidationError(
      'effective-before-notice',
      `Notice given on ${on} must take effect after that date, and ${effectiveOn} does not.`,
      'effectiveOn',
    );
  }
  requireNotBefore(on, state.inForceFrom, 'Notice of withdrawal', 'the agreement came into force');
  requireNotBeforeMembership(state, member, on, 'Notice of withdrawal');
  const override = requireNoticePeriodMet(state, member, on, effectiveOn, data.override ?? null);
  const datePrecision = requireDatePrecision(data.datePrecision, occurredAt);
  return [
    {
      type: 'WithdrawalNoticeGiven',
      occurredAt,
      data: { agreementId: state.agreementId, party: member.body.id, effectiveOn, override, datePrecision },
    },
  ];
};

/**
 * Notice takes effect no sooner than the notice period of the terms in force on the day it is given (the Act leaves
 * how a party leaves to the agreement; the statutory guidance has it set notice and exit costs: docs/domain.md,
 * "Terms and notice periods"), unless shorter notice was accepted: the override says by whom and why,
 * and is recorded with the notice. An override where the notice is long enough is refused, so none is on record
 * that changed nothing.
 */
const requireNoticePeriodMet = (
  state: AgreementState,
  member: Member,
  on: string,
  effectiveOn: string,
  override: NoticeOverride | null,
): { acceptedBy: string; reason: string } | null => {
  const inForce = termsInForceOn(state.terms, on);
  const period = inForce?.terms.noticePeriod ?? null;
  const earliest = period === null ? null : endOfNoticePeriod(on, period);
  const tooShort = earliest !== null && effectiveOn < earliest;
  if (override === null) {
    if (tooShort && period !== null && inForce !== null) {
      throw new ValidationError(
        'notice-too-short',
        `The terms in force on ${on} (version ${inForce.termsVersion}) set a notice period of ` +
          `${describeNoticePeriod(period)}: ${member.body.name}'s notice given on ${on} can take effect on ${earliest} ` +
          `at the earliest, not ${effectiveOn}. If shorter notice was accepted, record the override (acceptedBy, reason).`,
        'effectiveOn',
      );
    }
    return null;
  }
  if (!tooShort) {
    throw new ValidationError(
      'override-not-needed',
      period === null
        ? `The terms in force on ${on} set no notice period, so there is nothing to override: leave out the override.`
        : `Notice taking effect on ${effectiveOn} meets the notice period of ${describeNoticePeriod(period)} ` +
            `(${earliest} at the earliest): leave out the override.`,
      'override',
    );
  }
  return {
    acceptedBy: requireText(
      override.acceptedBy,
      'override.acceptedBy',
      'accepted-by-required',
      'Say who accepted the shorter notice (e.g. "the other parties\' chief constables").',
    ),
    reason: requireText(override.reason, 'override.reason', 'reason-required', 'Say why shorter notice was accepted.'),
  };
};

// Issue 15 items 1 and 5: the terms are one document, versioned; each version is set whole, effective from a day.
// They may be set while drafted (as negotiated) or in force (as varied); the parties are those current now.
const setTerms = ({ data, metadata }: SetTerms, state: AgreementState): AgreementEvent[] => {
  requireExisting(state, data.agreementId);
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const previous = state.terms.at(-1);
  const effectiveFrom = requireEffectiveFrom(data.effectiveFrom, previous);
  const terms = requireTerms(
    data.terms,
    state.members.map((member) => member.body),
  );
  requireNotBefore(toCalendarDate(occurredAt), state.draftedOn, 'Setting the terms', 'the agreement was drafted');
  return [
    {
      type: 'TermsSet',
      occurredAt,
      data: { agreementId: state.agreementId, termsVersion: (previous?.termsVersion ?? 0) + 1, effectiveFrom, terms },
    },
  ];
};

const withdrawParty = ({ data, metadata }: WithdrawParty, state: AgreementState): AgreementEvent[] => {
  requireInForce(state, data.agreementId, 'no party can withdraw from it');
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const member = requireMember(state, data.party);
  if (member.body.id === state.hostForce) {
    throw new RuleBrokenError(
      'host-cannot-withdraw',
      `${member.body.name} hosts "${state.title}" and cannot withdraw until another party becomes the host force.`,
      'party',
    );
  }
  if (state.members.length <= 2) {
    throw new RuleBrokenError(
      'last-parties-must-terminate',
      `Only ${listNames(state.members.map((m) => m.body.name))} remain in "${state.title}": an agreement in force keeps at least two parties, so record its termination instead.`,
      'party',
    );
  }
  const on = toCalendarDate(occurredAt);
  if (member.notice && on < member.notice.givenOn) {
    throw new ValidationError(
      'withdrawal-before-notice',
      `${member.body.name} gave notice on ${member.notice.givenOn}, so it cannot have withdrawn on ${on}.`,
      'occurredAt',
    );
  }
  requireNotBefore(on, state.inForceFrom, `${member.body.name}'s withdrawal`, 'the agreement came into force');
  requireNotBeforeMembership(state, member, on, `${member.body.name}'s withdrawal`);
  const datePrecision = requireDatePrecision(data.datePrecision, occurredAt);
  return [
    {
      type: 'ForceWithdrew',
      occurredAt,
      data: { agreementId: state.agreementId, party: member.body.id, reason: optionalText(data.reason), datePrecision },
    },
  ];
};

const reviewAgreement = ({ data, metadata }: ReviewAgreement, state: AgreementState): AgreementEvent[] => {
  requireInForce(state, data.agreementId, 'it cannot be reviewed yet');
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const outcome = requireText(data.outcome, 'outcome', 'outcome-required', 'Say what the review concluded.');
  const on = toCalendarDate(occurredAt);
  let nextReviewDue: string | null = null;
  if (data.nextReviewDue !== undefined && data.nextReviewDue !== null) {
    nextReviewDue = requireCalendarDate(data.nextReviewDue, 'nextReviewDue', 'the next review');
    if (nextReviewDue <= on) {
      throw new ValidationError(
        'date-out-of-order',
        `The next review (${nextReviewDue}) must fall after this review (${on}).`,
        'nextReviewDue',
      );
    }
  }
  requireNotBefore(on, state.inForceFrom, 'A review', 'the agreement came into force');
  return [{ type: 'AgreementReviewed', occurredAt, data: { agreementId: state.agreementId, outcome, nextReviewDue } }];
};

// A draft that is abandoned is terminated too, so that it leaves the register and its alerts.
const terminateAgreement = ({ data, metadata }: TerminateAgreement, state: AgreementState): AgreementEvent[] => {
  requireExisting(state, data.agreementId);
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const reason = requireText(data.reason, 'reason', 'reason-required', 'Say why the agreement is terminated.');
  requireNoUnitsLeftInForce(state.title, data.unitsInForce ?? [], data.endUnits === true);
  requireNotBefore(
    toCalendarDate(occurredAt),
    state.latestFactOn,
    'Termination',
    'the latest fact recorded about the agreement',
  );
  return [{ type: 'AgreementTerminated', occurredAt, data: { agreementId: state.agreementId, reason } }];
};

// Issue 15 item 3 (seed 002): an agreement's service lines end while it goes on, as the tri-force unit's dogs and
// roads sections did while firearms continued. Ids come from users, so the state keeps lines in a Map.
const addServiceLine = ({ data, metadata }: AddServiceLine, state: AgreementState): AgreementEvent[] => {
  requireExisting(state, data.agreementId);
  const serviceLineId = requireEntityId(data.serviceLineId, 'serviceLineId', 'service-line');
  const existing = state.serviceLines.get(serviceLineId);
  if (existing) {
    throw new AlreadyExistsError(
      'service-line-already-exists',
      `"${state.title}" already has a service line "${serviceLineId}" ("${existing.name}", from ${existing.from}` +
        `${existing.until === null ? '' : `, ended ${existing.until}`}): give a new line a new id.`,
      'serviceLineId',
    );
  }
  const name = requireText(data.name, 'name', 'name-required', 'Name the service line (e.g. "Dogs").');
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const on = toCalendarDate(occurredAt);
  requireNotBefore(on, state.draftedOn, 'A service line', 'the agreement was drafted');
  requireFunctionOfTerms(state.terms, name, on);
  return [{ type: 'ServiceLineAdded', occurredAt, data: { agreementId: state.agreementId, serviceLineId, name } }];
};

const endServiceLine = ({ data, metadata }: EndServiceLine, state: AgreementState): AgreementEvent[] => {
  requireExisting(state, data.agreementId);
  const serviceLineId = requireEntityId(data.serviceLineId, 'serviceLineId', 'service-line');
  const line = state.serviceLines.get(serviceLineId);
  if (!line) {
    throw new NotFoundError(
      'service-line-not-found',
      `"${state.title}" has no service line "${serviceLineId}".`,
      'serviceLineId',
    );
  }
  if (line.until !== null) {
    throw new RuleBrokenError(
      'service-line-already-ended',
      `The service line "${line.name}" of "${state.title}" already ended on ${line.until}.`,
      'serviceLineId',
    );
  }
  const reason = requireText(data.reason, 'reason', 'reason-required', 'Say why the service line ends.');
  const occurredAt = requireOccurredAt(data.occurredAt, metadata.now);
  const on = toCalendarDate(occurredAt);
  requireNotBefore(on, state.draftedOn, 'Ending a service line', 'the agreement was drafted');
  if (on <= line.from) {
    throw new ValidationError(
      'date-out-of-order',
      `The service line "${line.name}" started on ${line.from}, so it cannot end on ${on}: it ends after the day it ` +
        'started.',
      'occurredAt',
    );
  }
  return [{ type: 'ServiceLineEnded', occurredAt, data: { agreementId: state.agreementId, serviceLineId, reason } }];
};

const recordSavings = ({ data, metadata }: RecordSavings, state: AgreementState): AgreementEvent[] => {
  requireExisting(state, data.agreementId);
  const span = parseFinancialYear(data.financialYear);
  if (!span) {
    throw new ValidationError(
      'invalid-financial-year',
      `"${String(data.financialYear)}" is not a financial year: write it as 2015-16 (1 April 2015 to 31 March 2016).`,
      'financialYear',
    );
  }
  const kind = requireOneOf(data.kind, SAVINGS_KINDS, 'kind', 'invalid-savings-kind', 'kind of savings');
  if (!Number.isSafeInteger(data.amountPence) || data.amountPence < 0) {
    throw new ValidationError(
      'invalid-amount',
      `${String(data.amountPence)} is not an amount of savings: give a whole number of pence, zero or more.`,
      'amountPence',
    );
  }
  const { financialYear, amountPence } = data;
  const event = { occurredAt: metadata.now, data: { agreementId: state.agreementId, financialYear, amountPence } };
  if (kind === 'forecast') return [{ type: 'SavingsForecast', ...event }];

  if (state.status !== 'in-force') {
    throw new RuleBrokenError(
      'not-in-force',
      `"${state.title}" has not come into force, so it cannot have realised savings.`,
    );
  }
  if (span.start > toCalendarDate(metadata.now)) {
    throw new ValidationError(
      'financial-year-not-started',
      `Savings for ${financialYear} cannot be realised yet: that financial year starts on ${span.start}.`,
      'financialYear',
    );
  }
  return [{ type: 'SavingsRealised', ...event }];
};

export const decideAgreement = (command: AgreementCommand, state: AgreementState): AgreementEvent[] => {
  switch (command.type) {
    case 'DraftAgreement':
      return draftAgreement(command, state);
    case 'ReplanStart':
      return replanStart(command, state);
    case 'RecordSupersession':
      return recordSupersession(command, state);
    case 'SignAgreement':
      return signAgreement(command, state);
    case 'GivePccApproval':
      return givePccApproval(command, state);
    case 'BringIntoForce':
      return bringIntoForce(command, state);
    case 'RecordDatePrecision':
      return recordDatePrecision(command, state);
    case 'VaryAgreement':
      return varyAgreement(command, state);
    case 'ProposeVariation':
      return proposeVariation(command, state);
    case 'SignVariation':
      return signVariation(command, state);
    case 'ApproveVariation':
      return approveVariation(command, state);
    case 'WithdrawVariation':
      return withdrawVariation(command, state);
    case 'ChangeHostForce':
      return changeHostForce(command, state);
    case 'AddParty':
      return addParty(command, state);
    case 'GiveWithdrawalNotice':
      return giveWithdrawalNotice(command, state);
    case 'SetTerms':
      return setTerms(command, state);
    case 'WithdrawParty':
      return withdrawParty(command, state);
    case 'ReviewAgreement':
      return reviewAgreement(command, state);
    case 'TerminateAgreement':
      return terminateAgreement(command, state);
    case 'AddServiceLine':
      return addServiceLine(command, state);
    case 'EndServiceLine':
      return endServiceLine(command, state);
    case 'RecordSavings':
      return recordSavings(command, state);
    default: {
      const _exhaustive: never = command;
      throw new Error(`Unknown agreement command ${JSON.stringify(_exhaustive)}`);
    }
  }
};

export const agreementDecider: Decider<AgreementCommand, AgreementEvent, AgreementState> = {
  decide: decideAgreement,
  evolve: evolveAgreement,
  initialState: initialAgreementState,
};
