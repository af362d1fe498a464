import { createPrivateKey } from 'node:crypto';
import { join } from 'node:path';

/**
 * The one typed, validated configuration of the service (docs/architecture.md, "One configuration"). Nothing else reads
 * `process.env`. Every variable has a default that just works on a laptop: no DATABASE_URL means
 * embedded PGlite in DATA_DIR, no KAFKA_BROKERS means Kafka off.
 */
export interface AppConfig {
  /** PostgreSQL connection string; null → embedded PGlite in `dataDir`. */
  databaseUrl: string | null;
  dataDir: string;
  /** Kafka bootstrap brokers; empty → Kafka off. */
  kafkaBrokers: string[];
  port: number;
  host: string;
  /** Interval of the compliance clock tick, in milliseconds. */
  complianceTickMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /**
   * `json`: one JSON object per line (for a log collector). `pretty`: human-readable (pino-pretty, a
   * development dependency). `auto` (LOG_FORMAT unset, NODE_ENV not `production`): pretty when
   * pino-pretty is installed, JSON otherwise. With NODE_ENV=production the default is `json`.
   */
  logFormat: 'json' | 'pretty' | 'auto';
  /**
   * `on`: this process also runs the background workers (projections, compliance evaluator, Kafka
   * relay) — the embedded default. `off`: the API only, beside a separate `apps/worker` process.
   */
  workers: 'on' | 'off';
  /** Webhooks the alert notifier (apps/worker) delivers new alerts to; empty → notifier off. */
  alertWebhookUrls: string[];
  /**
   * What the alert notifier does with the alert events already in the log when delivery is first
   * switched on against a database (ALERT_NOTIFY_HISTORY). `skip` (default): it records a watermark
   * (the head of the event log) and marks every alert event up to it as seen without delivering it;
   * only later alerts reach the webhooks. `deliver`: history is delivered too. Later starts keep the
   * first watermark.
   */
  alertNotifyHistory: 'skip' | 'deliver';
  /** A seed file imported (idempotently) on start; null → none. */
  importOnStart: string | null;
  /**
   * Where the events live: `sql` (DATABASE_URL, or embedded PGlite) or `kurrentdb` (KURRENTDB_URL).
   * The read models and their checkpoints stay in the SQL database either way.
   */
  eventStore: 'sql' | 'kurrentdb';
  /** KurrentDB connection string (`kurrentdb://host:2113?tls=false`); null → not configured. */
  kurrentDbUrl: string | null;
  /** How bearer tokens are verified (see AuthConfig). */
  auth: AuthConfig;
  /**
   * The secret person keys are looked up by (docs/security.md, "Personal data"): PERSONAL_DATA_SECRET
   * (at least 32 bytes), or a secret generated in PERSONAL_DATA_SECRET_FILE (default
   * DATA_DIR/personal-data-secret), as the auth secret of the embedded default is. Several instances
   * on one PostgreSQL database must share it (set PERSONAL_DATA_SECRET): a name is found for erasure
   * only under the secret it was first recorded with.
   */
  personalData: { mode: 'secret'; secret: string } | { mode: 'generated'; secretFile: string };
  /** Writes one principal may make per window (`RATE_LIMIT_WRITES`, e.g. `120/1m`). */
  writeRateLimit: { limit: number; windowMs: number };
  /**
   * Refused sign-ins (401s) one client address may cause per window (`RATE_LIMIT_UNAUTHENTICATED`,
   * default `30/1m`); beyond it every request from that address is 429 until the window ends.
   */
  unauthenticatedRateLimit: { limit: number; windowMs: number };
  /**
   * Reads of the public register (GET /public/...) one client address may make without a token per window
   * (`RATE_LIMIT_PUBLIC`, default `60/1m`); beyond it 429 until the window ends. Signed-in reads are not counted.
   */
  publicReadRateLimit: { limit: number; windowMs: number };
  /**
   * How long the HTTP server waits for a request's headers (`HTTP_HEADERS_TIMEOUT`) and for the whole
   * request, body included (`HTTP_REQUEST_TIMEOUT`), before it cuts the connection; 10 s each by default.
   */
  httpTimeouts: { headersMs: number; requestMs: number };
  /** Origins a browser may call the API from (`CORS_ORIGINS`); empty → CORS closed. */
  corsOrigins: string[];
  /** Signed checkpoints of the hash chain (docs/integrity.md). */
  checkpoints: CheckpointConfig;
  /**
   * OpenTelemetry tracing (docs/operations.md, "Tracing"): the OTLP/HTTP endpoint spans are exported to
   * (`OTEL_EXPORTER_OTLP_ENDPOINT`, e.g. `http://collector:4318`); null → tracing off. `serviceName`
   * (`OTEL_SERVICE_NAME`) names the process in the traces; each app has its own default.
   */
  tracing: { otlpEndpoint: string | null; serviceName: string | null };
}

