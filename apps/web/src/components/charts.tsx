import { useId } from 'react';
import { daysBetween, formatDate, formatPounds, formatShortDate } from '../format';

const WIDTH = 820;
const LABEL = 230;
const ROW = 26;
const AXIS = 30;

const time = (date: string): number => Date.parse(`${date.slice(0, 10)}T00:00:00Z`);

function scale(start: string, end: string) {
  const from = time(start);
  const span = Math.max(1, time(end) - from);
  return (date: string) => LABEL + ((time(date) - from) / span) * (WIDTH - LABEL - 20);
}

/** Year ticks (1 January) between two dates, at most about ten. */
function yearTicks(start: string, end: string): string[] {
  const first = Number(start.slice(0, 4)) + 1;
  const last = Number(end.slice(0, 4));
  const step = Math.max(1, Math.ceil((last - first + 1) / 10));
  const ticks: string[] = [];
  for (let y = first; y <= last; y += step) ticks.push(`${y}-01-01`);
  return ticks;
}

export interface Period {
  label: string;
  from: string;
  until: string | null;
  /** A withdrawal notice: the day it takes effect. */
  noticeEffectiveOn?: string | null;
}

/**
 * Parties' membership periods (and the host force's) on one time axis. The same facts are in the
 * parties table beside it, so the drawing has a short text alternative, not a second copy.
 */
