import { Logger } from '@nestjs/common';
import { backoffDelay, sleep, type BackoffOptions, type SqlExecutor, type StoredEvent } from '#event-store';
import {
  ALERT_TOPIC_EVENT_TYPES,
  DEFAULT_TOPICS,
  MalformedMessageError,
  decodeEnvelope,
  type IncomingMessage,
  type MessageSubscriber,
  type TopicSubscription,
} from '#messaging';
import {
  DeliveryWatermarks,
  isHistoric,
  type AlertHistoryMode,
  type DeliveryWatermark,
  type EventLogHead,
} from './delivery-watermark.js';
import { SeenAlerts, type NotificationOutcome } from './seen-alerts.js';
import type { WebhookSender } from './webhook-sender.js';

export interface AlertNotifierOptions {
  /** Where alerts are POSTed (ALERT_WEBHOOK_URLS). */
  webhookUrls: string[];
  /** Default `governance.alerts`. */
  topic?: string;
  /** Default `governance-alert-notifier`. */
  groupId?: string;
  /**
   * Where a group without committed offsets starts; default true, so alerts published before the
   * notifier (re)joined are not lost. History from before delivery was switched on is held back by
   * the delivery watermark (see `history`), not by where the group starts.
   */
  fromBeginning?: boolean;
  /**
   * ALERT_NOTIFY_HISTORY; default `skip`: on the first start against a database the notifier records the
   * head of the event log as its watermark, and alert events at or before it are marked seen
   * (`skippedHistoric`) without delivery. `deliver`: every alert event not yet seen is delivered.
   */
  history?: AlertHistoryMode;
  /** Quiet time after which the skipped history is summed up in one log line; default 2 s. */
  skippedSummaryAfterMs?: number;
  /** Delays between attempts to join the group while the broker is unreachable; default 1 s to 30 s. */
  connectBackoff?: BackoffOptions;
}

/** The JSON a webhook receives. */
export interface AlertNotification {
  eventId: string;
  type: string;
  alertId: string;
  rule: string | null;
  severity: string | null;
  subject: unknown;
  data: unknown;
  occurredAt: string;
}

export type NotifierState = 'starting' | 'running' | 'stopped';

export interface NotifierStatus {
  state: NotifierState;
  notified: number;
  failed: number;
  duplicatesDropped: number;
  /** Alert events from before the watermark, marked seen without delivery. */
  skippedHistoric: number;
  history: AlertHistoryMode;
  /** Null until the first start has read or recorded it. */
  watermark: DeliveryWatermark | null;
  lastError: { message: string; at: string } | null;
}

/**
 * Consumes the alerts topic in a consumer group and POSTs each new alert event to every configured
 * webhook. Kafka and the relay deliver at-least-once, so duplicates are dropped by eventId; an event
 * is marked seen only after its deliveries succeeded or were given up (and recorded), and its offset
 * is committed only after that, so a crash mid-delivery delivers it again rather than never.
 * Before it joins, it reads (or, on its first start against the database, records) the delivery
 * watermark: alert events already in the log then are marked seen without delivery (ALERT_NOTIFY_HISTORY).
 */
export class AlertNotifier {
  private readonly logger = new Logger('AlertNotifier');
  private readonly seen: SeenAlerts;
  private readonly topic: string;
  private readonly groupId: string;
  private readonly connectBackoff: BackoffOptions;
  private readonly history: AlertHistoryMode;
  private readonly watermarks: DeliveryWatermarks;
  private watermark: DeliveryWatermark | null = null;
  private subscription: TopicSubscription | null = null;
  private starting: Promise<void> | null = null;
  private readonly abort = new AbortController();
  private state: NotifierState = 'stopped';
  private notified = 0;
  private failed = 0;
  private duplicatesDropped = 0;
  private skippedHistoric = 0;
  /** Skipped since the last summary line, and the timer that writes the next one. */
  private skippedUnreported = 0;
  private summaryTimer: NodeJS.Timeout | null = null;
  private lastError: { message: string; at: string } | null = null;

  constructor(
    private readonly subscriber: MessageSubscriber,
    db: SqlExecutor,
    private readonly log: EventLogHead,
    private readonly sender: WebhookSender,
    private readonly options: AlertNotifierOptions,
  ) {
    this.seen = new SeenAlerts(db);
    this.watermarks = new DeliveryWatermarks(db, log);
    this.history = options.history ?? 'skip';
    this.topic = options.topic ?? DEFAULT_TOPICS.alerts;
    this.groupId = options.groupId ?? 'governance-alert-notifier';
    this.connectBackoff = options.connectBackoff ?? { initialMs: 1000, maxMs: 30_000 };
  }

  /** Joins the group in the background, retrying while the broker is unreachable. */
  start(): Promise<void> {
    this.starting ??= this.join();
    return this.starting;
  }