/**
 * The background checkpointer signs the chain head once `everyEvents` events are unsigned
 * (CHECKPOINT_EVERY_EVENTS, default 1000) or the last checkpoint is `intervalMs` old
 * (CHECKPOINT_INTERVAL, default 1m) and an event is unsigned, and appends each checkpoint to
 * `anchorFile` (CHECKPOINT_ANCHOR_FILE, default DATA_DIR/checkpoints.ndjson). The Ed25519 key
 * (PKCS#8 PEM) lives outside the database: `file` (CHECKPOINT_KEY_FILE, generated there when
 * missing; the embedded default uses DATA_DIR/checkpoint-key.pem) or `env`
 * (CHECKPOINT_PRIVATE_KEY). `none`: PostgreSQL without a key configured: nothing is signed.
 */
export interface CheckpointConfig {
  everyEvents: number;
  intervalMs: number;
  anchorFile: string;
  key: { source: 'file'; file: string } | { source: 'env'; pem: string } | { source: 'none'; reason: string };
}

/** Entries cost about 85 bytes per event in a checkpoint row: keep a row well under a megabyte. */
export const MAX_CHECKPOINT_EVERY_EVENTS = 10_000;

export const AUTH_ROLES = ['officer', 'auditor', 'admin'] as const;
export type AuthRole = (typeof AUTH_ROLES)[number];

/**
 * Bearer-token verification. `secret`: HS256 with AUTH_JWT_SECRET. `jwks`: RS256/ES256 against the
 * keys at AUTH_JWKS_URL (an identity provider). `generated`: HS256 with a secret the service
 * generates in a file (DATA_DIR/auth-secret) so a laptop needs no setup; the CLI's `token`
 * command signs with the same file. `unconfigured`: a PostgreSQL deployment without auth
 * settings; the API refuses to start (a production service must not run on a generated secret
 * by accident) while the worker and the CLI's other commands, which verify no tokens, still run.
 */
export type AuthConfig = {
  issuer: string;
  audience: string;
  /** The longest lifetime (`exp` − `iat`) a token may have (`AUTH_MAX_TOKEN_LIFETIME`, default 24 h). */
  maxTokenLifetimeMs: number;
} & (
  | { mode: 'secret'; secret: string }
  | { mode: 'jwks'; jwksUrl: string }
  | { mode: 'generated'; secretFile: string }
  | { mode: 'unconfigured'; reason: string }
);

export const DEFAULT_AUTH_ISSUER = 'governance-tracker';
export const DEFAULT_AUTH_AUDIENCE = 'governance-tracker-api';

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Parses `30s`, `5m`, `1h`, `250ms`, `1d` into milliseconds; null when malformed. */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (!match) return null;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return ms > 0 ? ms : null;
}