export function MembershipTimeline({
  parties,
  hosts,
  start,
  end,
  title,
}: {
  parties: Period[];
  hosts: Period[];
  start: string;
  end: string;
  title: string;
}) {
  const id = useId();
  const x = scale(start, end);
  const rows = [
    ...parties.map((p) => ({ ...p, kind: 'party' as const })),
    ...hosts.map((h) => ({ ...h, kind: 'host' as const })),
  ];
  const height = AXIS + rows.length * ROW + 10;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-labelledby={`${id}-t ${id}-d`}>
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>
          {parties.length} membership periods from {formatDate(start)} to {formatDate(end)}
          {hosts.length ? `, and ${hosts.length} host force periods` : ''}. The table lists the same dates.
        </desc>
        {yearTicks(start, end).map((tick) => (
          <g key={tick}>
            <line x1={x(tick)} x2={x(tick)} y1={AXIS - 6} y2={height - 6} className="grid" />
            <text x={x(tick)} y={AXIS - 10} className="axis-label" textAnchor="middle">
              {tick.slice(0, 4)}
            </text>
          </g>
        ))}
        {rows.map((row, i) => {
          const y = AXIS + i * ROW;
          const from = x(row.from);
          const to = x(row.until ?? end);
          return (
            <g key={`${row.kind}-${row.label}-${row.from}`}>
              <text x={LABEL - 8} y={y + 17} textAnchor="end" className="row-label">
                {row.kind === 'host' ? `Host: ${row.label}` : row.label}
              </text>
              <rect
                x={from}
                y={y + 5}
                width={Math.max(3, to - from)}
                height={ROW - 10}
                className={row.kind === 'host' ? 'bar-host' : row.until ? 'bar-former' : 'bar-member'}
              >
                <title>
                  {row.label}: {formatDate(row.from)} to {row.until ? formatDate(row.until) : 'now'}
                </title>
              </rect>
              {row.noticeEffectiveOn ? (
                <line
                  x1={x(row.noticeEffectiveOn)}
                  x2={x(row.noticeEffectiveOn)}
                  y1={y + 2}
                  y2={y + ROW - 2}
                  className="notice-mark"
                />
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <span className="key key-member" aria-hidden="true" /> member now{' '}
        <span className="key key-former" aria-hidden="true" /> former member{' '}
        <span className="key key-host" aria-hidden="true" /> host force{' '}
        <span className="key key-notice" aria-hidden="true" /> withdrawal takes effect
      </figcaption>
    </figure>
  );
}

export interface SavingsYear {
  financialYear: string;
  forecastPence: number | null;
  realisedPence: number | null;
}

/** Forecast against realised savings per financial year, as paired bars. */
export function SavingsChart({ savings, title }: { savings: SavingsYear[]; title: string }) {
  const id = useId();
  const max = Math.max(1, ...savings.flatMap((s) => [s.forecastPence ?? 0, s.realisedPence ?? 0]));
  const barHeight = 16;
  const group = barHeight * 2 + 14;
  const height = savings.length * group + 10;
  const width = (pence: number | null) => ((pence ?? 0) / max) * (WIDTH - 150 - 170);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-labelledby={`${id}-t ${id}-d`}>
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>
          {savings
            .map(
              (s) =>
                `${s.financialYear}: forecast ${formatPounds(s.forecastPence)}, realised ${formatPounds(s.realisedPence)}`,
            )
            .join('; ')}
        </desc>
        {savings.map((s, i) => {
          const y = 5 + i * group;
          return (
            <g key={s.financialYear}>
              <text x={140} y={y + barHeight + 4} textAnchor="end" className="row-label">
                {s.financialYear}
              </text>
              <rect x={150} y={y} width={width(s.forecastPence)} height={barHeight} className="bar-forecast" />
              <text x={156 + width(s.forecastPence)} y={y + 12} className="value-label">
                Forecast {formatPounds(s.forecastPence)}
              </text>
              <rect
                x={150}
                y={y + barHeight + 2}
                width={width(s.realisedPence)}
                height={barHeight}
                className="bar-realised"
              />
              <text x={156 + width(s.realisedPence)} y={y + barHeight + 14} className="value-label">
                Realised {formatPounds(s.realisedPence)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <span className="key key-forecast" aria-hidden="true" /> forecast{' '}
        <span className="key key-realised" aria-hidden="true" /> realised
      </figcaption>
    </figure>
  );
}

export interface MeetingPoint {
  meetingId: string;
  date: string;
  status: 'scheduled' | 'held' | 'cancelled';
  rearranged: boolean;
}

/**
 * Meetings on a time axis, with the longest allowed gap after each held meeting drawn as a band:
 * where the next held meeting falls outside the band, the gap is marked red with its length.
 */
export function MeetingTimeline({
  meetings,
  start,
  end,
  maxDays,
  title,
}: {
  meetings: MeetingPoint[];
  start: string;
  end: string;
  maxDays: number;
  title: string;
}) {
  const id = useId();
  const x = scale(start, end);
  const clampX = (date: string) => Math.min(WIDTH - 20, Math.max(LABEL, x(date)));
  const held = meetings.filter((m) => m.status === 'held').sort((a, b) => a.date.localeCompare(b.date));
  const gaps: { from: string; to: string; days: number }[] = [];
  const points = [start, ...held.map((m) => m.date), end].sort();
  // The gap before the first meeting counts from the start of the period shown.
  for (let i = 1; i < points.length; i++) {
    const from = points[i - 1] as string;
    const to = points[i] as string;
    gaps.push({ from, to, days: daysBetween(from, to) });
  }
  const height = 150;
  const lane = { held: 60, scheduled: 60, cancelled: 60 };
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-labelledby={`${id}-t ${id}-d`}>
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>
          {held.length} meetings held, {meetings.filter((m) => m.status === 'cancelled').length} cancelled,{' '}
          {meetings.filter((m) => m.status === 'scheduled').length} scheduled between {formatDate(start)} and{' '}
          {formatDate(end)}. The terms allow at most {maxDays} days between meetings.{' '}
          {gaps
            .filter((g) => g.days > maxDays)
            .map((g) => `Gap of ${g.days} days from ${formatDate(g.from)} to ${formatDate(g.to)} exceeds it.`)
            .join(' ')}
        </desc>
        <text x={8} y={lane.held + 4} className="row-label">
          Meetings
        </text>
        <text x={8} y={110} className="row-label">
          Gaps (max {maxDays} days)
        </text>
        <line x1={LABEL} x2={WIDTH - 20} y1={lane.held} y2={lane.held} className="axis" />
        {[start, end].map((d, i) => (
          <text
            key={d}
            x={i === 0 ? LABEL : WIDTH - 20}
            y={140}
            textAnchor={i === 0 ? 'start' : 'end'}
            className="axis-label"
          >
            {formatShortDate(d)}
          </text>
        ))}
        {held.map((m) => (
          <rect
            key={`band-${m.meetingId}`}
            x={clampX(m.date)}
            y={lane.held - 14}
            width={Math.max(0, clampX(addDays(m.date, maxDays)) - clampX(m.date))}
            height={28}
            className="allowed-band"
          />
        ))}
        {gaps.map((g) => (
          <g key={`gap-${g.from}-${g.to}`}>
            <line
              x1={clampX(g.from)}
              x2={clampX(g.to)}
              y1={105}
              y2={105}
              className={g.days > maxDays ? 'gap-over' : 'gap-ok'}
            />
            <text
              x={(clampX(g.from) + clampX(g.to)) / 2}
              y={98}
              textAnchor="middle"
              className={g.days > maxDays ? 'gap-label-over' : 'axis-label'}
            >
              {g.days} days
            </text>
          </g>
        ))}
        {meetings.map((m) => {
          const cx = clampX(m.date);
          const cy = lane[m.status];
          return (
            <g key={m.meetingId}>
              {m.status === 'held' ? <circle cx={cx} cy={cy} r={7} className="meeting-held" /> : null}
              {m.status === 'scheduled' ? <circle cx={cx} cy={cy} r={7} className="meeting-scheduled" /> : null}
              {m.status === 'cancelled' ? (
                <g className="meeting-cancelled">
                  <line x1={cx - 7} x2={cx + 7} y1={cy - 7} y2={cy + 7} />
                  <line x1={cx - 7} x2={cx + 7} y1={cy + 7} y2={cy - 7} />
                </g>
              ) : null}
              <text x={cx} y={cy - 18} textAnchor="middle" className="value-label">
                {m.meetingId}
                {m.rearranged ? ' (moved)' : ''}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <span className="key key-held" aria-hidden="true" /> held{' '}
        <span className="key key-scheduled" aria-hidden="true" /> scheduled <span aria-hidden="true">✕</span> cancelled{' '}
        <span className="key key-band" aria-hidden="true" /> allowed interval after a held meeting{' '}
        <span className="key key-over" aria-hidden="true" /> gap longer than the terms allow
      </figcaption>
    </figure>
  );
}

function addDays(date: string, days: number): string {
  return new Date(time(date) + days * 86_400_000).toISOString().slice(0, 10);
}
