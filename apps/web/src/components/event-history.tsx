import { useId } from 'react';
import type { StoredEvent } from '../api';
import { formatDate, formatDateTime } from '../format';
import { Table } from './table';

const describe = (data: Record<string, unknown>): string =>
  Object.entries(data)
    .filter(([key]) => !key.endsWith('Id') || key === 'meetingId')
    .map(([key, value]) => `${key}: ${typeof value === 'object' && value !== null ? summarise(value) : String(value)}`)
    .join('; ');

function summarise(value: object): string {
  if (Array.isArray(value))
    return value
      .map((v) =>
        typeof v === 'object' && v !== null
          ? ((v as { id?: string; name?: string }).id ?? (v as { name?: string }).name ?? JSON.stringify(v))
          : String(v),
      )
      .join(', ');
  const record = value as { id?: unknown; name?: unknown };
  return typeof record.id === 'string'
    ? record.id
    : typeof record.name === 'string'
      ? record.name
      : JSON.stringify(value);
}

/** The full audit trail of one stream: what happened, when, and who recorded it when. */
export function EventHistory({
  events,
  caption,
  isIncluded,
}: {
  events: StoredEvent[];
  caption: string;
  isIncluded?: (e: StoredEvent) => boolean;
}) {
  const id = useId();
  return (
    <section aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Event history</h2>
      <Table
        caption={caption}
        columns={['#', 'What', 'Happened on', 'Recorded', 'Recorded by', 'Details']}
        region="Event history"
      >
        {events.map((e) => {
          const included = isIncluded ? isIncluded(e) : true;
          return (
            <tr key={e.eventId} className={included ? undefined : 'excluded'}>
              <td>{e.revision}</td>
              <td>
                {e.type}
                {included ? null : <span className="tag"> not in this view</span>}
              </td>
              <td>{formatDate(e.occurredAt)}</td>
              <td>{formatDateTime(e.recordedAt)}</td>
              <td>{e.actorDisplay}</td>
              <td className="details">{describe(e.data)}</td>
            </tr>
          );
        })}
      </Table>
    </section>
  );
}
