import { randomUUID } from 'node:crypto';
import {
  agreementDecider,
  agreementStreamId,
  boardDecider,
  boardStreamId,
  fold,
  isAgreementEvent,
  isBoardEvent,
  type AgreementEvent,
  type AgreementState,
  type BoardEvent,
  type BoardState,
} from '#domain';
import type { EventStore, Position, StoredEvent } from '#event-store';
import { AlertCommands, COMPLIANCE_ACTOR, loadAlert } from './alert-commands.js';
import type { AlertRule } from '#domain';
import type { ComplianceSubjects, SubjectKind } from './compliance-subjects.js';
import { KeyedMutex } from './keyed-mutex.js';
import { resolutionReason } from './resolution-reason.js';
import {
  AGREEMENT_RULE_NAMES,
  BOARD_RULE_NAMES,
  evaluateAgreementRules,
  evaluateBoardRules,
  isGoverning,
  todayOf,
  type Condition,
} from './rules/index.js';

/** The clock the evaluator reads; tests move it instead of waiting. */
export interface ComplianceClock {
  now(): Date;
}

export interface EvaluatorLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ComplianceEvaluatorOptions {
  /** Default `system:compliance`. */
  actor?: string;
  logger?: EvaluatorLogger;
  /** Re-evaluations when the facts changed while an evaluation was writing. Default 5. */
  maxPasses?: number;
}

export interface EvaluationResult {
  kind: SubjectKind;
  id: string;
  /** The conditions that hold now. */
  conditions: Condition[];
  /** Alert ids raised (a new occurrence) by this evaluation. */
  raised: string[];
  /** Alert ids resolved by this evaluation. */
  resolved: string[];
}

export interface EvaluateAllResult {
  at: string;
  boards: number;
  agreements: number;
  raised: string[];
  resolved: string[];
  /** Subjects whose evaluation failed (each logged); the others were still evaluated. */
  failures: { kind: SubjectKind; id: string; error: string }[];
}

export interface EvaluatorStats {
  evaluations: number;
  raised: number;
  resolved: number;
  failures: number;
  lastEvaluationAt: string | null;
  lastError: { message: string; at: string } | null;
}

/** What the rules saw, and the revision of each stream it came from (to notice a change under us). */
interface LoadedFacts {
  conditions: Condition[];
  revisions: Map<string, number>;
  board?: BoardState;
  agreement?: AgreementState;
  governing?: boolean;
}

const silent: EvaluatorLogger = { log: () => {}, warn: () => {}, error: () => {} };
const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * Compares what the rules find now with the alerts on record for a board or an agreement, and
 * records the difference through the alert decider: AlertRaised for a condition without an active
 * alert, AlertResolved for an active alert whose condition has cleared.
 *
 * Safe to run concurrently, in one process or several:
 * - the alert id is derived from rule and subject, appends carry the alert stream's expected
 *   revision, a conflict reloads and decides again, and raising an active alert decides nothing,
 *   so the same alert is never raised twice;
 * - evaluations of one subject in this process run one at a time;
 * - an evaluation that wrote something re-checks, afterwards, that the board and agreement streams
 *   it judged have not moved; if they have, it evaluates again, so a slower evaluation working on
 *   older facts cannot have the last word over a newer one.
 */
/** Board events that change what the agreement rules see (which boards oversee an agreement, and their kind). */
export const AGREEMENT_FACT_EVENTS: ReadonlySet<string> = new Set([
  'GovernanceBoardEstablished',
  'BoardOversightChanged',
  'BoardAccountabilitySet',
]);

export class ComplianceEvaluator {
  private readonly mutex = new KeyedMutex();
  private readonly actor: string;
  private readonly logger: EvaluatorLogger;
  private readonly maxPasses: number;
  private readonly counters: EvaluatorStats = {
    evaluations: 0,
    raised: 0,
    resolved: 0,
    failures: 0,
    lastEvaluationAt: null,
    lastError: null,
  };

  constructor(
    private readonly store: EventStore,
    private readonly commands: AlertCommands,
    private readonly subjects: ComplianceSubjects,
    private readonly clock: ComplianceClock,
    options: ComplianceEvaluatorOptions = {},
  ) {
    this.actor = options.actor ?? COMPLIANCE_ACTOR;
    this.logger = options.logger ?? silent;
    this.maxPasses = options.maxPasses ?? 5;
  }

