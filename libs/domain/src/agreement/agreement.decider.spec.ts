import { describe, expect, test } from '@jest/globals';
import type { BodyRef } from '../bodies/body.js';
import { evolveBodyRegistry, initialBodyRegistryState } from '../bodies/body-registry.state.js';
import { resolveBody } from '../bodies/resolve-body.js';
import { AlreadyExistsError, NotFoundError, RuleBrokenError, ValidationError } from '../kernel/errors.js';
import { given, INHERITED_NAMES } from '../kernel/testing.js';
import type { AgreementCommand, DraftAgreement, SavingsKind } from './agreement.commands.js';
import { agreementDecider } from './agreement.decider.js';
import type { AgreementDrafted, AgreementEvent } from './agreement.events.js';
import type { PartyCapacity, PartyRecord } from './parties.js';

const NOW = '2016-06-01T09:30:00.000Z';
const at = (date: string): string => `${date}T00:00:00.000Z`;

const registry = evolveBodyRegistry(initialBodyRegistryState(), {
  type: 'BodyRegistered',
  occurredAt: at('2015-01-01'),
  data: { bodyId: 'hm-revenue-customs', name: 'HM Revenue & Customs', kind: 'government' },
});

const body = (id: string): BodyRef => {
  const found = resolveBody(id, registry);
  if (!found) throw new Error(`No body ${id} in the test fixtures`);
  return found;
};

/** A party as an event records it: the body and its capacity (null: not recorded). */
const record = (id: string, capacity: PartyCapacity | null = null): PartyRecord => ({ ...body(id), capacity });

type DraftData = Omit<DraftAgreement['data'], 'occurredAt' | 'parties'> & { parties: string[] };

/** Commands and events for one agreement, so each test reads as the story it tells. */
const fixturesFor = (draftData: DraftData, draftedOn: string) => {
  const { agreementId } = draftData;
  const cmd = <C extends AgreementCommand>(type: C['type'], data: Omit<C['data'], 'agreementId'>, now = NOW): C =>
    ({ type, data: { agreementId, ...data }, metadata: { now } }) as C;
  const event = <E extends AgreementEvent>(type: E['type'], on: string, data: Omit<E['data'], 'agreementId'>): E =>
    ({ type, occurredAt: at(on), data: { agreementId, ...data } }) as E;
  const parties = draftData.parties;

  const f = {
    parties,
    draft: (overrides: Partial<DraftAgreement['data']> = {}, on = draftedOn) =>
      cmd<DraftAgreement>('DraftAgreement', {
        ...draftData,
        parties: parties.map(body),
        occurredAt: at(on),
        ...overrides,
      }),
    drafted: (overrides: Partial<AgreementDrafted['data']> = {}, on = draftedOn): AgreementEvent =>
      event<AgreementDrafted>('AgreementDrafted', on, {
        title: draftData.title,
        legalBasis: draftData.legalBasis,
        scope: draftData.scope ?? null,
        businessArea: draftData.businessArea,
        deliveryModel: draftData.deliveryModel,
        parties: parties.map((party) => record(party)),
        hostForce: draftData.hostForce ?? null,
        parentAgreementId: draftData.parent?.agreementId ?? null,
        reviewDue: draftData.reviewDue ?? null,
        ...overrides,
      }),
    startPlanned: (plannedStart: string, on = draftedOn): AgreementEvent =>
      event('AgreementStartPlanned', on, { plannedStart }),
    replanStart: (plannedStart: string, reason: string, on: string) =>
      cmd('ReplanStart', { plannedStart, reason, occurredAt: at(on) }),
    startReplanned: (plannedStart: string, previousPlannedStart: string | null, reason: string, on: string) =>
      event('AgreementStartReplanned', on, { plannedStart, previousPlannedStart, reason }),
    supersede: (supersededId: string, on: string, exists = true) =>
      cmd('RecordSupersession', { superseded: { agreementId: supersededId, exists }, occurredAt: at(on) }),
    superseded: (supersededAgreementId: string, on: string): AgreementEvent =>
      event('PredecessorSuperseded', on, { supersededAgreementId }),
    sign: (party: string, on: string, signedBy = 'Chief Constable') =>
      cmd('SignAgreement', { party, signedBy, occurredAt: at(on) }),
    signed: (party: string, on: string, signedBy = 'Chief Constable'): AgreementEvent =>
      event('AgreementSigned', on, { party, signedBy, datePrecision: 'day' }),
    approve: (party: string, on: string) => cmd('GivePccApproval', { party, occurredAt: at(on) }),
    approved: (party: string, on: string): AgreementEvent =>
      event('PccApprovalGiven', on, { party, policingBody: body(party).policingBody!, datePrecision: 'day' }),
    bringIntoForce: (on: string) => cmd('BringIntoForce', { occurredAt: at(on) }),
    cameIntoForce: (on: string, members = parties): AgreementEvent =>
      event('AgreementCameIntoForce', on, { parties: members, datePrecision: 'day' }),
    vary: (summary: string, on: string) => cmd('VaryAgreement', { summary, occurredAt: at(on) }),
    varied: (summary: string, on: string): AgreementEvent => event('AgreementVaried', on, { summary }),
    changeHost: (hostForce: string, on: string) => cmd('ChangeHostForce', { hostForce, occurredAt: at(on) }),
    hostChanged: (from: string | null, to: string, on: string): AgreementEvent =>
      event('HostForceChanged', on, { from, to }),
    addParty: (party: string, on: string) => cmd('AddParty', { party: body(party), occurredAt: at(on) }),
    partyAdded: (party: string, on: string, capacity: PartyCapacity | null = null): AgreementEvent =>
      event('PartyAdded', on, { party: record(party, capacity) }),
    partyJoined: (party: string, on: string, capacity: PartyCapacity | null = null): AgreementEvent =>
      event('PartyJoined', on, { party: record(party, capacity), datePrecision: 'day' }),
    giveNotice: (party: string, on: string, effectiveOn: string) =>
      cmd('GiveWithdrawalNotice', { party, effectiveOn, occurredAt: at(on) }),
    noticeGiven: (party: string, on: string, effectiveOn: string): AgreementEvent =>
      event('WithdrawalNoticeGiven', on, { party, effectiveOn, override: null, datePrecision: 'day' }),
    withdraw: (party: string, on: string, reason?: string) =>
      cmd('WithdrawParty', { party, occurredAt: at(on), reason }),
    withdrew: (party: string, on: string, reason: string | null = null): AgreementEvent =>
      event('ForceWithdrew', on, { party, reason, datePrecision: 'day' }),
    review: (outcome: string, on: string, nextReviewDue?: string) =>
      cmd('ReviewAgreement', { outcome, nextReviewDue, occurredAt: at(on) }),
    reviewed: (outcome: string, on: string, nextReviewDue: string | null = null): AgreementEvent =>
      event('AgreementReviewed', on, { outcome, nextReviewDue }),
    terminate: (reason: string, on: string) => cmd('TerminateAgreement', { reason, occurredAt: at(on) }),
    terminated: (reason: string, on: string): AgreementEvent => event('AgreementTerminated', on, { reason }),
    recordSavings: (financialYear: string, kind: SavingsKind, amountPence: number, now = NOW) =>
      cmd('RecordSavings', { financialYear, kind, amountPence }, now),
    savings: (type: 'SavingsForecast' | 'SavingsRealised', financialYear: string, amountPence: number, now = NOW) =>
      ({ type, occurredAt: now, data: { agreementId, financialYear, amountPence } }) as AgreementEvent,
  };

  /** Drafted, signed by every party, approved by every policing body, then in force. */
  const inForceOn = (on: string, signedOn: string, approvedOn: string): AgreementEvent[] => [
    f.drafted(),
    ...parties.map((party) => f.signed(party, signedOn)),
    ...parties.filter((party) => body(party).policingBody).map((party) => f.approved(party, approvedOn)),
    f.cameIntoForce(on),
  ];
  return { ...f, inForceOn };
};

