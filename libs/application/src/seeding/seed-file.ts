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
  /**
   * `in-force` (the default): drafted, signed by every party, approved by every policing body and brought into force.
   * `drafted` (seed 002's proposals): drafted only; it has no `inForceFrom`, `signedOn` or `approvedOn`.
   */
  status: SeedAgreementStatus;
  /** YYYY-MM-DD; draftedOn, signedOn and approvedOn default to inForceFrom (a draft must give draftedOn). */
  draftedOn: string;
  signedOn: string;
  approvedOn: string;
  /** Null only for a draft. */
  inForceFrom: string | null;
  /**
   * How exactly the source gives those four dates (issue 15): `day` (the default), `month` or `year` (each date the
   * first day of it), or `on-or-before` (a register page's date: the latest day by which the page shows it).
   */
  datePrecision: RecordedDatePrecision;
  /** A draft's planned start (DraftAgreement's plannedStart); null when none is planned. */
  plannedStart: string | null;
  /** A draft's re-plannings of its start, in order (ReplanStart). */
  replans: SeedReplan[];
  /** Versions of the terms document, in order (SetTerms); `terms` is checked by the domain. */
  terms: SeedTerms[];
  /** The agreement's service lines (AddServiceLine), and the day each ended if it did (EndServiceLine). */
  serviceLines: SeedServiceLine[];
  /** Variations of the terms (s23C(4)): proposed, signed by every party and approved by every policing body. */
  variations: SeedVariation[];
  /** Changes of the recorded host force, in order (ChangeHostForce). */
  hostChanges: SeedHostChange[];
  /** Entries of its benefits ledger (RecordBenefit). */
  benefits: SeedBenefit[];
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

export const SEED_AGREEMENT_STATUSES = ['in-force', 'drafted'] as const;
export type SeedAgreementStatus = (typeof SEED_AGREEMENT_STATUSES)[number];

export interface SeedReplan {
  plannedStart: string;
  /** The day it was re-planned. */
  on: string;
  reason: string;
}

export interface SeedTerms {
  effectiveFrom: string;
  /** The day the version was agreed (SetTerms' occurredAt). */
  setOn: string;
  terms: Record<string, unknown>;
}

export interface SeedServiceLine {
  id: string;
  name: string;
  /** The day it started. */
  from: string;
  /** The day it ended (its last day is the day before), or null while it runs. */
  until: string | null;
  /** Why it ended: required with `until`. */
  endReason: string | null;
}

export interface SeedVariation {
  id: string;
  summary: string;
  /** The whole terms document it proposes, checked by the domain as SetTerms' terms. */
  proposedTerms: Record<string, unknown>;
  effectiveFrom: string | null;
  proposedOn: string;
  signedOn: string;
  approvedOn: string;
}

export interface SeedHostChange {
  hostForce: string;
  on: string;
}

/** One entry of the benefits ledger, as POST /agreements/:id/benefits takes it; `source` a source id of the file. */
export interface SeedBenefit {
  id: string;
  kind: string;
  status: string;
  amountPence: number | null;
  description: string | null;
  measure: string | null;
  financialYear: string | null;
  period: { from: string; to: string } | null;
  attributedTo: string | null;
  source: string;
  note: string | null;
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

  /** A required date: the problem says what it is for. */
  requiredDate(object: Json, key: string, at: string, what: string): string {
    const value = this.date(object, key, at);
    if (value === null && !this.problems.some((p) => p.startsWith(`${at}.${key} `)))
      this.problems.push(`${at}.${key} is required: ${what}.`);
    return value ?? '';
  }

  object(object: Json, key: string, at: string): Json {
    const value = object[key];
    if (isObject(value)) return value;
    this.problems.push(`${at}.${key} must be an object.`);
    return {};
  }

  pence(object: Json, key: string, at: string): number | null {
    const value = object[key];
    if (value === undefined || value === null) return null;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
    this.problems.push(`${at}.${key} must be a whole number of pence, zero or more.`);
    return null;
  }

  list(object: Json, key: string, at: string): Json[] {
    const value = object[key];
    if (value === undefined) return [];
    if (Array.isArray(value) && value.every(isObject)) return value;
    this.problems.push(`${at}.${key} must be a list of objects.`);
    return [];
  }
}

function statusOf(r: Reader, a: Json, at: string): SeedAgreementStatus {
  const value = a['status'];
  if (value === undefined || value === null) return 'in-force';
  const status = SEED_AGREEMENT_STATUSES.find((s) => s === value);
  if (status === undefined)
    r.problems.push(`${at}.status must be one of ${SEED_AGREEMENT_STATUSES.join(', ')}, not ${JSON.stringify(value)}.`);
  return status ?? 'in-force';
}

function serviceLineOf(r: Reader, l: Json, at: string): SeedServiceLine {
  const until = r.date(l, 'until', at);
  const endReason = r.optionalText(l, 'endReason', at);
  if (until !== null && (endReason === null || endReason.trim() === ''))
    r.problems.push(`${at}.endReason is required with "until": say why the service line ended.`);
  if (until === null && endReason !== null) r.problems.push(`${at}.endReason needs "until": the day the line ended.`);
  return {
    id: r.text(l, 'id', at),
    name: r.text(l, 'name', at),
    from: r.requiredDate(l, 'from', at, 'the day the service line started'),
    until,
    endReason,
  };
}

