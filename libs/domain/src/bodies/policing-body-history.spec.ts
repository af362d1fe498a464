import { describe, expect, test } from '@jest/globals';
import { POLICING_BODY_HISTORY, policingBodyOn } from './policing-body-history.js';
import { TERRITORIAL_FORCES } from './reference-bodies.js';

const holder = (bodyId: string, date: string) => {
  const on = policingBodyOn(bodyId, date);
  return on?.known ? on.policingBody : on;
};

describe('policing bodies in their time', () => {
  test('a police authority before 22 November 2012, the PCC from that day (SI 2012/2892)', () => {
    expect(holder('gwent', '2012-06-01')).toEqual({ name: 'Gwent Police Authority', kind: 'police-authority' });
    expect(holder('gwent', '2012-11-21')).toMatchObject({ kind: 'police-authority' });
    expect(holder('gwent', '2012-11-22')).toEqual({ name: 'Gwent Police and Crime Commissioner', kind: 'pcc' });
  });

  test('MOPAC for London from 16 January 2012 (SI 2011/3019), the Metropolitan Police Authority before', () => {
    expect(holder('metropolitan', '2012-01-15')).toEqual({
      name: 'Metropolitan Police Authority',
      kind: 'police-authority',
    });
    expect(holder('metropolitan', '2012-01-16')).toMatchObject({ kind: 'mayor' });
  });

  test('the mayor of Greater Manchester from 8 May 2017, a PCC from 2012 until then', () => {
    expect(holder('greater-manchester', '2013-07-01')).toMatchObject({ kind: 'pcc' });
    expect(holder('greater-manchester', '2017-05-07')).toMatchObject({ kind: 'pcc' });
    expect(holder('greater-manchester', '2017-05-08')).toEqual({ name: 'Mayor of Greater Manchester', kind: 'mayor' });
    expect(holder('west-yorkshire', '2021-05-09')).toMatchObject({ kind: 'pcc' });
    expect(holder('west-yorkshire', '2021-05-10')).toMatchObject({ kind: 'mayor' });
    expect(holder('essex', '2017-10-01')).toMatchObject({ kind: 'pfcc' });
  });

  test('a change known only to its month or year answers "not known" inside it, never a guessed day', () => {
    expect(policingBodyOn('south-yorkshire', '2024-05-15')).toMatchObject({ known: false });
    expect(holder('south-yorkshire', '2024-04-30')).toMatchObject({ kind: 'pcc' });
    expect(holder('south-yorkshire', '2024-05-31')).toMatchObject({ kind: 'mayor' });
    expect(policingBodyOn('staffordshire', '2018-06-01')).toMatchObject({ known: false });
    expect(holder('staffordshire', '2019-01-01')).toMatchObject({ kind: 'pfcc' });
  });

  test('today the history ends with the reference table holder, and every dated change cites a source or says its assumption', () => {
    for (const force of TERRITORIAL_FORCES) {
      const periods = POLICING_BODY_HISTORY.get(force.id) ?? [];
      expect({ force: force.id, last: periods.at(-1)?.policingBody }).toEqual({
        force: force.id,
        last: force.policingBody,
      });
      for (const period of periods.filter((p) => p.from !== null)) {
        expect({ force: force.id, cited: period.source !== null || period.assumption !== null }).toEqual({
          force: force.id,
          cited: true,
        });
        if (period.source === null) expect(period.precision).not.toBe('day');
      }
    }
  });

  test('national and registered bodies have no history here', () => {
    expect(policingBodyOn('national-crime-agency', '2012-06-01')).toBeNull();
    expect(policingBodyOn('hm-revenue-customs', '2012-06-01')).toBeNull();
  });
});