// South West ROCU "Zephyr" (seeds/000): five forces, hosted by Avon and Somerset.
const ZEPHYR_FORCES = ['avon-somerset', 'devon-cornwall', 'dorset', 'gloucestershire', 'wiltshire'];
const zephyr = fixturesFor(
  {
    agreementId: 'zephyr',
    title: 'South West Regional Organised Crime Unit (Zephyr)',
    legalBasis: 's22A',
    businessArea: 'serious and organised crime',
    deliveryModel: 'host-force',
    parties: ZEPHYR_FORCES,
    hostForce: 'avon-somerset',
  },
  '2015-04-01',
);
const zephyrInForce = zephyr.inForceOn('2015-06-01', '2015-05-01', '2015-05-15');

// Hampshire/TVP bilateral programme (seeds/001, seeds/003): two forces, joint units.
const bilateral = fixturesFor(
  {
    agreementId: 'hampshire-tvp-bilateral',
    title: 'Hampshire and Thames Valley Bi-lateral Collaboration',
    legalBasis: 's22A',
    businessArea: 'ICT, information management, firearms, dogs and roads policing',
    deliveryModel: 'joint-unit',
    parties: ['hampshire', 'thames-valley'],
  },
  '2014-01-06',
);
const bilateralInForce = bilateral.inForceOn('2014-04-01', '2014-02-03', '2014-03-03');

// Tarian (seeds/004): the southern Welsh forces' ROCU.
const tarian = fixturesFor(
  {
    agreementId: 'tarian',
    title: 'Tarian Regional Organised Crime Unit',
    legalBasis: 's22A',
    businessArea: 'serious and organised crime',
    deliveryModel: 'joint-unit',
    parties: ['dyfed-powys', 'south-wales', 'gwent'],
  },
  '2011-01-10',
);
const tarianInForce = tarian.inForceOn('2011-04-01', '2011-02-01', '2011-03-01');

