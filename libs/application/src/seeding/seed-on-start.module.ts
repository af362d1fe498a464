import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EvaluationStartGate } from '#alerting';
import { Clock } from '#platform';
import { ApplicationModule } from '../application.module.js';
import { ReferenceData } from '../commands/reference-data.js';
import { formatAssumptions, formatFailures, formatSummary } from './import-report.js';
import { importSeed } from './importer.js';
import { readSeedFile } from './seed-file.js';

const SEED_FILE = Symbol('SEED_FILE');

/**
 * Imports the seed file when the application starts. The import is idempotent, so every start
 * may run it: the first appends the file's facts, the next ones are answered from their keys.
 * It runs in onApplicationBootstrap, after CqrsModule (global, so bootstrapped first) has
 * registered the command handlers, and before the application listens.
 */
/** Opens when the import on start has ended, whatever its outcome: the compliance evaluator starts then. */
@Injectable()
class ImportOnStartGate extends EvaluationStartGate {
  private opened!: () => void;
  private readonly open = new Promise<void>((resolve) => (this.opened = resolve));

  ready(): Promise<void> {
    return this.open;
  }
  release(): void {
    this.opened();
  }
}

/**
 * Global for the gate alone: the compliance evaluator (in the background module) must see it. The import stays in
 * a module of its own, so its bootstrap hook keeps its place after CqrsModule's (a global module's would not).
 */
@Global()
@Module({
  providers: [ImportOnStartGate, { provide: EvaluationStartGate, useExisting: ImportOnStartGate }],
  exports: [ImportOnStartGate, EvaluationStartGate],
})
class ImportOnStartGateModule {}

@Injectable()
class SeedOnStart implements OnApplicationBootstrap {
  private readonly logger = new Logger('SeedOnStart');

  constructor(
    @Inject(SEED_FILE) private readonly path: string,
    private readonly bus: CommandBus,
    private readonly references: ReferenceData,
    private readonly clock: Clock,
    private readonly gate: ImportOnStartGate,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.import();
    } finally {
      this.gate.release();
    }
  }

  private async import(): Promise<void> {
    // An unreadable or malformed file stops the start, as invalid configuration does.
    const seed = await readSeedFile(this.path);
    const report = await importSeed({ bus: this.bus, references: this.references, clock: this.clock }, seed, {
      source: this.path,
    });
    for (const line of formatSummary(report)) this.logger.log(line);
    for (const line of formatFailures(report)) this.logger.warn(line);
    // The assumptions are said once, when the facts they qualify are recorded.
    if (report.eventsAppended > 0) {
      for (const line of formatAssumptions(report)) this.logger.log(line);
    }
  }
}

@Module({})
export class SeedOnStartModule {
  /** `path` null (IMPORT_ON_START unset): nothing is imported. */
  static forRoot(path: string | null): DynamicModule {
    if (path === null) return { module: SeedOnStartModule };
    return {
      module: SeedOnStartModule,
      imports: [ApplicationModule, ImportOnStartGateModule],
      providers: [{ provide: SEED_FILE, useValue: path }, SeedOnStart],
    };
  }
}
