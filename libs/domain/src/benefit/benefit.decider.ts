import type { Decider } from '../kernel/decider.js';
import { parseFinancialYear, toCalendarDate } from '../kernel/dates.js';
import { AlreadyExistsError, NotFoundError, RuleBrokenError, ValidationError } from '../kernel/errors.js';
import { optionalText, requireEntityId, requireOneOf, requireText } from '../kernel/validation.js';
import type {
  BenefitAgreementFacts,
  BenefitCommand,
  BenefitEntryInput,
  CorrectBenefit,
  RecordBenefit,
} from './benefit.commands.js';
import {
  BENEFIT_KINDS,
  BENEFIT_STATUSES,
  type BenefitEntry,
  type BenefitEvent,
  type BenefitPeriod,
} from './benefit.events.js';
import { evolveBenefitLedger, initialBenefitLedgerState, type BenefitLedgerState } from './benefit.state.js';

/** A figure can be attributed to a body that is or was party to the agreement, and to no other. */
export const isAttributableParty = (agreement: BenefitAgreementFacts, party: string): boolean =>
  agreement.parties.includes(party);

const requireAgreement = (agreement: BenefitAgreementFacts): BenefitAgreementFacts & { draftedOn: string } => {
  if (!agreement.exists || agreement.draftedOn === null) {
    throw new NotFoundError('agreement-not-found', `There is no agreement "${agreement.agreementId}".`, 'agreementId');
  }
  return agreement as BenefitAgreementFacts & { draftedOn: string };
};

const requireFinancialYear = (value: unknown, field: string): { year: string; start: string; end: string } => {
  const span = parseFinancialYear(value);
  if (!span) {
    throw new ValidationError(
      'invalid-financial-year',
      `"${String(value)}" is not a financial year: write it as 2017-18 (1 April 2017 to 31 March 2018).`,
      field,
    );
  }
  return { year: value as string, ...span };
};

/** One financial year or a range of them; `field` of the first year, for errors about the whole period. */
function periodOf(input: BenefitEntryInput): { period: BenefitPeriod; start: string; end: string; field: string } {
  const year = input.financialYear ?? null;
  const range = input.period ?? null;
  if (year !== null && range !== null) {
    throw new ValidationError(
      'period-given-twice',
      'Give either financialYear (one year) or period (a range of years), not both.',
      'period',
    );
  }
  if (year !== null) {
    const fy = requireFinancialYear(year, 'financialYear');
    return { period: { from: fy.year, to: fy.year }, start: fy.start, end: fy.end, field: 'financialYear' };
  }
  if (range === null) {
    throw new ValidationError(
      'period-required',
      'Say which financial year the figure is for (financialYear, e.g. 2017-18) or which years (period).',
      'financialYear',
    );
  }
  const from = requireFinancialYear(range.from, 'period.from');
  const to = requireFinancialYear(range.to, 'period.to');
  if (to.start < from.start) {
    throw new ValidationError(
      'period-reversed',
      `The period ends (${to.year}) before it starts (${from.year}).`,
      'period.to',
    );
  }
  return { period: { from: from.year, to: to.year }, start: from.start, end: to.end, field: 'period' };
}

const MAX_TEXT = { description: 2000, measure: 200, source: 500, note: 2000 } as const;

const boundedText = (value: unknown, field: keyof typeof MAX_TEXT): string | null => {
  const text = optionalText(value);
  if (text !== null && text.length > MAX_TEXT[field]) {
    throw new ValidationError(`${field}-too-long`, `At most ${MAX_TEXT[field]} characters.`, field);
  }
  return text;
};

/**
 * The rules of one entry (docs/domain.md, "Benefits"): a saving or a cost is whole pence, a non-cash benefit
 * is described instead; the period may run after the agreement ended (a final outturn) but not end before it
 * was drafted; a realised figure is for a period that has begun; a share belongs to a party of the agreement.
 */
