/**
 * The one typed, validated configuration of the service (STYLE.md rule 9). Nothing else reads
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
   * `on`: this process also runs the background workers (projections, compliance evaluator, Kafka
   * relay) — the embedded default. `off`: the API only, beside a separate `apps/worker` process.
   */
  workers: 'on' | 'off';
  /** Webhooks the alert notifier (apps/worker) delivers new alerts to; empty → notifier off. */
  alertWebhookUrls: string[];
  /** A seed file imported (idempotently) on start; null → none. */
  importOnStart: string | null;
}

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
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset for the embedded database).');
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

  const workers = value('WORKERS') ?? 'on';
  if (workers !== 'on' && workers !== 'off') problems.push(`WORKERS must be on or off, not "${workers}".`);

  const alertWebhookUrls = (value('ALERT_WEBHOOK_URLS') ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  for (const url of alertWebhookUrls) {
    if (!isHttpUrl(url)) problems.push(`ALERT_WEBHOOK_URLS must be a comma-separated list of http(s) URLs, and "${url}" is not.`);
  }

  if (problems.length > 0) throw new ConfigurationError(problems);
  return {
    databaseUrl,
    dataDir: value('DATA_DIR') ?? './data',
    kafkaBrokers,
    port,
    host: value('HOST') ?? '0.0.0.0',
    complianceTickMs: complianceTickMs as number,
    logLevel: logLevel as AppConfig['logLevel'],
    workers: workers as AppConfig['workers'],
    alertWebhookUrls,
    importOnStart: value('IMPORT_ON_START') ?? null,
  };
}

/** The configuration of this process, from its environment. */
export const configFromProcess = (): AppConfig => loadConfig(process.env);
