import { describe, expect, test } from '@jest/globals';
import type { BodyRef } from '../bodies/body.js';
import { evolveBodyRegistry, initialBodyRegistryState } from '../bodies/body-registry.state.js';
import { resolveBody } from '../bodies/resolve-body.js';
import { RuleBrokenError, ValidationError } from '../kernel/errors.js';
import { fold } from '../kernel/decider.js';
import { given } from '../kernel/testing.js';
import type { AgreementCommand, DraftAgreement, LegalBasis } from './agreement.commands.js';
import { agreementDecider } from './agreement.decider.js';
import type { AgreementEvent } from './agreement.events.js';
import { capacitySentence, namedSentence, type PartyCapacity } from './parties.js';
import { outstandingFor } from './variations.js';

const NOW = '2020-06-01T09:30:00.000Z';
const at = (date: string): string => `${date}T00:00:00.000Z`;

const registry = [
  { bodyId: 'avon-fire-authority', name: 'Avon Fire Authority', kind: 'fire-and-rescue' as const },
  {
    bodyId: 'devon-somerset-fire',
    name: 'Devon and Somerset Fire and Rescue Authority',
    kind: 'fire-and-rescue' as const,
  },
].reduce(
  (state, data) => evolveBodyRegistry(state, { type: 'BodyRegistered', occurredAt: at('2015-01-01'), data }),
  initialBodyRegistryState(),
);

const body = (id: string): BodyRef => {
  const found = resolveBody(id, registry);
  if (!found) throw new Error(`No body ${id} in the test fixtures`);
  return found;
};
const record = (id: string, capacity: PartyCapacity | null = null) => ({ ...body(id), capacity });

const ID = 'vehicles';
const cmd = <C extends AgreementCommand>(type: C['type'], data: Omit<C['data'], 'agreementId'>): C =>
  ({ type, data: { agreementId: ID, ...data }, metadata: { now: NOW } }) as C;
const event = <E extends AgreementEvent>(type: E['type'], on: string, data: Omit<E['data'], 'agreementId'>): E =>
  ({ type, occurredAt: at(on), data: { agreementId: ID, ...data } }) as E;

const draft = (
  legalBasis: LegalBasis,
  parties: string[],
  extra: Partial<Omit<DraftAgreement['data'], 'parties'>> = {},
): DraftAgreement =>
  cmd<DraftAgreement>('DraftAgreement', {
    title: 'Vehicle procurement',
    legalBasis,
    businessArea: 'procurement',
    deliveryModel: 'virtual',
    parties: parties.map(body),
    occurredAt: at('2020-01-01'),
    ...extra,
  });
const drafted = (legalBasis: LegalBasis, parties: { id: string; capacity: PartyCapacity | null }[]) =>
  event('AgreementDrafted', '2020-01-01', {
    title: 'Vehicle procurement',
    legalBasis,
    scope: null,
    businessArea: 'procurement',
    deliveryModel: 'virtual',
    parties: parties.map(({ id, capacity }) => record(id, capacity)),
    hostForce: null,
    parentAgreementId: null,
    reviewDue: null,
  });
const signed = (party: string, on = '2020-02-01') =>
  event('AgreementSigned', on, { party, signedBy: 'signatory', datePrecision: 'day' });
const approved = (party: string, on = '2020-02-15') =>
  event('PccApprovalGiven', on, { party, policingBody: body(party).policingBody!, datePrecision: 'day' });
const bringIntoForce = cmd('BringIntoForce', { occurredAt: at('2020-03-01') });

