/** The bodies that can be parties to a collaboration agreement. */

export const BODY_KINDS = [
  'territorial-police-force',
  'national-police-force',
  'national-agency',
  'fire-and-rescue',
  'local-authority',
  'government',
  'prosecutor',
  'other',
] as const;
export type BodyKind = (typeof BODY_KINDS)[number];

export const POLICING_BODY_KINDS = ['pcc', 'pfcc', 'mayor', 'police-authority'] as const;
/** Police and crime commissioner; police, fire and crime commissioner; mayor with PCC functions; police authority. */
export type PolicingBodyKind = (typeof POLICING_BODY_KINDS)[number];

/** The local policing body that holds a force to account and approves its collaboration agreements. */
export interface PolicingBody {
  name: string;
  kind: PolicingBodyKind;
}

/**
 * A body as a command carries it: the handler resolves the id (reference data or the registry), so a
 * decider never looks anything up, and the event keeps the name and policing body as they were then.
 */
export interface BodyRef {
  id: string;
  name: string;
  kind: BodyKind;
  policingBody: PolicingBody | null;
}

/** Only a police force can host: the host's chief officer has direction and control of the collaborated officers. */
export const isPoliceForce = (body: Pick<BodyRef, 'kind'>): boolean =>
  body.kind === 'territorial-police-force' || body.kind === 'national-police-force';

const BODY_SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Body ids are lowercase slugs (`thames-valley`, `hm-revenue-customs`) of at most 64 characters. */
export const isBodySlug = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= 64 && BODY_SLUG.test(value);
