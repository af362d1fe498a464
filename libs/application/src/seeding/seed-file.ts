import { readFile } from 'node:fs/promises';
import { isCalendarDate, isRecordedDatePrecision, type RecordedDatePrecision } from '#domain';

/*
 * The seed file (seeds/collaborations.json): collaboration agreements taken from public documents,
 * each citing its source and saying what was inferred or assumed. This module only checks the
 * file's shape; whether a record makes sense (known bodies, enough parties, a host among the
 * parties, dates in order) is for the domain to say when the import sends its commands.
 */

export interface SeedSource {
  id: string;
  file: string;
  title: string;
  /** The date the document speaks as of, if it has (or is given) one. */
  date: string | null;
  dateNote: string | null;
  /** The body whose published document it is (s23E): the import records its agreements as published by it. */
  publishedBy: string | null;
}

/** A body that is not in the reference data, registered before the agreements that name it. */
export interface SeedBody {
  id: string;
  name: string;
  kind: string;
  sources: string[];
  note: string | null;
}

export interface SeedAgreement {
  id: string;
  title: string;
  /** The document's own words. */
  summary: string | null;
  sources: string[];
  /** What it is made under (s22A, s23A, other, mou). */
  legalBasis: string;
  /** How far it reaches (local, regional, national); null when the file does not say. */
  scope: string | null;
  businessArea: string;
  deliveryModel: string;
  /** Body ids: reference forces or bodies of `bodies`. */
  parties: string[];
  hostForce: string | null;
  /** The umbrella agreement (Zephyr for its functional units). */
  parentId: string | null;
  reviewDue: string | null;
  /** Ids of agreements of this file it replaces; recorded as of its `inForceFrom` (RecordSupersession). */
  supersedes: string[];
  /** Bodies the document says take part without being parties (HMRC staff in a ROCU). */
  agencies: string[];
  /** YYYY-MM-DD; draftedOn, signedOn and approvedOn default to inForceFrom. */
  draftedOn: string;
  signedOn: string;
  approvedOn: string;
  inForceFrom: string;
  /**
   * How exactly the source gives those four dates (issue 15): `day` (the default), `month` or `year` (each date the
   * first day of it), or `on-or-before` (a register page's date: the latest day by which the page shows it).
   */
  datePrecision: RecordedDatePrecision;
  /** Which fields are inferred rather than stated by the source. */
  inferred: string[];
  assumptions: string[];
  notes: string[];
  /** Why the record is kept in the file but not imported; null → imported. */
  skip: string | null;
  /**
   * What the source says of members it does not name (issue 15 item 7: "25 police forces and 7 fire and rescue
   * authorities"), drafted as the agreement's declared membership; null when every member is named.
   */
  declaredMembership: { description: string; count: number } | null;
}

/** A board meeting as a source tells it (or as assumed): its date in the diary and what became of it. */
export interface SeedMeeting {
  id: string;
  scheduledFor: string;
  outcome: 'held' | 'cancelled';
  /** The day it was held, or the day it was cancelled. */
  on: string;
  /** Why it was cancelled (cancelled meetings only). */
  reason: string | null;
  /** Who attended (held meetings only): name and body id. */
  attendees: { name: string; body: string }[];
}

/** A governance board overseeing agreements of the file, with the meetings of the years a source covers. */
export interface SeedBoard {
  id: string;
  name: string;
  sources: string[];
  agreements: string[];
  chair: string;
  maxDaysBetweenMeetings: number;
  quorum: number;
  rearrangeWithinDays: number | null;
  establishedOn: string;
  meetings: SeedMeeting[];
  inferred: string[];
  assumptions: string[];
  notes: string[];
}

export interface SeedFile {
  sources: SeedSource[];
  /** Who signed, when the documents do not say. */
  signatory: string;
  /** Assumptions that hold for every record. */
  assumptions: string[];
  bodies: SeedBody[];
  agreements: SeedAgreement[];
  /** Optional in the file: none when it has no "boards". */
  boards: SeedBoard[];
}

/** The file cannot be read as a seed file: each problem names the place in the file. */
export class SeedFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} is not a valid seed file:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SeedFileError';
  }
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

class Reader {
  readonly problems: string[] = [];