function variationOf(r: Reader, v: Json, at: string): SeedVariation {
  const proposedOn = r.requiredDate(v, 'proposedOn', at, 'the day the variation was proposed');
  return {
    id: r.text(v, 'id', at),
    summary: r.text(v, 'summary', at),
    proposedTerms: r.object(v, 'proposedTerms', at),
    effectiveFrom: r.date(v, 'effectiveFrom', at),
    proposedOn,
    signedOn: r.date(v, 'signedOn', at) ?? proposedOn,
    approvedOn: r.date(v, 'approvedOn', at) ?? proposedOn,
  };
}

function benefitOf(r: Reader, b: Json, at: string): SeedBenefit {
  const period = b['period'] === undefined || b['period'] === null ? null : r.object(b, 'period', at);
  return {
    id: r.text(b, 'id', at),
    kind: r.text(b, 'kind', at),
    status: r.text(b, 'status', at),
    amountPence: r.pence(b, 'amountPence', at),
    description: r.optionalText(b, 'description', at),
    measure: r.optionalText(b, 'measure', at),
    financialYear: r.optionalText(b, 'financialYear', at),
    period:
      period === null
        ? null
        : { from: r.text(period, 'from', `${at}.period`), to: r.text(period, 'to', `${at}.period`) },
    attributedTo: r.optionalText(b, 'attributedTo', at),
    source: r.text(b, 'source', at),
    note: r.optionalText(b, 'note', at),
  };
}

/** Ids given twice in one of a record's lists (service lines, variations, benefits). */
function checkUnique(r: Reader, at: string, what: string, ids: string[]): void {
  for (const id of ids.filter((id, i) => id !== '' && ids.indexOf(id) !== i))
    r.problems.push(`${at} has ${what} "${id}" more than once.`);
}

function agreementOf(r: Reader, a: Json, at: string): SeedAgreement {
  const status = statusOf(r, a, at);
  const drafted = status === 'drafted';
  const inForceFrom = r.date(a, 'inForceFrom', at);
  if (drafted) {
    for (const key of ['inForceFrom', 'signedOn', 'approvedOn'])
      if (a[key] !== undefined && a[key] !== null)
        r.problems.push(
          `${at}.${key} must be left out: the record's status is "drafted" (nothing signed, approved or in force).`,
        );
    if (a['draftedOn'] === undefined || a['draftedOn'] === null)
      r.problems.push(
        `${at}.draftedOn is required for a draft (say in "assumptions" how it was chosen if the source gives none).`,
      );
  } else if (inForceFrom === null && !r.problems.some((p) => p.startsWith(`${at}.inForceFrom`))) {
    r.problems.push(
      `${at}.inForceFrom is required: the date the agreement came into force (say in "assumptions" how it was chosen if the source gives none).`,
    );
  }
  const on = inForceFrom ?? '';
  const draftedOn = r.date(a, 'draftedOn', at) ?? on;
  const signedOn = drafted ? draftedOn : (r.date(a, 'signedOn', at) ?? on);
  const approvedOn = drafted ? draftedOn : (r.date(a, 'approvedOn', at) ?? on);
  const plannedStart = r.date(a, 'plannedStart', at);
  const replans = r.list(a, 'replans', at).map((p, i) => ({
    plannedStart: r.requiredDate(p, 'plannedStart', `${at}.replans[${i}]`, 'the new planned start'),
    on: r.requiredDate(p, 'on', `${at}.replans[${i}]`, 'the day it was re-planned'),
    reason: r.text(p, 'reason', `${at}.replans[${i}]`),
  }));
  if (!drafted && (plannedStart !== null || replans.length > 0))
    r.problems.push(
      `${at}: "plannedStart" and "replans" are for a draft (status "drafted"); an agreement in force has started.`,
    );
  const serviceLines = r.list(a, 'serviceLines', at).map((l, i) => serviceLineOf(r, l, `${at}.serviceLines[${i}]`));
  const variations = r.list(a, 'variations', at).map((v, i) => variationOf(r, v, `${at}.variations[${i}]`));
  const benefits = r.list(a, 'benefits', at).map((b, i) => benefitOf(r, b, `${at}.benefits[${i}]`));
  checkUnique(
    r,
    at,
    'service line',
    serviceLines.map((l) => l.id),
  );
  checkUnique(
    r,
    at,
    'variation',
    variations.map((v) => v.id),
  );
  checkUnique(
    r,
    at,
    'benefit',
    benefits.map((b) => b.id),
  );
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
    status,
    draftedOn,
    signedOn,
    approvedOn,
    inForceFrom: drafted ? null : on,
    datePrecision: r.precision(
      a,
      'datePrecision',
      at,
      (drafted ? [draftedOn] : [draftedOn, signedOn, approvedOn, on]).filter((d) => d !== ''),
    ),
    plannedStart,
    replans,
    terms: r.list(a, 'terms', at).map((t, i) => ({
      effectiveFrom: r.requiredDate(t, 'effectiveFrom', `${at}.terms[${i}]`, 'the day the version takes effect'),
      setOn: r.requiredDate(t, 'setOn', `${at}.terms[${i}]`, 'the day the version was agreed'),
      terms: r.object(t, 'terms', `${at}.terms[${i}]`),
    })),
    serviceLines,
    variations,
    hostChanges: r.list(a, 'hostChanges', at).map((h, i) => ({
      hostForce: r.text(h, 'hostForce', `${at}.hostChanges[${i}]`),
      on: r.requiredDate(h, 'on', `${at}.hostChanges[${i}]`, 'the day the host changed'),
    })),
    benefits,
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
    a.benefits.forEach((b, j) => {
      if (b.source !== '' && !a.sources.includes(b.source))
        r.problems.push(
          `agreements[${i}].benefits[${j}].source ("${b.source}") must be one of the record's own "sources" (${a.sources.join(', ')}).`,
        );
    });
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
