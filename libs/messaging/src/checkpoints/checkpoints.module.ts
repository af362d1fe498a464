import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { CheckpointConfig } from '#config';
import {
  CheckpointAnchor,
  Checkpointer,
  checkpointSignerFor,
  FileCheckpointAnchor,
  SqlDatabase,
  type CheckpointSigner,
  backoffDelay,
  sleep,
} from '#event-store';
import { KafkajsEventPublisher } from '../kafkajs/kafkajs-event-publisher.adapter.js';
import { DEFAULT_CHECKPOINT_TOPIC, KafkaCheckpointAnchor } from './kafka-checkpoint-anchor.js';

export interface CheckpointsOptions {
  config: CheckpointConfig;
  /** Kafka bootstrap brokers; empty → no topic anchor. */
  brokers: string[];
  /** False (WORKERS=off): this process signs nothing, but still knows the key for receipts. */
  run: boolean;
  /** Default governance.checkpoints. */
  topic?: string;
  /** How often the loop looks for due work; default min(interval, 5 s). */
  pollMs?: number;
}

const CHECKPOINTS_OPTIONS = Symbol('CheckpointsOptions');

/** The configured signer (null when none is configured), for receipts and the checkpointer. */
export class CheckpointKeys {
  constructor(readonly signer: CheckpointSigner | null) {}
}

export interface CheckpointerStatus {
  state: 'running' | 'retrying' | 'stopped' | 'disabled';
  reason?: string;
  lastCheckpoint: { position: string; signedAt: string } | null;
  /** The latest failure; `code` is checkpoint-refused when the chain or the last checkpoint no longer verifies. */
  lastError: { message: string; code: string; at: string } | null;
}

/**
 * Runs the checkpointer beside the projections: it polls (cheap: one count over the newest
 * events), signs when due, then hands new checkpoints to the file and Kafka anchors. A failure
 * (an anchor down, a chain that no longer verifies) is logged and retried with backoff; appends
 * never wait for any of it.
 */
@Injectable()
export class CheckpointLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Checkpoints');
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private readonly publisher: KafkajsEventPublisher | null;
  readonly checkpointer: Checkpointer | null;
  private state: CheckpointerStatus['state'] = 'stopped';
  private lastCheckpoint: CheckpointerStatus['lastCheckpoint'] = null;
  private lastError: CheckpointerStatus['lastError'] = null;
  private failures = 0;

  constructor(
    @Inject(CHECKPOINTS_OPTIONS) private readonly options: CheckpointsOptions,
    keys: CheckpointKeys,
    db: SqlDatabase,
  ) {
    const signer = keys.signer;
    this.publisher =
      signer && options.run && options.brokers.length > 0
        ? new KafkajsEventPublisher({ brokers: options.brokers })
        : null;
    if (!signer || !options.run) {
      this.checkpointer = null;
      return;
    }
    const anchors: CheckpointAnchor[] = [new FileCheckpointAnchor(options.config.anchorFile)];
    if (this.publisher)
      anchors.push(
        new KafkaCheckpointAnchor(this.publisher, signer.publicKey, options.topic ?? DEFAULT_CHECKPOINT_TOPIC),
      );
    this.checkpointer = new Checkpointer(db, signer, {
      everyEvents: options.config.everyEvents,
      intervalMs: options.config.intervalMs,
      anchors,
    });
  }

  onApplicationBootstrap(): void {
    const key = this.options.config.key;
    if (key.source === 'none') {
      this.logger.warn(`checkpoints off: ${key.reason}`);
      return;
    }
    if (!this.checkpointer) return;
    this.state = 'running';
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.loop;
    await this.publisher?.close();
  }

  status(): CheckpointerStatus {
    if (!this.checkpointer) {
      const reason =
        this.options.config.key.source === 'none'
          ? this.options.config.key.reason
          : 'WORKERS=off: another process signs';
      return { state: 'disabled', reason, lastCheckpoint: null, lastError: null };
    }
    return { state: this.state, lastCheckpoint: this.lastCheckpoint, lastError: this.lastError };
  }

  /**
   * One pass: signs what is due and anchors it, recording the outcome for status(). True when it
   * went through. The loop calls it; so can a test or an operator's tool, to sign now.
   */
  async pass(): Promise<boolean> {
    if (!this.checkpointer) return false;
    try {
      const last = (await this.checkpointer.runOnce()).at(-1);
      if (last) {
        this.lastCheckpoint = { position: last.position, signedAt: last.signedAt };
        this.logger.debug(`signed checkpoint at position ${last.position}`);
      }
      this.failures = 0;
      this.state = 'running';
      return true;
    } catch (error) {
      this.failures++;
      this.state = 'retrying';
      const code = (error as { code?: unknown }).code;
      this.lastError = {
        message: (error as Error).message,
        code: typeof code === 'string' ? code : 'checkpoint-failed',
        at: new Date().toISOString(),
      };
      this.logger.error(`checkpoint failed (attempt ${this.failures}): ${(error as Error).message}`);
      return false;
    }
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    const pollMs = this.options.pollMs ?? Math.min(this.options.config.intervalMs, 5000);
    while (!signal.aborted) {
      const ok = await this.pass();
      if (signal.aborted) break;
      await sleep(ok ? pollMs : backoffDelay(this.failures, { initialMs: 1000, maxMs: 60_000 }), signal);
    }
    this.state = 'stopped';
  }
}

/** Signed checkpoints of the hash chain and their anchors (docs/integrity.md). Needs a global SqlDatabase. */
@Module({})
export class CheckpointsModule {
  static forRoot(options: CheckpointsOptions): DynamicModule {
    return {
      module: CheckpointsModule,
      providers: [
        { provide: CHECKPOINTS_OPTIONS, useValue: options },
        {
          provide: CheckpointKeys,
          useFactory: async () => new CheckpointKeys(await checkpointSignerFor(options.config.key)),
        },
        CheckpointLifecycle,
      ],
      exports: [CheckpointKeys, CheckpointLifecycle],
    };
  }
}