  text(object: Json, key: string, at: string): string {
    const value = object[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
    this.problems.push(`${at}.${key} must be a non-empty string.`);
    return '';
  }

  optionalText(object: Json, key: string, at: string): string | null {
    const value = object[key];
    if (value === undefined || value === null) return null;
    if (typeof value === 'string') return value;
    this.problems.push(`${at}.${key} must be a string or null.`);
    return null;
  }

  texts(object: Json, key: string, at: string, { required = false } = {}): string[] {
    const value = object[key];
    if (value === undefined && !required) return [];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
    this.problems.push(`${at}.${key} must be a list of strings.`);
    return [];
  }

  date(object: Json, key: string, at: string): string | null {
    const value = object[key];
    if (value === undefined || value === null) return null;
    if (isCalendarDate(value)) return value as string;
    this.problems.push(`${at}.${key} must be a real date written YYYY-MM-DD, not ${JSON.stringify(value)}.`);
    return null;
  }

  /** `datePrecision`: day when absent; a month's dates must be first days, a year's 1 January. */
  precision(object: Json, key: string, at: string, dates: string[]): RecordedDatePrecision {
    const value = object[key];
    if (value === undefined || value === null) return 'day';
    if (!isRecordedDatePrecision(value)) {
      this.problems.push(`${at}.${key} must be one of day, month, year, on-or-before, not ${JSON.stringify(value)}.`);
      return 'day';
    }
    const misfit = dates.find((d) =>
      value === 'month' ? !d.endsWith('-01') : value === 'year' ? !d.endsWith('-01-01') : false,
    );
    if (misfit !== undefined) {
      this.problems.push(
        `${at}.${key} is ${value}, so its dates must be the first day of their ${value === 'month' ? 'month' : 'year'}, and ${misfit} is not.`,
      );
    }
    return value;
  }

  count(object: Json, key: string, at: string, { optional = false } = {}): number | null {
    const value = object[key];
    if (optional && (value === undefined || value === null)) return null;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 10_000) return value;
    this.problems.push(`${at}.${key} must be a whole number from 1 to 10000.`);
    return null;
  }

  /** `declaredMembership`: `{ description, count }` or absent; the domain judges the count against the parties. */
  declaredMembership(object: Json, key: string, at: string): { description: string; count: number } | null {
    const value = object[key];
    if (value === undefined || value === null) return null;
    if (!isObject(value)) {
      this.problems.push(`${at}.${key} must be an object { description, count }.`);
      return null;
    }
    const description = this.text(value, 'description', `${at}.${key}`);
    const count = this.count(value, 'count', `${at}.${key}`);
    return count === null ? null : { description, count };
  }

  list(object: Json, key: string, at: string): Json[] {
    const value = object[key];
    if (value === undefined) return [];
    if (Array.isArray(value) && value.every(isObject)) return value;
    this.problems.push(`${at}.${key} must be a list of objects.`);
    return [];
  }
}

function agreementOf(r: Reader, a: Json, at: string): SeedAgreement {
  const inForceFrom = r.date(a, 'inForceFrom', at);
  if (inForceFrom === null && !r.problems.some((p) => p.startsWith(`${at}.inForceFrom`))) {
    r.problems.push(
      `${at}.inForceFrom is required: the date the agreement came into force (say in "assumptions" how it was chosen if the source gives none).`,
    );
  }
  const on = inForceFrom ?? '';
  const draftedOn = r.date(a, 'draftedOn', at) ?? on;
  const signedOn = r.date(a, 'signedOn', at) ?? on;
  const approvedOn = r.date(a, 'approvedOn', at) ?? on;
  return {
    id: r.text(a, 'id', at),
    title: r.text(a, 'title', at),
    summary: r.optionalText(a, 'summary', at),
    sources: r.texts(a, 'sources', at, { required: true }),
    legalBasis: r.text(a, 'legalBasis', at),
    scope: r.optionalText(a, 'scope', at),
    businessArea: r.text(a, 'businessArea', at),
    deliveryModel: r.text(a, 'deliveryModel', at),
    parties: r.texts(a, 'parties', at, { required: true }),
    hostForce: r.optionalText(a, 'hostForce', at),
    parentId: r.optionalText(a, 'parentId', at),
    reviewDue: r.date(a, 'reviewDue', at),
    supersedes: r.texts(a, 'supersedes', at),
    agencies: r.texts(a, 'agencies', at),
    draftedOn,
    signedOn,
    approvedOn,
    inForceFrom: on,
    datePrecision: r.precision(
      a,
      'datePrecision',
      at,
      [draftedOn, signedOn, approvedOn, on].filter((d) => d !== ''),
    ),
    inferred: r.texts(a, 'inferred', at),
    assumptions: r.texts(a, 'assumptions', at),
    notes: r.texts(a, 'notes', at),
    skip: r.optionalText(a, 'skip', at),
    declaredMembership: r.declaredMembership(a, 'declaredMembership', at),
  };
}

function meetingOf(r: Reader, m: Json, at: string): SeedMeeting {
  const outcome = r.text(m, 'outcome', at);
  if (outcome !== 'held' && outcome !== 'cancelled') r.problems.push(`${at}.outcome must be "held" or "cancelled".`);
  const on = r.date(m, 'on', at);
  if (on === null) r.problems.push(`${at}.on is required: the day it was held or cancelled.`);
  return {
    id: r.text(m, 'id', at),
    scheduledFor: r.date(m, 'scheduledFor', at) ?? '',
    outcome: outcome === 'cancelled' ? 'cancelled' : 'held',
    on: on ?? '',
    reason: r.optionalText(m, 'reason', at),
    attendees: r.list(m, 'attendees', at).map((x, i) => ({
      name: r.text(x, 'name', `${at}.attendees[${i}]`),
      body: r.text(x, 'body', `${at}.attendees[${i}]`),
    })),
  };
}

