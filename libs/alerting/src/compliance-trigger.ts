import { agreementStreamId, boardStreamId, isAgreementEvent, isBoardEvent } from '#domain';
import {
  advanceCheckpoint,
  DEFAULT_RETRY_POLICY,
  describeError,
  followLog,
  migrateProcessors,
  readCheckpoint,
  retryItem,
  Sleeper,
  type EventStore,
  type Position,
  type SqlDatabase,
  type StoredEvent,
  type Subscription,
} from '#event-store';
import { AGREEMENT_FACT_EVENTS, type ComplianceEvaluator, type EvaluatorLogger } from './compliance-evaluator.js';

/** The trigger's bookkeeping is the log processor's checkpoint table (kind `reactor`). */
export function migrateAlerting(db: SqlDatabase): Promise<string[]> {
  return migrateProcessors(db);
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
const describe = describeError;

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
 * at the next tick. A log processor (docs/architecture.md, "The log processor"): follows the log with a
 * catch-up subscription from its row in `processor_checkpoints`, written after the batch's evaluations: after a crash a batch is
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
  private readonly sleeper = new Sleeper();
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
    this.maxAttempts = options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts;
    this.retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_POLICY.retryDelayMs;
    this.restartDelayMs = options.restartDelayMs ?? DEFAULT_RETRY_POLICY.restartDelayMs;
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
    this.sleeper.wake();
    await this.subscription?.stop();
    await this.running;
    this.running = null;
    this.currentState = 'stopped';
  }

  /** The committed checkpoint (null: nothing dealt with yet). */
  async checkpoint(): Promise<Position | null> {
    return (await readCheckpoint(this.db, this.name))?.position ?? null;
  }

  private run(): Promise<void> {
    return followLog({
      store: this.store,
      batchSize: this.batchSize,
      from: async () => (this.position = await this.checkpoint()),
      handle: (events) => this.handle(events),
      subscribed: (subscription) => {
        this.subscription = subscription;
        if (subscription) this.currentState = 'running';
      },
      failed: (error) => {
        this.recordError(`subscription failed: ${describe(error)}`);
        this.logger.error(
          `compliance trigger: subscription failed, resubscribing in ${this.restartDelayMs} ms: ${describe(error)}`,
        );
        this.currentState = 'restarting';
        return this.restartDelayMs;
      },
      stopped: () => this.stopping,
      sleep: (ms) => this.sleep(ms),
    });
  }

  private async handle(events: StoredEvent[]): Promise<void> {
    const subjects = new Map<string, { kind: 'board' | 'agreement'; id: string; cause: StoredEvent }>();
    for (const event of events) {
      const subject = subjectOf(event);
      // A board event that re-judges the agreements it names (a board established over them) is evaluated as its own
      // cause: folded into the board's latest event of the batch, a meeting scheduled after it, it would be lost.
      const key = `${subject?.kind}:${subject?.id}${AGREEMENT_FACT_EVENTS.has(event.type) ? ':agreement-facts' : ''}`;
      if (subject) subjects.set(key, { ...subject, cause: event });
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
    await advanceCheckpoint(this.db, { name: this.name, kind: 'reactor' }, last, { error: lastError });
    this.position = last;
  }

  /** Null on success, else the last error (already logged). */
  private async evaluateWithRetry(kind: 'board' | 'agreement', id: string, cause: StoredEvent): Promise<string | null> {
    const outcome = await retryItem(
      async () => {
        if (kind === 'board') await this.evaluator.evaluateBoard(id, cause);
        else await this.evaluator.evaluateAgreement(id, cause);
      },
      {
        maxAttempts: this.maxAttempts,
        retryDelayMs: this.retryDelayMs,
        sleep: (ms) => this.sleep(ms),
        // Every failure is the evaluation's: it is retried here and then left to the clock tick.
        rethrow: () => false,
        stopped: () => this.stopping,
      },
    );
    if (outcome.ok) return null;
    const message = describe(outcome.error);
    this.recordError(`${kind} ${id} (after ${cause.type} at ${cause.position}): ${message}`);
    this.logger.error(
      `compliance trigger: gave up evaluating ${kind} ${id} after ${outcome.attempts} attempt(s) (event ${cause.eventId} ${cause.type} at ${cause.position}); the clock tick will retry: ${message}`,
    );
    return message;
  }

  private recordError(message: string): void {
    this.lastError = { message, at: new Date().toISOString() };
  }

  private sleep(ms: number): Promise<void> {
    return this.stopping ? Promise.resolve() : this.sleeper.sleep(ms);
  }
}
