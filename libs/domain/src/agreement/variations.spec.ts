import { describe, expect, test } from '@jest/globals';
import type { BodyRef } from '../bodies/body.js';
import { initialBodyRegistryState } from '../bodies/body-registry.state.js';
import { resolveBody } from '../bodies/resolve-body.js';
import { AlreadyExistsError, NotFoundError, RuleBrokenError, ValidationError } from '../kernel/errors.js';
import { given } from '../kernel/testing.js';
import type { AgreementCommand } from './agreement.commands.js';
import { agreementDecider } from './agreement.decider.js';
import type { AgreementEvent } from './agreement.events.js';
import { termsInForceOn, type AgreementTerms } from './terms.js';
import { outstandingFor, variationEffectiveFrom } from './variations.js';

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

const document = (hostForce: string): AgreementTerms => ({
  purpose: 'One firearms service for the three forces',
  efficiencyCase: null,
  functions: ['firearms'],
  deliveryModel: 'host-force',
  hostForce,
  directionAndControl: null,
  contributions: [],
  liability: null,
  noticePeriod: { length: 12, unit: 'months' },
  exitTerms: null,
  reviewCycleMonths: null,
});

// Seed 002's tri-force agreement, in force from 1 April 2015 on terms hosted by Avon and Somerset.
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
  event('TermsSet', '2015-03-20', { termsVersion: 1, effectiveFrom: '2015-04-01', terms: document('avon-somerset') }),
];

const VARIATION = 'firearms-host-2017';
const propose = (data: Record<string, unknown> = {}) =>
  cmd('ProposeVariation', {
    variationId: VARIATION,
    summary: 'Wiltshire hosts firearms',
    proposedTerms: document('wiltshire'),
    effectiveFrom: '2017-04-01',
    occurredAt: at('2017-01-10'),
    ...data,
  });
const proposed = event('VariationProposed', '2017-01-10', {
  variationId: VARIATION,
  summary: 'Wiltshire hosts firearms',
  proposedTerms: document('wiltshire'),
  effectiveFrom: '2017-04-01',
});
const sign = (party: string, on: string) =>
  cmd('SignVariation', { variationId: VARIATION, party, signedBy: 'Chief Constable', occurredAt: at(on) });
const signed = (party: string, on: string) =>
  event('VariationSigned', on, { variationId: VARIATION, party, signedBy: 'Chief Constable' });
const approve = (party: string, on: string) =>
  cmd('ApproveVariation', { variationId: VARIATION, party, occurredAt: at(on) });
const approved = (party: string, on: string) =>
  event('VariationApproved', on, { variationId: VARIATION, party, policingBody: body(party).policingBody });
const tookEffect = (on: string, effectiveFrom: string) =>
  event('VariationTookEffect', on, { variationId: VARIATION, termsVersion: 2, effectiveFrom });

const allApproved = PARTIES.map((party) => approved(party, '2017-02-01'));
const twoSigned = [signed('avon-somerset', '2017-02-10'), signed('gloucestershire', '2017-02-11')];

