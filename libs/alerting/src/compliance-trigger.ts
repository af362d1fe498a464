import { agreementStreamId, boardStreamId, isAgreementEvent, isBoardEvent } from '#domain';
import {
  positionFromKey,
  positionKey,
  runMigrations,
  type EventStore,
  type Migration,
  type Position,
  type SqlDatabase,
  type StoredEvent,
  type Subscription,
} from '#event-store';
import type { ComplianceEvaluator, EvaluatorLogger } from './compliance-evaluator.js';

export const ALERTING_MIGRATIONS: readonly Migration[] = [
  {
    id: 'alerting/0001-compliance-checkpoints',
    sql: `
      CREATE TABLE IF NOT EXISTS compliance_checkpoints (
        name text PRIMARY KEY,
        position bigint,
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        last_error_at timestamptz
      );
    `,
  },
  {
    // The checkpoint holds positionKey(position), so positions that are not decimals (KurrentDB's
    // commit/prepare pairs) fit; a decimal stored before is padded to the same key.
    id: 'alerting/0002-compliance-checkpoint-position-key',
    sql: `
      ALTER TABLE compliance_checkpoints
        ALTER COLUMN position TYPE text COLLATE "C" USING lpad(position::text, 20, '0');
    `,
  },
];

export function migrateAlerting(db: SqlDatabase): Promise<string[]> {
  return runMigrations(db, ALERTING_MIGRATIONS);
}

export type TriggerState = 'stopped' | 'starting' | 'running' | 'restarting';

export interface ComplianceTriggerOptions {
  /** Checkpoint name. Default `compliance-evaluator`. */
  name?: string;
  /** Events per subscription batch. Default 200. */
  batchSize?: number;
  /** Tries of a failing evaluation before it is logged and left to the clock tick. Default 3. */
  maxAttempts?: number;
  /** Back-off before the second try, doubled for each further one. Default 200 ms. */
  retryDelayMs?: number;
  /** Wait before resubscribing after the subscription failed (database gone). Default 2 s. */
  restartDelayMs?: number;
  logger?: EvaluatorLogger;
}

export interface TriggerStatus {
  state: TriggerState;
  /** The last event position the trigger has dealt with (committed checkpoint). */
  position: Position | null;
  lastError: { message: string; at: string } | null;
}

const silent: EvaluatorLogger = { log: () => {}, warn: () => {}, error: () => {} };
const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** The subjects an event concerns: its board, or its agreement (the evaluator adds the boards overseeing it). */
export function subjectOf(event: StoredEvent): { kind: 'board' | 'agreement'; id: string } | null {
  if (isBoardEvent(event) && event.streamId.startsWith(boardStreamId(''))) {
    return { kind: 'board', id: event.streamId.slice(boardStreamId('').length) };
  }
  if (isAgreementEvent(event) && event.streamId.startsWith(agreementStreamId(''))) {
    return { kind: 'agreement', id: event.streamId.slice(agreementStreamId('').length) };
  }
  // Alert events (our own output), decisions and bodies change no rule's outcome.
  return null;
}

/**
 * Re-evaluates a board or an agreement as soon as an event about it is stored, so a breach a new
 * fact reveals (a meeting held without quorum, a late cancellation) is flagged at once rather than
 * at the next tick. Follows the log with a catch-up subscription from a checkpoint in
 * `compliance_checkpoints`, written after the batch's evaluations: after a crash a batch is
 * evaluated again, which is harmless (evaluation is idempotent). A subject whose evaluation keeps
 * failing is logged, recorded on the checkpoint row and left to the clock tick, so one bad stream
 * cannot stall the trigger for every other board.
 */
export class ComplianceTrigger {
  private readonly name: string;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly restartDelayMs: number;
  private readonly logger: EvaluatorLogger;
  private subscription: Subscription | null = null;
  private running: Promise<void> | null = null;
  private stopping = false;
  private wakeSleep: (() => void) | null = null;
  private currentState: TriggerState = 'stopped';
  private position: Position | null = null;
  private lastError: TriggerStatus['lastError'] = null;

