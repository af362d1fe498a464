import { describe, expect, test } from '@jest/globals';
import type { BodyRef } from '../bodies/body.js';
import { initialBodyRegistryState } from '../bodies/body-registry.state.js';
import { resolveBody } from '../bodies/resolve-body.js';
import { ValidationError } from '../kernel/errors.js';
import { given } from '../kernel/testing.js';
import type { AgreementCommand } from './agreement.commands.js';
import { agreementDecider } from './agreement.decider.js';
import type { AgreementEvent } from './agreement.events.js';
import { endOfNoticePeriod, termsInForceOn, type AgreementTerms } from './terms.js';

const NOW = '2019-06-01T09:30:00.000Z';
const at = (date: string): string => `${date}T00:00:00.000Z`;
const body = (id: string): BodyRef => {
  const found = resolveBody(id, initialBodyRegistryState());
  if (!found) throw new Error(`No body ${id} in the reference data`);
  return found;
};
const cmd = (type: AgreementCommand['type'], data: Record<string, unknown>): AgreementCommand =>
  ({ type, data: { agreementId: 'tri-force', ...data }, metadata: { now: NOW } }) as AgreementCommand;
const event = (type: AgreementEvent['type'], on: string, data: Record<string, unknown>): AgreementEvent =>
  ({ type, occurredAt: at(on), data: { agreementId: 'tri-force', ...data } }) as AgreementEvent;

const PARTIES = ['avon-somerset', 'gloucestershire', 'wiltshire'];

// A three-force specialist operations agreement, hosted by Avon and Somerset, in force from 1 April 2015.
const inForce: AgreementEvent[] = [
  event('AgreementDrafted', '2015-01-10', {
    title: 'Tri-Force Specialist Operations',
    legalBasis: 's22A',
    scope: 'regional',
    businessArea: 'firearms, dogs and roads policing',
    deliveryModel: 'host-force',
    parties: PARTIES.map(body),
    hostForce: 'avon-somerset',
    parentAgreementId: null,
    reviewDue: null,
  }),
  ...PARTIES.map((party) => event('AgreementSigned', '2015-02-01', { party, signedBy: 'Chief Constable' })),
  ...PARTIES.map((party) => event('PccApprovalGiven', '2015-02-02', { party, policingBody: body(party).policingBody })),
  event('AgreementCameIntoForce', '2015-04-01', { parties: PARTIES }),
];

const terms = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  purpose: 'One specialist operations service for the three forces',
  efficiencyCase: 'One armed response rota instead of three',
  functions: ['firearms', 'dogs', 'roads policing'],
  deliveryModel: 'host-force',
  hostForce: 'avon-somerset',
  directionAndControl: 'The Chief Constable of Avon and Somerset directs and controls the staff',
  contributions: [
    { party: 'avon-somerset', shareBasisPoints: 4500 },
    { party: 'gloucestershire', shareBasisPoints: 2750 },
    { party: 'wiltshire', shareBasisPoints: 2750 },
  ],
  liability: 'Shared in proportion to contributions',
  noticePeriod: { length: 12, unit: 'months' },
  exitTerms: 'A leaving force pays its share of redundancy costs',
  reviewCycleMonths: 12,
  ...overrides,
});

/** The terms as the decider records them (every optional field present). */
const recorded = (given: Record<string, unknown>): AgreementTerms =>
  ({
    ...given,
    contributions: (given['contributions'] as Record<string, unknown>[]).map((c) => ({
      shareBasisPoints: null,
      amountPence: null,
      ...c,
    })),
  }) as unknown as AgreementTerms;

const setTerms = (effectiveFrom: string, on: string, document = terms()) =>
  cmd('SetTerms', { effectiveFrom, terms: document, occurredAt: at(on) });
const termsSet = (termsVersion: number, effectiveFrom: string, on: string, document = terms()) =>
  event('TermsSet', on, { termsVersion, effectiveFrom, terms: recorded(document) });

