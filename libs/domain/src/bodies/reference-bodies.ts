/**
 * The 43 territorial police forces of England and Wales (Police Act 1996, Schedule 1, and the
 * Metropolitan and City of London forces) and the national police bodies, with the local policing body
 * that approves each one's collaboration agreements.
 *
 * Reflects arrangements known to 2025. Where a combined-authority mayor took over the PCC's functions,
 * the mayor is the policing body: Greater Manchester (2017), West Yorkshire (2021), South Yorkshire and
 * York and North Yorkshire (both May 2024); London's is the Mayor's Office for Policing And Crime (2012).
 * Essex, Northamptonshire, Staffordshire and (since 2024) Cumbria have police, fire and crime
 * commissioners. The holders before today's are dated in `policing-body-history.ts`; an event keeps the
 * policing body it was given at the time, so older records stay true when this table changes.
 */
import type { BodyKind, PolicingBody } from './body.js';

export const REGIONS = [
  'south-west',
  'south-east',
  'london',
  'east',
  'east-midlands',
  'west-midlands',
  'yorkshire-humber',
  'north-west',
  'north-east',
  'wales',
  'national',
] as const;
export type Region = (typeof REGIONS)[number];

export type Country = 'england' | 'wales';

export interface ReferenceBody {
  id: string;
  /** Official name. */
  name: string;
  /** As registers and reports write it ("Avon & Somerset"). */
  shortName: string;
  kind: BodyKind;
  region: Region;
  /** Null for bodies that police more than one country. */
  country: Country | null;
  policingBody: PolicingBody | null;
}

const pcc = (name: string): PolicingBody => ({ name, kind: 'pcc' });
const pfcc = (name: string): PolicingBody => ({ name, kind: 'pfcc' });
const mayor = (name: string): PolicingBody => ({ name, kind: 'mayor' });
const authority = (name: string): PolicingBody => ({ name, kind: 'police-authority' });

const force = (
  id: string,
  name: string,
  shortName: string,
  region: Exclude<Region, 'national'>,
  policingBody: PolicingBody,
): ReferenceBody => ({
  id,
  name,
  shortName,
  kind: 'territorial-police-force',
  region,
  country: region === 'wales' ? 'wales' : 'england',
  policingBody,
});

