/**
 * Value conversions shared by both drivers, so a row reads the same from `pg` and from PGlite:
 * int8 and numeric as decimal strings (no precision loss), date as `YYYY-MM-DD`, timestamp and
 * timestamptz as ISO 8601 UTC strings with milliseconds, json/jsonb as parsed values.
 */

export const PG_OID = {
  INT8: 20,
  NUMERIC: 1700,
  DATE: 1082,
  TIMESTAMP: 1114,
  TIMESTAMPTZ: 1184,
  DATE_ARRAY: 1182,
  TIMESTAMP_ARRAY: 1115,
  TIMESTAMPTZ_ARRAY: 1185,
} as const;

// DateStyle ISO output: `2016-03-03 10:00:00.123456+00`, offsets may carry minutes and seconds.
const TIMESTAMP_TEXT =
  /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?( BC)?$/;

const UTC_TEXT = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\+00$/;

/**
 * Converts PostgreSQL's text form of a timestamp(tz) to `toISOString()` form. Sub-millisecond
 * digits are truncated (the store writes millisecond precision anyway). Values without an offset
 * (`timestamp`) are read as UTC. `infinity` / `-infinity` pass through unchanged.
 */
export function timestampTextToIso(text: string): string {
  // Fast path for what every UTC session sends (`2016-03-03 10:00:00.123456+00`): a slice, no Date.
  const fast = UTC_TEXT.exec(text);
  if (fast) return `${fast[1]}T${fast[2]}.${(fast[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
  const m = TIMESTAMP_TEXT.exec(text);
  if (!m) return text;
  const [, y, mo, d, h, mi, s, fraction = '', sign, oh = '0', om = '0', os = '0', bc] = m;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0..99 onto 1900..1999.
  date.setUTCFullYear(bc ? 1 - Number(y) : Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), Number(fraction.padEnd(3, '0').slice(0, 3)));
  const offsetMs = sign ? (sign === '-' ? -1 : 1) * ((Number(oh) * 60 + Number(om)) * 60 + Number(os)) * 1000 : 0;
  return new Date(date.getTime() - offsetMs).toISOString();
}

const identity = (text: string): string => text;

/** PGlite `parsers` option: its array parser applies the element parsers itself. */
export const pgliteParsers: Record<number, (text: string) => unknown> = {
  [PG_OID.INT8]: identity,
  [PG_OID.NUMERIC]: identity,
  [PG_OID.DATE]: identity,
  [PG_OID.TIMESTAMP]: timestampTextToIso,
  [PG_OID.TIMESTAMPTZ]: timestampTextToIso,
};

type NestedStrings = string | null | NestedStrings[];
const mapNested = (value: NestedStrings, f: (s: string) => string): NestedStrings =>
  value === null ? null : Array.isArray(value) ? value.map((v) => mapNested(v, f)) : f(value);

/**
 * `types.getTypeParser` for a `pg` Pool/Client: per pool, never through the process-wide
 * `pg.types.setTypeParser`, so other `pg` users in the process keep their defaults.
 */
export function pgTypeParserFor(
  fallback: (oid: number, format?: 'text' | 'binary') => unknown,
): (oid: number, format?: 'text' | 'binary') => unknown {
  const textArray = fallback(1009, 'text') as (text: string) => NestedStrings;
  const dateTimeArray = (text: string) => mapNested(textArray(text), timestampTextToIso);
  return (oid, format) => {
    if (format === 'binary') return fallback(oid, format);
    switch (oid) {
      case PG_OID.INT8:
      case PG_OID.NUMERIC:
      case PG_OID.DATE:
        return identity;
      case PG_OID.TIMESTAMP:
      case PG_OID.TIMESTAMPTZ:
        return timestampTextToIso;
      case PG_OID.DATE_ARRAY:
        return textArray;
      case PG_OID.TIMESTAMP_ARRAY:
      case PG_OID.TIMESTAMPTZ_ARRAY:
        return dateTimeArray;
      default:
        return fallback(oid, format);
    }
  };
}

/** Quotes an SQL identifier (LISTEN takes no parameters). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