describe('SetTerms (issue 15 item 1)', () => {
  test('records the whole terms document as version 1, effective from a day', () => {
    const state = given(agreementDecider, inForce)
      .when(setTerms('2015-04-01', '2015-03-20'))
      .then([termsSet(1, '2015-04-01', '2015-03-20')]);
    expect(state.terms.map((version) => version.termsVersion)).toEqual([1]);
  });

  test('a later version counts on from the one before', () => {
    given(agreementDecider, [...inForce, termsSet(1, '2015-04-01', '2015-03-20')])
      .when(setTerms('2017-04-01', '2017-02-01', terms({ noticePeriod: { length: 6, unit: 'months' } })))
      .then([termsSet(2, '2017-04-01', '2017-02-01', terms({ noticePeriod: { length: 6, unit: 'months' } }))]);
  });

  test('amounts in pence are recorded as given, and shares need not be used', () => {
    const byAmount = terms({
      contributions: [
        { party: 'avon-somerset', amountPence: 150_000_000 },
        { party: 'wiltshire', amountPence: 75_000_000 },
      ],
    });
    given(agreementDecider, inForce)
      .when(setTerms('2015-04-01', '2015-03-20', byAmount))
      .then([termsSet(1, '2015-04-01', '2015-03-20', byAmount)]);
  });

  test('rejects a contribution from a body that is not a party', () => {
    const error = given(agreementDecider, inForce)
      .when(setTerms('2015-04-01', '2015-03-20', terms({ contributions: [{ party: 'dorset', amountPence: 100 }] })))
      .thenThrows(ValidationError, 'contribution-not-a-party');
    expect(error.field).toBe('terms.contributions[0].party');
  });

  test('rejects shares that do not add up to 10000 basis points', () => {
    const error = given(agreementDecider, inForce)
      .when(
        setTerms(
          '2015-04-01',
          '2015-03-20',
          terms({
            contributions: [
              { party: 'avon-somerset', shareBasisPoints: 5000 },
              { party: 'wiltshire', shareBasisPoints: 4000 },
            ],
          }),
        ),
      )
      .thenThrows(ValidationError, 'shares-not-whole');
    expect(error.message).toContain('9000 basis points');
  });

  test('rejects a contribution with both a share and an amount', () => {
    given(agreementDecider, inForce)
      .when(
        setTerms(
          '2015-04-01',
          '2015-03-20',
          terms({ contributions: [{ party: 'wiltshire', shareBasisPoints: 10000, amountPence: 5 }] }),
        ),
      )
      .thenThrows(ValidationError, 'contribution-basis');
  });

  test('rejects a host force that is not a party', () => {
    given(agreementDecider, inForce)
      .when(setTerms('2015-04-01', '2015-03-20', terms({ hostForce: 'dorset' })))
      .thenThrows(ValidationError, 'host-not-a-party');
  });

  test('rejects a notice period that is not positive', () => {
    const error = given(agreementDecider, inForce)
      .when(setTerms('2015-04-01', '2015-03-20', terms({ noticePeriod: { length: 0, unit: 'days' } })))
      .thenThrows(ValidationError, 'invalid-notice-period');
    expect(error.field).toBe('terms.noticePeriod.length');
  });

  test('rejects a version effective before the one it follows', () => {
    given(agreementDecider, [...inForce, termsSet(1, '2015-04-01', '2015-03-20')])
      .when(setTerms('2015-01-01', '2017-02-01'))
      .thenThrows(ValidationError, 'date-out-of-order');
  });
});

describe('the terms in force on a day', () => {
  const history = [
    { termsVersion: 1, effectiveFrom: '2015-04-01' },
    { termsVersion: 2, effectiveFrom: '2017-04-01' },
  ];

  test('are the latest version effective by then', () => {
    expect(termsInForceOn(history, '2015-03-31')).toBeNull();
    expect(termsInForceOn(history, '2015-04-01')?.termsVersion).toBe(1);
    expect(termsInForceOn(history, '2017-03-31')?.termsVersion).toBe(1);
    expect(termsInForceOn(history, '2017-04-01')?.termsVersion).toBe(2);
  });

  test('a notice period in months runs to the same day, or the month end when it is shorter', () => {
    expect(endOfNoticePeriod('2015-09-30', { length: 6, unit: 'months' })).toBe('2016-03-30');
    expect(endOfNoticePeriod('2016-01-31', { length: 1, unit: 'months' })).toBe('2016-02-29');
    expect(endOfNoticePeriod('2015-11-15', { length: 3, unit: 'months' })).toBe('2016-02-15');
    expect(endOfNoticePeriod('2015-12-30', { length: 90, unit: 'days' })).toBe('2016-03-29');
  });
});