describe('DraftAgreement', () => {
  test('drafts Zephyr with its five forces and Avon and Somerset as host', () => {
    const state = given(agreementDecider).when(zephyr.draft()).then([zephyr.drafted()]);
    expect(state.status).toBe('drafted');
    expect(state.members.map((member) => member.body.id)).toEqual(ZEPHYR_FORCES);
    expect(state.hostForce).toBe('avon-somerset');
  });

  test('drafts a joint unit without a host force', () => {
    given(agreementDecider).when(bilateral.draft()).then([bilateral.drafted()]);
  });

  test('drafts a functional unit under its parent agreement, with a review date', () => {
    const rart = fixturesFor(
      {
        agreementId: 'zephyr-rart',
        title: 'Regional Asset Recovery Team (RART Zephyr)',
        legalBasis: 's22A',
        businessArea: 'asset recovery',
        deliveryModel: 'host-force',
        parties: ZEPHYR_FORCES,
        hostForce: 'avon-somerset',
      },
      '2015-05-01',
    );
    given(agreementDecider)
      .when(rart.draft({ parent: { agreementId: 'zephyr', exists: true }, reviewDue: '2016-05-01' }))
      .then([rart.drafted({ parentAgreementId: 'zephyr', reviewDue: '2016-05-01' })]);
  });

  test('normalises the date-time it is given to UTC', () => {
    given(agreementDecider)
      .when(zephyr.draft({ occurredAt: '2015-04-01T01:00:00+01:00' }))
      .then([zephyr.drafted()]);
  });

  test('rejects drafting an agreement that already exists', () => {
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.draft())
      .thenThrows(AlreadyExistsError, 'agreement-already-exists');
  });

  test('rejects an agreement with fewer than two parties', () => {
    const error = given(agreementDecider)
      .when(zephyr.draft({ parties: [body('dorset')], hostForce: 'dorset' }))
      .thenThrows(ValidationError, 'too-few-parties');
    expect(error.message).toBe('A collaboration agreement needs at least two parties; only Dorset Police was given.');
  });

  test('rejects a party listed twice', () => {
    given(agreementDecider)
      .when(zephyr.draft({ parties: [body('avon-somerset'), body('dorset'), body('dorset')] }))
      .thenThrows(ValidationError, 'duplicate-party');
  });

  test('rejects a host force that is not a party', () => {
    given(agreementDecider)
      .when(zephyr.draft({ hostForce: 'thames-valley' }))
      .thenThrows(ValidationError, 'host-not-a-party');
  });

  test('rejects a host that is not a police force', () => {
    const error = given(agreementDecider)
      .when(
        zephyr.draft({
          parties: [body('avon-somerset'), body('national-crime-agency')],
          hostForce: 'national-crime-agency',
        }),
      )
      .thenThrows(ValidationError, 'host-not-a-police-force');
    expect(error.field).toBe('hostForce');
  });

  test('rejects a host-force agreement without a host', () => {
    given(agreementDecider)
      .when(zephyr.draft({ hostForce: undefined }))
      .thenThrows(ValidationError, 'host-force-required');
  });

  test('rejects a parent agreement that does not exist', () => {
    given(agreementDecider)
      .when(zephyr.draft({ parent: { agreementId: 'sw-rocu', exists: false } }))
      .thenThrows(NotFoundError, 'parent-agreement-not-found');
  });

  test('rejects an agreement that is its own parent', () => {
    given(agreementDecider)
      .when(zephyr.draft({ parent: { agreementId: 'zephyr', exists: true } }))
      .thenThrows(ValidationError, 'parent-is-self');
  });

  test('rejects a review date that is not a real date', () => {
    given(agreementDecider)
      .when(zephyr.draft({ reviewDue: '2016-02-30' }))
      .thenThrows(ValidationError, 'invalid-review-due');
  });

  test('rejects a review date on or before the drafting date', () => {
    given(agreementDecider)
      .when(zephyr.draft({ reviewDue: '2015-03-31' }))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('rejects a drafting date in the future', () => {
    const error = given(agreementDecider)
      .when(zephyr.draft({ occurredAt: at('2016-06-02') }))
      .thenThrows(ValidationError, 'occurred-in-future');
    expect(error.field).toBe('occurredAt');
  });

  test('rejects a drafting date that is not a date-time', () => {
    given(agreementDecider)
      .when(zephyr.draft({ occurredAt: '1 April 2015' }))
      .thenThrows(ValidationError, 'invalid-occurred-at');
  });

  test('rejects an id unfit for a stream name', () => {
    given(agreementDecider)
      .when(zephyr.draft({ agreementId: 'zephyr rocu' }))
      .thenThrows(ValidationError, 'invalid-agreement-id');
  });

  test('rejects a blank title or business area', () => {
    given(agreementDecider)
      .when(zephyr.draft({ title: ' ' }))
      .thenThrows(ValidationError, 'title-required');
    given(agreementDecider)
      .when(zephyr.draft({ businessArea: '' }))
      .thenThrows(ValidationError, 'business-area-required');
  });

  test('records the legal basis and the scope apart: a national agreement is made under s22A', () => {
    // NPCC, NABIS, NPoCC and Op Temperer (seeds/000) are national in reach, s22A agreements in law.
    const state = given(agreementDecider)
      .when(zephyr.draft({ legalBasis: 's22A', scope: 'national' }))
      .then([zephyr.drafted({ legalBasis: 's22A', scope: 'national' })]);
    expect({ legalBasis: state.legalBasis, scope: state.scope }).toEqual({ legalBasis: 's22A', scope: 'national' });
  });

  test('records no scope when none is given', () => {
    const state = given(agreementDecider)
      .when(zephyr.draft())
      .then([zephyr.drafted({ scope: null })]);
    expect(state.scope).toBeNull();
  });

  test('rejects "national" as a legal basis, saying it is a scope', () => {
    const error = given(agreementDecider)
      .when(zephyr.draft({ legalBasis: 'national' as 's22A' }))
      .thenThrows(ValidationError, 'legal-basis-is-a-scope');
    expect(error.field).toBe('legalBasis');
    expect(error.message).toContain('scope "national"');
  });

  test('rejects a scope that is not local, regional or national', () => {
    given(agreementDecider)
      .when(zephyr.draft({ scope: 'county' as 'local' }))
      .thenThrows(ValidationError, 'invalid-scope');
  });

  test('rejects an unknown legal basis or delivery model', () => {
    given(agreementDecider)
      .when(zephyr.draft({ legalBasis: 's22' as 's22A' }))
      .thenThrows(ValidationError, 'invalid-legal-basis');
    given(agreementDecider)
      .when(zephyr.draft({ deliveryModel: 'merger' as 'virtual' }))
      .thenThrows(ValidationError, 'invalid-delivery-model');
  });
});

// Seed 002: a forensics agreement "aimed to start on 1st April but may be Sept" (issue 15, item 4).
describe('planned starts', () => {
  test('drafting with a planned start records it beside the draft', () => {
    const state = given(agreementDecider)
      .when(zephyr.draft({ plannedStart: '2015-06-01' }))
      .then([zephyr.drafted(), zephyr.startPlanned('2015-06-01')]);
    expect(state.plannedStart).toBe('2015-06-01');
  });

  test('drafting without a planned start records none', () => {
    const state = given(agreementDecider).when(zephyr.draft()).then([zephyr.drafted()]);
    expect(state.plannedStart).toBeNull();
  });

  test('rejects a planned start before the day it is drafted', () => {
    const error = given(agreementDecider)
      .when(zephyr.draft({ plannedStart: '2015-03-31' }))
      .thenThrows(ValidationError, 'date-out-of-order');
    expect(error.field).toBe('plannedStart');
  });

  test('rejects a planned start that is not a date', () => {
    given(agreementDecider)
      .when(zephyr.draft({ plannedStart: '2015-02-30' }))
      .thenThrows(ValidationError, 'invalid-planned-start');
  });

  test('re-plans the start with the reason, keeping the previous date', () => {
    const state = given(agreementDecider, [zephyr.drafted(), zephyr.startPlanned('2015-06-01')])
      .when(zephyr.replanStart('2015-09-01', 'May be September', '2015-05-20'))
      .then([zephyr.startReplanned('2015-09-01', '2015-06-01', 'May be September', '2015-05-20')]);
    expect(state.plannedStart).toBe('2015-09-01');
  });

  test('plans a start for a draft that had none', () => {
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.replanStart('2015-09-01', 'Host force now agreed', '2015-05-20'))
      .then([zephyr.startReplanned('2015-09-01', null, 'Host force now agreed', '2015-05-20')]);
  });

  test('re-plans a start that has already passed', () => {
    given(agreementDecider, [zephyr.drafted(), zephyr.startPlanned('2015-06-01')])
      .when(zephyr.replanStart('2015-09-01', 'Approvals late', '2015-06-10'))
      .then([zephyr.startReplanned('2015-09-01', '2015-06-01', 'Approvals late', '2015-06-10')]);
  });

  test('rejects re-planning without a reason', () => {
    const error = given(agreementDecider, [zephyr.drafted(), zephyr.startPlanned('2015-06-01')])
      .when(zephyr.replanStart('2015-09-01', '  ', '2015-05-20'))
      .thenThrows(ValidationError, 'reason-required');
    expect(error.field).toBe('reason');
  });

  test('rejects re-planning to the date already planned', () => {
    given(agreementDecider, [zephyr.drafted(), zephyr.startPlanned('2015-06-01')])
      .when(zephyr.replanStart('2015-06-01', 'Confirmed', '2015-05-20'))
      .thenThrows(RuleBrokenError, 'planned-start-unchanged');
  });

  test('rejects re-planning to a day before the re-planning', () => {
    given(agreementDecider, [zephyr.drafted(), zephyr.startPlanned('2015-06-01')])
      .when(zephyr.replanStart('2015-05-01', 'Started early', '2015-05-20'))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('rejects re-planning dated before the draft', () => {
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.replanStart('2015-09-01', 'Later', '2015-03-20'))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('rejects re-planning once the agreement has commenced', () => {
    const error = given(agreementDecider, zephyrInForce)
      .when(zephyr.replanStart('2015-09-01', 'May be September', '2015-07-01'))
      .thenThrows(RuleBrokenError, 'already-in-force');
    expect(error.message).toBe(
      '"South West Regional Organised Crime Unit (Zephyr)" has been in force since 2015-06-01: its start is no longer a plan to move.',
    );
  });

  test('rejects re-planning a terminated draft', () => {
    given(agreementDecider, [zephyr.drafted(), zephyr.terminated('Abandoned', '2015-05-01')])
      .when(zephyr.replanStart('2015-09-01', 'Revived', '2015-05-20'))
      .thenThrows(RuleBrokenError, 'agreement-terminated');
  });
});

// Issue 15, item 3: NPAS replacing Gwent and South Wales air support in 2013 (Tarian's forces stand in here).
describe('RecordSupersession', () => {
  test('records that an agreement replaces two others, each once, in order', () => {
    const state = given(agreementDecider, [...tarianInForce, tarian.superseded('gwent-air-support', '2013-01-01')])
      .when(tarian.supersede('south-wales-air-support', '2013-01-01'))
      .then([tarian.superseded('south-wales-air-support', '2013-01-01')]);
    expect(state.supersedes).toEqual(['gwent-air-support', 'south-wales-air-support']);
  });

  test('a draft may record what it is proposed to replace', () => {
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.supersede('four-force-forensics', '2015-04-02'))
      .then([zephyr.superseded('four-force-forensics', '2015-04-02')]);
  });

  test('rejects superseding an agreement that does not exist', () => {
    const error = given(agreementDecider, tarianInForce)
      .when(tarian.supersede('no-such-agreement', '2013-01-01', false))
      .thenThrows(NotFoundError, 'superseded-agreement-not-found');
    expect(error.field).toBe('supersedes');
  });

  test('rejects an agreement superseding itself', () => {
    given(agreementDecider, tarianInForce)
      .when(tarian.supersede('tarian', '2013-01-01'))
      .thenThrows(ValidationError, 'supersedes-self');
  });

  test('rejects recording the same supersession twice', () => {
    given(agreementDecider, [...tarianInForce, tarian.superseded('gwent-air-support', '2013-01-01')])
      .when(tarian.supersede('gwent-air-support', '2013-02-01'))
      .thenThrows(RuleBrokenError, 'supersession-already-recorded');
  });

  test('rejects a supersession dated before the draft', () => {
    given(agreementDecider, tarianInForce)
      .when(tarian.supersede('gwent-air-support', '2010-12-01'))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('rejects recording it against a terminated agreement', () => {
    given(agreementDecider, [...tarianInForce, tarian.terminated('Replaced', '2014-01-01')])
      .when(tarian.supersede('gwent-air-support', '2014-02-01'))
      .thenThrows(RuleBrokenError, 'agreement-terminated');
  });
});

describe('SignAgreement', () => {
  test('records a party signing the draft', () => {
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.sign('dorset', '2015-05-01', ' Chief Constable Debbie Simpson '))
      .then([zephyr.signed('dorset', '2015-05-01', 'Chief Constable Debbie Simpson')]);
  });

  test('records a party that joined while in force signing', () => {
    given(agreementDecider, [...tarianInForce, tarian.partyJoined('north-wales', '2016-01-04')])
      .when(tarian.sign('north-wales', '2016-01-11'))
      .then([tarian.signed('north-wales', '2016-01-11')]);
  });

  test('rejects signing an agreement that was never drafted', () => {
    given(agreementDecider).when(zephyr.sign('dorset', '2015-05-01')).thenThrows(NotFoundError, 'agreement-not-found');
  });

  test('rejects a signature from a body that is not a party', () => {
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.sign('thames-valley', '2015-05-01'))
      .thenThrows(RuleBrokenError, 'not-a-party');
  });

  test('rejects a party signing twice', () => {
    const error = given(agreementDecider, [zephyr.drafted(), zephyr.signed('dorset', '2015-05-01')])
      .when(zephyr.sign('dorset', '2015-05-20'))
      .thenThrows(RuleBrokenError, 'party-already-signed');
    expect(error.message).toBe('Dorset Police has already signed this agreement (on 2015-05-01).');
  });

  test('rejects a signature dated before the agreement was drafted', () => {
    const error = given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.sign('dorset', '2015-03-01'))
      .thenThrows(ValidationError, 'date-out-of-order');
    expect(error.message).toContain('before the agreement was drafted (2015-04-01)');
  });

  test('rejects a blank signatory', () => {
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.sign('dorset', '2015-05-01', ''))
      .thenThrows(ValidationError, 'signed-by-required');
  });

  test('rejects a signature dated in the future', () => {
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.sign('dorset', '2016-07-01'))
      .thenThrows(ValidationError, 'occurred-in-future');
  });

  test('rejects signing a terminated agreement', () => {
    given(agreementDecider, [zephyr.drafted(), zephyr.terminated('Abandoned', '2015-04-20')])
      .when(zephyr.sign('dorset', '2015-05-01'))
      .thenThrows(RuleBrokenError, 'agreement-terminated');
  });
});