  stats(): EvaluatorStats {
    return { ...this.counters, lastError: this.counters.lastError && { ...this.counters.lastError } };
  }

  /**
   * Board rules for one board. `cause`: the event that prompted it (stored as causationId). An alert says
   * what the record shows now, so the read models are read once they have reached the head of the log, not
   * merely the event that prompted the evaluation: judged at that event's position, a subject whose next
   * facts were already stored (a meeting scheduled, then held, in one import) raised an alert and resolved
   * it again, and how many such pairs the log kept depended on how far the projections happened to be.
   */
  async evaluateBoard(boardId: string, cause?: StoredEvent): Promise<EvaluationResult> {
    const position = await this.store.headPosition();
    const result = await this.evaluate('board', boardId, position, cause);
    // The agreement rules read which boards oversee an agreement and of what kind: a change of the board's
    // agreements or accountability re-judges them (and the agreement it let go, which the board no longer names).
    if (cause && AGREEMENT_FACT_EVENTS.has(cause.type)) {
      const named = (cause.data as { agreementIds?: string[]; agreementId?: string }) ?? {};
      const board = fold(
        boardDecider,
        (await this.store.readStream(boardStreamId(boardId))).filter(isBoardEvent) as unknown as BoardEvent[],
      );
      const ids = new Set([
        ...board.agreementIds,
        ...(named.agreementIds ?? []),
        ...(named.agreementId ? [named.agreementId] : []),
      ]);
      for (const agreementId of ids) await this.evaluate('agreement', agreementId, position, cause);
    }
    return result;
  }

  /** Agreement rules for one agreement, then the board rules of every board overseeing it (their rules read its status). */
  async evaluateAgreement(agreementId: string, cause?: StoredEvent): Promise<EvaluationResult[]> {
    const position = await this.store.headPosition();
    const results = [await this.evaluate('agreement', agreementId, position, cause)];
    for (const boardId of await this.subjects.boardsOverseeing(agreementId, position)) {
      results.push(await this.evaluate('board', boardId, position, cause));
    }
    return results;
  }

  /**
   * Every board and agreement on record (the clock tick). No event prompted it, so the read models are
   * read once they have reached the head of the log as it was when the tick began. One failing subject
   * does not stop the others.
   */
  async evaluateAll(): Promise<EvaluateAllResult> {
    const at = this.clock.now().toISOString();
    const head = await this.store.headPosition();
    const result: EvaluateAllResult = { at, boards: 0, agreements: 0, raised: [], resolved: [], failures: [] };
    const work: [SubjectKind, string[]][] = [
      ['agreement', await this.subjects.agreementIds(head)],
      ['board', await this.subjects.boardIds(head)],
    ];
    for (const [kind, ids] of work) {
      for (const id of ids) {
        try {
          const evaluation = await this.evaluate(kind, id, head);
          result.raised.push(...evaluation.raised);
          result.resolved.push(...evaluation.resolved);
          if (kind === 'board') result.boards++;
          else result.agreements++;
        } catch (error) {
          result.failures.push({ kind, id, error: describe(error) });
        }
      }
    }
    return result;
  }

  private evaluate(
    kind: SubjectKind,
    id: string,
    position: Position | null,
    cause?: StoredEvent,
  ): Promise<EvaluationResult> {
    return this.mutex.run(`${kind}:${id}`, async () => {
      try {
        const result = await this.evaluateNow(kind, id, position, cause);
        this.counters.evaluations++;
        this.counters.raised += result.raised.length;
        this.counters.resolved += result.resolved.length;
        this.counters.lastEvaluationAt = this.clock.now().toISOString();
        for (const alertId of result.raised) this.logger.log(`raised ${alertId}`);
        for (const alertId of result.resolved) this.logger.log(`resolved ${alertId}`);
        return result;
      } catch (error) {
        this.counters.failures++;
        this.counters.lastError = { message: `${kind} ${id}: ${describe(error)}`, at: new Date().toISOString() };
        this.logger.error(`evaluating ${kind} ${id} failed: ${describe(error)}`);
        throw error;
      }
    });
  }

