import { describe, expect, test } from '@jest/globals';
import { ConfigurationError, loadConfig, parseDuration } from './app-config.js';

describe('configuration', () => {
  test('defaults just work: embedded database in ./data, Kafka off, port 3000, hourly tick', () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: null,
      dataDir: './data',
      kafkaBrokers: [],
      port: 3000,
      host: '0.0.0.0',
      complianceTickMs: 3_600_000,
      logLevel: 'info',
      workers: 'on',
      alertWebhookUrls: [],
      importOnStart: null,
    });
  });

  test('reads every variable', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/gov',
      DATA_DIR: '/var/lib/gov',
      KAFKA_BROKERS: 'k1:9092, k2:9092',
      PORT: '8080',
      COMPLIANCE_TICK: '30s',
    });
    expect(config.databaseUrl).toBe('postgres://u@db:5432/gov');
    expect(config.kafkaBrokers).toEqual(['k1:9092', 'k2:9092']);
    expect(config.port).toBe(8080);
    expect(config.complianceTickMs).toBe(30_000);
  });

  test('names every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'eighty', COMPLIANCE_TICK: 'hourly', DATABASE_URL: 'mysql://x', KAFKA_BROKERS: 'nohost', WORKERS: 'maybe', ALERT_WEBHOOK_URLS: 'ftp://x' });
      throw new Error('expected a ConfigurationError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      const message = (error as Error).message;
      for (const name of ['PORT', 'COMPLIANCE_TICK', 'DATABASE_URL', 'KAFKA_BROKERS', 'WORKERS', 'ALERT_WEBHOOK_URLS']) expect(message).toContain(name);
    }
  });

  test.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['250ms', 250],
    ['0s', null],
    ['1 hour', null],
  ])('parses the duration %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});