  constructor(
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    private readonly evaluator: ComplianceEvaluator,
    options: ComplianceTriggerOptions = {},
  ) {
    this.name = options.name ?? 'compliance-evaluator';
    this.batchSize = options.batchSize ?? 200;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.restartDelayMs = options.restartDelayMs ?? 2000;
    this.logger = options.logger ?? silent;
  }

  status(): TriggerStatus {
    return { state: this.currentState, position: this.position, lastError: this.lastError };
  }

  /** Creates the checkpoint table and starts following the log in the background. */
  async start(): Promise<void> {
    if (this.running) return;
    this.stopping = false;
    this.currentState = 'starting';
    await migrateAlerting(this.db);
    this.running = this.run();
  }

  /** Stops following the log; a batch in flight finishes (its evaluations and checkpoint) first. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeSleep?.();
    await this.subscription?.stop();
    await this.running;
    this.running = null;
    this.currentState = 'stopped';
  }

  /** The committed checkpoint (null: nothing dealt with yet). */
  async checkpoint(): Promise<Position | null> {
    const { rows } = await this.db.query<{ position: string | null }>(
      'SELECT position FROM compliance_checkpoints WHERE name = $1',
      [this.name],
    );
    const key = rows[0]?.position ?? null;
    return key === null ? null : positionFromKey(key);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        this.position = await this.checkpoint();
        const subscription = this.store.subscribe((events) => this.handle(events), {
          after: this.position,
          batchSize: this.batchSize,
        });
        this.subscription = subscription;
        this.currentState = 'running';
        if (this.stopping) await subscription.stop();
        await subscription.done;
      } catch (error) {
        if (this.stopping) break;
        this.recordError(`subscription failed: ${describe(error)}`);
        this.logger.error(
          `compliance trigger: subscription failed, resubscribing in ${this.restartDelayMs} ms: ${describe(error)}`,
        );
        this.currentState = 'restarting';
        await this.sleep(this.restartDelayMs);
      }
    }
  }

  private async handle(events: StoredEvent[]): Promise<void> {
    const subjects = new Map<string, { kind: 'board' | 'agreement'; id: string; cause: StoredEvent }>();
    for (const event of events) {
      const subject = subjectOf(event);
      if (subject) subjects.set(`${subject.kind}:${subject.id}`, { ...subject, cause: event });
    }
    const failures: string[] = [];
    for (const { kind, id, cause } of subjects.values()) {
      if (this.stopping) throw new Error('stopping');
      const error = await this.evaluateWithRetry(kind, id, cause);
      if (error) failures.push(`${kind} ${id}: ${error}`);
    }
    const newest = events.at(-1);
    if (!newest) throw new Error('The compliance trigger was handed an empty batch of events.');
    const last = newest.position;
    const lastError = failures.length > 0 ? failures.join('; ') : null;
    await this.db.query(
      `INSERT INTO compliance_checkpoints (name, position, updated_at, last_error, last_error_at)
       VALUES ($1, $2, now(), $3::text, CASE WHEN $3::text IS NULL THEN NULL ELSE now() END)
       ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now(),
         last_error = COALESCE(EXCLUDED.last_error, compliance_checkpoints.last_error),
         last_error_at = COALESCE(EXCLUDED.last_error_at, compliance_checkpoints.last_error_at)`,
      [this.name, positionKey(last), lastError],
    );
    this.position = last;
  }

  /** Null on success, else the last error (already logged). */
  private async evaluateWithRetry(kind: 'board' | 'agreement', id: string, cause: StoredEvent): Promise<string | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (kind === 'board') await this.evaluator.evaluateBoard(id, cause);
        else await this.evaluator.evaluateAgreement(id, cause);
        return null;
      } catch (error) {
        if (attempt >= this.maxAttempts || this.stopping) {
          const message = describe(error);
          this.recordError(`${kind} ${id} (after ${cause.type} at ${cause.position}): ${message}`);
          this.logger.error(
            `compliance trigger: gave up evaluating ${kind} ${id} after ${attempt} attempt(s) (event ${cause.eventId} ${cause.type} at ${cause.position}); the clock tick will retry: ${message}`,
          );
          return message;
        }
        await this.sleep(this.retryDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  private recordError(message: string): void {
    this.lastError = { message, at: new Date().toISOString() };
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSleep = done;
    });
  }
}
