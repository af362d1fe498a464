import { Logger } from '@nestjs/common';
import kafkajs from 'kafkajs';
import type { Kafka as KafkaClient, LogEntry } from 'kafkajs';

const { Kafka, logLevel: KafkaLogLevel } = kafkajs;

export type KafkaLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

export interface KafkaClientOptions {
  /** Bootstrap brokers, host:port. */
  brokers: string[];
  /** Default `governance-tracker`. */
  clientId?: string;
  /** Default 3000 ms. */
  connectionTimeoutMs?: number;
  /** Default 30000 ms. */
  requestTimeoutMs?: number;
  /**
   * How often kafkajs retries one request itself (default 3) before it gives up and the caller's
   * own backoff takes over. Kept small so an outage shows in /health within seconds.
   */
  retries?: number;
  /** kafkajs' own log lines, forwarded to the Nest logger; default `warn`. */
  logLevel?: KafkaLogLevel;
}

const LEVELS: Record<KafkaLogLevel, kafkajs.logLevel> = {
  nothing: KafkaLogLevel.NOTHING,
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
};

/** The one place that builds a kafkajs client, so swapping the client library stays in this folder. */
export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  if (options.brokers.length === 0) throw new Error('Kafka needs at least one broker (KAFKA_BROKERS).');
  const logger = new Logger('kafkajs');
  return new Kafka({
    clientId: options.clientId ?? 'governance-tracker',
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: { retries: options.retries ?? 3, initialRetryTime: 300, maxRetryTime: 5000 },
    logLevel: LEVELS[options.logLevel ?? 'warn'],
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, timestamp: _timestamp, logger: _logger, ...extra } = log;
        // Bounded producer retries are deliberate (see KafkajsEventPublisher): not worth a warning per producer.
        if (typeof message === 'string' && message.startsWith('Limiting retries for the idempotent producer')) return;
        const line = `${namespace}: ${message}${Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : ''}`;
        if (level === KafkaLogLevel.ERROR) logger.error(line);
        else if (level === KafkaLogLevel.WARN) logger.warn(line);
        else if (level === KafkaLogLevel.INFO) logger.log(line);
        else logger.debug(line);
      },
  });
}
