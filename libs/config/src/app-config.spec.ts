import { generateKeyPairSync } from 'node:crypto';
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
      logFormat: 'auto',
      workers: 'on',
      alertWebhookUrls: [],
      alertNotifyHistory: 'skip',
      importOnStart: null,
      eventStore: 'sql',
      kurrentDbUrl: null,
      auth: {
        mode: 'generated',
        secretFile: 'data/auth-secret',
        issuer: 'governance-tracker',
        audience: 'governance-tracker-api',
        maxTokenLifetimeMs: 86_400_000,
      },
      personalData: { mode: 'generated', secretFile: 'data/personal-data-secret' },
      writeRateLimit: { limit: 120, windowMs: 60_000 },
      unauthenticatedRateLimit: { limit: 30, windowMs: 60_000 },
      publicReadRateLimit: { limit: 60, windowMs: 60_000 },
      httpTimeouts: { headersMs: 10_000, requestMs: 10_000 },
      corsOrigins: [],
      checkpoints: {
        everyEvents: 1000,
        intervalMs: 60_000,
        anchorFile: 'data/checkpoints.ndjson',
        key: { source: 'file', file: 'data/checkpoint-key.pem' },
      },
      tracing: { otlpEndpoint: null, serviceName: null },
    });
  });

  test('tracing is on with an OTLP endpoint, which must be an http(s) URL', () => {
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SERVICE_NAME: 'gov-api-eu' }).tracing,
    ).toEqual({ otlpEndpoint: 'http://collector:4318', serviceName: 'gov-api-eu' });
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/,
    );
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
      loadConfig({
        PORT: 'eighty',
        COMPLIANCE_TICK: 'hourly',
        DATABASE_URL: 'mysql://x',
        KAFKA_BROKERS: 'nohost',
        WORKERS: 'maybe',
        ALERT_WEBHOOK_URLS: 'ftp://x',
      });
      throw new Error('expected a ConfigurationError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      const message = (error as Error).message;
      for (const name of ['PORT', 'COMPLIANCE_TICK', 'DATABASE_URL', 'KAFKA_BROKERS', 'WORKERS', 'ALERT_WEBHOOK_URLS'])
        expect(message).toContain(name);
    }
  });

  test('EVENT_STORE=kurrentdb runs with or without the background workers', () => {
    const kurrent = { EVENT_STORE: 'kurrentdb', KURRENTDB_URL: 'kurrentdb://127.0.0.1:2113?tls=false' };
    expect(loadConfig(kurrent)).toMatchObject({ eventStore: 'kurrentdb', workers: 'on' });
    expect(loadConfig({ ...kurrent, WORKERS: 'off' }).eventStore).toBe('kurrentdb');
  });

  test('log format: json or pretty; unset means auto in development and json in production', () => {
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'production' }).logFormat).toBe('json');
    expect(loadConfig({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT must be json or pretty/);
  });

  test('alert history on a first start: skip by default, deliver on request, anything else named', () => {
    expect(loadConfig({ ALERT_NOTIFY_HISTORY: 'deliver' }).alertNotifyHistory).toBe('deliver');
    expect(loadConfig({ ALERT_NOTIFY_HISTORY: ' skip ' }).alertNotifyHistory).toBe('skip');
    expect(loadConfig({ ALERT_NOTIFY_HISTORY: '' }).alertNotifyHistory).toBe('skip');
    expect(() => loadConfig({ ALERT_NOTIFY_HISTORY: 'all' })).toThrow(ConfigurationError);
    expect(() => loadConfig({ ALERT_NOTIFY_HISTORY: 'all' })).toThrow(
      /ALERT_NOTIFY_HISTORY must be skip \(alerts recorded before the notifier first started are not sent\) or deliver \(they are\), not "all"/,
    );
  });

  test('public register reads without a token are limited per address (RATE_LIMIT_PUBLIC, default 60 a minute)', () => {
    expect(loadConfig({}).publicReadRateLimit).toEqual({ limit: 60, windowMs: 60_000 });
    expect(loadConfig({ RATE_LIMIT_PUBLIC: '3/10s' }).publicReadRateLimit).toEqual({ limit: 3, windowMs: 10_000 });
    expect(() => loadConfig({ RATE_LIMIT_PUBLIC: 'lots' })).toThrow(/RATE_LIMIT_PUBLIC must be a count per duration/);
  });

  test('unauthenticated requests are limited per address, and slow requests are cut after 10 s unless configured', () => {
    const config = loadConfig({
      RATE_LIMIT_UNAUTHENTICATED: '5/10s',
      HTTP_HEADERS_TIMEOUT: '2s',
      HTTP_REQUEST_TIMEOUT: '5s',
    });
    expect(config.unauthenticatedRateLimit).toEqual({ limit: 5, windowMs: 10_000 });
    expect(config.httpTimeouts).toEqual({ headersMs: 2000, requestMs: 5000 });
    expect(() => loadConfig({ RATE_LIMIT_UNAUTHENTICATED: 'lots' })).toThrow(/RATE_LIMIT_UNAUTHENTICATED/);
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT: 'never' })).toThrow(/HTTP_REQUEST_TIMEOUT must be a duration/);
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT: '20s', HTTP_REQUEST_TIMEOUT: '10s' })).toThrow(
      /must not be longer/,
    );
  });

  describe('authentication', () => {
    const secret = 'x'.repeat(32);

    test('a shared secret, with issuer and audience', () => {
      expect(
        loadConfig({ AUTH_JWT_SECRET: secret, AUTH_ISSUER: 'https://idp.example', AUTH_AUDIENCE: 'tracker' }).auth,
      ).toEqual({
        mode: 'secret',
        secret,
        issuer: 'https://idp.example',
        audience: 'tracker',
        maxTokenLifetimeMs: 86_400_000,
      });
    });

    test('the longest token lifetime accepted is AUTH_MAX_TOKEN_LIFETIME, a duration of at least a minute', () => {
      expect(loadConfig({ AUTH_MAX_TOKEN_LIFETIME: '8h' }).auth.maxTokenLifetimeMs).toBe(28_800_000);
      expect(() => loadConfig({ AUTH_MAX_TOKEN_LIFETIME: 'forever' })).toThrow(
        /AUTH_MAX_TOKEN_LIFETIME must be a duration/,
      );
      expect(() => loadConfig({ AUTH_MAX_TOKEN_LIFETIME: '30s' })).toThrow(/at least a minute/);
    });

    test('a JWKS URL, https unless on localhost', () => {
      expect(loadConfig({ AUTH_JWKS_URL: 'https://idp.example/jwks' }).auth).toMatchObject({
        mode: 'jwks',
        jwksUrl: 'https://idp.example/jwks',
      });
      expect(loadConfig({ AUTH_JWKS_URL: 'http://127.0.0.1:9000/jwks' }).auth.mode).toBe('jwks');
      expect(() => loadConfig({ AUTH_JWKS_URL: 'http://idp.example/jwks' })).toThrow(/https/);
    });

    test('refuses a short secret, and both ways at once', () => {
      expect(() => loadConfig({ AUTH_JWT_SECRET: 'short' })).toThrow(/at least 32 bytes/);
      expect(() => loadConfig({ AUTH_JWT_SECRET: secret, AUTH_JWKS_URL: 'https://idp.example/jwks' })).toThrow(
        /not both/,
      );
    });

    test('PERSONAL_DATA_SECRET must be at least 32 bytes; PERSONAL_DATA_SECRET_FILE moves the generated one', () => {
      expect(() => loadConfig({ PERSONAL_DATA_SECRET: 'short' })).toThrow(
        /PERSONAL_DATA_SECRET must be at least 32 bytes/,
      );
      expect(loadConfig({ PERSONAL_DATA_SECRET: 'p'.repeat(32) }).personalData).toEqual({
        mode: 'secret',
        secret: 'p'.repeat(32),
      });
      expect(loadConfig({ PERSONAL_DATA_SECRET_FILE: '/run/pd' }).personalData).toEqual({
        mode: 'generated',
        secretFile: '/run/pd',
      });
    });

    test('PostgreSQL without auth settings is unconfigured (the API refuses to start) unless a dev secret file is chosen', () => {
      const config = loadConfig({ DATABASE_URL: 'postgres://u@db/gov' });
      expect(config.auth.mode).toBe('unconfigured');
      expect(config.auth.mode === 'unconfigured' && config.auth.reason).toMatch(/AUTH_JWT_SECRET/);
      expect(
        loadConfig({ DATABASE_URL: 'postgres://u@db/gov', AUTH_DEV_SECRET_FILE: '/run/secret' }).auth,
      ).toMatchObject({
        mode: 'generated',
        secretFile: '/run/secret',
      });
    });
  });

  test('write rate limit and CORS origins', () => {
    const config = loadConfig({
      RATE_LIMIT_WRITES: '10/30s',
      CORS_ORIGINS: 'https://a.example, http://localhost:5173',
    });
    expect(config.writeRateLimit).toEqual({ limit: 10, windowMs: 30_000 });
    expect(config.corsOrigins).toEqual(['https://a.example', 'http://localhost:5173']);
    expect(() => loadConfig({ RATE_LIMIT_WRITES: 'lots' })).toThrow(/RATE_LIMIT_WRITES/);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.example/path' })).toThrow(/CORS_ORIGINS/);
  });

  test('checkpoints: signed every N events or T, with a key outside the database (none on PostgreSQL until one is named)', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(
      loadConfig({
        CHECKPOINT_EVERY_EVENTS: '50',
        CHECKPOINT_INTERVAL: '10s',
        CHECKPOINT_ANCHOR_FILE: '/audit/cp.ndjson',
      }).checkpoints,
    ).toMatchObject({
      everyEvents: 50,
      intervalMs: 10_000,
      anchorFile: '/audit/cp.ndjson',
    });
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db/gov' }).checkpoints.key).toMatchObject({
      source: 'none',
      reason: expect.stringMatching(/CHECKPOINT_KEY_FILE/),
    });
    expect(
      loadConfig({ DATABASE_URL: 'postgres://u@db/gov', CHECKPOINT_KEY_FILE: '/run/cp.pem' }).checkpoints.key,
    ).toEqual({ source: 'file', file: '/run/cp.pem' });
    expect(loadConfig({ CHECKPOINT_PRIVATE_KEY: pem.replace(/\n/g, '\\n') }).checkpoints.key).toEqual({
      source: 'env',
      pem,
    });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() => loadConfig({ CHECKPOINT_PRIVATE_KEY: rsa })).toThrow(/must be an Ed25519 key, not rsa/);
    expect(() => loadConfig({ CHECKPOINT_PRIVATE_KEY: 'secret' })).toThrow(/PKCS#8 PEM/);
    expect(() => loadConfig({ CHECKPOINT_PRIVATE_KEY: pem, CHECKPOINT_KEY_FILE: '/k' })).toThrow(/not both/);
    expect(() => loadConfig({ CHECKPOINT_EVERY_EVENTS: '0' })).toThrow(/CHECKPOINT_EVERY_EVENTS/);
    expect(() => loadConfig({ CHECKPOINT_EVERY_EVENTS: '20000' })).toThrow(/from 1 to 10000/);
    expect(() => loadConfig({ CHECKPOINT_INTERVAL: 'often' })).toThrow(/CHECKPOINT_INTERVAL/);
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
