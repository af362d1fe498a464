import { describe, expect, test } from '@jest/globals';
import type { BodyRef } from '../bodies/body.js';
import { initialBodyRegistryState } from '../bodies/body-registry.state.js';
import { resolveBody } from '../bodies/resolve-body.js';
import { AlreadyExistsError, NotFoundError, RuleBrokenError, ValidationError } from '../kernel/errors.js';
import { given, INHERITED_NAMES } from '../kernel/testing.js';
import type { AgreementCommand } from './agreement.commands.js';
import { agreementDecider } from './agreement.decider.js';
import type { AgreementEvent } from './agreement.events.js';
import { isRunningOn } from './service-lines.js';
import type { AgreementTerms } from './terms.js';

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

// Seed 002: the tri-force armed policing, dogs and roads unit of Avon and Somerset, Gloucestershire and Wiltshire.
const drafted = event('AgreementDrafted', '2015-01-10', {
  title: 'Tri-Force Specialist Operations',
  legalBasis: 's22A',
  scope: 'regional',
  businessArea: 'firearms, dogs and roads policing',
  deliveryModel: 'joint-unit',
  parties: PARTIES.map(body),
  hostForce: null,
  parentAgreementId: null,
  reviewDue: null,
});
const inForce: AgreementEvent[] = [
  drafted,
  ...PARTIES.map((party) => event('AgreementSigned', '2015-02-01', { party, signedBy: 'Chief Constable' })),
  ...PARTIES.map((party) => event('PccApprovalGiven', '2015-02-02', { party, policingBody: body(party).policingBody })),
  event('AgreementCameIntoForce', '2015-04-01', { parties: PARTIES }),
];

const add = (serviceLineId: unknown, name: unknown, on: string) =>
  cmd('AddServiceLine', { serviceLineId, name, occurredAt: at(on) });
const added = (serviceLineId: string, name: string, on: string) =>
  event('ServiceLineAdded', on, { serviceLineId, name });
const end = (serviceLineId: unknown, reason: unknown, on: string) =>
  cmd('EndServiceLine', { serviceLineId, reason, occurredAt: at(on) });
const ended = (serviceLineId: string, reason: string, on: string) =>
  event('ServiceLineEnded', on, { serviceLineId, reason });

const threeLines = [
  ...inForce,
  added('firearms', 'Armed policing', '2015-04-01'),
  added('dogs', 'Dogs', '2015-04-01'),
  added('roads', 'Roads policing', '2015-04-01'),
];

const terms = (functions: string[]): AgreementTerms => ({
  purpose: 'One specialist operations service for the three forces',
  efficiencyCase: null,
  functions,
  deliveryModel: 'joint-unit',
  hostForce: null,
  directionAndControl: null,
  contributions: [],
  liability: null,
  noticePeriod: null,
  exitTerms: null,
  reviewCycleMonths: null,
});

