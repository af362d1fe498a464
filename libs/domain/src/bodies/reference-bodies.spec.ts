import { describe, expect, test } from '@jest/globals';
import { isBodySlug, isPoliceForce } from './body.js';
import { findReferenceBody, NATIONAL_BODIES, REFERENCE_BODIES, TERRITORIAL_FORCES } from './reference-bodies.js';

const TERRITORIAL_SLUGS =
  `avon-somerset bedfordshire cambridgeshire cheshire city-of-london cleveland cumbria derbyshire
devon-cornwall dorset durham dyfed-powys essex gloucestershire greater-manchester gwent hampshire hertfordshire humberside
kent lancashire leicestershire lincolnshire merseyside metropolitan norfolk northamptonshire northumbria north-wales
north-yorkshire nottinghamshire south-wales south-yorkshire staffordshire suffolk surrey sussex thames-valley warwickshire
west-mercia west-midlands west-yorkshire wiltshire`.split(/\s+/);

const policingBodyOf = (id: string) => findReferenceBody(id)?.policingBody;

describe('reference bodies', () => {
  test('are the 43 territorial forces of England and Wales and four national bodies', () => {
    expect(TERRITORIAL_FORCES.map((body) => body.id).sort()).toEqual([...TERRITORIAL_SLUGS].sort());
    expect(NATIONAL_BODIES.map((body) => body.id)).toEqual([
      'british-transport-police',
      'civil-nuclear-constabulary',
      'ministry-of-defence-police',
      'national-crime-agency',
    ]);
    expect(new Set(REFERENCE_BODIES.map((body) => body.id)).size).toBe(47);
  });

  test('have ids that are body slugs', () => {
    for (const body of REFERENCE_BODIES) expect(isBodySlug(body.id)).toBe(true);
  });

  test('use official names and register short names', () => {
    expect(findReferenceBody('hampshire')?.name).toBe('Hampshire and Isle of Wight Constabulary');
    expect(findReferenceBody('metropolitan')?.name).toBe('Metropolitan Police Service');
    expect(findReferenceBody('avon-somerset')).toMatchObject({
      name: 'Avon and Somerset Constabulary',
      shortName: 'Avon & Somerset',
    });
    expect(findReferenceBody('dyfed-powys')?.name).toBe('Dyfed-Powys Police');
  });

  test('place Welsh forces in Wales and national bodies in no one country', () => {
    const welsh = TERRITORIAL_FORCES.filter((body) => body.country === 'wales').map((body) => body.id);
    expect(welsh.sort()).toEqual(['dyfed-powys', 'gwent', 'north-wales', 'south-wales']);
    expect(NATIONAL_BODIES.every((body) => body.country === null && body.region === 'national')).toBe(true);
    expect(findReferenceBody('gloucestershire')?.region).toBe('south-west');
    expect(findReferenceBody('thames-valley')?.region).toBe('south-east');
  });

  test('give police, fire and crime commissioners to Essex, Northamptonshire, Staffordshire and Cumbria', () => {
    const pfccs = REFERENCE_BODIES.filter((body) => body.policingBody?.kind === 'pfcc').map((body) => body.id);
    expect(pfccs.sort()).toEqual(['cumbria', 'essex', 'northamptonshire', 'staffordshire']);
  });

  test('give mayors the policing body role where they took over PCC functions', () => {
    const mayors = REFERENCE_BODIES.filter((body) => body.policingBody?.kind === 'mayor').map((body) => body.id);
    expect(mayors.sort()).toEqual([
      'greater-manchester',
      'metropolitan',
      'north-yorkshire',
      'south-yorkshire',
      'west-yorkshire',
    ]);
    expect(policingBodyOf('metropolitan')?.name).toContain('MOPAC');
  });

  test('give the City of London its Police Authority Board and national forces their authorities', () => {
    expect(policingBodyOf('city-of-london')).toEqual({
      name: 'City of London Corporation (Police Authority Board)',
      kind: 'police-authority',
    });
    expect(policingBodyOf('british-transport-police')?.name).toBe('British Transport Police Authority');
    expect(policingBodyOf('civil-nuclear-constabulary')?.name).toBe('Civil Nuclear Police Authority');
    expect(policingBodyOf('ministry-of-defence-police')?.name).toBe('Ministry of Defence Police Committee');
  });

  test('give the National Crime Agency no local policing body', () => {
    expect(findReferenceBody('national-crime-agency')).toMatchObject({ kind: 'national-agency', policingBody: null });
    expect(isPoliceForce(findReferenceBody('national-crime-agency')!)).toBe(false);
    expect(isPoliceForce(findReferenceBody('british-transport-police')!)).toBe(true);
  });

  test('name PCCs after their police area', () => {
    expect(policingBodyOf('hampshire')).toEqual({
      name: 'Police and Crime Commissioner for Hampshire and the Isle of Wight',
      kind: 'pcc',
    });
    expect(policingBodyOf('dorset')).toEqual({ name: 'Dorset Police and Crime Commissioner', kind: 'pcc' });
  });
});

describe('isBodySlug', () => {
  test('accepts lowercase words joined by single hyphens, up to 64 characters', () => {
    expect(isBodySlug('thames-valley')).toBe(true);
    expect(isBodySlug('hm-revenue-customs')).toBe(true);
    expect(isBodySlug('a'.repeat(64))).toBe(true);
  });

  test('rejects capitals, spaces, doubled or edge hyphens and long ids', () => {
    for (const value of ['Thames-Valley', 'thames valley', 'thames--valley', '-kent', 'kent-', '', 'a'.repeat(65), 7]) {
      expect(isBodySlug(value)).toBe(false);
    }
  });
});