function entryOf(input: BenefitEntryInput, agreement: BenefitAgreementFacts, now: string): BenefitEntry {
  const drafted = requireAgreement(agreement);
  const kind = requireOneOf(input.kind, BENEFIT_KINDS, 'kind', 'invalid-benefit-kind', 'kind of benefit');
  const status = requireOneOf(input.status, BENEFIT_STATUSES, 'status', 'invalid-benefit-status', 'benefit status');
  const amount = input.amountPence ?? null;
  let amountPence: number | null = null;
  if (kind === 'non-cash') {
    if (amount !== null) {
      throw new ValidationError(
        'non-cash-has-no-amount',
        'A non-cash benefit has no amount: describe it (description) and say how it is measured (measure).',
        'amountPence',
      );
    }
  } else {
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0) {
      throw new ValidationError(
        'invalid-amount',
        `${JSON.stringify(amount)} is not an amount: give a whole number of pence, zero or more (at most 2^53 - 1).`,
        'amountPence',
      );
    }
    amountPence = amount;
  }
  const description =
    kind === 'non-cash'
      ? requireText(input.description, 'description', 'description-required', 'Describe the non-cash benefit.')
      : optionalText(input.description);
  if (description !== null && description.length > MAX_TEXT.description) {
    throw new ValidationError('description-too-long', `At most ${MAX_TEXT.description} characters.`, 'description');
  }
  const { period, start, end, field } = periodOf(input);
  if (end < drafted.draftedOn) {
    throw new ValidationError(
      'period-before-draft',
      `The agreement was drafted on ${drafted.draftedOn}: a figure for a period that ended before (${period.to} ended on ${end}) is not its benefit.`,
      field === 'period' ? 'period.to' : field,
    );
  }
  const today = toCalendarDate(now);
  if (status === 'realised' && start > today) {
    throw new ValidationError(
      'period-not-started',
      `Nothing can be realised yet for ${period.from}: it starts on ${start}. Record it as a forecast.`,
      field === 'period' ? 'period.from' : field,
    );
  }
  const attributedTo = optionalText(input.attributedTo);
  if (attributedTo !== null && !isAttributableParty(agreement, attributedTo)) {
    throw new ValidationError(
      'attributed-to-not-a-party',
      `"${attributedTo}" is not and has not been a party to agreement "${agreement.agreementId}": a share belongs to one of its parties.`,
      'attributedTo',
    );
  }
  return {
    kind,
    status,
    amountPence,
    description,
    measure: boundedText(input.measure, 'measure'),
    period,
    attributedTo,
    source: boundedText(input.source, 'source'),
    note: boundedText(input.note, 'note'),
  };
}

const requireNewEntryId = (state: BenefitLedgerState, entryId: unknown, field: string): string => {
  const id = requireEntityId(entryId, field, 'benefit-entry');
  if (state.entries.has(id)) {
    throw new AlreadyExistsError('benefit-entry-exists', `The ledger already has an entry "${id}".`, field);
  }
  return id;
};

const recordBenefit = ({ data, metadata }: RecordBenefit, state: BenefitLedgerState): BenefitEvent[] => {
  const entryId = requireNewEntryId(state, data.entryId, 'id');
  const entry = entryOf(data.entry, data.agreement, metadata.now);
  return [
    {
      type: 'BenefitRecorded',
      occurredAt: metadata.now,
      data: { agreementId: data.agreement.agreementId, entryId, ...entry },
    },
  ];
};

const correctBenefit = ({ data, metadata }: CorrectBenefit, state: BenefitLedgerState): BenefitEvent[] => {
  requireAgreement(data.agreement);
  const earlier = state.entries.get(data.supersedes);
  if (!earlier) {
    throw new NotFoundError(
      'benefit-entry-not-found',
      `Agreement "${data.agreement.agreementId}" has no benefits entry "${data.supersedes}" to correct.`,
      'entryId',
    );
  }
  if (earlier.supersededBy !== null) {
    throw new RuleBrokenError(
      'benefit-entry-superseded',
      `Entry "${data.supersedes}" was already corrected by "${earlier.supersededBy}": correct that one instead.`,
      'entryId',
    );
  }
  const entryId = requireNewEntryId(state, data.entryId, 'id');
  const reason = requireText(data.reason, 'reason', 'reason-required', 'Say why the entry is corrected.');
  const entry = entryOf(data.entry, data.agreement, metadata.now);
  return [
    {
      type: 'BenefitCorrected',
      occurredAt: metadata.now,
      data: { agreementId: data.agreement.agreementId, entryId, supersedes: data.supersedes, reason, ...entry },
    },
  ];
};

export const decideBenefitLedger = (command: BenefitCommand, state: BenefitLedgerState): BenefitEvent[] => {
  switch (command.type) {
    case 'RecordBenefit':
      return recordBenefit(command, state);
    case 'CorrectBenefit':
      return correctBenefit(command, state);
    default: {
      const _exhaustive: never = command;
      throw new Error(`Unknown benefits command ${String(_exhaustive)}`);
    }
  }
};

export const benefitLedgerDecider: Decider<BenefitCommand, BenefitEvent, BenefitLedgerState> = {
  decide: decideBenefitLedger,
  evolve: evolveBenefitLedger,
  initialState: initialBenefitLedgerState,
};

/** What the ledger needs of an agreement's folded state (present and former parties, the draft's day). */
export const benefitFactsOf = (
  agreementId: string,
  exists: boolean,
  state: {
    draftedOn: string | null;
    members: readonly { body: { id: string } }[];
    formerMembers: readonly { body: { id: string } }[];
  },
): BenefitAgreementFacts => ({
  agreementId,
  exists,
  draftedOn: state.draftedOn,
  parties: [...new Set([...state.members, ...state.formerMembers].map((m) => m.body.id))],
});