describe('the capacity a police party acts in (Police Act 1996 s22A)', () => {
  test('a draft records the capacity given for each police party, and "not recorded" (null) for the others', () => {
    given(agreementDecider)
      .when(
        draft('s22A', ['gloucestershire', 'wiltshire', 'avon-fire-authority'], {
          partyCapacities: [{ party: 'gloucestershire', capacity: 'chief-officer-and-policing-body' }],
        }),
      )
      .then([
        drafted('s22A', [
          { id: 'gloucestershire', capacity: 'chief-officer-and-policing-body' },
          { id: 'wiltshire', capacity: null },
          { id: 'avon-fire-authority', capacity: null },
        ]),
      ]);
  });

  test('a capacity for a body without a policing body is refused: it is a party in its own right', () => {
    const error = given(agreementDecider)
      .when(
        draft('s22A', ['gloucestershire', 'avon-fire-authority'], {
          partyCapacities: [{ party: 'avon-fire-authority', capacity: 'policing-body' }],
        }),
      )
      .thenThrows(ValidationError, 'capacity-without-policing-body');
    expect(error.field).toBe('partyCapacities[0].capacity');
    given(agreementDecider, [
      drafted('s22A', [
        { id: 'gloucestershire', capacity: null },
        { id: 'wiltshire', capacity: null },
      ]),
    ])
      .when(
        cmd('AddParty', {
          party: body('national-crime-agency'),
          capacity: 'chief-officer',
          occurredAt: at('2020-01-02'),
        }),
      )
      .thenThrows(ValidationError, 'capacity-without-policing-body');
  });

  test('a capacity that is not one of the three, for a body not drafted, or given twice is refused', () => {
    const parties = ['gloucestershire', 'wiltshire'];
    given(agreementDecider)
      .when(draft('s22A', parties, { partyCapacities: [{ party: 'wiltshire', capacity: 'constable' }] }))
      .thenThrows(ValidationError, 'invalid-capacity');
    const notDrafted = given(agreementDecider)
      .when(draft('s22A', parties, { partyCapacities: [{ party: 'dorset', capacity: 'chief-officer' }] }))
      .thenThrows(ValidationError, 'capacity-for-non-party');
    expect(notDrafted.field).toBe('partyCapacities[0].party');
    given(agreementDecider)
      .when(
        draft('s22A', parties, {
          partyCapacities: [
            { party: 'wiltshire', capacity: 'chief-officer' },
            { party: 'wiltshire', capacity: 'policing-body' },
          ],
        }),
      )
      .thenThrows(ValidationError, 'duplicate-capacity');
  });

  test('an s23A agreement is made by policing bodies: a chief officer alone is refused, on the draft and when added', () => {
    const error = given(agreementDecider)
      .when(
        draft('s23A', ['gloucestershire', 'wiltshire'], {
          partyCapacities: [
            { party: 'gloucestershire', capacity: 'policing-body' },
            { party: 'wiltshire', capacity: 'chief-officer' },
          ],
        }),
      )
      .thenThrows(ValidationError, 'chief-officer-on-s23a');
    expect(error.field).toBe('partyCapacities[1].capacity');
    const history = [
      drafted('s23A', [
        { id: 'gloucestershire', capacity: 'policing-body' },
        { id: 'wiltshire', capacity: null },
      ]),
    ];
    const added = given(agreementDecider, history)
      .when(cmd('AddParty', { party: body('dorset'), capacity: 'chief-officer', occurredAt: at('2020-01-02') }))
      .thenThrows(ValidationError, 'chief-officer-on-s23a');
    expect(added.field).toBe('capacity');
    given(agreementDecider, history)
      .when(
        cmd('AddParty', {
          party: body('dorset'),
          capacity: 'chief-officer-and-policing-body',
          occurredAt: at('2020-01-02'),
        }),
      )
      .then([event('PartyAdded', '2020-01-02', { party: record('dorset', 'chief-officer-and-policing-body') })]);
  });

  test('a party that is only its policing body consents by its signature: no approval is asked of it', () => {
    const history = [
      drafted('s22A', [
        { id: 'gloucestershire', capacity: 'policing-body' },
        { id: 'wiltshire', capacity: 'chief-officer' },
      ]),
      signed('gloucestershire'),
      signed('wiltshire'),
    ];
    given(agreementDecider, history).when(bringIntoForce).thenThrows(RuleBrokenError, 'approvals-missing');
    given(agreementDecider, [...history, approved('wiltshire')])
      .when(bringIntoForce)
      .then([
        event('AgreementCameIntoForce', '2020-03-01', {
          parties: ['gloucestershire', 'wiltshire'],
          datePrecision: 'day',
        }),
      ]);
    given(agreementDecider, history)
      .when(cmd('GivePccApproval', { party: 'gloucestershire', occurredAt: at('2020-02-15') }))
      .thenThrows(RuleBrokenError, 'approval-not-asked');
  });

  test('a chief officer acting with its policing body still needs the approval, as a chief officer does', () => {
    const history = [
      drafted('s22A', [
        { id: 'gloucestershire', capacity: 'chief-officer-and-policing-body' },
        { id: 'wiltshire', capacity: 'policing-body' },
      ]),
      signed('gloucestershire'),
      signed('wiltshire'),
    ];
    const error = given(agreementDecider, history)
      .when(bringIntoForce)
      .thenThrows(RuleBrokenError, 'approvals-missing');
    expect(error.message).toContain('for Gloucestershire Constabulary');
    expect(error.message).not.toContain('for Wiltshire Police');
  });

  test('a stored draft without capacities (version 2) asks every policing body to approve, as before', () => {
    const { capacity: _g, ...gloucestershire } = record('gloucestershire');
    const { capacity: _w, ...wiltshire } = record('wiltshire');
    const v2 = { ...drafted('s22A', []), data: { ...drafted('s22A', []).data, parties: [gloucestershire, wiltshire] } };
    const history = [v2, signed('gloucestershire'), signed('wiltshire'), approved('gloucestershire')];
    const error = given(agreementDecider, history)
      .when(bringIntoForce)
      .thenThrows(RuleBrokenError, 'approvals-missing');
    expect(error.message).toContain('for Wiltshire Police');
    const state = given(agreementDecider, history)
      .when(cmd('GivePccApproval', { party: 'wiltshire', occurredAt: at('2020-02-15') }))
      .then([approved('wiltshire')]);
    expect(state.members.map((m) => m.capacity)).toEqual([null, null]);
  });

  test('a stored PartyAdded (version 1) and PartyJoined (version 2) without a capacity read as not recorded', () => {
    const { capacity: _d, ...dorset } = record('dorset');
    const { capacity: _s, ...somerset } = record('avon-somerset');
    const state = fold(agreementDecider, [
      drafted('s22A', [
        { id: 'gloucestershire', capacity: 'policing-body' },
        { id: 'wiltshire', capacity: 'policing-body' },
      ]),
      event('PartyAdded', '2020-01-02', { party: dorset }),
      signed('gloucestershire'),
      signed('wiltshire'),
      signed('dorset'),
      approved('dorset'),
      event('AgreementCameIntoForce', '2020-03-01', {
        parties: ['gloucestershire', 'wiltshire', 'dorset'],
        datePrecision: 'day',
      }),
      event('PartyJoined', '2020-04-01', { party: somerset, datePrecision: 'day' }),
    ]);
    expect(state.members.map((m) => [m.body.id, m.capacity])).toEqual([
      ['gloucestershire', 'policing-body'],
      ['wiltshire', 'policing-body'],
      ['dorset', null],
      ['avon-somerset', null],
    ]);
    // Not recorded asks the approval, as before: Dorset had to be approved before commencement.
    expect(outstandingFor({ signatures: new Map(), approvals: new Map() }, state.members).unapproved).toHaveLength(2);
  });

  test('a variation waits for no approval from a party that is its policing body', () => {
    const state = fold(agreementDecider, [
      drafted('s22A', [
        { id: 'gloucestershire', capacity: 'policing-body' },
        { id: 'wiltshire', capacity: null },
        { id: 'avon-fire-authority', capacity: null },
      ]),
    ]);
    const { unsigned, unapproved } = outstandingFor({ signatures: new Map(), approvals: new Map() }, state.members);
    expect(unsigned.map((m) => m.body.id)).toEqual(['gloucestershire', 'wiltshire', 'avon-fire-authority']);
    expect(unapproved.map((m) => m.body.id)).toEqual(['wiltshire']);
  });

  test('a body joining in force records its capacity', () => {
    const history = [
      drafted('s22A', [
        { id: 'gloucestershire', capacity: null },
        { id: 'wiltshire', capacity: null },
      ]),
      signed('gloucestershire'),
      signed('wiltshire'),
      approved('gloucestershire'),
      approved('wiltshire'),
      event('AgreementCameIntoForce', '2020-03-01', {
        parties: ['gloucestershire', 'wiltshire'],
        datePrecision: 'day',
      }),
    ];
    const state = given(agreementDecider, history)
      .when(cmd('AddParty', { party: body('dorset'), capacity: 'policing-body', occurredAt: at('2020-04-01') }))
      .then([event('PartyJoined', '2020-04-01', { party: record('dorset', 'policing-body'), datePrecision: 'day' })]);
    expect(state.members.find((m) => m.body.id === 'dorset')?.capacity).toBe('policing-body');
  });

  test('reads say the capacity in words, "not recorded" for old records', () => {
    expect(capacitySentence(null)).toBe('not recorded');
    expect(capacitySentence('chief-officer-and-policing-body')).toBe('chief officer and policing body');
  });
});

