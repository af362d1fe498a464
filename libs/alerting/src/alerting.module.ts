import {
  Inject,
  Injectable,
  Logger,
  Module,
  Optional,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type InjectionToken,
  type OnApplicationBootstrap,
  type Provider,
} from '@nestjs/common';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { EventStore, SqlDatabase } from '#event-store';
import { ProjectionStatus } from '#projections';
import { AlertCommands } from './alert-commands.js';
import { AlertingStatus } from './alerting-status.js';
import { ComplianceEvaluator, type ComplianceClock } from './compliance-evaluator.js';
import { ReadModelComplianceSubjects } from './compliance-subjects.js';
import { ComplianceTick } from './compliance-tick.js';
import { ComplianceTrigger, migrateAlerting, type ComplianceTriggerOptions } from './compliance-trigger.js';

/** DI token of the clock the evaluator reads (`{ now(): Date }`). Bind it to the app's clock. */
export const COMPLIANCE_CLOCK = Symbol('COMPLIANCE_CLOCK');
/** DI token of the module's options. */
export const ALERTING_OPTIONS = Symbol('ALERTING_OPTIONS');

/**
 * What the compliance evaluator waits for before it first runs: bound (globally) by the seed import on start
 * (libs/application), so the evaluator judges the imported record once it is whole rather than each half-way
 * state of it. Unbound (no import, the worker), the evaluator starts at once.
 */
export abstract class EvaluationStartGate {
  abstract ready(): Promise<void>;
}

export interface AlertingModuleOptions {
  /** Interval of the clock tick in milliseconds (the configuration's `complianceTickMs`, COMPLIANCE_TICK). */
  complianceTickMs: number;
  /**
   * true (default): this process runs the tick and the event trigger (apps/api embedded, apps/worker).
   * false: it only provides the evaluator and status (apps/api beside a worker that runs them).
   */
  run?: boolean;
  /** Evaluate everything once at bootstrap, without waiting for the first tick (default true when running). */
  evaluateOnStart?: boolean;
  /**
   * A provider token to read the time from (e.g. the API's `Clock`), aliased to COMPLIANCE_CLOCK.
   * Absent: COMPLIANCE_CLOCK is the system clock (tests can `overrideProvider(COMPLIANCE_CLOCK)`).
   */
  clock?: InjectionToken;
  trigger?: Omit<ComplianceTriggerOptions, 'logger'>;
}

const systemClock: ComplianceClock = { now: () => new Date() };

@Injectable()
class AlertingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Alerting');

  constructor(
    private readonly db: SqlDatabase,
    @Inject(ALERTING_OPTIONS) private readonly options: AlertingModuleOptions,
    @Optional() @Inject(ComplianceTick) private readonly tick: ComplianceTick | null,
    @Optional() @Inject(ComplianceTrigger) private readonly trigger: ComplianceTrigger | null,
    @Optional() @Inject(EvaluationStartGate) private readonly gate: EvaluationStartGate | null,
  ) {}

  private started: Promise<void> | null = null;
  private stopping = false;

  async onApplicationBootstrap(): Promise<void> {
    await migrateAlerting(this.db);
    if (!this.tick || !this.trigger) return;
    const { tick, trigger } = this;
    const start = async () => {
      if (this.stopping) return;
      await trigger.start();
      tick.start();
      if (this.options.evaluateOnStart ?? true) void tick.tick();
      this.logger.log(
        `compliance evaluator running: tick every ${this.options.complianceTickMs} ms, and on every board or agreement event`,
      );
    };
    if (!this.gate) return start();
    // Not awaited: the import the gate waits for may itself be a later bootstrap hook. A failed import fails the start.
    this.started = this.gate
      .ready()
      .then(start)
      .catch((error: unknown) => this.logger.error(`compliance evaluator not started: ${String(error)}`));
  }

  /** Before the persistence module closes the database. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.started;
    await this.tick?.stop();
    await this.trigger?.stop();
  }
}

/**
 * The compliance evaluator for Nest apps. Needs EventStore and SqlDatabase from DI (PersistenceModule
 * in libs/platform provides both globally), ProjectionStatus over projections that include
 * COMPLIANCE_SUBJECT_PROJECTIONS (ProjectionsModule; BackgroundModule composes both), and AlertCommands (ApplicationModule in libs/application
 * binds it to the command bus). Exports ComplianceEvaluator (evaluate a board, an
 * agreement or everything now) and AlertingStatus (for GET /health).
 *
 *   imports: [AlertingModule.forRoot({ complianceTickMs: config.complianceTickMs, clock: Clock })]
 */
@Module({})
export class AlertingModule {
  static forRoot(options: AlertingModuleOptions): DynamicModule {
    const run = options.run ?? true;
    const clockProvider: Provider = options.clock
      ? { provide: COMPLIANCE_CLOCK, useExisting: options.clock }
      : { provide: COMPLIANCE_CLOCK, useValue: systemClock };
    const workers: Provider[] = run
      ? [
          {
            provide: ComplianceTick,
            inject: [SchedulerRegistry, ComplianceEvaluator],
            useFactory: (registry: SchedulerRegistry, evaluator: ComplianceEvaluator) =>
              new ComplianceTick(registry, evaluator, options.complianceTickMs, new Logger('ComplianceTick')),
          },
          {
            provide: ComplianceTrigger,
            inject: [SqlDatabase, EventStore, ComplianceEvaluator],
            useFactory: (db: SqlDatabase, store: EventStore, evaluator: ComplianceEvaluator) =>
              new ComplianceTrigger(db, store, evaluator, {
                ...options.trigger,
                logger: new Logger('ComplianceTrigger'),
              }),
          },
        ]
      : [];
    return {
      module: AlertingModule,
      imports: [ScheduleModule.forRoot()],
      providers: [
        { provide: ALERTING_OPTIONS, useValue: options },
        clockProvider,
        {
          provide: ComplianceEvaluator,
          inject: [EventStore, AlertCommands, SqlDatabase, ProjectionStatus, COMPLIANCE_CLOCK],
          useFactory: (
            store: EventStore,
            commands: AlertCommands,
            db: SqlDatabase,
            status: ProjectionStatus,
            clock: ComplianceClock,
          ) =>
            new ComplianceEvaluator(store, commands, new ReadModelComplianceSubjects(db, status), clock, {
              logger: new Logger('Compliance'),
            }),
        },
        ...workers,
        {
          provide: AlertingStatus,
          inject: [
            ComplianceEvaluator,
            SqlDatabase,
            EventStore,
            { token: ComplianceTick, optional: true },
            { token: ComplianceTrigger, optional: true },
          ],
          useFactory: (
            evaluator: ComplianceEvaluator,
            db: SqlDatabase,
            store: EventStore,
            tick?: ComplianceTick,
            trigger?: ComplianceTrigger,
          ) => new AlertingStatus(evaluator, tick ?? null, trigger ?? null, db, store, options.trigger?.name),
        },
        AlertingLifecycle,
      ],
      exports: [ComplianceEvaluator, AlertingStatus, COMPLIANCE_CLOCK],
    };
  }
}