// One force per line, so the table reads as a register.
// prettier-ignore
export const TERRITORIAL_FORCES: readonly ReferenceBody[] = [
  force('avon-somerset', 'Avon and Somerset Constabulary', 'Avon & Somerset', 'south-west', pcc('Avon and Somerset Police and Crime Commissioner')),
  force('bedfordshire', 'Bedfordshire Police', 'Bedfordshire', 'east', pcc('Bedfordshire Police and Crime Commissioner')),
  force('cambridgeshire', 'Cambridgeshire Constabulary', 'Cambridgeshire', 'east', pcc('Cambridgeshire and Peterborough Police and Crime Commissioner')),
  force('cheshire', 'Cheshire Constabulary', 'Cheshire', 'north-west', pcc('Cheshire Police and Crime Commissioner')),
  force('city-of-london', 'City of London Police', 'City of London', 'london', authority('City of London Corporation (Police Authority Board)')),
  force('cleveland', 'Cleveland Police', 'Cleveland', 'north-east', pcc('Cleveland Police and Crime Commissioner')),
  force('cumbria', 'Cumbria Constabulary', 'Cumbria', 'north-west', pfcc('Cumbria Police, Fire and Crime Commissioner')),
  force('derbyshire', 'Derbyshire Constabulary', 'Derbyshire', 'east-midlands', pcc('Derbyshire Police and Crime Commissioner')),
  force('devon-cornwall', 'Devon and Cornwall Police', 'Devon & Cornwall', 'south-west', pcc('Devon, Cornwall and the Isles of Scilly Police and Crime Commissioner')),
  force('dorset', 'Dorset Police', 'Dorset', 'south-west', pcc('Dorset Police and Crime Commissioner')),
  force('durham', 'Durham Constabulary', 'Durham', 'north-east', pcc('Durham Police and Crime Commissioner')),
  force('dyfed-powys', 'Dyfed-Powys Police', 'Dyfed-Powys', 'wales', pcc('Dyfed-Powys Police and Crime Commissioner')),
  force('essex', 'Essex Police', 'Essex', 'east', pfcc('Essex Police, Fire and Crime Commissioner')),
  force('gloucestershire', 'Gloucestershire Constabulary', 'Gloucestershire', 'south-west', pcc('Gloucestershire Police and Crime Commissioner')),
  force('greater-manchester', 'Greater Manchester Police', 'Greater Manchester', 'north-west', mayor('Mayor of Greater Manchester')),
  force('gwent', 'Gwent Police', 'Gwent', 'wales', pcc('Gwent Police and Crime Commissioner')),
  force('hampshire', 'Hampshire and Isle of Wight Constabulary', 'Hampshire', 'south-east', pcc('Police and Crime Commissioner for Hampshire and the Isle of Wight')),
  force('hertfordshire', 'Hertfordshire Constabulary', 'Hertfordshire', 'east', pcc('Hertfordshire Police and Crime Commissioner')),
  force('humberside', 'Humberside Police', 'Humberside', 'yorkshire-humber', pcc('Humberside Police and Crime Commissioner')),
  force('kent', 'Kent Police', 'Kent', 'south-east', pcc('Kent Police and Crime Commissioner')),
  force('lancashire', 'Lancashire Constabulary', 'Lancashire', 'north-west', pcc('Lancashire Police and Crime Commissioner')),
  force('leicestershire', 'Leicestershire Police', 'Leicestershire', 'east-midlands', pcc('Leicester, Leicestershire and Rutland Police and Crime Commissioner')),
  force('lincolnshire', 'Lincolnshire Police', 'Lincolnshire', 'east-midlands', pcc('Lincolnshire Police and Crime Commissioner')),
  force('merseyside', 'Merseyside Police', 'Merseyside', 'north-west', pcc('Merseyside Police and Crime Commissioner')),
  force('metropolitan', 'Metropolitan Police Service', 'Metropolitan Police', 'london', mayor("Mayor's Office for Policing And Crime (MOPAC)")),
  force('norfolk', 'Norfolk Constabulary', 'Norfolk', 'east', pcc('Norfolk Police and Crime Commissioner')),
  force('northamptonshire', 'Northamptonshire Police', 'Northamptonshire', 'east-midlands', pfcc('Northamptonshire Police, Fire and Crime Commissioner')),
  force('northumbria', 'Northumbria Police', 'Northumbria', 'north-east', pcc('Northumbria Police and Crime Commissioner')),
  force('north-wales', 'North Wales Police', 'North Wales', 'wales', pcc('North Wales Police and Crime Commissioner')),
  force('north-yorkshire', 'North Yorkshire Police', 'North Yorkshire', 'yorkshire-humber', mayor('Mayor of York and North Yorkshire')),
  force('nottinghamshire', 'Nottinghamshire Police', 'Nottinghamshire', 'east-midlands', pcc('Nottinghamshire Police and Crime Commissioner')),
  force('south-wales', 'South Wales Police', 'South Wales', 'wales', pcc('South Wales Police and Crime Commissioner')),
  force('south-yorkshire', 'South Yorkshire Police', 'South Yorkshire', 'yorkshire-humber', mayor('Mayor of South Yorkshire')),
  force('staffordshire', 'Staffordshire Police', 'Staffordshire', 'west-midlands', pfcc('Staffordshire Commissioner for Police, Fire and Rescue and Crime')),
  force('suffolk', 'Suffolk Constabulary', 'Suffolk', 'east', pcc('Suffolk Police and Crime Commissioner')),
  force('surrey', 'Surrey Police', 'Surrey', 'south-east', pcc('Surrey Police and Crime Commissioner')),
  force('sussex', 'Sussex Police', 'Sussex', 'south-east', pcc('Sussex Police and Crime Commissioner')),
  force('thames-valley', 'Thames Valley Police', 'Thames Valley', 'south-east', pcc('Thames Valley Police and Crime Commissioner')),
  force('warwickshire', 'Warwickshire Police', 'Warwickshire', 'west-midlands', pcc('Warwickshire Police and Crime Commissioner')),
  force('west-mercia', 'West Mercia Police', 'West Mercia', 'west-midlands', pcc('West Mercia Police and Crime Commissioner')),
  force('west-midlands', 'West Midlands Police', 'West Midlands', 'west-midlands', pcc('West Midlands Police and Crime Commissioner')),
  force('west-yorkshire', 'West Yorkshire Police', 'West Yorkshire', 'yorkshire-humber', mayor('Mayor of West Yorkshire')),
  force('wiltshire', 'Wiltshire Police', 'Wiltshire', 'south-west', pcc('Wiltshire and Swindon Police and Crime Commissioner')),
];

export const NATIONAL_BODIES: readonly ReferenceBody[] = [
  {
    id: 'british-transport-police',
    name: 'British Transport Police',
    shortName: 'BTP',
    kind: 'national-police-force',
    region: 'national',
    country: null,
    policingBody: authority('British Transport Police Authority'),
  },
  {
    id: 'civil-nuclear-constabulary',
    name: 'Civil Nuclear Constabulary',
    shortName: 'CNC',
    kind: 'national-police-force',
    region: 'national',
    country: null,
    policingBody: authority('Civil Nuclear Police Authority'),
  },
  {
    id: 'ministry-of-defence-police',
    name: 'Ministry of Defence Police',
    shortName: 'MDP',
    kind: 'national-police-force',
    region: 'national',
    country: null,
    policingBody: authority('Ministry of Defence Police Committee'),
  },
  {
    // Accountable to the Home Secretary: no local policing body approves its agreements.
    id: 'national-crime-agency',
    name: 'National Crime Agency',
    shortName: 'NCA',
    kind: 'national-agency',
    region: 'national',
    country: null,
    policingBody: null,
  },
];

export const REFERENCE_BODIES: readonly ReferenceBody[] = [...TERRITORIAL_FORCES, ...NATIONAL_BODIES];

const BY_ID: ReadonlyMap<string, ReferenceBody> = new Map(REFERENCE_BODIES.map((body) => [body.id, body]));

export const findReferenceBody = (id: string): ReferenceBody | null => BY_ID.get(id) ?? null;

export const isReferenceBody = (id: string): boolean => BY_ID.has(id);
