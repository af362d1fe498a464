import { describe, expect, test } from '@jest/globals';
import type { BodyRef } from '../bodies/body.js';
import { initialBodyRegistryState } from '../bodies/body-registry.state.js';
import { resolveBody } from '../bodies/resolve-body.js';
import { RuleBrokenError, ValidationError } from '../kernel/errors.js';
import { given } from '../kernel/testing.js';
import type { AgreementCommand } from './agreement.commands.js';
import { agreementDecider } from './agreement.decider.js';
import type { AgreementEvent } from './agreement.events.js';
import { evolveAgreement, initialAgreementState } from './agreement.state.js';
import { inForceSentence, precisionOf } from './date-precision.js';

// Issue 15, "Guessed dates shown as facts": the Gloucestershire register page (seeds/000) is dated 24 August 2017
// and shows Zephyr in operation by then; the Gwent page gives the Surveillance Operations Service only a month.
const NOW = '2026-01-05T09:00:00.000Z';
const at = (date: string): string => `${date}T00:00:00.000Z`;
const body = (id: string): BodyRef => {
  const found = resolveBody(id, initialBodyRegistryState());
  if (!found) throw new Error(`No body ${id}`);
  return found;
};
const PARTIES = ['avon-somerset', 'gloucestershire'];
const cmd = (type: AgreementCommand['type'], data: Record<string, unknown>): AgreementCommand =>
  ({ type, data: { agreementId: 'zephyr', ...data }, metadata: { now: NOW } }) as AgreementCommand;
const event = (type: AgreementEvent['type'], on: string, data: Record<string, unknown>): AgreementEvent =>
  ({ type, occurredAt: at(on), data: { agreementId: 'zephyr', ...data } }) as AgreementEvent;

const drafted = (on: string) =>
  event('AgreementDrafted', on, {
    title: 'Zephyr',
    legalBasis: 's22A',
    scope: 'regional',
    businessArea: 'serious and organised crime',
    deliveryModel: 'joint-unit',
    parties: PARTIES.map(body),
    hostForce: null,
    parentAgreementId: null,
    reviewDue: null,
  });
/** Version 1 events, as release 0.1.0 wrote them: no datePrecision. */
const signedV1 = (party: string, on: string) => event('AgreementSigned', on, { party, signedBy: 'Chief Constable' });
const approvedV1 = (party: string, on: string) =>
  event('PccApprovalGiven', on, { party, policingBody: body(party).policingBody });
const ready = (on: string) => [
  drafted(on),
  ...PARTIES.map((p) => signedV1(p, on)),
  ...PARTIES.map((p) => approvedV1(p, on)),
];
const inForceV1 = (on: string) => [...ready(on), event('AgreementCameIntoForce', on, { parties: PARTIES })];

describe('dates with their precision (issue 15)', () => {
  test('a commencement known only "on or before" a day is recorded with that precision', () => {
    const state = given(agreementDecider, ready('2017-08-24'))
      .when(cmd('BringIntoForce', { occurredAt: at('2017-08-24'), datePrecision: 'on-or-before' }))
      .then([event('AgreementCameIntoForce', '2017-08-24', { parties: PARTIES, datePrecision: 'on-or-before' })]);
    expect(state.inForcePrecision).toBe('on-or-before');
    expect(inForceSentence({ date: state.inForceFrom!, precision: state.inForcePrecision })).toBe(
      'in force by 24 August 2017',
    );
  });

  test('no precision given is a day, written explicitly in the version 2 event', () => {
    given(agreementDecider, ready('2015-06-01'))
      .when(cmd('BringIntoForce', { occurredAt: at('2015-06-01') }))
      .then([event('AgreementCameIntoForce', '2015-06-01', { parties: PARTIES, datePrecision: 'day' })]);
  });

  test('a signature and an approval known only to their month', () => {
    given(agreementDecider, [drafted('2023-01-01')])
      .when(
        cmd('SignAgreement', {
          party: 'gloucestershire',
          signedBy: 'Chief Constable',
          occurredAt: at('2023-01-01'),
          datePrecision: 'month',
        }),
      )
      .then([
        event('AgreementSigned', '2023-01-01', {
          party: 'gloucestershire',
          signedBy: 'Chief Constable',
          datePrecision: 'month',
        }),
      ]);
    const state = given(agreementDecider, [drafted('2023-01-01')])
      .when(cmd('GivePccApproval', { party: 'gloucestershire', occurredAt: at('2023-01-01'), datePrecision: 'month' }))
      .then([
        event('PccApprovalGiven', '2023-01-01', {
          party: 'gloucestershire',
          policingBody: body('gloucestershire').policingBody,
          datePrecision: 'month',
        }),
      ]);
    expect(state.members.find((m) => m.body.id === 'gloucestershire')?.approval?.precision).toBe('month');
  });

  test('a body joining in force, known only to its year', () => {
    const state = given(agreementDecider, inForceV1('2013-07-01'))
      .when(cmd('AddParty', { party: body('wiltshire'), occurredAt: at('2015-01-01'), datePrecision: 'year' }))
      .then([
        event('PartyJoined', '2015-01-01', { party: { ...body('wiltshire'), capacity: null }, datePrecision: 'year' }),
      ]);
    expect(state.members.find((m) => m.body.id === 'wiltshire')?.joinedPrecision).toBe('year');
  });

  test('a month is written as its first day, a year as 1 January', () => {
    given(agreementDecider, ready('2023-01-15'))
      .when(cmd('BringIntoForce', { occurredAt: at('2023-01-15'), datePrecision: 'month' }))
      .thenThrows(ValidationError, 'date-precision-mismatch');
    given(agreementDecider, ready('2013-07-01'))
      .when(cmd('BringIntoForce', { occurredAt: at('2013-07-01'), datePrecision: 'year' }))
      .thenThrows(ValidationError, 'date-precision-mismatch');
  });

  test('an unknown precision is refused, naming the field', () => {
    const error = given(agreementDecider, ready('2015-06-01'))
      .when(cmd('BringIntoForce', { occurredAt: at('2015-06-01'), datePrecision: 'circa' }))
      .thenThrows(ValidationError, 'invalid-date-precision');
    expect(error.field).toBe('datePrecision');
  });

  test('version 1 events (release 0.1.0) read as day precision', () => {
    const state = inForceV1('2015-06-01').reduce(evolveAgreement, initialAgreementState());
    expect(state.inForcePrecision).toBe('day');
    expect(state.members.map((m) => [m.signature?.precision, m.approval?.precision])).toEqual([
      ['day', 'day'],
      ['day', 'day'],
    ]);
    expect(precisionOf({})).toBe('day');
  });
});

