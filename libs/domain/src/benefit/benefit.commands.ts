import type { Command } from '../kernel/decider.js';

/**
 * What the ledger needs to know of the agreement, loaded by the handler (the decider stays pure): whether it
 * exists, the day it was drafted, and every body that has been party to it (present or past: a former party
 * can still have a share of the final outturn).
 */
export interface BenefitAgreementFacts {
  agreementId: string;
  exists: boolean;
  draftedOn: string | null;
  parties: readonly string[];
}

/** The entry as the officer gives it: one financial year, or a range of them. */
export interface BenefitEntryInput {
  kind: unknown;
  status: unknown;
  amountPence?: unknown;
  description?: string | null;
  measure?: string | null;
  /** `2017-18`; or give `period`. */
  financialYear?: string | null;
  period?: { from: string; to: string } | null;
  attributedTo?: string | null;
  source?: string | null;
  note?: string | null;
}

/** Recorded at the server's time: an entry is a statement about a period, not a dated fact. */
export type RecordBenefit = Command<
  'RecordBenefit',
  { agreementId: string; agreement: BenefitAgreementFacts; entryId: string; entry: BenefitEntryInput }
>;

/** A new entry (`entryId`) in place of `supersedes`; the earlier one is never rewritten. */
export type CorrectBenefit = Command<
  'CorrectBenefit',
  {
    agreementId: string;
    agreement: BenefitAgreementFacts;
    supersedes: string;
    entryId: string;
    entry: BenefitEntryInput;
    reason: string;
  }
>;

export type BenefitCommand = RecordBenefit | CorrectBenefit;
