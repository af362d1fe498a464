import { describe, expect, test } from '@jest/globals';
import { AlreadyExistsError, NotFoundError, RuleBrokenError, ValidationError } from '../kernel/errors.js';
import { given } from '../kernel/testing.js';
import type { BenefitEntryInput, CorrectBenefit, RecordBenefit } from './benefit.commands.js';
import { benefitFactsOf, benefitLedgerDecider } from './benefit.decider.js';
import type { BenefitCorrected, BenefitEntry, BenefitRecorded } from './benefit.events.js';

// Seed 002 (Avon and Somerset Police and Crime Panel, July 2018): "£8.5m regionally, around £3m locally, but
// it was nowhere near the previous estimates of around £25m"; "more about efficiency of time".
const NOW = '2018-07-02T10:00:00.000Z';
const agreement = {
  agreementId: 'sw-programme',
  exists: true,
  draftedOn: '2014-01-10',
  parties: ['avon-somerset', 'devon-cornwall', 'dorset', 'gloucestershire', 'wiltshire'],
};

const input = (entry: Partial<BenefitEntryInput> = {}): BenefitEntryInput => ({
  kind: 'saving',
  status: 'realised',
  amountPence: 850_000_000,
  period: { from: '2014-15', to: '2017-18' },
  source: 'Avon and Somerset Police and Crime Panel, link member report, July 2018',
  ...entry,
});

const record = (entry: Partial<BenefitEntryInput> = {}, entryId = 'regional-realised'): RecordBenefit => ({
  type: 'RecordBenefit',
  data: { agreementId: 'sw-programme', agreement, entryId, entry: input(entry) },
  metadata: { now: NOW },
});

const entry = (fields: Partial<BenefitEntry> = {}): BenefitEntry => ({
  kind: 'saving',
  status: 'realised',
  amountPence: 850_000_000,
  description: null,
  measure: null,
  period: { from: '2014-15', to: '2017-18' },
  attributedTo: null,
  source: 'Avon and Somerset Police and Crime Panel, link member report, July 2018',
  note: null,
  ...fields,
});

const recorded = (fields: Partial<BenefitEntry> = {}, entryId = 'regional-realised'): BenefitRecorded => ({
  type: 'BenefitRecorded',
  occurredAt: NOW,
  data: { agreementId: 'sw-programme', entryId, ...entry(fields) },
});

const correct = (
  entryFields: Partial<BenefitEntryInput> = {},
  supersedes = 'regional-realised',
  entryId = 'regional-realised-2',
): CorrectBenefit => ({
  type: 'CorrectBenefit',
  data: {
    agreementId: 'sw-programme',
    agreement,
    supersedes,
    entryId,
    entry: input(entryFields),
    reason: 'The panel minutes give £8.4m',
  },
  metadata: { now: NOW },
});

