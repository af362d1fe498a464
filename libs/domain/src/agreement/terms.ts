import { isPoliceForce, type BodyRef } from '../bodies/body.js';
import { isCalendarDate } from '../kernel/dates.js';
import { ValidationError } from '../kernel/errors.js';
import { optionalText, requireCalendarDate, requireInteger, requireOneOf, requireText } from '../kernel/validation.js';
import { DELIVERY_MODELS, type DeliveryModel } from './agreement.commands.js';

/**
 * An agreement's terms (issue 15 items 1 and 5): what the Home Office statutory guidance on police collaboration
 * (2012) has a Police Act 1996 s22A agreement set out. One document, versioned: each `TermsSet` carries the whole of
 * it, effective from a day (docs/domain.md, "Terms and notice periods").
 */

export const NOTICE_UNITS = ['months', 'days'] as const;
export type NoticeUnit = (typeof NOTICE_UNITS)[number];

/** How long before a withdrawal takes effect a party must give notice of it. */
export interface NoticePeriod {
  length: number;
  unit: NoticeUnit;
}

/** A party's financial contribution: a share in basis points (10000 = 100%) or a fixed amount in pence. */
export interface Contribution {
  party: string;
  shareBasisPoints: number | null;
  amountPence: number | null;
}

export interface AgreementTerms {
  /** What the collaboration is for. */
  purpose: string;
  /** Why it is in the interests of efficiency or effectiveness (the test of s22A); null when not recorded. */
  efficiencyCase: string | null;
  /** The functions or service lines it covers. */
  functions: string[];
  deliveryModel: DeliveryModel;
  /** The force that hosts it, a party; null when none does. */
  hostForce: string | null;
  /** Who has direction and control of the staff (the statutory guidance); null when not recorded. */
  directionAndControl: string | null;
  contributions: Contribution[];
  liability: string | null;
  /** Null when the terms set none: withdrawal notice is then unchecked. */
  noticePeriod: NoticePeriod | null;
  /** Exit and cost-sharing terms on withdrawal or termination. */
  exitTerms: string | null;
  reviewCycleMonths: number | null;
}

/** One version of the terms as set: `termsVersion` counts from 1; `setOn` is the day it was agreed. */
export interface TermsVersion {
  termsVersion: number;
  effectiveFrom: string;
  setOn: string;
  terms: AgreementTerms;
}

/** The bodies the terms are checked against: the agreement's current parties. */
export type TermsParty = Pick<BodyRef, 'id' | 'name' | 'kind'>;

export const BASIS_POINTS_WHOLE = 10_000;

/**
 * The terms in force on `on`: of the versions effective by then, the latest. Null when none is. The one rule for the
 * decider (notice periods) and the reads (GET /agreements/:id?asOf), so they cannot disagree.
 */
export const termsInForceOn = <T extends Pick<TermsVersion, 'termsVersion' | 'effectiveFrom'>>(
  history: readonly T[],
  on: string,
): T | null =>
  history
    .filter((version) => version.effectiveFrom <= on)
    .reduce<T | null>(
      (latest, version) => (latest && latest.termsVersion > version.termsVersion ? latest : version),
      null,
    );

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * The day a notice period given on `from` runs out. Months are calendar months, clamped to the month's last day
 * (notice of one month given on 31 January runs to 28 or 29 February).
 */
export const endOfNoticePeriod = (from: string, { length, unit }: NoticePeriod): string => {
  const [year, month, day] = from.split('-').map(Number) as [number, number, number];
  if (unit === 'days') {
    return new Date(Date.UTC(year, month - 1, day + length)).toISOString().slice(0, 10);
  }
  const months = month - 1 + length;
  const targetYear = year + Math.floor(months / 12);
  const targetMonth = (months % 12) + 1;
  const targetDay = Math.min(day, daysInMonth(targetYear, targetMonth));
  return `${targetYear}-${String(targetMonth).padStart(2, '0')}-${String(targetDay).padStart(2, '0')}`;
};

export const describeNoticePeriod = ({ length, unit }: NoticePeriod): string =>
  `${length} ${length === 1 ? unit.slice(0, -1) : unit}`;

const asObject = (value: unknown, field: string, what: string): Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError('invalid-terms', `Give ${what} as an object.`, field);
  }
  return value as Record<string, unknown>;
};

const optionalTextField = (value: unknown, field: string): string | null => {
  if (value !== undefined && value !== null && typeof value !== 'string') {
    throw new ValidationError('invalid-terms', `${field} must be text.`, field);
  }
  return optionalText(value);
};

const requireNoticePeriod = (value: unknown, root: string): NoticePeriod | null => {
  if (value === undefined || value === null) return null;
  const period = asObject(value, `${root}.noticePeriod`, 'the notice period ({ length, unit })');
  const unit = requireOneOf(period['unit'], NOTICE_UNITS, `${root}.noticePeriod.unit`, 'invalid-notice-unit', 'unit');
  const length = requireInteger(
    period['length'],
    { min: 1, max: unit === 'months' ? 120 : 3650 },
    `${root}.noticePeriod.length`,
    'invalid-notice-period',
    'notice period (it must be positive)',
  );
  return { length, unit };
};

/**
 * Contributions name parties only, once each, with a share or an amount; where shares are used they account for
 * the whole (10000 basis points), so the exit and cost-sharing terms have something to divide.
 */
