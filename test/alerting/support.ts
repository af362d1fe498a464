/**
 * Test support for the compliance evaluator: a clock the test moves, and a board and agreement
 * recorded through the deciders, as the API would (load, fold, decide, append).
 */
import {
  agreementDecider,
  agreementStreamId,
  boardDecider,
  boardStreamId,
  fold,
  initialBodyRegistryState,
  resolveBody,
  type AgreementCommand,
  type Attendee,
  type BoardCommand,
  type BodyRef,
  type Decider,
  type DomainEvent,
} from '#domain';
import { migrateEventStore, SqlEventStore, type EventStore, type SqlDatabase } from '#event-store';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import {
  AlertCommands,
  COMPLIANCE_SUBJECT_PROJECTIONS,
  ComplianceEvaluator,
  ReadModelComplianceSubjects,
  type ComplianceClock,
} from '#alerting';
import { ProjectionRunner, ProjectionStatus, silentLogger, type SqlProjection } from '#projections';
import { ApplicationModule } from '#application';
import { GivenEventStoreModule } from '#platform';

/** A clock that stands still until the test moves it. */
export class MovableClock implements ComplianceClock {
  private current: Date;
  constructor(start: string) {
    this.current = new Date(start);
  }
  now(): Date {
    return new Date(this.current);
  }
  /** Moves to a day (noon UTC) or an exact instant. */
  set(dayOrInstant: string): void {
    this.current = new Date(dayOrInstant.length === 10 ? `${dayOrInstant}T12:00:00.000Z` : dayOrInstant);
  }
}

export async function openStore(db: SqlDatabase): Promise<SqlEventStore> {
  await migrateEventStore(db);
  return new SqlEventStore(db, { pollIntervalMs: 50 });
}

@Module({})
class AlertCommandsRoot {}

const commandsByStore = new WeakMap<EventStore, Promise<AlertCommands>>();

/**
 * The application's alert command path over this store: the command bus, the alert handler and
 * the runner of ApplicationModule, as the API and the worker compose them (one per store).
 */
export function alertCommandsFor(store: EventStore): Promise<AlertCommands> {
  let commands = commandsByStore.get(store);
  if (!commands) {
    commands = NestFactory.createApplicationContext(
      {
        module: AlertCommandsRoot,
        imports: [GivenEventStoreModule.of(store), CqrsModule.forRoot(), ApplicationModule],
      },
      { logger: false },
    ).then((context) => context.get(AlertCommands));
    commandsByStore.set(store, commands);
  }
  return commands;
}

interface ReadModels {
  runner: ProjectionRunner;
  status: ProjectionStatus;
  subjects: ReadModelComplianceSubjects;
}

const readModelsByStore = new Map<EventStore, Promise<ReadModels>>();

/**
 * The read models the compliance subjects come from, projected from this store by a real runner (one
 * per store, as an app runs them). `projections` replaces COMPLIANCE_SUBJECT_PROJECTIONS, for a test
 * that runs an older version of one. Stop them with `stopReadModels` before closing the store.
 */
export function complianceReadModels(
  store: EventStore,
  db: SqlDatabase,
  projections: readonly SqlProjection[] = COMPLIANCE_SUBJECT_PROJECTIONS,
): Promise<ReadModels> {
  let models = readModelsByStore.get(store);
  if (!models) {
    models = (async () => {
      const runner = new ProjectionRunner(db, store, projections, { logger: silentLogger });
      await runner.start();
      const status = new ProjectionStatus(db, store, projections, runner);
      return { runner, status, subjects: new ReadModelComplianceSubjects(db, status, { waitMs: 10_000 }) };
    })();
    readModelsByStore.set(store, models);
  }
  return models;
}

/** Stops the read models `complianceReadModels` started for this store (if any). */
export async function stopReadModels(store: EventStore): Promise<void> {
  const models = readModelsByStore.get(store);
  if (!models) return;
  readModelsByStore.delete(store);
  const { runner, status } = await models;
  await runner.stop();
  await status.close();
}

export const evaluatorFor = async (
  store: EventStore,
  db: SqlDatabase,
  clock: ComplianceClock,
  projections?: readonly SqlProjection[],
): Promise<ComplianceEvaluator> =>
  new ComplianceEvaluator(
    store,
    await alertCommandsFor(store),
    (await complianceReadModels(store, db, projections)).subjects,
    clock,
  );

export const at = (date: string): string => `${date}T09:00:00.000Z`;