describe('GivePccApproval', () => {
  // seeds/004: Gwent and South Wales joint legal services, "In 2009", before any PCC took office.
  const legal = fixturesFor(
    {
      agreementId: 'gwent-south-wales-joint-legal-services',
      title: 'Joint Legal Services',
      legalBasis: 's23A',
      businessArea: 'legal services',
      deliveryModel: 'joint-unit',
      parties: ['gwent', 'south-wales'],
    },
    '2009-01-01',
  );

  test('credits an approval to the body that held the role on its date: a police authority in 2009', () => {
    const event = (policingBody: { name: string; kind: string }) =>
      ({
        type: 'PccApprovalGiven',
        occurredAt: '2009-01-01T00:00:00.000Z',
        data: {
          agreementId: 'gwent-south-wales-joint-legal-services',
          party: 'gwent',
          policingBody,
          datePrecision: 'day',
        },
      }) as AgreementEvent;
    given(agreementDecider, [legal.drafted()])
      .when(legal.approve('gwent', '2009-01-01'))
      .then([event({ name: 'Gwent Police Authority', kind: 'police-authority' })]);
  });

  test('credits an approval of July 2013 to the PCC, not to the mayor who took over in 2017', () => {
    const npas = fixturesFor(
      {
        agreementId: 'npas',
        title: 'National Police Air Service (NPAS)',
        legalBasis: 's22A',
        scope: 'national',
        businessArea: 'air support',
        deliveryModel: 'national',
        parties: ['greater-manchester', 'gwent'],
      },
      '2013-07-01',
    );
    const [approval] = given(agreementDecider, [npas.drafted()])
      .when(npas.approve('greater-manchester', '2013-07-01'))
      .then([expect.anything() as unknown as AgreementEvent])
      .members.filter((m) => m.body.id === 'greater-manchester')
      .map((m) => m.approval);
    expect(approval?.policingBody).toEqual({ name: 'Greater Manchester Police and Crime Commissioner', kind: 'pcc' });
  });

  test("records the party's policing body approving", () => {
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.approve('dorset', '2015-05-15'))
      .then([
        {
          type: 'PccApprovalGiven',
          occurredAt: at('2015-05-15'),
          data: {
            agreementId: 'zephyr',
            party: 'dorset',
            policingBody: { name: 'Dorset Police and Crime Commissioner', kind: 'pcc' },
            datePrecision: 'day',
          },
        },
      ]);
  });

  test("records approval by the Mayor's Office for Policing And Crime", () => {
    const london = fixturesFor(
      {
        agreementId: 'london-economic-crime',
        title: 'London economic crime collaboration',
        legalBasis: 's22A',
        businessArea: 'fraud and economic crime',
        deliveryModel: 'virtual',
        parties: ['metropolitan', 'city-of-london'],
      },
      '2015-09-01',
    );
    given(agreementDecider, [london.drafted()])
      .when(london.approve('metropolitan', '2015-10-01'))
      .then([london.approved('metropolitan', '2015-10-01')]);
  });

  test('rejects approval for a party without a policing body', () => {
    const error = given(agreementDecider, [
      tarian.drafted({ parties: ['dyfed-powys', 'south-wales', 'gwent', 'hm-revenue-customs'].map(body) }),
    ])
      .when(tarian.approve('hm-revenue-customs', '2011-02-01'))
      .thenThrows(RuleBrokenError, 'no-policing-body');
    expect(error.message).toContain('HM Revenue & Customs');
  });

  test('rejects a second approval for the same party', () => {
    const error = given(agreementDecider, [zephyr.drafted(), zephyr.approved('wiltshire', '2015-05-15')])
      .when(zephyr.approve('wiltshire', '2015-05-16'))
      .thenThrows(RuleBrokenError, 'approval-already-given');
    expect(error.message).toBe(
      'Wiltshire and Swindon Police and Crime Commissioner has already approved this agreement for Wiltshire Police (on 2015-05-15).',
    );
  });

  test('rejects approval for a body that is not a party', () => {
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.approve('gwent', '2015-05-15'))
      .thenThrows(RuleBrokenError, 'not-a-party');
  });

  test('rejects approval dated before the agreement was drafted', () => {
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.approve('dorset', '2015-01-15'))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('rejects approval dated in the future', () => {
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.approve('dorset', '2017-01-15'))
      .thenThrows(ValidationError, 'occurred-in-future');
  });

  test('rejects approval of an agreement that was never drafted', () => {
    given(agreementDecider)
      .when(zephyr.approve('dorset', '2015-05-15'))
      .thenThrows(NotFoundError, 'agreement-not-found');
  });

  test('rejects approval of a terminated agreement', () => {
    given(agreementDecider, [zephyr.drafted(), zephyr.terminated('Abandoned', '2015-04-20')])
      .when(zephyr.approve('dorset', '2015-05-15'))
      .thenThrows(RuleBrokenError, 'agreement-terminated');
  });
});