  /** Leaves the group once the alert in hand is handled (its offset is committed then). */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.starting;
    await this.subscription?.stop();
    this.subscription = null;
    this.reportSkipped();
    this.state = 'stopped';
  }

  status(): NotifierStatus {
    return {
      state: this.state,
      notified: this.notified,
      failed: this.failed,
      duplicatesDropped: this.duplicatesDropped,
      skippedHistoric: this.skippedHistoric,
      history: this.history,
      watermark: this.watermark,
      lastError: this.lastError,
    };
  }

  /** Handles one message of the alerts topic; exposed for the adapter and for tests. */
  async handle(message: IncomingMessage): Promise<void> {
    let event: StoredEvent;
    try {
      event = decodeEnvelope(message.topic, message.value);
    } catch (error) {
      if (!(error instanceof MalformedMessageError)) throw error;
      // A poison message cannot become valid by retrying: log it visibly and move on.
      this.logger.error(`skipping ${message.topic}[${message.partition}]@${message.offset}: ${error.message}`);
      this.recordError(error.message);
      return;
    }
    if (!ALERT_TOPIC_EVENT_TYPES.has(event.type)) return;
    if (await this.seen.has(event.eventId)) {
      this.duplicatesDropped += 1;
      return;
    }
    if (isHistoric(event, this.watermark, this.history, (a, b) => this.log.comparePositions(a, b))) {
      await this.seen.record({
        eventId: event.eventId,
        eventType: event.type,
        outcome: 'skippedHistoric',
        deliveries: [],
      });
      this.skippedHistoric += 1;
      this.skippedUnreported += 1;
      this.scheduleSkippedSummary();
      return;
    }

    const notification = toNotification(event);
    const deliveries = await Promise.all(
      this.options.webhookUrls.map((url) => this.sender.deliver(url, notification, event.eventId)),
    );
    const delivered = deliveries.filter((d) => d.delivered).length;
    const outcome: NotificationOutcome =
      delivered === deliveries.length ? 'delivered' : delivered === 0 ? 'failed' : 'partial';
    await this.seen.record({ eventId: event.eventId, eventType: event.type, outcome, deliveries });

    if (outcome === 'delivered') {
      this.notified += 1;
    } else {
      this.failed += 1;
      const why = deliveries
        .filter((d) => !d.delivered)
        .map((d) => `${d.target}: ${d.error ?? 'failed'} after ${d.attempts} attempt(s)`)
        .join('; ');
      this.logger.error(`gave up notifying ${event.type} ${event.eventId} (${outcome}): ${why}`);
      this.recordError(why);
    }
  }

  private async join(): Promise<void> {
    this.state = 'starting';
    for (let attempt = 1; !this.abort.signal.aborted; attempt++) {
      try {
        // Before the first message: the group may start at the beginning of the topic.
        this.watermark ??= await this.establishWatermark();
        this.subscription = await this.subscriber.subscribe({
          groupId: this.groupId,
          topics: [this.topic],
          fromBeginning: this.options.fromBeginning ?? true,
          handle: (message) => this.handle(message),
        });
        this.state = 'running';
        this.logger.log(
          `notifying ${this.options.webhookUrls.length} webhook(s) of alerts on ${this.topic} (group ${this.groupId})`,
        );
        return;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.recordError(message);
        const delay = backoffDelay(attempt, this.connectBackoff);
        this.logger.warn(`cannot join ${this.groupId} on ${this.topic}: ${message}; retrying in ${delay} ms`);
        await sleep(delay, this.abort.signal);
      }
    }
  }

  private async establishWatermark(): Promise<DeliveryWatermark> {
    const { watermark, created } = await this.watermarks.establish(this.history).catch((error: unknown) => {
      const why = error instanceof Error ? error.message : String(error);
      throw new Error(`cannot read or record the delivery watermark: ${why}`);
    });
    const at =
      watermark.position === null
        ? null
        : `log position ${watermark.position}` +
          (watermark.headRecordedAt ? ` (recorded ${watermark.headRecordedAt})` : '');
    if (this.history === 'deliver') {
      this.logger.log(
        'ALERT_NOTIFY_HISTORY=deliver: every alert event on the topic not yet seen is delivered, history included',
      );
    } else if (!created) {
      this.logger.log(
        at === null
          ? `delivery watermark of ${watermark.establishedAt} (${watermark.basis}) kept: no alert event is held back`
          : `delivery watermark of ${watermark.establishedAt} kept: alert events up to ${at} are not delivered`,
      );
    } else if (watermark.basis === 'continued') {
      this.logger.log('delivery watermark recorded: alerts were delivered here before, so no alert event is held back');
    } else {
      this.logger.log(
        at === null
          ? 'delivery switched on with an empty event log: every alert from now on is delivered'
          : `delivery switched on: alert events up to ${at} are marked seen without delivery (ALERT_NOTIFY_HISTORY=skip)`,
      );
    }
    return watermark;
  }

  /** One summary line per burst of history, however long, rather than one line per event. */
  private scheduleSkippedSummary(): void {
    if (this.summaryTimer) clearTimeout(this.summaryTimer);
    this.summaryTimer = setTimeout(() => this.reportSkipped(), this.options.skippedSummaryAfterMs ?? 2000);
    this.summaryTimer.unref();
  }

  private reportSkipped(): void {
    if (this.summaryTimer) clearTimeout(this.summaryTimer);
    this.summaryTimer = null;
    if (this.skippedUnreported === 0) return;
    const at = this.watermark?.position ?? '?';
    this.logger.log(
      `skipped ${this.skippedUnreported} alert event(s) recorded before delivery was switched on ` +
        `(watermark: log position ${at}, ${this.watermark?.establishedAt ?? '?'}); marked seen without delivery` +
        (this.skippedUnreported === this.skippedHistoric ? '' : ` (${this.skippedHistoric} since start)`),
    );
    this.skippedUnreported = 0;
  }

  private recordError(message: string): void {
    this.lastError = { message, at: new Date().toISOString() };
  }
}

/** What a webhook receives: the alert's identity and classification, plus the event's data as recorded. */
export function toNotification(event: StoredEvent): AlertNotification {
  const data = (typeof event.data === 'object' && event.data !== null ? event.data : {}) as Record<string, unknown>;
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  return {
    eventId: event.eventId,
    type: event.type,
    alertId: text(data.alertId) ?? event.streamId.replace(/^alert-/, ''),
    rule: text(data.rule),
    severity: text(data.severity),
    subject: data.subject ?? null,
    data: event.data,
    occurredAt: event.occurredAt,
  };
}