type Env = Record<string, string | undefined>;

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export function loadConfig(env: Env): AppConfig {
  const problems: string[] = [];
  const value = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };

  const databaseUrl = value('DATABASE_URL') ?? null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push(
      'DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset for the embedded database).',
    );
  }

  const port = Number(value('PORT') ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT must be a whole number from 0 to 65535, not "${value('PORT')}".`);
  }

  const kafkaBrokers = (value('KAFKA_BROKERS') ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  for (const broker of kafkaBrokers) {
    if (!/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(broker)) {
      problems.push(`KAFKA_BROKERS must be a comma-separated list of host:port, and "${broker}" is not.`);
    }
  }

  const tick = value('COMPLIANCE_TICK') ?? '1h';
  const complianceTickMs = parseDuration(tick);
  if (complianceTickMs === null) {
    problems.push(`COMPLIANCE_TICK must be a duration such as 30s, 5m or 1h, not "${tick}".`);
  }

  const logLevel = value('LOG_LEVEL') ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of debug, info, warn, error, not "${logLevel}".`);
  }

  const logFormat = value('LOG_FORMAT') ?? (value('NODE_ENV') === 'production' ? 'json' : 'auto');
  if (!['json', 'pretty', 'auto'].includes(logFormat)) {
    problems.push(
      `LOG_FORMAT must be json or pretty (unset: pretty in development when pino-pretty is installed), not "${logFormat}".`,
    );
  }

  const workers = value('WORKERS') ?? 'on';
  if (workers !== 'on' && workers !== 'off') problems.push(`WORKERS must be on or off, not "${workers}".`);

  const alertWebhookUrls = (value('ALERT_WEBHOOK_URLS') ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  for (const url of alertWebhookUrls) {
    if (!isHttpUrl(url))
      problems.push(`ALERT_WEBHOOK_URLS must be a comma-separated list of http(s) URLs, and "${url}" is not.`);
  }

  const alertNotifyHistory = value('ALERT_NOTIFY_HISTORY') ?? 'skip';
  if (alertNotifyHistory !== 'skip' && alertNotifyHistory !== 'deliver') {
    problems.push(
      `ALERT_NOTIFY_HISTORY must be skip (alerts recorded before the notifier first started are not sent) or deliver (they are), not "${alertNotifyHistory}".`,
    );
  }

  const dataDir = value('DATA_DIR') ?? './data';
  const auth = authConfig(value, databaseUrl, dataDir, problems);
  const personalData = personalDataConfig(value, dataDir, problems);

  const rate = value('RATE_LIMIT_WRITES') ?? '120/1m';
  const writeRateLimit = parseRate(rate);
  if (writeRateLimit === null) {
    problems.push(`RATE_LIMIT_WRITES must be a count per duration such as 120/1m, not "${rate}".`);
  }

  const unauthenticatedRate = value('RATE_LIMIT_UNAUTHENTICATED') ?? '30/1m';
  const unauthenticatedRateLimit = parseRate(unauthenticatedRate);
  if (unauthenticatedRateLimit === null) {
    problems.push(
      `RATE_LIMIT_UNAUTHENTICATED must be a count per duration such as 30/1m, not "${unauthenticatedRate}".`,
    );
  }

  const publicRate = value('RATE_LIMIT_PUBLIC') ?? '60/1m';
  const publicReadRateLimit = parseRate(publicRate);
  if (publicReadRateLimit === null) {
    problems.push(`RATE_LIMIT_PUBLIC must be a count per duration such as 60/1m, not "${publicRate}".`);
  }

  const timeout = (name: string): number | null => {
    const text = value(name) ?? '10s';
    const ms = parseDuration(text);
    if (ms === null) problems.push(`${name} must be a duration such as 10s or 500ms, not "${text}".`);
    return ms;
  };
  const headersMs = timeout('HTTP_HEADERS_TIMEOUT');
  const requestMs = timeout('HTTP_REQUEST_TIMEOUT');
  // Node refuses a headers timeout longer than the request timeout.
  if (headersMs !== null && requestMs !== null && headersMs > requestMs) {
    problems.push(
      'HTTP_HEADERS_TIMEOUT must not be longer than HTTP_REQUEST_TIMEOUT (the headers are part of the request).',
    );
  }

  const corsOrigins = (value('CORS_ORIGINS') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const origin of corsOrigins) {
    if (!isHttpUrl(origin) || new URL(origin).origin !== origin) {
      problems.push(
        `CORS_ORIGINS must be a comma-separated list of origins such as https://governance.example.org, and "${origin}" is not.`,
      );
    }
  }

  const eventStore = value('EVENT_STORE') ?? 'sql';
  if (eventStore !== 'sql' && eventStore !== 'kurrentdb') {
    problems.push(`EVENT_STORE must be sql or kurrentdb, not "${eventStore}".`);
  }
  const kurrentDbUrl = value('KURRENTDB_URL') ?? null;
  if (kurrentDbUrl !== null && !/^(kurrentdb|kurrent|kdb|esdb)(\+discover)?:\/\/./.test(kurrentDbUrl)) {
    problems.push('KURRENTDB_URL must be a kurrentdb:// (or kurrentdb+discover://) connection string.');
  }
  if (eventStore === 'kurrentdb' && kurrentDbUrl === null) {
    problems.push('KURRENTDB_URL must be set when EVENT_STORE=kurrentdb (e.g. kurrentdb://127.0.0.1:2113?tls=false).');
  }

  const checkpoints = checkpointConfig(value, databaseUrl, dataDir, problems);

  const otlpEndpoint = value('OTEL_EXPORTER_OTLP_ENDPOINT') ?? null;
  if (otlpEndpoint !== null && !isHttpUrl(otlpEndpoint)) {
    problems.push(
      `OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL such as http://collector:4318 (unset: tracing off), not "${otlpEndpoint}".`,
    );
  }

  if (problems.length > 0) throw new ConfigurationError(problems);
  return {
    databaseUrl,
    dataDir,
    kafkaBrokers,
    port,
    host: value('HOST') ?? '0.0.0.0',
    complianceTickMs: complianceTickMs as number,
    logLevel: logLevel as AppConfig['logLevel'],
    logFormat: logFormat as AppConfig['logFormat'],
    workers: workers as AppConfig['workers'],
    alertWebhookUrls,
    alertNotifyHistory: alertNotifyHistory as AppConfig['alertNotifyHistory'],
    importOnStart: value('IMPORT_ON_START') ?? null,
    eventStore: eventStore as AppConfig['eventStore'],
    kurrentDbUrl,
    auth,
    personalData,
    writeRateLimit: writeRateLimit as AppConfig['writeRateLimit'],
    unauthenticatedRateLimit: unauthenticatedRateLimit as AppConfig['unauthenticatedRateLimit'],
    publicReadRateLimit: publicReadRateLimit as AppConfig['publicReadRateLimit'],
    httpTimeouts: { headersMs: headersMs as number, requestMs: requestMs as number },
    corsOrigins,
    checkpoints,
    tracing: { otlpEndpoint, serviceName: value('OTEL_SERVICE_NAME') ?? null },
  };
}