describe('BringIntoForce', () => {
  const signedAndApproved = zephyrInForce.slice(0, -1);

  test('brings the agreement into force once every party signed and every policing body approved', () => {
    const state = given(agreementDecider, signedAndApproved)
      .when(zephyr.bringIntoForce('2015-06-01'))
      .then([zephyr.cameIntoForce('2015-06-01')]);
    expect(state.status).toBe('in-force');
    expect(state.inForceFrom).toBe('2015-06-01');
  });

  test('needs no approval for a party without a policing body', () => {
    const parties = ['dyfed-powys', 'south-wales', 'gwent', 'hm-revenue-customs'];
    given(agreementDecider, [
      tarian.drafted({ parties: parties.map(body) }),
      ...parties.map((party) => tarian.signed(party, '2011-02-01')),
      ...parties.slice(0, 3).map((party) => tarian.approved(party, '2011-03-01')),
    ])
      .when(tarian.bringIntoForce('2011-04-01'))
      .then([tarian.cameIntoForce('2011-04-01', parties)]);
  });

  test('rejects commencement before every party has signed, naming who has not', () => {
    const withoutTwoSignatures = signedAndApproved.filter(
      (event) => !(event.type === 'AgreementSigned' && ['dorset', 'wiltshire'].includes(event.data.party)),
    );
    const error = given(agreementDecider, withoutTwoSignatures)
      .when(zephyr.bringIntoForce('2015-06-01'))
      .thenThrows(RuleBrokenError, 'signatures-missing');
    expect(error.message).toContain('Dorset Police and Wiltshire Police have not signed yet');
  });

  test('rejects commencement before every policing body has approved, naming who has not', () => {
    const withoutGloucestershireApproval = signedAndApproved.filter(
      (event) => !(event.type === 'PccApprovalGiven' && event.data.party === 'gloucestershire'),
    );
    const error = given(agreementDecider, withoutGloucestershireApproval)
      .when(zephyr.bringIntoForce('2015-06-01'))
      .thenThrows(RuleBrokenError, 'approvals-missing');
    expect(error.message).toContain('Gloucestershire Police and Crime Commissioner (for Gloucestershire Constabulary)');
  });

  test('rejects commencement dated before the last signature or approval', () => {
    given(agreementDecider, signedAndApproved)
      .when(zephyr.bringIntoForce('2015-05-10'))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('rejects bringing into force an agreement already in force', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.bringIntoForce('2015-07-01'))
      .thenThrows(RuleBrokenError, 'already-in-force');
  });

  test('rejects commencement dated in the future', () => {
    given(agreementDecider, signedAndApproved)
      .when(zephyr.bringIntoForce('2016-06-02'))
      .thenThrows(ValidationError, 'occurred-in-future');
  });

  test('rejects commencement of an agreement that was never drafted', () => {
    given(agreementDecider).when(zephyr.bringIntoForce('2015-06-01')).thenThrows(NotFoundError, 'agreement-not-found');
  });

  test('rejects commencement of a terminated agreement', () => {
    given(agreementDecider, [...signedAndApproved, zephyr.terminated('Superseded', '2015-05-20')])
      .when(zephyr.bringIntoForce('2015-06-01'))
      .thenThrows(RuleBrokenError, 'agreement-terminated');
  });
});

describe('VaryAgreement', () => {
  test('records a variation of an agreement in force', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.vary('Regional Fraud Unit added as a functional unit', '2015-10-01'))
      .then([zephyr.varied('Regional Fraud Unit added as a functional unit', '2015-10-01')]);
  });

  test('rejects varying a draft', () => {
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.vary('Scope widened', '2015-04-10'))
      .thenThrows(RuleBrokenError, 'not-in-force');
  });

  test('rejects a variation dated before commencement', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.vary('Scope widened', '2015-05-20'))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('rejects a variation without a summary', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.vary('  ', '2015-10-01'))
      .thenThrows(ValidationError, 'summary-required');
  });

  test('rejects a variation dated in the future', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.vary('Scope widened', '2016-10-01'))
      .thenThrows(ValidationError, 'occurred-in-future');
  });

  test('rejects varying an agreement that was never drafted', () => {
    given(agreementDecider)
      .when(zephyr.vary('Scope widened', '2015-10-01'))
      .thenThrows(NotFoundError, 'agreement-not-found');
  });

  test('rejects varying a terminated agreement', () => {
    given(agreementDecider, [...zephyrInForce, zephyr.terminated('Replaced by a national model', '2016-03-31')])
      .when(zephyr.vary('Scope widened', '2016-04-01'))
      .thenThrows(RuleBrokenError, 'agreement-terminated');
  });
});

