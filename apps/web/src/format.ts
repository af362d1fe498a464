/** UK formats: "5 March 2016", "5 March 2016, 14:03", pounds sterling. */

const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
  timeZoneName: 'short',
});
const SHORT = new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' });
const GBP = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 });

/** A date (`2016-03-05` or an ISO datetime): "5 March 2016". */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const time = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(time) ? value : DATE.format(time);
}

/** dd/mm/yyyy, for compact places (chart axes). */
export function formatShortDate(value: string): string {
  const time = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(time) ? value : SHORT.format(time);
}

/** A moment (transaction time): "10 March 2016, 14:03 GMT". */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : DATE_TIME.format(time);
}

export function formatPounds(pence: number | null | undefined): string {
  return pence === null || pence === undefined ? '—' : GBP.format(pence / 100);
}

/** `YYYY-MM-DD` of a datetime or date. */
export const dayOf = (value: string): string => value.slice(0, 10);

/** Today in the browser, `YYYY-MM-DD` (UTC). */
export const today = (): string => new Date().toISOString().slice(0, 10);

export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${dayOf(to)}T00:00:00Z`) - Date.parse(`${dayOf(from)}T00:00:00Z`)) / 86_400_000);

/** The April–March financial year containing a date: `2015-16`. */
export function financialYearOf(date: string): string {
  const year = Number(date.slice(0, 4));
  const start = Number(date.slice(5, 7)) >= 4 ? year : year - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

export const humanise = (text: string): string => text.replace(/-/g, ' ');

export const STATUS_LABEL: Record<string, string> = {
  drafted: 'Drafted',
  'in-force': 'In force',
  terminated: 'Terminated',
};
export const LEGAL_BASIS_LABEL: Record<string, string> = {
  s22A: 's22A (force collaboration)',
  s23A: 's23A (support services)',
  other: 'Another statute',
  mou: 'Memorandum of understanding',
};

export const SCOPE_LABEL: Record<string, string> = {
  local: 'Local',
  regional: 'Regional',
  national: 'National',
};

/** A legal basis or scope as people read it; an old record may have neither ("not recorded"). */
export const labelOf = (labels: Record<string, string>, value: string | null): string =>
  value === null ? 'not recorded' : (labels[value] ?? value);