function checkpointConfig(
  value: (name: string) => string | undefined,
  databaseUrl: string | null,
  dataDir: string,
  problems: string[],
): CheckpointConfig {
  const every = value('CHECKPOINT_EVERY_EVENTS') ?? '1000';
  const everyEvents = Number(every);
  if (!/^\d+$/.test(every) || everyEvents < 1 || everyEvents > MAX_CHECKPOINT_EVERY_EVENTS) {
    problems.push(
      `CHECKPOINT_EVERY_EVENTS must be a whole number from 1 to ${MAX_CHECKPOINT_EVERY_EVENTS}, not "${every}".`,
    );
  }
  const interval = value('CHECKPOINT_INTERVAL') ?? '1m';
  const intervalMs = parseDuration(interval);
  if (intervalMs === null)
    problems.push(`CHECKPOINT_INTERVAL must be a duration such as 30s, 5m or 1h, not "${interval}".`);
  const anchorFile = value('CHECKPOINT_ANCHOR_FILE') ?? join(dataDir, 'checkpoints.ndjson');

  const file = value('CHECKPOINT_KEY_FILE');
  // A PEM in one environment line usually arrives with its newlines escaped.
  const pem = value('CHECKPOINT_PRIVATE_KEY')?.replace(/\\n/g, '\n');
  let key: CheckpointConfig['key'];
  if (file !== undefined && pem !== undefined) {
    problems.push('Set CHECKPOINT_KEY_FILE or CHECKPOINT_PRIVATE_KEY, not both: checkpoints are signed with one key.');
    key = { source: 'file', file };
  } else if (pem !== undefined) {
    try {
      const type = createPrivateKey(pem).asymmetricKeyType;
      if (type !== 'ed25519') problems.push(`CHECKPOINT_PRIVATE_KEY must be an Ed25519 key, not ${type}.`);
    } catch {
      problems.push(
        'CHECKPOINT_PRIVATE_KEY must be a PKCS#8 PEM private key (e.g. `openssl genpkey -algorithm ed25519`).',
      );
    }
    key = { source: 'env', pem };
  } else if (file !== undefined) {
    key = { source: 'file', file };
  } else if (databaseUrl === null) {
    key = { source: 'file', file: join(dataDir, 'checkpoint-key.pem') };
  } else {
    key = {
      source: 'none',
      reason:
        'With DATABASE_URL set, no checkpoint is signed until CHECKPOINT_KEY_FILE or CHECKPOINT_PRIVATE_KEY names an Ed25519 key.',
    };
  }
  return { everyEvents, intervalMs: intervalMs as number, anchorFile, key };
}