describe('ChangeHostForce', () => {
  test('moves the host to another police force that is a party', () => {
    const state = given(agreementDecider, zephyrInForce)
      .when(zephyr.changeHost('devon-cornwall', '2016-04-01'))
      .then([zephyr.hostChanged('avon-somerset', 'devon-cornwall', '2016-04-01')]);
    expect(state.hostForce).toBe('devon-cornwall');
  });

  test('sets a host on a draft that had none', () => {
    given(agreementDecider, [bilateral.drafted()])
      .when(bilateral.changeHost('thames-valley', '2014-01-20'))
      .then([bilateral.hostChanged(null, 'thames-valley', '2014-01-20')]);
  });

  test('rejects a host change to the current host', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.changeHost('avon-somerset', '2016-04-01'))
      .thenThrows(RuleBrokenError, 'host-unchanged');
  });

  test('rejects a new host that is not a party', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.changeHost('thames-valley', '2016-04-01'))
      .thenThrows(ValidationError, 'host-not-a-party');
  });

  test('rejects a new host that has withdrawn', () => {
    given(agreementDecider, [...zephyrInForce, zephyr.withdrew('gloucestershire', '2016-03-31')])
      .when(zephyr.changeHost('gloucestershire', '2016-04-01'))
      .thenThrows(ValidationError, 'host-not-a-party');
  });

  test('rejects a new host that is not a police force', () => {
    given(agreementDecider, [...zephyrInForce, zephyr.partyJoined('national-crime-agency', '2015-09-01')])
      .when(zephyr.changeHost('national-crime-agency', '2016-04-01'))
      .thenThrows(ValidationError, 'host-not-a-police-force');
  });

  test('rejects a host change dated before commencement', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.changeHost('devon-cornwall', '2015-05-01'))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('rejects a host change dated in the future', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.changeHost('devon-cornwall', '2016-09-01'))
      .thenThrows(ValidationError, 'occurred-in-future');
  });

  test('rejects a host change on an agreement that was never drafted', () => {
    given(agreementDecider)
      .when(zephyr.changeHost('devon-cornwall', '2016-04-01'))
      .thenThrows(NotFoundError, 'agreement-not-found');
  });

  test('rejects a host change on a terminated agreement', () => {
    given(agreementDecider, [...zephyrInForce, zephyr.terminated('Wound up', '2016-03-31')])
      .when(zephyr.changeHost('devon-cornwall', '2016-04-01'))
      .thenThrows(RuleBrokenError, 'agreement-terminated');
  });
});

describe('AddParty', () => {
  test('adds a party to a draft', () => {
    given(agreementDecider, [bilateral.drafted()])
      .when(bilateral.addParty('surrey', '2014-01-20'))
      .then([bilateral.partyAdded('surrey', '2014-01-20')]);
  });

  test('records a body joining an agreement in force', () => {
    const state = given(agreementDecider, tarianInForce)
      .when(tarian.addParty('north-wales', '2016-01-04'))
      .then([tarian.partyJoined('north-wales', '2016-01-04')]);
    expect(state.members.find((member) => member.body.id === 'north-wales')?.joinedOn).toBe('2016-01-04');
  });

  test('lets a former party rejoin', () => {
    given(agreementDecider, [...zephyrInForce, zephyr.withdrew('gloucestershire', '2015-12-31')])
      .when(zephyr.addParty('gloucestershire', '2016-04-01'))
      .then([zephyr.partyJoined('gloucestershire', '2016-04-01')]);
  });

  test('rejects adding a body that is already a party', () => {
    const error = given(agreementDecider, zephyrInForce)
      .when(zephyr.addParty('dorset', '2016-01-04'))
      .thenThrows(RuleBrokenError, 'already-a-party');
    expect(error.message).toContain('Dorset Police is already a party');
  });

  test('rejects a join dated before commencement', () => {
    given(agreementDecider, tarianInForce)
      .when(tarian.addParty('north-wales', '2011-03-15'))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('rejects a party added to a draft before it was drafted', () => {
    given(agreementDecider, [bilateral.drafted()])
      .when(bilateral.addParty('surrey', '2013-12-01'))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('rejects a join dated in the future', () => {
    given(agreementDecider, tarianInForce)
      .when(tarian.addParty('north-wales', '2016-06-02'))
      .thenThrows(ValidationError, 'occurred-in-future');
  });

  test('rejects adding a party to an agreement that was never drafted', () => {
    given(agreementDecider)
      .when(tarian.addParty('north-wales', '2016-01-04'))
      .thenThrows(NotFoundError, 'agreement-not-found');
  });

  test('rejects adding a party to a terminated agreement', () => {
    given(agreementDecider, [...tarianInForce, tarian.terminated('Replaced', '2015-03-31')])
      .when(tarian.addParty('north-wales', '2016-01-04'))
      .thenThrows(RuleBrokenError, 'agreement-terminated');
  });
});

describe('GiveWithdrawalNotice', () => {
  test('records notice and the date it takes effect', () => {
    const state = given(agreementDecider, zephyrInForce)
      .when(zephyr.giveNotice('gloucestershire', '2015-09-30', '2016-03-31'))
      .then([zephyr.noticeGiven('gloucestershire', '2015-09-30', '2016-03-31')]);
    expect(state.members.find((member) => member.body.id === 'gloucestershire')?.notice).toEqual({
      givenOn: '2015-09-30',
      givenPrecision: 'day',
      effectiveOn: '2016-03-31',
      override: null,
    });
  });

  test('rejects notice on a draft', () => {
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.giveNotice('gloucestershire', '2015-04-30', '2016-03-31'))
      .thenThrows(RuleBrokenError, 'not-in-force');
  });

  test('rejects notice from a body that is not a party', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.giveNotice('kent', '2015-09-30', '2016-03-31'))
      .thenThrows(RuleBrokenError, 'not-a-party');
  });

  test('rejects a second notice from the same party', () => {
    given(agreementDecider, [...zephyrInForce, zephyr.noticeGiven('gloucestershire', '2015-09-30', '2016-03-31')])
      .when(zephyr.giveNotice('gloucestershire', '2015-10-30', '2016-04-30'))
      .thenThrows(RuleBrokenError, 'notice-already-given');
  });

  test('rejects notice taking effect on or before the day it is given', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.giveNotice('gloucestershire', '2015-09-30', '2015-09-30'))
      .thenThrows(ValidationError, 'effective-before-notice');
  });

  test('rejects an effective date that is not a real date', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.giveNotice('gloucestershire', '2015-09-30', '2016-02-30'))
      .thenThrows(ValidationError, 'invalid-effective-on');
  });

  test('rejects notice dated before commencement', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.giveNotice('gloucestershire', '2015-05-30', '2016-03-31'))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('rejects notice dated in the future', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.giveNotice('gloucestershire', '2016-09-30', '2017-03-31'))
      .thenThrows(ValidationError, 'occurred-in-future');
  });

  test('rejects notice on an agreement that was never drafted', () => {
    given(agreementDecider)
      .when(zephyr.giveNotice('gloucestershire', '2015-09-30', '2016-03-31'))
      .thenThrows(NotFoundError, 'agreement-not-found');
  });

  test('rejects notice on a terminated agreement', () => {
    given(agreementDecider, [...zephyrInForce, zephyr.terminated('Wound up', '2015-08-31')])
      .when(zephyr.giveNotice('gloucestershire', '2015-09-30', '2016-03-31'))
      .thenThrows(RuleBrokenError, 'agreement-terminated');
  });
});

