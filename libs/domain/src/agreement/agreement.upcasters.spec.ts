import { describe, expect, test } from '@jest/globals';
import { fold } from '../kernel/decider.js';
import { agreementDecider } from './agreement.decider.js';
import type { AgreementDrafted, AgreementEvent, WithdrawalNoticeGiven } from './agreement.events.js';
import {
  AGREEMENT_SCHEMA_VERSIONS,
  upcastAgreementDrafted,
  upcastWithdrawalNoticeGiven,
} from './agreement.upcasters.js';

// AgreementDrafted as release 0.1.0 wrote it (schema version 1): one field for the basis and the scope.
const v1 = (legalBasis: string) => ({
  agreementId: 'nabis',
  title: 'National Ballistics Intelligence Service (NABIS)',
  legalBasis,
  businessArea: 'ballistics intelligence',
  deliveryModel: 'national',
  parties: [],
  hostForce: null,
  parentAgreementId: null,
  reviewDue: null,
});

const upcast = (data: object) => upcastAgreementDrafted(data as AgreementDrafted['data']);

describe('AgreementDrafted version 1, upcast when read', () => {
  test('"national" becomes the scope, with the legal basis not recorded (the old record never said it)', () => {
    expect(upcast(v1('national'))).toMatchObject({ legalBasis: null, scope: 'national' });
  });

  test.each(['s22A', 's23A', 'mou', 'other'])('legal basis %s stays, with the scope not recorded', (basis) => {
    expect(upcast(v1(basis))).toMatchObject({ legalBasis: basis, scope: null });
  });

  test('keeps every other field as stored', () => {
    const { legalBasis: _basis, ...rest } = v1('national');
    expect(upcast(v1('national'))).toMatchObject(rest);
  });

  test('leaves version 2 data as it is, a null scope included', () => {
    const v2 = { ...v1('s22A'), scope: null };
    expect(upcast(v2)).toBe(v2);
    const national = { ...v1('s22A'), scope: 'national' };
    expect(upcast(national)).toEqual(national);
  });

  test('the agreement state folds a version 1 event in the version 2 shape', () => {
    const old = { type: 'AgreementDrafted', occurredAt: '2013-07-01T00:00:00.000Z', data: v1('national') };
    const state = fold(agreementDecider, [old as unknown as AgreementEvent]);
    expect({ legalBasis: state.legalBasis, scope: state.scope }).toEqual({ legalBasis: null, scope: 'national' });
  });

  test('AgreementDrafted is written at version 3 (capacities), PartyAdded at 2 and PartyJoined at 3', () => {
    expect(AGREEMENT_SCHEMA_VERSIONS.AgreementDrafted).toBe(3);
    expect(AGREEMENT_SCHEMA_VERSIONS.PartyAdded).toBe(2);
    expect(AGREEMENT_SCHEMA_VERSIONS.PartyJoined).toBe(3);
    expect(AGREEMENT_SCHEMA_VERSIONS.MembershipDeclared).toBe(1);
  });
});

describe('WithdrawalNoticeGiven version 1, upcast when read', () => {
  const noticeV1 = { agreementId: 'zephyr', party: 'wiltshire', effectiveOn: '2015-07-01' };

  test('reads with no override: none could be needed before notice periods', () => {
    expect(upcastWithdrawalNoticeGiven(noticeV1 as WithdrawalNoticeGiven['data'])).toEqual({
      ...noticeV1,
      override: null,
      datePrecision: 'day',
    });
  });

  test('reads version 2 as given to the day, and leaves version 3 data as it is', () => {
    const v2 = { ...noticeV1, override: { acceptedBy: 'the other chief constables', reason: 'restructure' } };
    expect(upcastWithdrawalNoticeGiven(v2)).toEqual({ ...v2, datePrecision: 'day' });
    expect(upcastWithdrawalNoticeGiven(noticeV1 as WithdrawalNoticeGiven['data']).datePrecision).toBe('day');
    const v3 = { ...v2, datePrecision: 'month' as const };
    expect(upcastWithdrawalNoticeGiven(v3)).toEqual(v3);
  });

  test('WithdrawalNoticeGiven is written at version 3 and TermsSet at version 1', () => {
    expect(AGREEMENT_SCHEMA_VERSIONS.WithdrawalNoticeGiven).toBe(3);
    expect(AGREEMENT_SCHEMA_VERSIONS.TermsSet).toBe(1);
  });
});