describe('service lines of an agreement (issue 15 item 3)', () => {
  test('a service line starts on the day recorded, on an agreement in force or a draft', () => {
    given(agreementDecider, inForce)
      .when(add('dogs', ' Dogs ', '2015-04-01'))
      .then([added('dogs', 'Dogs', '2015-04-01')]);
    given(agreementDecider, [drafted])
      .when(add('dogs', 'Dogs', '2015-01-10'))
      .then([added('dogs', 'Dogs', '2015-01-10')]);
  });

  test('dogs and roads end while the agreement and its firearms line go on', () => {
    const after = given(agreementDecider, [...threeLines, ended('dogs', 'Back to the three forces', '2018-07-02')])
      .when(end('roads', 'Back to the three forces', '2018-07-02'))
      .then([ended('roads', 'Back to the three forces', '2018-07-02')]);
    expect(after.status).toBe('in-force');
    const running = [...after.serviceLines.values()].filter((line) => isRunningOn(line, '2018-07-02'));
    expect(running.map((line) => line.serviceLineId)).toEqual(['firearms']);
    expect(after.serviceLines.get('dogs')).toMatchObject({ from: '2015-04-01', until: '2018-07-02' });
  });

  test('a line runs from its first day up to, not including, the day it ended', () => {
    const line = { from: '2015-04-01', until: '2018-07-02' };
    expect(isRunningOn(line, '2015-03-31')).toBe(false);
    expect(isRunningOn(line, '2015-04-01')).toBe(true);
    expect(isRunningOn(line, '2018-07-01')).toBe(true);
    expect(isRunningOn(line, '2018-07-02')).toBe(false);
    expect(isRunningOn({ from: '2015-04-01', until: null }, '2030-01-01')).toBe(true);
  });

  test('a service line id is used once, even after the line ended', () => {
    given(agreementDecider, threeLines)
      .when(add('dogs', 'Dogs', '2016-01-01'))
      .thenThrows(AlreadyExistsError, 'service-line-already-exists');
    given(agreementDecider, [...threeLines, ended('dogs', 'Back to the forces', '2018-07-02')])
      .when(add('dogs', 'Dogs', '2019-01-01'))
      .thenThrows(AlreadyExistsError, 'service-line-already-exists');
  });

  test('ids are entity ids: names every object inherits are refused or never found by accident', () => {
    given(agreementDecider, inForce)
      .when(add('__proto__', 'Dogs', '2015-04-01'))
      .thenThrows(ValidationError, 'invalid-service-line-id');
    for (const name of INHERITED_NAMES) {
      const ending = given(agreementDecider, threeLines).when(end(name, 'Ended', '2018-07-02'));
      const error = /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)
        ? ending.thenThrows(NotFoundError, 'service-line-not-found')
        : ending.thenThrows(ValidationError, 'invalid-service-line-id');
      expect(error.field).toBe('serviceLineId');
    }
    // `constructor` is a well-formed id: recorded as a new line, it is a line like any other.
    given(agreementDecider, inForce)
      .when(add('constructor', 'Dogs', '2015-04-01'))
      .then([added('constructor', 'Dogs', '2015-04-01')]);
  });

  test('only a running line can be ended', () => {
    given(agreementDecider, threeLines)
      .when(end('horses', 'Ended', '2018-07-02'))
      .thenThrows(NotFoundError, 'service-line-not-found');
    given(agreementDecider, [...threeLines, ended('dogs', 'Back to the forces', '2018-07-02')])
      .when(end('dogs', 'Again', '2018-08-01'))
      .thenThrows(RuleBrokenError, 'service-line-already-ended');
  });

  test('a line ends after the day it started, with a reason', () => {
    given(agreementDecider, threeLines)
      .when(end('dogs', 'Too early', '2015-04-01'))
      .thenThrows(ValidationError, 'date-out-of-order');
    const error = given(agreementDecider, threeLines)
      .when(end('dogs', '  ', '2018-07-02'))
      .thenThrows(ValidationError, 'reason-required');
    expect(error.field).toBe('reason');
  });

  test('a service line is not dated before the agreement was drafted, nor in the future', () => {
    given(agreementDecider, inForce)
      .when(add('dogs', 'Dogs', '2014-12-31'))
      .thenThrows(ValidationError, 'date-out-of-order');
    given(agreementDecider, inForce)
      .when(add('dogs', 'Dogs', '2030-01-01'))
      .thenThrows(ValidationError, 'occurred-in-future');
    given(agreementDecider, inForce)
      .when(add('dogs', '', '2015-04-01'))
      .thenThrows(ValidationError, 'name-required');
  });

  test('an ended agreement takes no service line, and ends none', () => {
    const terminated = [...threeLines, event('AgreementTerminated', '2019-01-01', { reason: 'Replaced' })];
    given(agreementDecider, terminated)
      .when(add('drones', 'Drones', '2019-02-01'))
      .thenThrows(RuleBrokenError, 'agreement-terminated');
    given(agreementDecider, terminated)
      .when(end('firearms', 'Ended', '2019-02-01'))
      .thenThrows(RuleBrokenError, 'agreement-terminated');
    given(agreementDecider, [])
      .when(add('dogs', 'Dogs', '2015-04-01'))
      .thenThrows(NotFoundError, 'agreement-not-found');
  });

  test('a termination is not dated before the latest service line fact', () => {
    given(agreementDecider, [...threeLines, ended('dogs', 'Back to the forces', '2018-07-02')])
      .when(cmd('TerminateAgreement', { reason: 'Replaced', occurredAt: at('2018-07-01') }))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('where the terms in force list functions, a service line is one of them (one concept, not two)', () => {
    const withTerms = [
      ...inForce,
      event('TermsSet', '2015-03-01', {
        termsVersion: 1,
        effectiveFrom: '2015-04-01',
        terms: terms(['Armed policing', 'Dogs', 'Roads policing']),
      }),
    ];
    given(agreementDecider, withTerms)
      .when(add('dogs', 'dogs', '2015-04-01'))
      .then([added('dogs', 'dogs', '2015-04-01')]);
    const error = given(agreementDecider, withTerms)
      .when(add('drones', 'Drones', '2015-04-01'))
      .thenThrows(ValidationError, 'not-a-function-of-terms');
    expect(error.field).toBe('name');
    // Before the terms take effect, or with terms that list no functions, the name is free.
    given(agreementDecider, withTerms)
      .when(add('drones', 'Drones', '2015-03-15'))
      .then([added('drones', 'Drones', '2015-03-15')]);
  });
});