describe('WithdrawParty', () => {
  test('records a party withdrawing after its notice', () => {
    const state = given(agreementDecider, [
      ...zephyrInForce,
      zephyr.noticeGiven('gloucestershire', '2015-09-30', '2016-03-31'),
    ])
      .when(zephyr.withdraw('gloucestershire', '2016-03-31', 'Regional model no longer fits'))
      .then([zephyr.withdrew('gloucestershire', '2016-03-31', 'Regional model no longer fits')]);
    expect(state.members.map((member) => member.body.id)).not.toContain('gloucestershire');
    expect(state.formerMembers).toEqual([
      {
        body: body('gloucestershire'),
        joinedOn: '2015-04-01',
        leftOn: '2016-03-31',
        leftPrecision: 'day',
        reason: 'Regional model no longer fits',
      },
    ]);
  });

  test('records a withdrawal without notice', () => {
    given(agreementDecider, tarianInForce)
      .when(tarian.withdraw('gwent', '2015-04-01'))
      .then([tarian.withdrew('gwent', '2015-04-01')]);
  });

  test('rejects withdrawal of the host force', () => {
    const error = given(agreementDecider, zephyrInForce)
      .when(zephyr.withdraw('avon-somerset', '2016-03-31'))
      .thenThrows(RuleBrokenError, 'host-cannot-withdraw');
    expect(error.message).toContain('Avon and Somerset Constabulary hosts');
  });

  test('lets the former host withdraw once the host has changed', () => {
    given(agreementDecider, [...zephyrInForce, zephyr.hostChanged('avon-somerset', 'devon-cornwall', '2016-03-01')])
      .when(zephyr.withdraw('avon-somerset', '2016-03-31'))
      .then([zephyr.withdrew('avon-somerset', '2016-03-31')]);
  });

  test('rejects the last-but-one withdrawal: two parties must terminate instead', () => {
    const error = given(agreementDecider, bilateralInForce)
      .when(bilateral.withdraw('hampshire', '2016-03-31'))
      .thenThrows(RuleBrokenError, 'last-parties-must-terminate');
    expect(error.message).toContain('Hampshire and Isle of Wight Constabulary and Thames Valley Police remain');
  });

  test('rejects withdrawal of a body that is not a party', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.withdraw('kent', '2016-03-31'))
      .thenThrows(RuleBrokenError, 'not-a-party');
  });

  test('rejects withdrawing a party twice', () => {
    const error = given(agreementDecider, [...tarianInForce, tarian.withdrew('gwent', '2015-04-01')])
      .when(tarian.withdraw('gwent', '2015-05-01'))
      .thenThrows(RuleBrokenError, 'not-a-party');
    expect(error.message).toContain('Gwent Police withdrew from "Tarian Regional Organised Crime Unit" on 2015-04-01');
  });

  test('rejects withdrawal from a draft', () => {
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.withdraw('gloucestershire', '2015-04-30'))
      .thenThrows(RuleBrokenError, 'not-in-force');
  });

  test('rejects a withdrawal dated before its notice', () => {
    given(agreementDecider, [...zephyrInForce, zephyr.noticeGiven('gloucestershire', '2015-09-30', '2016-03-31')])
      .when(zephyr.withdraw('gloucestershire', '2015-09-01'))
      .thenThrows(ValidationError, 'withdrawal-before-notice');
  });

  test('rejects a withdrawal dated before commencement', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.withdraw('gloucestershire', '2015-05-20'))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('rejects a withdrawal dated in the future', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.withdraw('gloucestershire', '2016-09-01'))
      .thenThrows(ValidationError, 'occurred-in-future');
  });

  test('rejects withdrawal from an agreement that was never drafted', () => {
    given(agreementDecider)
      .when(zephyr.withdraw('gloucestershire', '2016-03-31'))
      .thenThrows(NotFoundError, 'agreement-not-found');
  });

  test('rejects withdrawal from a terminated agreement', () => {
    given(agreementDecider, [...zephyrInForce, zephyr.terminated('Wound up', '2016-03-01')])
      .when(zephyr.withdraw('gloucestershire', '2016-03-31'))
      .thenThrows(RuleBrokenError, 'agreement-terminated');
  });
});

describe('ReviewAgreement', () => {
  test('records a review and when the next one is due', () => {
    const state = given(agreementDecider, zephyrInForce)
      .when(zephyr.review('Continue; benefits on track', '2016-05-01', '2017-05-01'))
      .then([zephyr.reviewed('Continue; benefits on track', '2016-05-01', '2017-05-01')]);
    expect(state.reviewDue).toBe('2017-05-01');
    expect(state.lastReviewedOn).toBe('2016-05-01');
  });

  test('records a review with no next review date', () => {
    given(agreementDecider, bilateralInForce)
      .when(bilateral.review('Governance meetings to be held as the s22A agreement requires', '2016-04-20'))
      .then([bilateral.reviewed('Governance meetings to be held as the s22A agreement requires', '2016-04-20')]);
  });

  test('rejects a next review due on or before the review', () => {
    const error = given(agreementDecider, zephyrInForce)
      .when(zephyr.review('Continue', '2016-05-01', '2016-05-01'))
      .thenThrows(ValidationError, 'date-out-of-order');
    expect(error.field).toBe('nextReviewDue');
  });

  test('rejects a next review date that is not a real date', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.review('Continue', '2016-05-01', '2017-02-29'))
      .thenThrows(ValidationError, 'invalid-next-review-due');
  });

  test('rejects reviewing a draft', () => {
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.review('Continue', '2015-05-01'))
      .thenThrows(RuleBrokenError, 'not-in-force');
  });

  test('rejects a review dated before commencement', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.review('Continue', '2015-05-31'))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('rejects a review without an outcome', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.review('', '2016-05-01'))
      .thenThrows(ValidationError, 'outcome-required');
  });

  test('rejects a review dated in the future', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.review('Continue', '2016-06-02'))
      .thenThrows(ValidationError, 'occurred-in-future');
  });

  test('rejects reviewing an agreement that was never drafted', () => {
    given(agreementDecider)
      .when(zephyr.review('Continue', '2016-05-01'))
      .thenThrows(NotFoundError, 'agreement-not-found');
  });

  test('rejects reviewing a terminated agreement', () => {
    given(agreementDecider, [...zephyrInForce, zephyr.terminated('Wound up', '2016-03-31')])
      .when(zephyr.review('Continue', '2016-05-01'))
      .thenThrows(RuleBrokenError, 'agreement-terminated');
  });
});

