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
import { inForceSentence, memberOn, membershipNotKnown, precisionOf, surelyMemberDuring } from './date-precision.js';
import { upcastForceWithdrew } from './agreement.upcasters.js';

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

describe('leaving with its precision (issue 15)', () => {
  // Three parties, so that one may withdraw and two remain.
  const threeInForce = [
    ...inForceV1('2013-07-01'),
    event('PartyJoined', '2014-01-10', { party: body('wiltshire'), datePrecision: 'day' }),
  ];

  test('a withdrawal known only to its month is recorded with that precision, version 2', () => {
    const state = given(agreementDecider, threeInForce)
      .when(cmd('WithdrawParty', { party: 'gloucestershire', occurredAt: at('2016-07-01'), datePrecision: 'month' }))
      .then([event('ForceWithdrew', '2016-07-01', { party: 'gloucestershire', reason: null, datePrecision: 'month' })]);
    expect(state.formerMembers.map((f) => [f.body.id, f.leftOn, f.leftPrecision])).toEqual([
      ['gloucestershire', '2016-07-01', 'month'],
    ]);
  });

  test('no precision given is a day; a month must be its first day', () => {
    given(agreementDecider, threeInForce)
      .when(cmd('WithdrawParty', { party: 'gloucestershire', occurredAt: at('2016-07-14') }))
      .then([event('ForceWithdrew', '2016-07-14', { party: 'gloucestershire', reason: null, datePrecision: 'day' })]);
    const error = given(agreementDecider, threeInForce)
      .when(cmd('WithdrawParty', { party: 'gloucestershire', occurredAt: at('2016-07-14'), datePrecision: 'month' }))
      .thenThrows(ValidationError, 'date-precision-mismatch');
    expect(error.field).toBe('datePrecision');
  });

  test('notice of withdrawal takes a precision for the day it was given (version 3), version 2 reading as a day', () => {
    const state = given(agreementDecider, threeInForce)
      .when(
        cmd('GiveWithdrawalNotice', {
          party: 'gloucestershire',
          occurredAt: at('2015-09-01'),
          effectiveOn: '2016-03-31',
          datePrecision: 'month',
        }),
      )
      .then([
        event('WithdrawalNoticeGiven', '2015-09-01', {
          party: 'gloucestershire',
          effectiveOn: '2016-03-31',
          override: null,
          datePrecision: 'month',
        }),
      ]);
    expect(state.members.find((m) => m.body.id === 'gloucestershire')?.notice?.givenPrecision).toBe('month');
    const v2 = event('WithdrawalNoticeGiven', '2015-09-14', {
      party: 'gloucestershire',
      effectiveOn: '2016-03-31',
      override: null,
    });
    const old = [...threeInForce, v2].reduce(evolveAgreement, initialAgreementState());
    expect(old.members.find((m) => m.body.id === 'gloucestershire')?.notice?.givenPrecision).toBe('day');
  });

  test('a version 1 ForceWithdrew (release 0.1.0) reads as a day', () => {
    const v1 = { agreementId: 'zephyr', party: 'gloucestershire', reason: null };
    expect(upcastForceWithdrew(v1)).toEqual({ ...v1, datePrecision: 'day' });
    const state = [...threeInForce, event('ForceWithdrew', '2016-07-14', v1)].reduce(
      evolveAgreement,
      initialAgreementState(),
    );
    expect(state.formerMembers[0]?.leftPrecision).toBe('day');
  });

  test('membership as of a day inside an imprecise leaving is not known', () => {
    const membership = {
      from: { date: '2013-07-01', precision: 'day' as const },
      until: { date: '2016-07-01', precision: 'month' as const },
    };
    expect(memberOn(membership, '2016-06-30')).toBe(true);
    expect(memberOn(membership, '2016-07-01')).toBeNull();
    expect(memberOn(membership, '2016-07-30')).toBeNull();
    expect(memberOn(membership, '2016-07-31')).toBe(false);
    expect(memberOn(membership, '2013-06-30')).toBe(false);
    expect(membershipNotKnown(membership, { from: '2016-07-15', to: '2016-07-15' }, 'on 15 July 2016')).toBe(
      'The record says only that the body left in July 2016: whether it was a member on 15 July 2016 is not known.',
    );
    expect(membershipNotKnown(membership, { from: '2016-08-01', to: '2017-03-31' }, 'during 2016/17')).toBeNull();
    // Known to the day, never in doubt.
    const exact = { ...membership, until: { date: '2016-07-14', precision: 'day' as const } };
    expect([memberOn(exact, '2016-07-13'), memberOn(exact, '2016-07-14')]).toEqual([true, false]);
    expect(membershipNotKnown(exact, { from: '2016-04-01', to: '2017-03-31' }, 'during 2016/17')).toBeNull();
  });

  test('a membership known only "on or before" a day is not known for a year before it', () => {
    const gloucestershire = { from: { date: '2017-08-24', precision: 'on-or-before' as const }, until: null };
    expect(memberOn(gloucestershire, '2017-03-31')).toBeNull();
    expect(memberOn(gloucestershire, '2017-08-24')).toBe(true);
    expect(membershipNotKnown(gloucestershire, { from: '2016-04-01', to: '2017-03-31' }, 'during 2016/17')).toBe(
      'The record says only that the body became a member by 24 August 2017: whether it was a member during ' +
        '2016/17 is not known.',
    );
    expect(membershipNotKnown(gloucestershire, { from: '2017-09-01', to: '2018-03-31' }, 'during 2017/18')).toBeNull();
    // Not surely a member on any day of 2016/17; surely one on 24 August 2017, a day of 2017/18.
    expect(surelyMemberDuring(gloucestershire, { from: '2016-04-01', to: '2017-03-31' })).toBe(false);
    expect(surelyMemberDuring(gloucestershire, { from: '2017-04-01', to: '2018-03-31' })).toBe(true);
  });

  test('surely a member during a period: before an imprecise leaving, not inside it', () => {
    const leftInJuly = {
      from: { date: '2013-07-01', precision: 'day' as const },
      until: { date: '2016-07-01', precision: 'month' as const },
    };
    expect(surelyMemberDuring(leftInJuly, { from: '2016-04-01', to: '2017-03-31' })).toBe(true);
    expect(surelyMemberDuring(leftInJuly, { from: '2016-07-01', to: '2016-07-31' })).toBe(false);
    const leftByThen = { ...leftInJuly, until: { date: '2016-07-01', precision: 'on-or-before' as const } };
    expect(surelyMemberDuring(leftByThen, { from: '2016-04-01', to: '2017-03-31' })).toBe(false);
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

  test('states the precision of a joining and of a leaving', () => {
    const log = [
      ...inForceV1('2013-07-01'),
      event('PartyJoined', '2014-01-01', { party: body('wiltshire') }),
      event('PartyJoined', '2015-01-01', { party: body('dorset') }),
      event('ForceWithdrew', '2016-01-01', { party: 'gloucestershire', reason: null }),
    ];
    const stated = [
      { fact: 'joined', party: 'wiltshire' },
      { fact: 'left', party: 'gloucestershire' },
    ];
    const state = given(agreementDecider, log)
      .when(cmd('RecordDatePrecision', { facts: stated, precision: 'year', reason }))
      .then([
        {
          type: 'DatePrecisionRecorded',
          occurredAt: NOW,
          data: { agreementId: 'zephyr', facts: stated, precision: 'year', reason },
        } as AgreementEvent,
      ]);
    expect(state.members.find((m) => m.body.id === 'wiltshire')?.joinedPrecision).toBe('year');
    expect(state.formerMembers[0]?.leftPrecision).toBe('year');
    // Back to the day: a correction is a statement like any other.
    const statedEvent = {
      type: 'DatePrecisionRecorded',
      occurredAt: NOW,
      data: { agreementId: 'zephyr', facts: stated, precision: 'year', reason },
    } as AgreementEvent;
    const back = [{ fact: 'left', party: 'gloucestershire' }];
    const corrected = given(agreementDecider, [...log, statedEvent])
      .when(cmd('RecordDatePrecision', { facts: back, precision: 'day', reason }))
      .then([
        {
          type: 'DatePrecisionRecorded',
          occurredAt: NOW,
          data: { agreementId: 'zephyr', facts: back, precision: 'day', reason },
        } as AgreementEvent,
      ]);
    expect(corrected.formerMembers[0]?.leftPrecision).toBe('day');
  });

  test('refuses a joining of a party of the draft and a leaving never recorded', () => {
    given(agreementDecider, inForceV1('2013-07-01'))
      .when(
        cmd('RecordDatePrecision', {
          facts: [{ fact: 'joined', party: 'gloucestershire' }],
          precision: 'year',
          reason,
        }),
      )
      .thenThrows(RuleBrokenError, 'not-joined');
    const error = given(agreementDecider, inForceV1('2013-07-01'))
      .when(
        cmd('RecordDatePrecision', { facts: [{ fact: 'left', party: 'gloucestershire' }], precision: 'year', reason }),
      )
      .thenThrows(RuleBrokenError, 'not-withdrawn');
    expect(error.field).toBe('facts[0].party');
  });
});