function boardOf(r: Reader, b: Json, at: string): SeedBoard {
  const establishedOn = r.date(b, 'establishedOn', at);
  if (establishedOn === null)
    r.problems.push(
      `${at}.establishedOn is required (say in "assumptions" how it was chosen if the source gives none).`,
    );
  return {
    id: r.text(b, 'id', at),
    name: r.text(b, 'name', at),
    sources: r.texts(b, 'sources', at, { required: true }),
    agreements: r.texts(b, 'agreements', at, { required: true }),
    chair: r.text(b, 'chair', at),
    maxDaysBetweenMeetings: r.count(b, 'maxDaysBetweenMeetings', at) ?? 0,
    quorum: r.count(b, 'quorum', at) ?? 0,
    rearrangeWithinDays: r.count(b, 'rearrangeWithinDays', at, { optional: true }),
    establishedOn: establishedOn ?? '',
    meetings: r.list(b, 'meetings', at).map((m, i) => meetingOf(r, m, `${at}.meetings[${i}]`)),
    inferred: r.texts(b, 'inferred', at),
    assumptions: r.texts(b, 'assumptions', at),
    notes: r.texts(b, 'notes', at),
  };
}

/** A source's `publishedBy` names a body of the file: one of `bodies`, or a party to one of its agreements. */
function checkPublishers(r: Reader, seed: SeedFile): void {
  const known = new Set([...seed.bodies.map((b) => b.id), ...seed.agreements.flatMap((a) => a.parties)]);
  seed.sources.forEach((s, i) => {
    if (s.publishedBy !== null && !known.has(s.publishedBy))
      r.problems.push(
        `sources[${i}].publishedBy ("${s.publishedBy}") must be the id of a body of the file: a party to one of its agreements, or one of "bodies".`,
      );
  });
}

/** Checks the shape of a parsed seed file; `file` names it in the error. */
export function parseSeedFile(json: unknown, file: string): SeedFile {
  const r = new Reader();
  if (!isObject(json))
    throw new SeedFileError(file, ['The file must hold a JSON object with "bodies" and "agreements".']);
  if (!Array.isArray(json.agreements)) r.problems.push('"agreements" must be a list.');

  const seed: SeedFile = {
    sources: r.list(json, 'sources', '').map((s, i) => ({
      id: r.text(s, 'id', `sources[${i}]`),
      file: r.text(s, 'file', `sources[${i}]`),
      title: r.text(s, 'title', `sources[${i}]`),
      date: r.date(s, 'date', `sources[${i}]`),
      dateNote: r.optionalText(s, 'dateNote', `sources[${i}]`),
      publishedBy: r.optionalText(s, 'publishedBy', `sources[${i}]`),
    })),
    signatory: r.optionalText(json, 'signatory', '') ?? 'signatory not named in the source',
    assumptions: r.texts(json, 'assumptions', ''),
    bodies: r.list(json, 'bodies', '').map((b, i) => ({
      id: r.text(b, 'id', `bodies[${i}]`),
      name: r.text(b, 'name', `bodies[${i}]`),
      kind: r.text(b, 'kind', `bodies[${i}]`),
      sources: r.texts(b, 'sources', `bodies[${i}]`),
      note: r.optionalText(b, 'note', `bodies[${i}]`),
    })),
    agreements: r.list(json, 'agreements', '').map((a, i) => agreementOf(r, a, `agreements[${i}]`)),
    boards: json.boards === undefined ? [] : r.list(json, 'boards', '').map((b, i) => boardOf(r, b, `boards[${i}]`)),
  };

  const sourceIds = new Set(seed.sources.map((s) => s.id));
  const duplicates = (ids: string[]) => ids.filter((id, i) => id !== '' && ids.indexOf(id) !== i);
  for (const id of duplicates(seed.agreements.map((a) => a.id)))
    r.problems.push(`Agreement "${id}" appears more than once.`);
  for (const id of duplicates(seed.bodies.map((b) => b.id))) r.problems.push(`Body "${id}" appears more than once.`);
  seed.agreements.forEach((a, i) => {
    for (const source of a.sources) {
      if (!sourceIds.has(source))
        r.problems.push(`agreements[${i}] ("${a.id}") cites source "${source}", which "sources" does not list.`);
    }
  });

  for (const id of duplicates(seed.boards.map((b) => b.id))) r.problems.push(`Board "${id}" appears more than once.`);
  seed.boards.forEach((b, i) => {
    for (const source of b.sources) {
      if (!sourceIds.has(source))
        r.problems.push(`boards[${i}] ("${b.id}") cites source "${source}", which "sources" does not list.`);
    }
    for (const id of duplicates(b.meetings.map((m) => m.id)))
      r.problems.push(`boards[${i}] ("${b.id}") has meeting "${id}" more than once.`);
  });

  checkPublishers(r, seed);
  if (r.problems.length > 0) throw new SeedFileError(file, r.problems);
  return seed;
}

/** Reads and checks a seed file; a missing file rejects with the filesystem's ENOENT error. */
export async function readSeedFile(path: string): Promise<SeedFile> {
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SeedFileError(path, [`It is not JSON: ${(error as Error).message}`]);
  }
  return parseSeedFile(json, path);
}