describe('which bodies may be parties under which basis', () => {
  const others = ['avon-fire-authority', 'national-crime-agency'];

  test.each(['s22A', 's23A'] as const)('an %s agreement needs a police force with a policing body', (basis) => {
    const error = given(agreementDecider).when(draft(basis, others)).thenThrows(ValidationError, 'no-police-party');
    expect(error.field).toBe('parties');
  });

  test.each(['other', 'mou'] as const)('an agreement under %s may be made by any bodies', (basis) => {
    given(agreementDecider)
      .when(draft(basis, others))
      .then([
        drafted(
          basis,
          others.map((id) => ({ id, capacity: null })),
        ),
      ]);
  });

  test('fire and rescue authorities may be parties to an s23A agreement beside policing bodies (s22A(6))', () => {
    const parties = ['gloucestershire', 'wiltshire', 'avon-fire-authority', 'devon-somerset-fire'];
    given(agreementDecider)
      .when(draft('s23A', parties))
      .then([
        drafted(
          's23A',
          parties.map((id) => ({ id, capacity: null })),
        ),
      ]);
  });
});

describe('a membership declared but not every member named', () => {
  const declaredMembership = { description: '25 police forces and 7 fire and rescue authorities', count: 32 };

  test('one member named with the declaration is a draft, recorded beside it; without it, too few parties', () => {
    const state = given(agreementDecider)
      .when(draft('s23A', ['gloucestershire'], { declaredMembership }))
      .then([
        drafted('s23A', [{ id: 'gloucestershire', capacity: null }]),
        event('MembershipDeclared', '2020-01-01', declaredMembership),
      ]);
    expect(namedSentence(state.members.length, state.declaredMembership)).toBe('1 of 32 members named');
    given(agreementDecider)
      .when(draft('s23A', ['gloucestershire']))
      .thenThrows(ValidationError, 'too-few-parties');
    given(agreementDecider)
      .when(draft('s23A', [], { declaredMembership }))
      .thenThrows(ValidationError, 'too-few-parties');
  });

  test('a declaration needs a description and a whole count of at least two and of every member named', () => {
    const parties = ['gloucestershire', 'wiltshire', 'dorset'];
    given(agreementDecider)
      .when(draft('s22A', parties, { declaredMembership: { description: '', count: 5 } }))
      .thenThrows(ValidationError, 'declared-membership-description-required');
    for (const count of [1, 2.5, '32', 1001]) {
      given(agreementDecider)
        .when(draft('s22A', parties, { declaredMembership: { description: 'several', count } }))
        .thenThrows(ValidationError, 'invalid-declared-count');
    }
    const error = given(agreementDecider)
      .when(draft('s22A', parties, { declaredMembership: { description: 'two forces', count: 2 } }))
      .thenThrows(ValidationError, 'declared-membership-too-small');
    expect(error.field).toBe('declaredMembership.count');
  });

  test('members are named up to the count declared, and no further', () => {
    const history = [
      drafted('s22A', [{ id: 'gloucestershire', capacity: null }]),
      event('MembershipDeclared', '2020-01-01', { description: 'two forces', count: 2 }),
    ];
    const state = given(agreementDecider, history)
      .when(cmd('AddParty', { party: body('wiltshire'), occurredAt: at('2020-01-02') }))
      .then([event('PartyAdded', '2020-01-02', { party: record('wiltshire') })]);
    expect(namedSentence(state.members.length, state.declaredMembership)).toBe('2 of 2 members named');
    given(agreementDecider, [...history, event('PartyAdded', '2020-01-02', { party: record('wiltshire') })])
      .when(cmd('AddParty', { party: body('dorset'), occurredAt: at('2020-01-03') }))
      .thenThrows(RuleBrokenError, 'declared-membership-exceeded');
  });
});