async function record<C, E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<C, E, S>,
  command: C,
): Promise<void> {
  const history = await store.readStream(streamId);
  const events = decider.decide(command, fold(decider, history as unknown as E[]));
  await store.append(
    streamId,
    events.map((e) => ({ type: e.type, occurredAt: e.occurredAt, data: e.data })),
    { expectedRevision: history.length === 0 ? 'no-stream' : history.length - 1, actor: 'officer:test' },
  );
}

const body = (id: string): BodyRef => {
  const found = resolveBody(id, initialBodyRegistryState());
  if (!found) throw new Error(`no reference body ${id}`);
  return found;
};

export const BOTH_FORCES: Attendee[] = [
  { name: 'Chief Constable, Hampshire', body: 'hampshire' },
  { name: 'Chief Constable, Thames Valley', body: 'thames-valley' },
];

/** Records facts as a governance officer would, each at the clock's current time. */
export class Recorder {
  constructor(
    private readonly store: EventStore,
    private readonly clock: MovableClock,
  ) {}

  private get now(): string {
    return this.clock.now().toISOString();
  }

  agreement(
    agreementId: string,
    command: { type: AgreementCommand['type']; data: Record<string, unknown> },
  ): Promise<void> {
    const full = {
      ...command,
      data: { agreementId, ...command.data },
      metadata: { now: this.now },
    } as AgreementCommand;
    return record(this.store, agreementStreamId(agreementId), agreementDecider, full);
  }

  board(boardId: string, command: { type: BoardCommand['type']; data: Record<string, unknown> }): Promise<void> {
    const full = { ...command, data: { boardId, ...command.data }, metadata: { now: this.now } } as BoardCommand;
    return record(this.store, boardStreamId(boardId), boardDecider, full);
  }

  /** The Hampshire / Thames Valley bilateral s22A agreement, drafted, signed, approved and in force. */
  async bilateralAgreementInForce(agreementId: string, on: string, reviewDue: string | null = null): Promise<void> {
    this.clock.set(on);
    await this.agreement(agreementId, {
      type: 'DraftAgreement',
      data: {
        title: 'Hampshire and Thames Valley bilateral collaboration',
        legalBasis: 's22A',
        businessArea: 'joint operations',
        deliveryModel: 'joint-unit',
        parties: [body('hampshire'), body('thames-valley')],
        hostForce: 'thames-valley',
        reviewDue,
        occurredAt: at(on),
      },
    });
    for (const party of ['hampshire', 'thames-valley']) {
      await this.agreement(agreementId, {
        type: 'SignAgreement',
        data: { party, signedBy: 'Chief Constable', occurredAt: at(on) },
      });
      await this.agreement(agreementId, { type: 'GivePccApproval', data: { party, occurredAt: at(on) } });
    }
    await this.agreement(agreementId, { type: 'BringIntoForce', data: { occurredAt: at(on) } });
  }

  async establishBoard(
    boardId: string,
    agreementId: string,
    on: string,
    terms: { rearrangeWithinDays?: number } = {},
  ): Promise<void> {
    this.clock.set(on);
    await this.board(boardId, {
      type: 'EstablishBoard',
      data: {
        name: 'Hampshire/TVP Bilateral Collaboration Governance Board',
        agreements: [{ agreementId, exists: true }],
        chair: 'Thames Valley Police and Crime Commissioner',
        maxDaysBetweenMeetings: 92,
        quorum: 2,
        occurredAt: at(on),
        ...terms,
      },
    });
  }

  schedule(boardId: string, meetingId: string, scheduledFor: string): Promise<void> {
    return this.board(boardId, { type: 'ScheduleMeeting', data: { meetingId, scheduledFor } });
  }

  async hold(boardId: string, meetingId: string, on: string, attendees = BOTH_FORCES): Promise<void> {
    this.clock.set(on);
    await this.board(boardId, { type: 'HoldMeeting', data: { meetingId, occurredAt: at(on), attendees } });
  }

  async cancel(boardId: string, meetingId: string, on: string): Promise<void> {
    this.clock.set(on);
    await this.board(boardId, {
      type: 'CancelMeeting',
      data: { meetingId, reason: 'Chief officers unavailable', occurredAt: at(on) },
    });
  }

  async rearrange(boardId: string, meetingId: string, on: string, newDate: string): Promise<void> {
    this.clock.set(on);
    await this.board(boardId, { type: 'RearrangeMeeting', data: { meetingId, newDate, occurredAt: at(on) } });
  }
}

export const until = async (
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