describe('ProposeVariation (Police Act 1996 s23C(4))', () => {
  test('records the proposed terms, checked as SetTerms checks them, as a pending variation', () => {
    const state = given(agreementDecider, inForce).when(propose()).then([proposed]);
    expect(state.variations.get(VARIATION)?.status).toBe('pending');
    expect(state.terms.map((v) => v.termsVersion)).toEqual([1]);
  });

  test('may be proposed on a draft', () => {
    given(agreementDecider, inForce.slice(0, 1))
      .when(propose({ effectiveFrom: null }))
      .then([{ ...proposed, data: { ...proposed.data, effectiveFrom: null } } as AgreementEvent]);
  });

  test('rejects proposed terms hosted by a body that is not a party, naming the proposedTerms field', () => {
    const error = given(agreementDecider, inForce)
      .when(propose({ proposedTerms: { ...document('dorset') } }))
      .thenThrows(ValidationError, 'host-not-a-party');
    expect(error.field).toBe('proposedTerms.hostForce');
  });

  test('rejects an effective date before the terms in force', () => {
    given(agreementDecider, inForce)
      .when(propose({ effectiveFrom: '2015-01-01' }))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('rejects a variation id already used', () => {
    given(agreementDecider, [...inForce, proposed])
      .when(propose())
      .thenThrows(AlreadyExistsError, 'variation-already-exists');
  });

  test('rejects a variation of a terminated agreement', () => {
    given(agreementDecider, [...inForce, event('AgreementTerminated', '2016-01-01', { reason: 'Ended' })])
      .when(propose())
      .thenThrows(RuleBrokenError, 'agreement-terminated');
  });
});

describe('SignVariation and ApproveVariation', () => {
  test('a signature while others are missing leaves it pending, naming who is missing', () => {
    const state = given(agreementDecider, [...inForce, proposed, ...allApproved, signed('avon-somerset', '2017-02-10')])
      .when(sign('gloucestershire', '2017-02-11'))
      .then([signed('gloucestershire', '2017-02-11')]);
    const variation = state.variations.get(VARIATION);
    expect(variation?.status).toBe('pending');
    expect(outstandingFor(variation!, state.members).unsigned.map((m) => m.body.id)).toEqual(['wiltshire']);
  });

  test('the last signature takes effect in the same decision: the proposed terms become the next version', () => {
    const state = given(agreementDecider, [...inForce, proposed, ...allApproved, ...twoSigned])
      .when(sign('wiltshire', '2017-02-12'))
      .then([signed('wiltshire', '2017-02-12'), tookEffect('2017-02-12', '2017-04-01')]);
    expect(state.variations.get(VARIATION)?.status).toBe('effective');
    expect(termsInForceOn(state.terms, '2017-04-01')?.terms.hostForce).toBe('wiltshire');
    expect(termsInForceOn(state.terms, '2017-03-31')?.terms.hostForce).toBe('avon-somerset');
  });

  test('the last approval takes effect too, credited to the policing body of the day', () => {
    const signedByAll = PARTIES.map((party) => signed(party, '2017-02-01'));
    given(agreementDecider, [...inForce, proposed, ...signedByAll, ...allApproved.slice(0, 2)])
      .when(approve('wiltshire', '2017-02-20'))
      .then([approved('wiltshire', '2017-02-20'), tookEffect('2017-02-20', '2017-04-01')]);
  });

  test('a variation completed after the day asked for takes effect the day it is complete', () => {
    const signedByAll = PARTIES.map((party) => signed(party, '2017-02-01'));
    given(agreementDecider, [...inForce, proposed, ...signedByAll, ...allApproved.slice(0, 2)])
      .when(approve('wiltshire', '2017-05-02'))
      .then([approved('wiltshire', '2017-05-02'), tookEffect('2017-05-02', '2017-05-02')]);
  });

  test('a variation taking effect is folded exactly as a TermsSet of its terms', () => {
    const viaVariation = given(agreementDecider, [...inForce, proposed, ...allApproved, ...twoSigned])
      .when(sign('wiltshire', '2017-02-12'))
      .then([signed('wiltshire', '2017-02-12'), tookEffect('2017-02-12', '2017-04-01')]);
    const viaTermsSet = given(agreementDecider, inForce)
      .when(
        cmd('SetTerms', { effectiveFrom: '2017-04-01', terms: document('wiltshire'), occurredAt: at('2017-02-12') }),
      )
      .then([
        event('TermsSet', '2017-02-12', { termsVersion: 2, effectiveFrom: '2017-04-01', terms: document('wiltshire') }),
      ]);
    expect(viaVariation.terms).toEqual(viaTermsSet.terms);
  });

  test('rejects a signature by a body that is not a party', () => {
    const error = given(agreementDecider, [...inForce, proposed])
      .when(sign('dorset', '2017-02-10'))
      .thenThrows(RuleBrokenError, 'not-a-party');
    expect(error.field).toBe('party');
  });

  test('rejects an approval for a body that is not a party', () => {
    given(agreementDecider, [...inForce, proposed])
      .when(approve('dorset', '2017-02-10'))
      .thenThrows(RuleBrokenError, 'not-a-party');
  });

  test('rejects a party signing twice', () => {
    given(agreementDecider, [...inForce, proposed, ...twoSigned])
      .when(sign('gloucestershire', '2017-02-20'))
      .thenThrows(RuleBrokenError, 'party-already-signed');
  });

  test('rejects a policing body approving twice', () => {
    given(agreementDecider, [...inForce, proposed, approved('wiltshire', '2017-02-01')])
      .when(approve('wiltshire', '2017-02-20'))
      .thenThrows(RuleBrokenError, 'approval-already-given');
  });

  test('rejects a signature dated before the proposal', () => {
    given(agreementDecider, [...inForce, proposed])
      .when(sign('wiltshire', '2017-01-01'))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('rejects a signature of a variation never proposed', () => {
    const error = given(agreementDecider, inForce)
      .when(sign('wiltshire', '2017-02-10'))
      .thenThrows(NotFoundError, 'variation-not-found');
    expect(error.field).toBe('variationId');
  });

  test('an effective variation takes nothing more', () => {
    const signedByAll = PARTIES.map((party) => signed(party, '2017-02-01'));
    given(agreementDecider, [
      ...inForce,
      proposed,
      ...signedByAll,
      ...allApproved.slice(0, 2),
      approved('wiltshire', '2017-02-20'),
      tookEffect('2017-02-20', '2017-04-01'),
    ])
      .when(
        cmd('WithdrawVariation', { variationId: VARIATION, reason: 'Changed our minds', occurredAt: at('2017-03-01') }),
      )
      .thenThrows(RuleBrokenError, 'variation-already-effective');
  });
});

describe('WithdrawVariation', () => {
  const withdraw = cmd('WithdrawVariation', {
    variationId: VARIATION,
    reason: 'Wiltshire cannot staff it',
    occurredAt: at('2017-02-15'),
  });
  const withdrawn = event('VariationWithdrawn', '2017-02-15', {
    variationId: VARIATION,
    reason: 'Wiltshire cannot staff it',
  });

  test('withdraws a pending variation, leaving the terms as they were', () => {
    const state = given(agreementDecider, [...inForce, proposed, ...twoSigned])
      .when(withdraw)
      .then([withdrawn]);
    expect(state.variations.get(VARIATION)?.status).toBe('withdrawn');
    expect(state.terms).toHaveLength(1);
  });

  test('a withdrawn variation takes no signature', () => {
    const error = given(agreementDecider, [...inForce, proposed, withdrawn])
      .when(sign('wiltshire', '2017-02-20'))
      .thenThrows(RuleBrokenError, 'variation-withdrawn');
    expect(error.field).toBe('variationId');
  });

  test('needs a reason', () => {
    given(agreementDecider, [...inForce, proposed])
      .when(cmd('WithdrawVariation', { variationId: VARIATION, reason: ' ', occurredAt: at('2017-02-15') }))
      .thenThrows(ValidationError, 'reason-required');
  });
});

describe('variationEffectiveFrom', () => {
  test('is the latest of the day asked for, the day complete and the previous version', () => {
    expect(variationEffectiveFrom('2017-04-01', '2017-02-12', '2015-04-01')).toBe('2017-04-01');
    expect(variationEffectiveFrom(null, '2017-02-12', '2015-04-01')).toBe('2017-02-12');
    expect(variationEffectiveFrom(null, '2017-02-12', '2018-01-01')).toBe('2018-01-01');
  });
});