describe('RecordBenefit', () => {
  test('records a realised saving of the whole programme over several financial years', () => {
    given(benefitLedgerDecider).when(record()).then([recorded()]);
  });

  test('records the forecast against it for the same years', () => {
    given(benefitLedgerDecider, [recorded()])
      .when(record({ status: 'forecast', amountPence: 2_500_000_000 }, 'regional-forecast'))
      .then([recorded({ status: 'forecast', amountPence: 2_500_000_000 }, 'regional-forecast')]);
  });

  test("records one force's local share, attributed to that party", () => {
    given(benefitLedgerDecider)
      .when(record({ amountPence: 300_000_000, attributedTo: 'avon-somerset' }, 'local-realised'))
      .then([recorded({ amountPence: 300_000_000, attributedTo: 'avon-somerset' }, 'local-realised')]);
  });

  test('records a non-cash benefit with a description and a measure, and no amount', () => {
    given(benefitLedgerDecider)
      .when(
        record(
          { kind: 'non-cash', amountPence: undefined, description: 'Efficiency of time', measure: 'officer hours' },
          'efficiency-of-time',
        ),
      )
      .then([
        recorded(
          { kind: 'non-cash', amountPence: null, description: 'Efficiency of time', measure: 'officer hours' },
          'efficiency-of-time',
        ),
      ]);
  });

  test('takes one financial year as a period of one year', () => {
    given(benefitLedgerDecider)
      .when(record({ period: null, financialYear: '2017-18' }))
      .then([recorded({ period: { from: '2017-18', to: '2017-18' } })]);
  });

  test('records a final outturn for a period after the agreement ended', () => {
    // The ledger is not closed by termination: the last year's figures arrive after it.
    given(benefitLedgerDecider)
      .when(record({ period: null, financialYear: '2018-19', status: 'forecast' }, 'outturn'))
      .then([recorded({ period: { from: '2018-19', to: '2018-19' }, status: 'forecast' }, 'outturn')]);
  });

  test('records a cost of the collaboration', () => {
    given(benefitLedgerDecider)
      .when(record({ kind: 'cost', amountPence: 120_000_000 }, 'set-up-cost'))
      .then([recorded({ kind: 'cost', amountPence: 120_000_000 }, 'set-up-cost')]);
  });

  test('refuses a period that ended before the agreement was drafted', () => {
    const error = given(benefitLedgerDecider)
      .when(record({ period: null, financialYear: '2012-13' }))
      .thenThrows(ValidationError, 'period-before-draft');
    expect(error.field).toBe('financialYear');
  });

  test('accepts a period that began before the draft but ran past it', () => {
    given(benefitLedgerDecider)
      .when(record({ period: null, financialYear: '2013-14' }))
      .then([recorded({ period: { from: '2013-14', to: '2013-14' } })]);
  });

  test('refuses a realised figure for a period that has not begun', () => {
    given(benefitLedgerDecider)
      .when(record({ period: null, financialYear: '2019-20' }))
      .thenThrows(ValidationError, 'period-not-started');
  });

  test('refuses a share attributed to a body that is not a party', () => {
    const error = given(benefitLedgerDecider)
      .when(record({ attributedTo: 'thames-valley' }))
      .thenThrows(ValidationError, 'attributed-to-not-a-party');
    expect(error.field).toBe('attributedTo');
  });

  test.each([
    ['negative pence', -1],
    ['fractions of a penny', 1.5],
    ['amounts past 2^53', 2 ** 53],
    ['no amount', undefined],
    ['a string', '100'],
  ])('refuses %s for a saving', (_what, amountPence) => {
    given(benefitLedgerDecider).when(record({ amountPence })).thenThrows(ValidationError, 'invalid-amount');
  });

  test('refuses an amount on a non-cash benefit', () => {
    given(benefitLedgerDecider)
      .when(record({ kind: 'non-cash', description: 'Efficiency of time' }))
      .thenThrows(ValidationError, 'non-cash-has-no-amount');
  });

  test('refuses a non-cash benefit without a description', () => {
    given(benefitLedgerDecider)
      .when(record({ kind: 'non-cash', amountPence: undefined }))
      .thenThrows(ValidationError, 'description-required');
  });

  test.each([
    ['a financial year that is not one year', { financialYear: '2017-19', period: null }, 'financialYear'],
    ['a range ending in a malformed year', { period: { from: '2014-15', to: '2017/18' } }, 'period.to'],
  ])('refuses %s', (_what, fields, field) => {
    const error = given(benefitLedgerDecider)
      .when(record(fields))
      .thenThrows(ValidationError, 'invalid-financial-year');
    expect(error.field).toBe(field);
  });

  test('refuses a range that ends before it starts', () => {
    given(benefitLedgerDecider)
      .when(record({ period: { from: '2016-17', to: '2015-16' } }))
      .thenThrows(ValidationError, 'period-reversed');
  });

  test('refuses both a financial year and a period, and neither', () => {
    given(benefitLedgerDecider)
      .when(record({ financialYear: '2016-17' }))
      .thenThrows(ValidationError, 'period-given-twice');
    given(benefitLedgerDecider)
      .when(record({ period: null }))
      .thenThrows(ValidationError, 'period-required');
  });

  test('refuses an unknown kind or status', () => {
    given(benefitLedgerDecider)
      .when(record({ kind: 'income' }))
      .thenThrows(ValidationError, 'invalid-benefit-kind');
    given(benefitLedgerDecider)
      .when(record({ status: 'hoped' }))
      .thenThrows(ValidationError, 'invalid-benefit-status');
  });

  test('refuses an entry id the ledger already has', () => {
    given(benefitLedgerDecider, [recorded()]).when(record()).thenThrows(AlreadyExistsError, 'benefit-entry-exists');
  });

  test('refuses an entry for an agreement that does not exist', () => {
    given(benefitLedgerDecider)
      .when({ ...record(), data: { ...record().data, agreement: { ...agreement, exists: false, draftedOn: null } } })
      .thenThrows(NotFoundError, 'agreement-not-found');
  });
});

describe('CorrectBenefit', () => {
  const corrected = (fields: Partial<BenefitEntry> = {}): BenefitCorrected => ({
    type: 'BenefitCorrected',
    occurredAt: NOW,
    data: {
      agreementId: 'sw-programme',
      entryId: 'regional-realised-2',
      supersedes: 'regional-realised',
      reason: 'The panel minutes give £8.4m',
      ...entry(fields),
    },
  });

  test('supersedes an earlier entry by id with a new one, leaving the earlier event as it was', () => {
    const state = given(benefitLedgerDecider, [recorded()])
      .when(correct({ amountPence: 840_000_000 }))
      .then([corrected({ amountPence: 840_000_000 })]);
    expect(state.entries.get('regional-realised')).toEqual({ supersededBy: 'regional-realised-2' });
    expect(state.entries.get('regional-realised-2')).toEqual({ supersededBy: null });
  });

  test('refuses to correct an entry twice: the latest correction is the one to correct', () => {
    given(benefitLedgerDecider, [recorded(), corrected()])
      .when(correct({}, 'regional-realised', 'regional-realised-3'))
      .thenThrows(RuleBrokenError, 'benefit-entry-superseded');
  });

  test('refuses to correct an entry the ledger does not have', () => {
    given(benefitLedgerDecider, [recorded()])
      .when(correct({}, 'constructor'))
      .thenThrows(NotFoundError, 'benefit-entry-not-found');
  });

  test('checks the correcting entry by the same rules as a new one', () => {
    given(benefitLedgerDecider, [recorded()])
      .when(correct({ amountPence: -5 }))
      .thenThrows(ValidationError, 'invalid-amount');
  });

  test('refuses a correction id already used', () => {
    given(benefitLedgerDecider, [recorded()])
      .when(correct({}, 'regional-realised', 'regional-realised'))
      .thenThrows(AlreadyExistsError, 'benefit-entry-exists');
  });
});

describe('benefitFactsOf', () => {
  test('names present and former parties once each', () => {
    const facts = benefitFactsOf('a', true, {
      draftedOn: '2014-01-10',
      members: [{ body: { id: 'dorset' } }, { body: { id: 'wiltshire' } }],
      formerMembers: [{ body: { id: 'gloucestershire' } }, { body: { id: 'dorset' } }],
    });
    expect(facts.parties).toEqual(['dorset', 'wiltshire', 'gloucestershire']);
  });
});
