import type { Migration, SqlExecutor } from '#event-store';
import type { DeliveryOutcome } from './webhook-sender.js';

export const NOTIFIER_MIGRATIONS: readonly Migration[] = [
  {
    id: 'notifier/0001-seen',
    sql: `CREATE TABLE IF NOT EXISTS notifier_seen (
  event_id   text PRIMARY KEY,
  event_type text NOT NULL,
  outcome    text NOT NULL,
  deliveries jsonb NOT NULL,
  handled_at timestamptz NOT NULL DEFAULT now()
)`,
  },
  {
    // One row per database (see delivery-watermark.ts): where alert delivery was first switched on.
    id: 'notifier/0002-watermark',
    sql: `CREATE TABLE IF NOT EXISTS notifier_watermark (
  notifier         text PRIMARY KEY,
  log_position     text,
  head_recorded_at timestamptz,
  basis            text NOT NULL,
  established_at   timestamptz NOT NULL DEFAULT now()
)`,
  },
];

/**
 * `delivered` to every webhook, `failed` at every one, `partial` in between; `skippedHistoric`: in the
 * log before delivery was switched on (the watermark), marked seen without delivery.
 */
export type NotificationOutcome = 'delivered' | 'partial' | 'failed' | 'skippedHistoric';

export interface SeenAlert {
  eventId: string;
  eventType: string;
  outcome: NotificationOutcome;
  deliveries: DeliveryOutcome[];
}

/**
 * The alert events the notifier has handled, by eventId: Kafka delivers at-least-once, so the
 * same event can arrive again (a relay republish, an uncommitted offset) and is dropped here.
 * A row is written only once delivery succeeded or was given up, and records which.
 */
export class SeenAlerts {
  constructor(private readonly db: SqlExecutor) {}

  async has(eventId: string): Promise<boolean> {
    const { rows } = await this.db.query('SELECT 1 FROM notifier_seen WHERE event_id = $1', [eventId]);
    return rows.length > 0;
  }

  async record(seen: SeenAlert): Promise<void> {
    await this.db.query(
      `INSERT INTO notifier_seen (event_id, event_type, outcome, deliveries) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (event_id) DO NOTHING`,
      [seen.eventId, seen.eventType, seen.outcome, JSON.stringify(seen.deliveries)],
    );
  }

  async find(eventId: string): Promise<SeenAlert | null> {
    const { rows } = await this.db.query<{
      event_id: string;
      event_type: string;
      outcome: NotificationOutcome;
      deliveries: unknown;
    }>('SELECT event_id, event_type, outcome, deliveries FROM notifier_seen WHERE event_id = $1', [eventId]);
    const row = rows[0];
    if (!row) return null;
    const deliveries: unknown = typeof row.deliveries === 'string' ? JSON.parse(row.deliveries) : row.deliveries;
    return {
      eventId: row.event_id,
      eventType: row.event_type,
      outcome: row.outcome,
      deliveries: deliveries as DeliveryOutcome[],
    };
  }
}
