/**
 * Who held the local policing body's role for each territorial force, and from when (docs/domain.md,
 * "Policing bodies in their time"). The reference table (`reference-bodies.ts`) names today's holder; this
 * history dates the holders before it, each date with its source (a statute or statutory instrument by name
 * and number, or an official page) or, where none was found, its precision lowered and an assumption said.
 */
import type { PolicingBody } from './body.js';
import type { DatePrecision } from '../kernel/dates.js';
import { TERRITORIAL_FORCES, type ReferenceBody } from './reference-bodies.js';

export interface PolicingBodyPeriod {
  /** The first day it held the role (YYYY-MM-DD); null for the first holder this history records. */
  from: string | null;
  /** How exactly `from` is known: the day, only the month, or only the year (`from` is then its first day). */
  precision: DatePrecision;
  policingBody: PolicingBody;
  /** Where `from` comes from; null only with an assumption. */
  source: string | null;
  assumption: string | null;
}

/** Police Act 1996 s3 police authorities, abolished outside London by the 2011 Act, s1(9), from this day. */
const PCC_FROM = '2012-11-22';
const PCC_SOURCE =
  'The Police Reform and Social Responsibility Act 2011 (Commencement No. 7 and Transitional Provisions and ' +
  'Commencement No. 3 and Transitional Provisions (Amendment)) Order 2012 (SI 2012/2892), art. 2: Part 1 of the ' +
  'Act (police and crime commissioners; s1(9) abolishes police authorities) in force on 22 November 2012';
const MOPAC_SOURCE =
  'The Police Reform and Social Responsibility Act 2011 (Commencement No. 3 and Transitional Provisions) Order ' +
  '2011 (SI 2011/3019), art. 3 and Schedule 1: in force on 16 January 2012 (MOPAC replaces the Metropolitan Police Authority)';

const authority = (name: string): PolicingBody => ({ name, kind: 'police-authority' });
const pcc = (name: string): PolicingBody => ({ name, kind: 'pcc' });

const AUTHORITY_NAME_ASSUMPTION =
  "The police authority's name is written '<force area> Police Authority'; the name is not taken from a source.";

/** The police authority, then the PCC from 22 November 2012 (or today's holder, when that is a PCC). */
const authorityThenPcc = (force: ReferenceBody, pccName: string, authorityName: string): PolicingBodyPeriod[] => [
  {
    from: null,
    precision: 'day',
    policingBody: authority(authorityName),
    source: null,
    assumption: AUTHORITY_NAME_ASSUMPTION,
  },
  { from: PCC_FROM, precision: 'day', policingBody: pcc(pccName), source: PCC_SOURCE, assumption: null },
];

const changedTo = (
  policingBody: PolicingBody,
  from: string,
  precision: DatePrecision,
  source: string | null,
  assumption: string | null = null,
): PolicingBodyPeriod => ({ from, precision, policingBody, source, assumption });

const UNSOURCED = (what: string) =>
  `${what}: no statute, statutory instrument or official page was found for the day, so only the ` +
  'precision given is recorded; check it before relying on it.';

/**
 * Changes after 22 November 2012, by force: the day today's holder took over from the PCC. Forces not listed
 * have had a PCC since 22 November 2012 (or, for London, MOPAC since 16 January 2012; the City of London's
 * police authority, the Common Council, did not change).
 */
