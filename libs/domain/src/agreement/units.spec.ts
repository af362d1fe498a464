import { describe, expect, test } from '@jest/globals';
import type { BodyRef } from '../bodies/body.js';
import { initialBodyRegistryState } from '../bodies/body-registry.state.js';
import { resolveBody } from '../bodies/resolve-body.js';
import { RuleBrokenError } from '../kernel/errors.js';
import { given } from '../kernel/testing.js';
import type { AgreementCommand } from './agreement.commands.js';
import { agreementDecider } from './agreement.decider.js';
import type { AgreementEvent } from './agreement.events.js';
import type { ParentFacts } from './units.js';

const NOW = '2019-06-01T09:30:00.000Z';
const at = (date: string): string => `${date}T00:00:00.000Z`;
const body = (id: string): BodyRef => {
  const found = resolveBody(id, initialBodyRegistryState());
  if (!found) throw new Error(`No body ${id} in the reference data`);
  return found;
};
const cmd = (type: AgreementCommand['type'], data: Record<string, unknown>): AgreementCommand =>
  ({ type, data: { agreementId: 'zephyr-rart', ...data }, metadata: { now: NOW } }) as AgreementCommand;
const event = (type: AgreementEvent['type'], on: string, data: Record<string, unknown>): AgreementEvent =>
  ({ type, occurredAt: at(on), data: { agreementId: 'zephyr-rart', ...data } }) as AgreementEvent;

/** Zephyr (the south-west's umbrella agreement) as its unit's handler would supply it: Wiltshire left in 2015. */
const zephyr = (overrides: Partial<ParentFacts> = {}): ParentFacts => ({
  agreementId: 'zephyr',
  title: 'Zephyr regional collaboration',
  status: 'in-force',
  inForceFrom: '2014-04-01',
  terminatedOn: null,
  parties: [
    { id: 'avon-somerset', joinedOn: '2014-01-10' },
    { id: 'gloucestershire', joinedOn: '2014-01-10' },
    { id: 'devon-cornwall', joinedOn: '2015-09-01' },
  ],
  formerParties: [{ id: 'wiltshire', joinedOn: '2014-01-10', leftOn: '2015-07-01' }],
  ...overrides,
});

const draftRart = (parties: string[], on: string, facts: ParentFacts) =>
  cmd('DraftAgreement', {
    title: 'Regional Asset Recovery Team',
    legalBasis: 's22A',
    businessArea: 'asset recovery',
    deliveryModel: 'joint-unit',
    parties: parties.map(body),
    parent: { agreementId: 'zephyr', exists: true, facts },
    occurredAt: at(on),
  });
const rartDrafted = (parties: string[], on: string) =>
  event('AgreementDrafted', on, {
    title: 'Regional Asset Recovery Team',
    legalBasis: 's22A',
    scope: null,
    businessArea: 'asset recovery',
    deliveryModel: 'joint-unit',
    parties: parties.map((id) => ({ ...body(id), capacity: null })),
    hostForce: null,
    parentAgreementId: 'zephyr',
    reviewDue: null,
  });