  private async evaluateNow(
    kind: SubjectKind,
    id: string,
    position: Position | null,
    cause?: StoredEvent,
  ): Promise<EvaluationResult> {
    const rules: readonly AlertRule[] = kind === 'board' ? BOARD_RULE_NAMES : AGREEMENT_RULE_NAMES;
    const correlationId = cause?.correlationId ?? randomUUID();
    const raised = new Set<string>();
    const resolved = new Set<string>();
    let conditions: Condition[] = [];
    for (let pass = 1; pass <= this.maxPasses; pass++) {
      const now = this.clock.now();
      const facts = kind === 'board' ? await this.loadBoard(id, now) : await this.loadAgreement(id, now, position);
      conditions = facts.conditions;
      const context = { actor: this.actor, correlationId, causationId: cause?.eventId };
      let wrote = false;

      for (const found of conditions) {
        const { written } = await this.commands.execute(
          {
            type: 'RaiseAlert',
            data: { ...found, detectedAt: now.toISOString() },
            metadata: { now: now.toISOString() },
          },
          context,
        );
        if (written) {
          wrote = true;
          raised.add(found.alertId);
          resolved.delete(found.alertId);
        }
      }

      const holding = new Set(conditions.map((found) => found.alertId));
      for (const alertId of await this.subjects.unresolvedAlertIds(kind, id, rules, position)) {
        if (holding.has(alertId)) continue;
        const { state } = await loadAlert(this.store, alertId);
        if (state.subject === null || state.rule === null) continue;
        const reason = resolutionReason(state.rule, state.subject, facts, todayOf(now));
        const { written } = await this.commands.execute(
          { type: 'ResolveAlert', data: { alertId, reason }, metadata: { now: now.toISOString() } },
          context,
        );
        if (written) {
          wrote = true;
          resolved.add(alertId);
          raised.delete(alertId);
        }
      }

      if (!wrote || !(await this.movedSince(facts.revisions))) break;
      // The next pass must see the alerts this one raised, which are after `position` in the log.
      position = await this.store.headPosition();
      if (pass === this.maxPasses)
        this.logger.warn(`${kind} ${id} kept changing during ${pass} evaluations; the next will catch up.`);
    }
    return { kind, id, conditions, raised: [...raised], resolved: [...resolved] };
  }

  private async loadBoard(boardId: string, now: Date): Promise<LoadedFacts> {
    const revisions = new Map<string, number>();
    const boardEvents = await this.read(boardStreamId(boardId), revisions);
    const board = fold(boardDecider, boardEvents.filter(isBoardEvent) as unknown as BoardEvent[]);
    const agreements: AgreementState[] = [];
    for (const agreementId of board.agreementIds) {
      const events = await this.read(agreementStreamId(agreementId), revisions);
      const agreement = fold(agreementDecider, events.filter(isAgreementEvent) as unknown as AgreementEvent[]);
      if (agreement.status !== 'none') agreements.push(agreement);
    }
    const facts = { board, agreements };
    const conditions = board.status === 'established' ? evaluateBoardRules(facts, now) : [];
    return { conditions, revisions, board, governing: isGoverning(facts) };
  }

  private async loadAgreement(agreementId: string, now: Date, position: Position | null): Promise<LoadedFacts> {
    const revisions = new Map<string, number>();
    const events = await this.read(agreementStreamId(agreementId), revisions);
    const agreement = fold(agreementDecider, events.filter(isAgreementEvent) as unknown as AgreementEvent[]);
    const boards: BoardState[] = [];
    for (const boardId of agreement.status === 'none'
      ? []
      : await this.subjects.boardsOverseeing(agreementId, position)) {
      const boardEvents = await this.read(boardStreamId(boardId), revisions);
      boards.push(fold(boardDecider, boardEvents.filter(isBoardEvent) as unknown as BoardEvent[]));
    }
    const conditions = agreement.status === 'none' ? [] : evaluateAgreementRules({ agreement, boards }, now);
    return { conditions, revisions, agreement };
  }

  private async read(streamId: string, revisions: Map<string, number>): Promise<StoredEvent[]> {
    const events = await this.store.readStream(streamId);
    revisions.set(streamId, events.length - 1);
    return events;
  }

  private async movedSince(revisions: Map<string, number>): Promise<boolean> {
    for (const [streamId, revision] of revisions) {
      const newer = await this.store.readStream(streamId, { fromRevision: revision + 1, maxCount: 1 });
      if (newer.length > 0) return true;
    }
    return false;
  }
}