const LATER: Readonly<Record<string, (today: PolicingBody) => PolicingBodyPeriod[]>> = {
  'greater-manchester': (today) => [
    changedTo(
      today,
      '2017-05-08',
      'day',
      'The Greater Manchester Combined Authority (Election of Mayor with Police and Crime Commissioner Functions) ' +
        'Order 2016 (SI 2016/448), art. 4: no PCC for the area from 8 May 2017; and the Greater Manchester Combined ' +
        'Authority (Transfer of Police and Crime Commissioner Functions to the Mayor) Order 2017 (SI 2017/470), art. 1(2)',
    ),
  ],
  'west-yorkshire': (today) => [
    changedTo(
      today,
      '2021-05-10',
      'day',
      'The West Yorkshire Combined Authority (Election of Mayor and Functions) Order 2021 (SI 2021/112), art. 34: ' +
        'no PCC for the area from 10 May 2021',
    ),
  ],
  essex: (today) => [
    changedTo(
      today,
      '2017-10-01',
      'day',
      'The Police, Fire and Crime Commissioner for Essex (Fire and Rescue Authority) Order 2017 (SI 2017/864), ' +
        'art. 1: in force on 1 October 2017',
    ),
  ],
  staffordshire: (today) => [changedTo(today, '2018-01-01', 'year', null, UNSOURCED('Staffordshire PFCC in 2018'))],
  northamptonshire: (today) => [
    changedTo(today, '2019-01-01', 'year', null, UNSOURCED('Northamptonshire PFCC in 2019')),
  ],
  cumbria: (today) => [changedTo(today, '2024-05-01', 'month', null, UNSOURCED('Cumbria PFCC from May 2024'))],
  'south-yorkshire': (today) => [
    changedTo(
      today,
      '2024-05-01',
      'month',
      null,
      UNSOURCED('Mayor of South Yorkshire with PCC functions from May 2024'),
    ),
  ],
  'north-yorkshire': (today) => [
    changedTo(
      { name: 'North Yorkshire Police, Fire and Crime Commissioner', kind: 'pfcc' },
      '2018-01-01',
      'year',
      null,
      UNSOURCED('North Yorkshire PFCC in 2018 (name as the office is commonly written)'),
    ),
    changedTo(
      today,
      '2024-05-01',
      'month',
      null,
      UNSOURCED('Mayor of York and North Yorkshire with PCC functions from May 2024'),
    ),
  ],
};

/** A force's PCC before a later change: today's name when today's holder is a PCC, else "<area> Police and Crime Commissioner". */
const pccNameOf = (force: ReferenceBody): string =>
  force.policingBody?.kind === 'pcc'
    ? force.policingBody.name
    : `${force.shortName.replace(' & ', ' and ')} Police and Crime Commissioner`;

function historyOf(force: ReferenceBody): PolicingBodyPeriod[] {
  const today = force.policingBody;
  if (!today) return [];
  if (force.id === 'city-of-london')
    return [{ from: null, precision: 'day', policingBody: today, source: null, assumption: null }];
  if (force.id === 'metropolitan') {
    return [
      {
        from: null,
        precision: 'day',
        policingBody: authority('Metropolitan Police Authority'),
        source: null,
        assumption: null,
      },
      { from: '2012-01-16', precision: 'day', policingBody: today, source: MOPAC_SOURCE, assumption: null },
    ];
  }
  const area = force.shortName.replace(' & ', ' and ');
  const periods = authorityThenPcc(force, pccNameOf(force), `${area} Police Authority`);
  const later = LATER[force.id];
  if (later) {
    const [, pccPeriod] = periods;
    if (pccPeriod && force.policingBody?.kind !== 'pcc') {
      pccPeriod.assumption = `The PCC's name is written '${pccPeriod.policingBody.name}'; the name is not taken from a source.`;
    }
    periods.push(...later(today));
  }
  return periods;
}

/** By force id: every holder of the policing body's role this history records, oldest first. */
export const POLICING_BODY_HISTORY: ReadonlyMap<string, readonly PolicingBodyPeriod[]> = new Map(
  TERRITORIAL_FORCES.map((force) => [force.id, historyOf(force)]),
);

/** The last day (YYYY-MM-DD) a `from` of this precision could fall on. */
const latestFrom = ({ from, precision }: PolicingBodyPeriod): string | null => {
  if (from === null) return null;
  if (precision === 'day') return from;
  const [year, month] = from.split('-').map(Number) as [number, number];
  if (precision === 'year') return `${year}-12-31`;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${from.slice(0, 7)}-${String(last).padStart(2, '0')}`;
};

export type PolicingBodyOn =
  | { known: true; policingBody: PolicingBody; period: PolicingBodyPeriod }
  /** The date falls where a change is known only to the month or year: either holder may have had the role. */
  | { known: false; candidates: PolicingBody[] };

/**
 * Who held the force's policing body role on `date` (YYYY-MM-DD); null for a body with no history here
 * (national bodies, registered bodies). "Not known" where a change's date is known only to its month or year
 * and `date` falls inside that month or year.
 */
export function policingBodyOn(bodyId: string, date: string): PolicingBodyOn | null {
  const periods = POLICING_BODY_HISTORY.get(bodyId);
  if (!periods || periods.length === 0) return null;
  let holder: PolicingBodyPeriod | undefined;
  for (const period of periods) {
    if (period.from === null || period.from <= date) {
      const latest = latestFrom(period);
      if (holder && latest !== null && date < latest && period.precision !== 'day') {
        return { known: false, candidates: [holder.policingBody, period.policingBody] };
      }
      holder = period;
    }
  }
  return holder ? { known: true, policingBody: holder.policingBody, period: holder } : null;
}