describe('a unit is checked against its parent (issue 15 item 3)', () => {
  test('a unit drafted with parties of its parent on that date is accepted', () => {
    given(agreementDecider)
      .when(draftRart(['avon-somerset', 'gloucestershire'], '2015-05-01', zephyr()))
      .then([rartDrafted(['avon-somerset', 'gloucestershire'], '2015-05-01')]);
  });

  test('a unit naming a body outside its parent is refused, naming the body', () => {
    const error = given(agreementDecider)
      .when(draftRart(['avon-somerset', 'dorset'], '2015-05-01', zephyr()))
      .thenThrows(RuleBrokenError, 'not-a-party-of-parent');
    expect(error.message).toContain('Dorset');
    expect(error.field).toBe('parties');
  });

  test('a party that has left the parent no longer counts from the day it left', () => {
    // Wiltshire had left Zephyr on 2015-07-01.
    given(agreementDecider)
      .when(draftRart(['avon-somerset', 'wiltshire'], '2015-08-01', zephyr()))
      .thenThrows(RuleBrokenError, 'not-a-party-of-parent');
    given(agreementDecider)
      .when(draftRart(['avon-somerset', 'wiltshire'], '2015-06-30', zephyr()))
      .then([rartDrafted(['avon-somerset', 'wiltshire'], '2015-06-30')]);
  });

  test('adding a party to a unit refuses a body that is not a party of the parent', () => {
    const history = [rartDrafted(['avon-somerset', 'gloucestershire'], '2015-05-01')];
    given(agreementDecider, history)
      .when(cmd('AddParty', { party: body('dorset'), occurredAt: at('2015-06-01'), parent: zephyr() }))
      .thenThrows(RuleBrokenError, 'not-a-party-of-parent');
    given(agreementDecider, history)
      .when(cmd('AddParty', { party: body('wiltshire'), occurredAt: at('2015-06-01'), parent: zephyr() }))
      .then([event('PartyAdded', '2015-06-01', { party: { ...body('wiltshire'), capacity: null } })]);
  });

  const readyToCommence = [
    rartDrafted(['avon-somerset', 'gloucestershire'], '2014-01-20'),
    event('AgreementSigned', '2014-02-01', { party: 'avon-somerset', signedBy: 'Chief Constable' }),
    event('AgreementSigned', '2014-02-01', { party: 'gloucestershire', signedBy: 'Chief Constable' }),
    event('PccApprovalGiven', '2014-02-02', {
      party: 'avon-somerset',
      policingBody: body('avon-somerset').policingBody,
    }),
    event('PccApprovalGiven', '2014-02-02', {
      party: 'gloucestershire',
      policingBody: body('gloucestershire').policingBody,
    }),
  ];
  const commence = (on: string, parent: ParentFacts) => cmd('BringIntoForce', { occurredAt: at(on), parent });

  test('a unit cannot come into force before its parent', () => {
    given(agreementDecider, readyToCommence)
      .when(commence('2014-03-01', zephyr()))
      .thenThrows(RuleBrokenError, 'parent-not-in-force');
    given(agreementDecider, readyToCommence)
      .when(commence('2014-03-01', zephyr({ status: 'drafted', inForceFrom: null })))
      .thenThrows(RuleBrokenError, 'parent-not-in-force');
  });

  test('a unit cannot come into force once its parent has ended', () => {
    given(agreementDecider, readyToCommence)
      .when(commence('2018-05-01', zephyr({ status: 'terminated', terminatedOn: '2018-04-01' })))
      .thenThrows(RuleBrokenError, 'parent-ended');
  });

  test('a unit comes into force while its parent is in force', () => {
    given(agreementDecider, readyToCommence)
      .when(commence('2014-04-01', zephyr()))
      .then([
        event('AgreementCameIntoForce', '2014-04-01', {
          parties: ['avon-somerset', 'gloucestershire'],
          datePrecision: 'day',
        }),
      ]);
  });

  test('a parent with a unit in force cannot be terminated unless the units end with it', () => {
    const inForce = [...readyToCommence, event('AgreementCameIntoForce', '2014-04-01', { parties: [] })];
    const terminate = (endUnits: boolean) =>
      cmd('TerminateAgreement', {
        reason: 'replaced by host-force agreements',
        occurredAt: at('2018-07-01'),
        unitsInForce: [{ agreementId: 'zephyr-fraud', title: 'Zephyr Fraud' }],
        endUnits,
      });
    const error = given(agreementDecider, inForce).when(terminate(false)).thenThrows(RuleBrokenError, 'units-in-force');
    expect(error.message).toContain('Zephyr Fraud');
    given(agreementDecider, inForce)
      .when(terminate(true))
      .then([event('AgreementTerminated', '2018-07-01', { reason: 'replaced by host-force agreements' })]);
  });
});
