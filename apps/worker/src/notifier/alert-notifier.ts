import { Logger } from '@nestjs/common';
import type { SqlExecutor, StoredEvent } from '#event-store';
import {
  ALERT_TOPIC_EVENT_TYPES,
  DEFAULT_TOPICS,
  MalformedMessageError,
  backoffDelay,
  decodeEnvelope,
  sleep,
  type BackoffOptions,
  type IncomingMessage,
  type MessageSubscriber,
  type TopicSubscription,
} from '#messaging';
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
   * notifier first joined are not lost (at the price of delivering old ones on a first deployment).
   */
  fromBeginning?: boolean;
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
  lastError: { message: string; at: string } | null;
}

/**
 * Consumes the alerts topic in a consumer group and POSTs each new alert event to every configured
 * webhook. Kafka and the relay deliver at-least-once, so duplicates are dropped by eventId; an event
 * is marked seen only after its deliveries succeeded or were given up (and recorded), and its offset
 * is committed only after that, so a crash mid-delivery delivers it again rather than never.
 */
export class AlertNotifier {
  private readonly logger = new Logger('AlertNotifier');
  private readonly seen: SeenAlerts;
  private readonly topic: string;
  private readonly groupId: string;
  private readonly connectBackoff: BackoffOptions;
  private subscription: TopicSubscription | null = null;
  private starting: Promise<void> | null = null;
  private readonly abort = new AbortController();
  private state: NotifierState = 'stopped';
  private notified = 0;
  private failed = 0;
  private duplicatesDropped = 0;
  private lastError: { message: string; at: string } | null = null;

  constructor(
    private readonly subscriber: MessageSubscriber,
    db: SqlExecutor,
    private readonly sender: WebhookSender,
    private readonly options: AlertNotifierOptions,
  ) {
    this.seen = new SeenAlerts(db);
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
    this.state = 'stopped';
  }

  status(): NotifierStatus {
    return {
      state: this.state,
      notified: this.notified,
      failed: this.failed,
      duplicatesDropped: this.duplicatesDropped,
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