/** `120/1m` → 120 requests per minute; null when malformed. */
export function parseRate(text: string): { limit: number; windowMs: number } | null {
  const [count, window, ...rest] = text.split('/');
  if (rest.length > 0 || count === undefined || window === undefined || !/^\d{1,9}$/.test(count.trim())) return null;
  const limit = Number(count.trim());
  const windowMs = parseDuration(window);
  return limit > 0 && windowMs !== null ? { limit, windowMs } : null;
}

/** 256 bits: the least an HS256 key should carry (RFC 7518 §3.2). */
const MIN_SECRET_BYTES = 32;

/** A working day and then some: long enough for a shift, short enough that a leaked token soon dies. */
export const DEFAULT_MAX_TOKEN_LIFETIME = '24h';

function personalDataConfig(
  value: (name: string) => string | undefined,
  dataDir: string,
  problems: string[],
): AppConfig['personalData'] {
  const secret = value('PERSONAL_DATA_SECRET');
  if (secret !== undefined) {
    if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
      problems.push(
        `PERSONAL_DATA_SECRET must be at least ${MIN_SECRET_BYTES} bytes (256 bits), e.g. the output of \`openssl rand -base64 32\`.`,
      );
    }
    return { mode: 'secret', secret };
  }
  return { mode: 'generated', secretFile: value('PERSONAL_DATA_SECRET_FILE') ?? join(dataDir, 'personal-data-secret') };
}

function authConfig(
  value: (name: string) => string | undefined,
  databaseUrl: string | null,
  dataDir: string,
  problems: string[],
): AuthConfig {
  const maxLifetime = value('AUTH_MAX_TOKEN_LIFETIME') ?? DEFAULT_MAX_TOKEN_LIFETIME;
  const maxTokenLifetimeMs = parseDuration(maxLifetime) ?? 0;
  if (maxTokenLifetimeMs < 60_000) {
    problems.push(
      `AUTH_MAX_TOKEN_LIFETIME must be a duration of at least a minute such as 8h or 24h, not "${maxLifetime}".`,
    );
  }
  const issuer = value('AUTH_ISSUER') ?? DEFAULT_AUTH_ISSUER;
  const audience = value('AUTH_AUDIENCE') ?? DEFAULT_AUTH_AUDIENCE;
  const common = { issuer, audience, maxTokenLifetimeMs };
  const secret = value('AUTH_JWT_SECRET');
  const jwksUrl = value('AUTH_JWKS_URL');
  const devSecretFile = value('AUTH_DEV_SECRET_FILE');
  if (secret !== undefined && jwksUrl !== undefined) {
    problems.push('Set AUTH_JWT_SECRET or AUTH_JWKS_URL, not both: tokens are verified one way.');
  }
  if (secret !== undefined) {
    if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
      problems.push(
        `AUTH_JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes (256 bits), e.g. the output of \`openssl rand -base64 32\`.`,
      );
    }
    return { ...common, mode: 'secret', secret };
  }
  if (jwksUrl !== undefined) {
    if (!isHttpUrl(jwksUrl)) {
      problems.push(`AUTH_JWKS_URL must be an http(s) URL, not "${jwksUrl}".`);
    } else {
      const url = new URL(jwksUrl);
      const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
      if (url.protocol !== 'https:' && !local)
        problems.push('AUTH_JWKS_URL must use https (plain http is accepted for localhost only).');
    }
    return { ...common, mode: 'jwks', jwksUrl };
  }
  if (devSecretFile !== undefined) return { ...common, mode: 'generated', secretFile: devSecretFile };
  if (databaseUrl !== null) {
    return {
      ...common,
      mode: 'unconfigured',
      reason:
        'With DATABASE_URL set, configure how tokens are verified: AUTH_JWT_SECRET (HS256, at least 32 bytes) or AUTH_JWKS_URL ' +
        "(your identity provider's keys). To use a secret generated on this machine instead, set AUTH_DEV_SECRET_FILE to its path.",
    };
  }
  return { ...common, mode: 'generated', secretFile: join(dataDir, 'auth-secret') };
}

/** The configuration of this process, from its environment. */
export const configFromProcess = (): AppConfig => loadConfig(process.env);