const requireContributions = (value: unknown, parties: readonly TermsParty[], root: string): Contribution[] => {
  if (!Array.isArray(value)) {
    throw new ValidationError(
      'invalid-terms',
      'Give the contributions as a list, one per party.',
      `${root}.contributions`,
    );
  }
  const seen = new Set<string>();
  const contributions = value.map((item, index): Contribution => {
    const field = `${root}.contributions[${index}]`;
    const entry = asObject(item, field, 'each contribution ({ party, shareBasisPoints | amountPence })');
    const partyId = entry['party'];
    const party = parties.find((p) => p.id === partyId);
    if (!party) {
      throw new ValidationError(
        'contribution-not-a-party',
        `"${String(partyId)}" is not a party to the agreement, so it cannot contribute under its terms.`,
        `${field}.party`,
      );
    }
    if (seen.has(party.id)) {
      throw new ValidationError(
        'duplicate-contribution',
        `${party.name} has more than one contribution: give one, as a share or an amount.`,
        `${field}.party`,
      );
    }
    seen.add(party.id);
    const share = entry['shareBasisPoints'] ?? null;
    const amount = entry['amountPence'] ?? null;
    if ((share === null) === (amount === null)) {
      throw new ValidationError(
        'contribution-basis',
        `${party.name}'s contribution needs a share in basis points or an amount in pence, not ${share === null ? 'neither' : 'both'}.`,
        field,
      );
    }
    return {
      party: party.id,
      shareBasisPoints:
        share === null
          ? null
          : requireInteger(
              share,
              { min: 0, max: BASIS_POINTS_WHOLE },
              `${field}.shareBasisPoints`,
              'invalid-share',
              'share in basis points',
            ),
      amountPence:
        amount === null
          ? null
          : requireInteger(amount, { min: 0 }, `${field}.amountPence`, 'invalid-amount', 'amount in pence'),
    };
  });
  const shares = contributions.filter((c) => c.shareBasisPoints !== null);
  const total = shares.reduce((sum, c) => sum + (c.shareBasisPoints ?? 0), 0);
  if (shares.length > 0 && total !== BASIS_POINTS_WHOLE) {
    throw new ValidationError(
      'shares-not-whole',
      `The shares add up to ${total} basis points (${total / 100}%): shares must add up to ${BASIS_POINTS_WHOLE} (100%).`,
      `${root}.contributions`,
    );
  }
  return contributions;
};

/**
 * The terms document as given, checked against the agreement's current parties; `root` is the field it came in (a
 * SetTerms' `terms`, a variation's `proposedTerms`), so an error names the field the client sent.
 */
export const requireTerms = (value: unknown, parties: readonly TermsParty[], root = 'terms'): AgreementTerms => {
  const terms = asObject(value, root, 'the terms');
  const purpose = requireText(
    terms['purpose'],
    `${root}.purpose`,
    'purpose-required',
    'Say what the collaboration is for.',
  );
  const deliveryModel = requireOneOf(
    terms['deliveryModel'],
    DELIVERY_MODELS,
    `${root}.deliveryModel`,
    'invalid-delivery-model',
    'delivery model',
  );
  const functions = terms['functions'] ?? [];
  if (!Array.isArray(functions) || functions.some((f) => typeof f !== 'string' || f.trim() === '')) {
    throw new ValidationError(
      'invalid-terms',
      'Give the functions or service lines as a list of names.',
      `${root}.functions`,
    );
  }
  const hostForce = optionalTextField(terms['hostForce'], `${root}.hostForce`);
  if (hostForce !== null) {
    const host = parties.find((party) => party.id === hostForce);
    if (!host) {
      throw new ValidationError(
        'host-not-a-party',
        `"${hostForce}" cannot host under these terms: the host force must be one of the current parties.`,
        `${root}.hostForce`,
      );
    }
    if (!isPoliceForce(host)) {
      throw new ValidationError(
        'host-not-a-police-force',
        `${host.name} cannot be the host force: only a police force can be.`,
        `${root}.hostForce`,
      );
    }
  } else if (deliveryModel === 'host-force') {
    throw new ValidationError(
      'host-force-required',
      'Host-force delivery needs a host force: say which party.',
      `${root}.hostForce`,
    );
  }
  const reviewCycle = terms['reviewCycleMonths'] ?? null;
  return {
    purpose,
    efficiencyCase: optionalTextField(terms['efficiencyCase'], `${root}.efficiencyCase`),
    functions: (functions as string[]).map((f) => f.trim()),
    deliveryModel,
    hostForce,
    directionAndControl: optionalTextField(terms['directionAndControl'], `${root}.directionAndControl`),
    contributions: requireContributions(terms['contributions'] ?? [], parties, root),
    liability: optionalTextField(terms['liability'], `${root}.liability`),
    noticePeriod: requireNoticePeriod(terms['noticePeriod'], root),
    exitTerms: optionalTextField(terms['exitTerms'], `${root}.exitTerms`),
    reviewCycleMonths:
      reviewCycle === null
        ? null
        : requireInteger(
            reviewCycle,
            { min: 1, max: 120 },
            `${root}.reviewCycleMonths`,
            'invalid-review-cycle',
            'review cycle in months',
          ),
  };
};

/** A new version is effective no earlier than the one before it: the history reads forward in time. */
export const requireEffectiveFrom = (value: unknown, previous: TermsVersion | undefined): string => {
  const effectiveFrom = requireCalendarDate(value, 'effectiveFrom', 'the terms to take effect');
  if (previous && isCalendarDate(previous.effectiveFrom) && effectiveFrom < previous.effectiveFrom) {
    throw new ValidationError(
      'date-out-of-order',
      `Version ${previous.termsVersion} of the terms took effect on ${previous.effectiveFrom}: a later version cannot ` +
        `take effect before it (${effectiveFrom}).`,
      'effectiveFrom',
    );
  }
  return effectiveFrom;
};