describe('withdrawal notice against the notice period (issue 15 item 5)', () => {
  const withTerms = [...inForce, termsSet(1, '2015-04-01', '2015-03-20')];
  const notice = (on: string, effectiveOn: string, override?: Record<string, unknown>) =>
    cmd('GiveWithdrawalNotice', { party: 'wiltshire', effectiveOn, occurredAt: at(on), override });

  test('notice as long as the notice period is accepted', () => {
    given(agreementDecider, withTerms)
      .when(notice('2016-01-31', '2017-01-31'))
      .then([
        event('WithdrawalNoticeGiven', '2016-01-31', {
          party: 'wiltshire',
          effectiveOn: '2017-01-31',
          override: null,
          datePrecision: 'day',
        }),
      ]);
  });

  test('shorter notice is refused, naming the notice period and the earliest day', () => {
    const error = given(agreementDecider, withTerms)
      .when(notice('2016-01-31', '2016-07-31'))
      .thenThrows(ValidationError, 'notice-too-short');
    expect(error.message).toContain('12 months');
    expect(error.message).toContain('2017-01-31');
    expect(error.field).toBe('effectiveOn');
  });

  test('shorter notice with an override is recorded with who accepted it and why', () => {
    const override = { acceptedBy: 'The other chief constables', reason: 'Wiltshire joins a new regional unit' };
    const state = given(agreementDecider, withTerms)
      .when(notice('2016-01-31', '2016-07-31', override))
      .then([
        event('WithdrawalNoticeGiven', '2016-01-31', {
          party: 'wiltshire',
          effectiveOn: '2016-07-31',
          override,
          datePrecision: 'day',
        }),
      ]);
    expect(state.members.find((m) => m.body.id === 'wiltshire')?.notice?.override).toEqual(override);
  });

  test('an override without who accepted it is refused', () => {
    given(agreementDecider, withTerms)
      .when(notice('2016-01-31', '2016-07-31', { acceptedBy: ' ', reason: 'restructure' }))
      .thenThrows(ValidationError, 'accepted-by-required');
  });

  test('an override where the notice is long enough is refused', () => {
    given(agreementDecider, withTerms)
      .when(notice('2016-01-31', '2017-02-01', { acceptedBy: 'The chief constables', reason: 'restructure' }))
      .thenThrows(ValidationError, 'override-not-needed');
  });

  test('the period is that of the terms in force on the day notice is given', () => {
    const shorterLater = [
      ...withTerms,
      termsSet(2, '2017-04-01', '2017-02-01', terms({ noticePeriod: { length: 3, unit: 'months' } })),
    ];
    given(agreementDecider, shorterLater)
      .when(notice('2017-03-01', '2017-06-01'))
      .thenThrows(ValidationError, 'notice-too-short');
    given(agreementDecider, shorterLater)
      .when(notice('2017-04-01', '2017-07-01'))
      .then([
        event('WithdrawalNoticeGiven', '2017-04-01', {
          party: 'wiltshire',
          effectiveOn: '2017-07-01',
          override: null,
          datePrecision: 'day',
        }),
      ]);
  });

  test('without terms, or terms with no notice period, any later day is accepted', () => {
    given(agreementDecider, inForce)
      .when(notice('2016-01-31', '2016-02-01'))
      .then([
        event('WithdrawalNoticeGiven', '2016-01-31', {
          party: 'wiltshire',
          effectiveOn: '2016-02-01',
          override: null,
          datePrecision: 'day',
        }),
      ]);
    given(agreementDecider, [...inForce, termsSet(1, '2015-04-01', '2015-03-20', terms({ noticePeriod: null }))])
      .when(notice('2016-01-31', '2016-02-01'))
      .then([
        event('WithdrawalNoticeGiven', '2016-01-31', {
          party: 'wiltshire',
          effectiveOn: '2016-02-01',
          override: null,
          datePrecision: 'day',
        }),
      ]);
  });
});