describe('RecordDatePrecision: the precision of dates already recorded', () => {
  const facts = [
    { fact: 'drafted', party: null },
    ...PARTIES.flatMap((party) => [
      { fact: 'signed', party },
      { fact: 'approved', party },
    ]),
    { fact: 'in-force', party: null },
  ];
  const reason = 'The register page dated 24 August 2017 lists it in operation.';

  test('states the precision of a record imported before precisions existed, moving no date', () => {
    const state = given(agreementDecider, inForceV1('2017-08-24'))
      .when(cmd('RecordDatePrecision', { facts, precision: 'on-or-before', reason }))
      .then([
        {
          type: 'DatePrecisionRecorded',
          occurredAt: NOW,
          data: { agreementId: 'zephyr', facts, precision: 'on-or-before', reason },
        } as AgreementEvent,
      ]);
    expect([state.inForceFrom, state.inForcePrecision, state.draftedPrecision]).toEqual([
      '2017-08-24',
      'on-or-before',
      'on-or-before',
    ]);
    expect(state.members.every((m) => m.signature?.precision === 'on-or-before')).toBe(true);
    // A statement about the record, at the server's time: it does not count as a later fact.
    expect(state.latestFactOn).toBe('2017-08-24');
  });

  test('refuses a fact that is not recorded', () => {
    given(agreementDecider, ready('2017-08-24'))
      .when(cmd('RecordDatePrecision', { facts: [{ fact: 'in-force', party: null }], precision: 'year', reason }))
      .thenThrows(RuleBrokenError, 'not-in-force');
  });

  test('refuses a precision that does not fit the recorded date', () => {
    given(agreementDecider, inForceV1('2017-08-24'))
      .when(cmd('RecordDatePrecision', { facts: [{ fact: 'in-force', party: null }], precision: 'month', reason }))
      .thenThrows(ValidationError, 'date-precision-mismatch');
  });

  test('refuses a statement that changes nothing', () => {
    given(agreementDecider, inForceV1('2017-08-24'))
      .when(cmd('RecordDatePrecision', { facts: [{ fact: 'in-force', party: null }], precision: 'day', reason }))
      .thenThrows(RuleBrokenError, 'precision-unchanged');
  });

  test('refuses an unknown fact and a missing reason', () => {
    given(agreementDecider, inForceV1('2017-08-24'))
      .when(cmd('RecordDatePrecision', { facts: [{ fact: 'met', party: null }], precision: 'year', reason }))
      .thenThrows(ValidationError, 'invalid-fact');
    given(agreementDecider, inForceV1('2017-08-24'))
      .when(cmd('RecordDatePrecision', { facts, precision: 'on-or-before', reason: ' ' }))
      .thenThrows(ValidationError, 'reason-required');
  });
});
