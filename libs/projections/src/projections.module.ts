import {
  Inject,
  Injectable,
  Logger,
  Module,
  Optional,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { EventStore, SqlDatabase } from '#event-store';
import { ensureProjectionSchema } from './checkpoint-store.js';
import { ProjectionRunner, type ProjectionRunnerOptions } from './projection-runner.js';
import { ProjectionStatus } from './projection-status.js';
import { READ_MODEL_PROJECTIONS } from './read-models/index.js';
import type { SqlProjection } from './sql-projection.js';

/** DI token of the projection list (for a controller that wants to name them). */
export const PROJECTIONS = Symbol('PROJECTIONS');

export interface ProjectionsModuleOptions {
  /** Default: every read model of this lib (READ_MODEL_PROJECTIONS). */
  projections?: readonly SqlProjection[];
  /**
   * true (default): this process runs the projections (apps/api embedded, apps/worker).
   * false: it only reads them (apps/api in a split deployment), and waits and reports through the database.
   */
  run?: boolean;
  runner?: Omit<ProjectionRunnerOptions, 'logger'>;
}

@Injectable()
class ProjectionsLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projections');

  constructor(
    private readonly db: SqlDatabase,
    @Inject(PROJECTIONS) private readonly projections: readonly SqlProjection[],
    private readonly status: ProjectionStatus,
    @Optional() @Inject(ProjectionRunner) private readonly runner: ProjectionRunner | null,
  ) {}

  /** The read-model tables exist before the first query, whichever process runs the projections. */
  async onModuleInit(): Promise<void> {
    await ensureProjectionSchema(this.db, this.projections);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.runner) return;
    await this.runner.start();
    this.logger.log(`following the log: ${this.projections.map((p) => p.name).join(', ')}`);
  }

  /** Before the persistence module closes the database on shutdown. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.runner?.stop();
    await this.status.close();
  }
}

/**
 * Read models for Nest apps. Needs SqlDatabase and EventStore from DI (the API's PersistenceModule
 * provides both globally). Exports ProjectionStatus: `waitForPosition` for `?minPosition=` and
 * `health()`/`report()` for the health endpoint.
 *
 *   imports: [ProjectionsModule.forRoot()]                 // apps/api embedded, apps/worker
 *   imports: [ProjectionsModule.forRoot({ run: false })]   // apps/api beside a worker
 */
@Module({})
export class ProjectionsModule {
  static forRoot(options: ProjectionsModuleOptions = {}): DynamicModule {
    const projections = options.projections ?? READ_MODEL_PROJECTIONS;
    const run = options.run ?? true;
    return {
      module: ProjectionsModule,
      providers: [
        { provide: PROJECTIONS, useValue: projections },
        ...(run
          ? [
              {
                provide: ProjectionRunner,
                inject: [SqlDatabase, EventStore],
                useFactory: (db: SqlDatabase, store: EventStore) =>
                  new ProjectionRunner(db, store, projections, {
                    ...options.runner,
                    logger: new Logger('Projections'),
                  }),
              },
            ]
          : []),
        {
          provide: ProjectionStatus,
          inject: [SqlDatabase, EventStore, { token: ProjectionRunner, optional: true }],
          useFactory: (db: SqlDatabase, store: EventStore, runner?: ProjectionRunner) =>
            new ProjectionStatus(db, store, projections, runner ?? null),
        },
        ProjectionsLifecycle,
      ],
      exports: [ProjectionStatus, PROJECTIONS],
    };
  }
}
