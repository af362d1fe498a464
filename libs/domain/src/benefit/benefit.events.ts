import type { DomainEvent } from '../kernel/decider.js';

/**
 * An agreement's benefits ledger is a stream of its own, `benefits-<agreementId>` (docs/domain.md, "Benefits"):
 * the agreement's decider stays about the agreement's life, and a ledger entry never races a signature.
 */
export const benefitsStreamId = (agreementId: string): string => `benefits-${agreementId}`;

/** A saving, a cost of the collaboration, or a benefit that is not money ("more about efficiency of time"). */
export const BENEFIT_KINDS = ['saving', 'cost', 'non-cash'] as const;
export type BenefitKind = (typeof BENEFIT_KINDS)[number];

export const BENEFIT_STATUSES = ['forecast', 'realised'] as const;
export type BenefitStatus = (typeof BENEFIT_STATUSES)[number];

/** Financial years, first and last inclusive (`2017-18` to `2017-18` for one year). */
export interface BenefitPeriod {
  from: string;
  to: string;
}

/** What an entry says; the same shape when it is first recorded and when a correction replaces it. */
export interface BenefitEntry {
  kind: BenefitKind;
  status: BenefitStatus;
  /** Whole pence for a saving or a cost; null for a non-cash benefit. */
  amountPence: number | null;
  /** What the benefit is; required for a non-cash one. */
  description: string | null;
  /** How a non-cash benefit is measured ("officer hours a year"), if it is. */
  measure: string | null;
  period: BenefitPeriod;
  /** The party (a force) the figure belongs to; null: the whole agreement or programme. */
  attributedTo: string | null;
  /** Where the figure comes from (a report, a budget paper). */
  source: string | null;
  note: string | null;
}

export type BenefitRecorded = DomainEvent<'BenefitRecorded', { agreementId: string; entryId: string } & BenefitEntry>;

/**
 * A new entry that supersedes an earlier one (`supersedes`, by id): the earlier event stays as it was written,
 * and only the latest of a chain of corrections counts in totals.
 */
export type BenefitCorrected = DomainEvent<
  'BenefitCorrected',
  { agreementId: string; entryId: string; supersedes: string; reason: string } & BenefitEntry
>;

export type BenefitEvent = BenefitRecorded | BenefitCorrected;

const benefitEventTypes = { BenefitRecorded: true, BenefitCorrected: true } satisfies Record<
  BenefitEvent['type'],
  true
>;

export const BENEFIT_EVENT_TYPES = Object.keys(benefitEventTypes) as BenefitEvent['type'][];

export const isBenefitEvent = (event: { type: string }): event is BenefitEvent =>
  Object.hasOwn(benefitEventTypes, event.type);
