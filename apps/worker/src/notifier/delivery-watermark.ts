import type { EventStore, Position, SqlExecutor, StoredEvent } from '#event-store';

/**
 * What the notifier does with the alert events already in the log when delivery is first switched on
 * against a database (ALERT_NOTIFY_HISTORY): `skip` marks them seen without delivering them, `deliver`
 * delivers them.
 */
export type AlertHistoryMode = 'skip' | 'deliver';

/**
 * How the watermark was set on the first start: `skip` at the head of the log; `deliver` (history
 * delivered) and `continued` (the seen table already had rows: a notifier of an earlier version was
 * delivering here, so nothing it has not seen is held back) with no position.
 */
export type WatermarkBasis = 'skip' | 'deliver' | 'continued';

/**
 * The point in the event log where alert delivery was switched on for this database. Recorded once, on
 * the notifier's first start, and kept by every later start (a restart, a renamed consumer group, offsets
 * the broker expired), so alerts after it are never lost and alerts before it never flood the webhooks.
 */
export interface DeliveryWatermark {
  /** Alert events at or before this log position were in the log before delivery was switched on; null: none. */
  position: Position | null;
  /** When the event at `position` was recorded (for people reading the logs); null without a position. */
  headRecordedAt: string | null;
  basis: WatermarkBasis;
  /** When the watermark was recorded (database clock). */
  establishedAt: string;
}

/** The event log as the watermark needs it: its head, its order, and the head event's recordedAt. */
export type EventLogHead = Pick<EventStore, 'headPosition' | 'comparePositions' | 'readAll'>;

/** Pure: the watermark of a first start, from the configured mode, the head of the log and the seen table. */
export function firstWatermark(input: {
  mode: AlertHistoryMode;
  /** The last event in the log now; null when the log is empty. */
  head: { position: Position; recordedAt: string | null } | null;
  /** Whether the seen table already holds alert events (delivered before watermarks existed). */
  alreadyNotified: boolean;
}): Omit<DeliveryWatermark, 'establishedAt'> {
  if (input.mode === 'deliver') return { position: null, headRecordedAt: null, basis: 'deliver' };
  if (input.alreadyNotified) return { position: null, headRecordedAt: null, basis: 'continued' };
  return { position: input.head?.position ?? null, headRecordedAt: input.head?.recordedAt ?? null, basis: 'skip' };
}

/**
 * Pure: whether an alert event is history to mark seen without delivery. Only in `skip` mode, and only for
 * an event whose log position is at or before the watermark's. Anything the notifier cannot place (no
 * watermark yet, an envelope without a valid position) is delivered: one alert too many beats one lost.
 */
export function isHistoric(
  event: Pick<StoredEvent, 'position'>,
  watermark: Pick<DeliveryWatermark, 'position'> | null,
  mode: AlertHistoryMode,
  compare: (a: Position, b: Position) => number,
): boolean {
  if (mode !== 'skip' || watermark?.position == null) return false;
  if (typeof event.position !== 'string' || event.position === '') return false;
  try {
    return compare(event.position, watermark.position) <= 0;
  } catch {
    return false;
  }
}

/** The key of the watermark row: one per database, like the seen table (not per consumer group or topic). */
export const ALERT_NOTIFIER_WATERMARK = 'alert-notifier';

/** The watermark row in the notifier's own table (migration notifier/0002-watermark). */
export class DeliveryWatermarks {
  constructor(
    private readonly db: SqlExecutor,
    private readonly log: EventLogHead,
    private readonly notifier = ALERT_NOTIFIER_WATERMARK,
  ) {}

  async find(): Promise<DeliveryWatermark | null> {
    const { rows } = await this.db.query<{
      log_position: string | null;
      head_recorded_at: string | Date | null;
      basis: WatermarkBasis;
      established_at: string | Date;
    }>('SELECT log_position, head_recorded_at, basis, established_at FROM notifier_watermark WHERE notifier = $1', [
      this.notifier,
    ]);
    const row = rows[0];
    if (!row) return null;
    return {
      position: row.log_position as Position | null,
      headRecordedAt: row.head_recorded_at === null ? null : new Date(row.head_recorded_at).toISOString(),
      basis: row.basis,
      establishedAt: new Date(row.established_at).toISOString(),
    };
  }

  /**
   * The watermark of this database: the one recorded by an earlier start, or a new one recorded now.
   * Two notifiers starting at once both end up with the row the first of them wrote.
   */
  async establish(mode: AlertHistoryMode): Promise<{ watermark: DeliveryWatermark; created: boolean }> {
    const existing = await this.find();
    if (existing) return { watermark: existing, created: false };

    const position = await this.log.headPosition();
    let recordedAt: string | null = null;
    if (position !== null) {
      const [head] = await this.log.readAll({ fromPosition: position, maxCount: 1 }).catch(() => []);
      recordedAt = head?.recordedAt ?? null;
    }
    const { rows } = await this.db.query<{ notified: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM notifier_seen) AS notified',
    );
    const first = firstWatermark({
      mode,
      head: position === null ? null : { position, recordedAt },
      alreadyNotified: rows[0]?.notified === true,
    });
    const inserted = await this.db.query(
      `INSERT INTO notifier_watermark (notifier, log_position, head_recorded_at, basis) VALUES ($1, $2, $3, $4)
       ON CONFLICT (notifier) DO NOTHING RETURNING notifier`,
      [this.notifier, first.position, first.headRecordedAt, first.basis],
    );
    const watermark = await this.find();
    if (!watermark) throw new Error(`the ${this.notifier} delivery watermark was not recorded`);
    return { watermark, created: inserted.rows.length > 0 };
  }
}
