import { describe, expect, test } from '@jest/globals';
import type { Principal } from '#platform';
import { decideRead, decideWrite, type WriteTarget } from './write-policy.js';

const admin: Principal = { sub: 'ops.lead', roles: ['admin'], force: null, issuer: 'governance-tracker' };
const auditor: Principal = { sub: 'panel.member', roles: ['auditor'], force: null, issuer: 'governance-tracker' };
const tvp: Principal = { sub: 'jane.doe', roles: ['officer'], force: 'thames-valley', issuer: 'governance-tracker' };
const gwent: Principal = { sub: 'dai.jones', roles: ['officer'], force: 'gwent', issuer: 'governance-tracker' };
const nobody: Principal = { sub: 'someone', roles: [], force: null, issuer: 'governance-tracker' };

const names = (slug: string) => ({ gwent: 'Gwent Police', 'thames-valley': 'Thames Valley Police' })[slug] ?? slug;
const hantsTvp = { agreementId: 'hampshire-tvp', parties: ['hampshire', 'thames-valley'] };

const targets: Record<string, WriteTarget> = {
  'register a body': { kind: 'admin-only', action: 'register bodies' },
  'draft an agreement naming thames-valley': {
    kind: 'new-agreement',
    agreementId: 'x',
    parties: ['hampshire', 'thames-valley'],
  },
  'record a fact about hampshire-tvp': { kind: 'agreement', agreementId: 'hampshire-tvp', agreement: hantsTvp },
  'record a fact about a board of hampshire-tvp': { kind: 'board', boardId: 'b', agreements: [hantsTvp] },
  'record a decision of that board': {
    kind: 'decision',
    board: { boardId: 'b', agreements: [hantsTvp] },
    agreement: null,
  },
  'acknowledge an alert about that board': {
    kind: 'alert',
    alertId: 'a',
    subject: { party: null, agreements: [hantsTvp] },
  },
};

describe('the write policy', () => {
  test.each(Object.keys(targets))('an administrator may %s', (name) => {
    expect(decideWrite(admin, targets[name] as WriteTarget)).toEqual({ allowed: true });
  });

  test.each(Object.keys(targets))('an auditor may not %s', (name) => {
    expect(decideWrite(auditor, targets[name] as WriteTarget)).toEqual({
      allowed: false,
      reason: expect.stringMatching(/Auditors read and verify/),
    });
  });

  test.each(Object.keys(targets))('a token without a role of this service may not %s', (name) => {
    expect(decideWrite(nobody, targets[name] as WriteTarget).allowed).toBe(false);
  });

  test.each(Object.keys(targets).filter((n) => n !== 'register a body'))('an officer of a party may %s', (name) => {
    expect(decideWrite(tvp, targets[name] as WriteTarget, names)).toEqual({ allowed: true });
  });

  test.each(Object.keys(targets))('an officer of another force may not %s', (name) => {
    const decision = decideWrite(gwent, targets[name] as WriteTarget, names);
    expect(decision.allowed).toBe(false);
  });

  test('an officer cannot register a body or establish a board: administrators only', () => {
    expect(decideWrite(tvp, { kind: 'admin-only', action: 'establish governance boards' })).toEqual({
      allowed: false,
      reason: 'Only an administrator can establish governance boards.',
    });
  });

  test('the refusal names the force and the agreement', () => {
    expect(decideWrite(gwent, targets['record a fact about hampshire-tvp'] as WriteTarget, names)).toEqual({
      allowed: false,
      reason:
        'Officers of Gwent Police can only record facts about agreements Gwent Police is a party to, and Gwent Police is not a party to agreement "hampshire-tvp".',
    });
  });

  test('a former party is not a party: only current and drafted parties count', () => {
    const after = {
      kind: 'agreement',
      agreementId: 'zephyr',
      agreement: { agreementId: 'zephyr', parties: ['dorset', 'wiltshire'] },
    } as const;
    expect(decideWrite({ ...gwent }, after).allowed).toBe(false);
  });

  test('a decision naming a board and an agreement needs both to be the officer’s', () => {
    const theirs = { boardId: 'b', agreements: [hantsTvp] };
    const other = { agreementId: 'tarian', parties: ['gwent', 'south-wales', 'dyfed-powys'] };
    expect(decideWrite(tvp, { kind: 'decision', board: theirs, agreement: other }).allowed).toBe(false);
    expect(decideWrite(gwent, { kind: 'decision', board: theirs, agreement: other }).allowed).toBe(false);
    expect(decideWrite(tvp, { kind: 'decision', board: theirs, agreement: hantsTvp }).allowed).toBe(true);
  });

  test('a board overseeing several agreements is open to an officer of a party to any of them', () => {
    const tarian = { agreementId: 'tarian', parties: ['gwent', 'south-wales', 'dyfed-powys'] };
    expect(decideWrite(gwent, { kind: 'board', boardId: 'b', agreements: [hantsTvp, tarian] }).allowed).toBe(true);
  });

  test('an alert about a party is open to that party’s officers', () => {
    expect(
      decideWrite(gwent, { kind: 'alert', alertId: 'a', subject: { party: 'gwent', agreements: [hantsTvp] } }).allowed,
    ).toBe(true);
  });

  test('what is not recorded is left to the domain, which answers 404 and writes nothing', () => {
    expect(decideWrite(gwent, { kind: 'agreement', agreementId: 'nope', agreement: null })).toEqual({ allowed: true });
    expect(decideWrite(gwent, { kind: 'board', boardId: 'nope', agreements: null })).toEqual({ allowed: true });
    expect(decideWrite(gwent, { kind: 'alert', alertId: 'nope', subject: null })).toEqual({ allowed: true });
  });

  test('reads are open to every role, and to no token without one', () => {
    for (const principal of [admin, auditor, tvp, gwent]) expect(decideRead(principal)).toEqual({ allowed: true });
    expect(decideRead(nobody).allowed).toBe(false);
  });
});