describe('TerminateAgreement', () => {
  test('terminates an agreement in force', () => {
    const state = given(agreementDecider, bilateralInForce)
      .when(bilateral.terminate('Replaced by the South East regional agreement', '2016-03-31'))
      .then([bilateral.terminated('Replaced by the South East regional agreement', '2016-03-31')]);
    expect(state.status).toBe('terminated');
    expect(state.terminatedOn).toBe('2016-03-31');
  });

  test('terminates an abandoned draft', () => {
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.terminate('Not supported by Wiltshire and Gloucestershire', '2015-05-01'))
      .then([zephyr.terminated('Not supported by Wiltshire and Gloucestershire', '2015-05-01')]);
  });

  test('rejects a termination dated before commencement', () => {
    given(agreementDecider, bilateralInForce)
      .when(bilateral.terminate('Replaced', '2014-03-31'))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('rejects a termination dated before the latest fact recorded', () => {
    given(agreementDecider, [...zephyrInForce, zephyr.varied('Fraud unit added', '2016-01-15')])
      .when(zephyr.terminate('Wound up', '2016-01-01'))
      .thenThrows(ValidationError, 'date-out-of-order');
  });

  test('rejects terminating twice: nothing after termination', () => {
    const error = given(agreementDecider, [...bilateralInForce, bilateral.terminated('Replaced', '2016-03-31')])
      .when(bilateral.terminate('Replaced', '2016-04-01'))
      .thenThrows(RuleBrokenError, 'agreement-terminated');
    expect(error.message).toContain('was terminated on 2016-03-31');
  });

  test('rejects a termination without a reason', () => {
    given(agreementDecider, bilateralInForce)
      .when(bilateral.terminate(' ', '2016-03-31'))
      .thenThrows(ValidationError, 'reason-required');
  });

  test('rejects a termination dated in the future', () => {
    given(agreementDecider, bilateralInForce)
      .when(bilateral.terminate('Replaced', '2016-12-31'))
      .thenThrows(ValidationError, 'occurred-in-future');
  });

  test('rejects terminating an agreement that was never drafted', () => {
    given(agreementDecider)
      .when(bilateral.terminate('Replaced', '2016-03-31'))
      .thenThrows(NotFoundError, 'agreement-not-found');
  });
});

describe('RecordSavings', () => {
  test('records a forecast at the time it is recorded', () => {
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.recordSavings('2015-16', 'forecast', 2_500_000_000))
      .then([zephyr.savings('SavingsForecast', '2015-16', 2_500_000_000)]);
  });

  test('records realised savings of an agreement in force', () => {
    const state = given(agreementDecider, [
      ...zephyrInForce,
      zephyr.savings('SavingsForecast', '2015-16', 2_500_000_000),
    ])
      .when(zephyr.recordSavings('2015-16', 'realised', 850_000_000))
      .then([zephyr.savings('SavingsRealised', '2015-16', 850_000_000)]);
    expect(state.savings.get('2015-16')).toEqual({ forecastPence: 2_500_000_000, realisedPence: 850_000_000 });
  });

  test('accepts zero', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.recordSavings('2016-17', 'realised', 0))
      .then([zephyr.savings('SavingsRealised', '2016-17', 0)]);
  });

  test('rejects a malformed financial year', () => {
    for (const financialYear of ['2015-17', '2015/16', '15-16']) {
      given(agreementDecider, zephyrInForce)
        .when(zephyr.recordSavings(financialYear, 'forecast', 100))
        .thenThrows(ValidationError, 'invalid-financial-year');
    }
  });

  test('rejects a negative or fractional amount', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.recordSavings('2015-16', 'forecast', -1))
      .thenThrows(ValidationError, 'invalid-amount');
    given(agreementDecider, zephyrInForce)
      .when(zephyr.recordSavings('2015-16', 'forecast', 10.5))
      .thenThrows(ValidationError, 'invalid-amount');
  });

  test('rejects an unknown kind of savings', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.recordSavings('2015-16', 'estimated' as SavingsKind, 100))
      .thenThrows(ValidationError, 'invalid-savings-kind');
  });

  test('rejects realised savings for a draft', () => {
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.recordSavings('2015-16', 'realised', 100))
      .thenThrows(RuleBrokenError, 'not-in-force');
  });

  test('rejects realised savings for a financial year that has not started', () => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.recordSavings('2017-18', 'realised', 100))
      .thenThrows(ValidationError, 'financial-year-not-started');
  });

  test('rejects savings for an agreement that was never drafted', () => {
    given(agreementDecider)
      .when(zephyr.recordSavings('2015-16', 'forecast', 100))
      .thenThrows(NotFoundError, 'agreement-not-found');
  });

  test('rejects savings for a terminated agreement', () => {
    given(agreementDecider, [...zephyrInForce, zephyr.terminated('Wound up', '2016-03-31')])
      .when(zephyr.recordSavings('2015-16', 'realised', 100))
      .thenThrows(RuleBrokenError, 'agreement-terminated');
  });
});

describe('party ids named after what every object inherits', () => {
  test.each(INHERITED_NAMES)('refuses "%s" as a party or host: it is not one', (name) => {
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.sign(name, '2015-05-01'))
      .thenThrows(RuleBrokenError, 'not-a-party');
    given(agreementDecider, [zephyr.drafted()])
      .when(zephyr.approve(name, '2015-05-01'))
      .thenThrows(RuleBrokenError, 'not-a-party');
    given(agreementDecider, zephyrInForce)
      .when(zephyr.giveNotice(name, '2016-01-04', '2016-07-01'))
      .thenThrows(RuleBrokenError, 'not-a-party');
    given(agreementDecider, zephyrInForce)
      .when(zephyr.withdraw(name, '2016-01-04'))
      .thenThrows(RuleBrokenError, 'not-a-party');
    given(agreementDecider, zephyrInForce)
      .when(zephyr.changeHost(name, '2016-01-04'))
      .thenThrows(ValidationError, 'host-not-a-party');
  });

  test.each(INHERITED_NAMES)('refuses "%s" as a financial year', (name) => {
    given(agreementDecider, zephyrInForce)
      .when(zephyr.recordSavings(name, 'forecast', 100))
      .thenThrows(ValidationError, 'invalid-financial-year');
  });
});
