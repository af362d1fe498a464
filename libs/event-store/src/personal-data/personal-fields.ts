/**
 * The one table of personal fields, per event type (issue 18 item 5). A path names a field of the
 * event's data; `[]` steps into every element of an array. Only these fields hold a natural
 * person's name; everything else in a log of public bodies' decisions (bodies, roles, dates,
 * statutory bases, decisions) is public record and stays in the clear (docs/security.md).
 *
 * PersonalDataEventStore (the store boundary) seals these fields on append and opens them on read,
 * so the domain and the read models stay unaware of both.
 */
export const PERSONAL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  /** The officer or official who signed for a party. */
  AgreementSigned: ['signedBy'],
  /** The same, for a variation (s23C(4)). */
  VariationSigned: ['signedBy'],
  /** Who accepted notice shorter than the terms' notice period (a named officer, usually). */
  WithdrawalNoticeGiven: ['override.acceptedBy'],
  /** The chair named in the board's terms of reference. */
  GovernanceBoardEstablished: ['chair'],
  BoardTermsChanged: ['chair'],
  /** Each named member of the board (a PCC, a chief officer); their role and body are public. */
  BoardAccountabilitySet: ['members[].name'],
  /** Each attendee's name; the body they represent is public. */
  BoardMeetingHeld: ['attendees[].name'],
};

export const personalFieldsOf = (type: string): readonly string[] => PERSONAL_FIELDS[type] ?? [];

type Visit = (value: unknown, path: string) => unknown;

/**
 * A copy of `data` with each personal field of `type` replaced by `visit(value, path)` (the path
 * with concrete array indexes). Fields that are absent, null or not of the declared shape are left
 * as they are; the input is never mutated.
 */
export function mapPersonalFields(type: string, data: unknown, visit: Visit): unknown {
  let result = data;
  for (const path of personalFieldsOf(type)) result = mapPath(result, path.split('.'), '', visit);
  return result;
}

function mapPath(value: unknown, steps: string[], at: string, visit: Visit): unknown {
  const [step, ...rest] = steps;
  if (step === undefined) return value === null || value === undefined ? value : visit(value, at);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  const many = step.endsWith('[]');
  const name = many ? step.slice(0, -2) : step;
  if (!(name in record)) return value;
  const here = at === '' ? name : `${at}.${name}`;
  const field = record[name];
  if (!many) return { ...record, [name]: mapPath(field, rest, here, visit) };
  if (!Array.isArray(field)) return value;
  return { ...record, [name]: field.map((item, i) => mapPath(item, rest, `${here}[${i}]`, visit)) };
}
