import { describe, expect, test } from '@jest/globals';
import { AlreadyExistsError, ValidationError } from '../kernel/errors.js';
import { given, INHERITED_NAMES } from '../kernel/testing.js';
import type { BodyKind } from './body.js';
import type { RegisterBody } from './body-registry.commands.js';
import { bodyRegistryDecider } from './body-registry.decider.js';
import type { BodyRegistered } from './body-registry.events.js';
import { initialBodyRegistryState } from './body-registry.state.js';
import { requireBody, resolveBody } from './resolve-body.js';

const NOW = '2016-06-01T09:30:00.000Z';

const register = (bodyId: string, name = 'HM Revenue & Customs', kind: BodyKind = 'government'): RegisterBody => ({
  type: 'RegisterBody',
  data: { bodyId, name, kind },
  metadata: { now: NOW },
});

const registered = (bodyId: string, name = 'HM Revenue & Customs', kind: BodyKind = 'government'): BodyRegistered => ({
  type: 'BodyRegistered',
  occurredAt: NOW,
  data: { bodyId, name, kind },
});

describe('RegisterBody', () => {
  test('registers a body that is not in the reference data, at the time it was recorded', () => {
    given(bodyRegistryDecider, [])
      .when(register('hm-revenue-customs'))
      .then([registered('hm-revenue-customs')]);
  });

  test('trims the name', () => {
    given(bodyRegistryDecider)
      .when(register('cps', '  Crown Prosecution Service ', 'prosecutor'))
      .then([registered('cps', 'Crown Prosecution Service', 'prosecutor')]);
  });

  test('rejects an id that is not a lowercase slug', () => {
    const error = given(bodyRegistryDecider)
      .when(register('HM Revenue'))
      .thenThrows(ValidationError, 'invalid-body-id');
    expect(error.field).toBe('bodyId');
  });

  test('rejects an id that would shadow a reference force', () => {
    const error = given(bodyRegistryDecider)
      .when(register('gwent', 'Gwent Police', 'territorial-police-force'))
      .thenThrows(AlreadyExistsError, 'reference-body');
    expect(error.message).toContain('Gwent Police');
  });

  test('rejects registering the same body twice', () => {
    given(bodyRegistryDecider, [registered('hm-revenue-customs')])
      .when(register('hm-revenue-customs'))
      .thenThrows(AlreadyExistsError, 'body-already-registered');
  });

  test('rejects a blank name', () => {
    given(bodyRegistryDecider).when(register('cps', '  ')).thenThrows(ValidationError, 'name-required');
  });

  test('rejects an unknown kind', () => {
    given(bodyRegistryDecider)
      .when(register('cps', 'Crown Prosecution Service', 'court' as BodyKind))
      .thenThrows(ValidationError, 'invalid-body-kind');
  });
});

describe('resolveBody', () => {
  const registry = bodyRegistryDecider.evolve(
    initialBodyRegistryState(),
    registered('south-wales-fire', 'South Wales Fire and Rescue Service', 'fire-and-rescue'),
  );

  test('resolves a reference force with its policing body', () => {
    expect(resolveBody('gwent', registry)).toEqual({
      id: 'gwent',
      name: 'Gwent Police',
      kind: 'territorial-police-force',
      policingBody: { name: 'Gwent Police and Crime Commissioner', kind: 'pcc' },
    });
  });

  test('resolves a registered body, which has no policing body', () => {
    expect(resolveBody('south-wales-fire', registry)).toEqual({
      id: 'south-wales-fire',
      name: 'South Wales Fire and Rescue Service',
      kind: 'fire-and-rescue',
      policingBody: null,
    });
  });

  test('returns null for an unknown id, and requireBody names the slug', () => {
    expect(resolveBody('gwent-police', registry)).toBeNull();
    expect(() => requireBody('gwent-police', registry)).toThrow(ValidationError);
    expect(() => requireBody('gwent-police', registry)).toThrow('"gwent-police"');
  });
});

describe('body ids named after what every object inherits', () => {
  const registry = bodyRegistryDecider.evolve(initialBodyRegistryState(), registered('hm-revenue-customs'));
  const refusal = (attempt: () => unknown): unknown => {
    try {
      attempt();
    } catch (error) {
      return error;
    }
    return null;
  };

  test.each(INHERITED_NAMES)('does not resolve "%s", never registered: it is an unknown body', (name) => {
    expect(resolveBody(name, registry)).toBeNull();
    const error = refusal(() => requireBody(name, registry));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'unknown-body', field: 'party' });
  });

  test('registers "constructor", which nobody has registered', () => {
    given(bodyRegistryDecider, [registered('hm-revenue-customs')])
      .when(register('constructor', 'Constructor Fire and Rescue Service', 'fire-and-rescue'))
      .then([registered('constructor', 'Constructor Fire and Rescue Service', 'fire-and-rescue')]);
  });
});
