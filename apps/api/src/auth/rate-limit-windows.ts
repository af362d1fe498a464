import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { runMigrations, SqlDatabase, type Migration } from '#event-store';

/**
 * The API's own table, in the database of the events, so every instance on that database counts
 * against the same limit (docs/operations.md, "Several instances").
 */
export const RATE_LIMIT_MIGRATIONS: readonly Migration[] = [
  {
    id: 'api/0001-rate-limit-windows',
    sql: `CREATE TABLE IF NOT EXISTS rate_limit_windows (
  scope      text NOT NULL,
  key        text NOT NULL,
  started_at timestamptz NOT NULL,
  ends_at    timestamptz NOT NULL,
  count      integer NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS rate_limit_windows_ends_at ON rate_limit_windows (ends_at)`,
  },
];

/** What is limited: writes per principal, refused sign-ins or public reads without a token per client address. */
export type RateLimitScope = 'writes' | 'failed-sign-ins' | 'public-reads';

export interface WindowCount {
  count: number;
  /** Whole seconds until the window ends, at least 1. */
  resetSeconds: number;
}

/** Windows ended longer ago than this are deleted, at most once a minute per process. */
const PURGE_EVERY_MS = 60_000;

/**
 * Fixed-window counters shared by every instance: one row per scope and key, counted by one atomic
 * upsert. A window starts at the first hit after the previous one ended, as the counts in memory
 * did. Time is the database's (`clock_timestamp()`), so instances whose clocks differ still agree
 * where a window ends; a test's Clock is not used, like token expiry.
 */
@Injectable()
export class RateLimitWindows implements OnModuleInit {
  private readonly logger = new Logger('RateLimit');
  private lastPurge = 0;
  private lastWarning = 0;
  private unwarned = 0;

  constructor(private readonly db: SqlDatabase) {}

  async onModuleInit(): Promise<void> {
    await runMigrations(this.db, RATE_LIMIT_MIGRATIONS);
  }

  /** Counts one hit against `key` and returns the count in its current window, this hit included. */
  async hit(scope: RateLimitScope, key: string, windowMs: number): Promise<WindowCount> {
    const { rows } = await this.db.query<{ count: number; reset_ms: string }>(
      `${upsertHit('')} RETURNING count, ${RESET_MS}`,
      [scope, key, windowMs],
    );
    this.purgeNowAndThen();
    return toCount(rows[0]);
  }

  /**
   * In one statement: whether `unless.key`'s current window in `unless.scope` has reached `unless.limit`
   * and, only when it has not, one hit against `key` (as `hit`). Returns `{ blocked }` with that window
   * when it has (nothing is counted), otherwise `{ counted }`. The read is the statement's snapshot, as
   * `current` reads it; the hit is the same atomic upsert as `hit`, so instances still count together.
   */
  async hitUnless(
    scope: RateLimitScope,
    key: string,
    windowMs: number,
    unless: { scope: RateLimitScope; key: string; limit: number },
  ): Promise<{ blocked: WindowCount } | { counted: WindowCount }> {
    const { rows } = await this.db.query<{ blocked: boolean; count: number; reset_ms: string }>(
      `WITH blocker AS (
         SELECT count, ${RESET_MS} FROM rate_limit_windows
          WHERE scope = $4 AND key = $5 AND ends_at > clock_timestamp() AND count >= $6
       ), counted AS (
         ${upsertHit('WHERE NOT EXISTS (SELECT 1 FROM blocker)')}
         RETURNING count, ${RESET_MS}
       )
       SELECT true AS blocked, count, reset_ms FROM blocker
       UNION ALL SELECT false AS blocked, count, reset_ms FROM counted`,
      [scope, key, windowMs, unless.scope, unless.key, unless.limit],
    );
    this.purgeNowAndThen();
    const row = rows[0];
    return row?.blocked === true ? { blocked: toCount(row) } : { counted: toCount(row) };
  }

  /** The count in `key`'s current window, or null when it has none. */
  async current(scope: RateLimitScope, key: string): Promise<WindowCount | null> {
    const { rows } = await this.db.query<{ count: number; reset_ms: string }>(
      `SELECT count, ${RESET_MS}
         FROM rate_limit_windows WHERE scope = $1 AND key = $2 AND ends_at > clock_timestamp()`,
      [scope, key],
    );
    return rows[0] === undefined ? null : toCount(rows[0]);
  }

  /**
   * Logs that a limit was not applied (fail open), at most once a minute, with how many went
   * unlogged since: while the table is unreachable every request would otherwise log a line.
   */
  failedOpen(what: string, error: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning < PURGE_EVERY_MS) {
      this.unwarned++;
      return;
    }
    const since = this.unwarned > 0 ? ` (and ${this.unwarned} more since the last warning)` : '';
    this.lastWarning = now;
    this.unwarned = 0;
    this.logger.warn(`${what}${since}: ${String(error)}`);
  }

  /** Deletes ended windows, so the table holds only the keys active in the last window. */
  private purgeNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now;
    this.db.query('DELETE FROM rate_limit_windows WHERE ends_at < clock_timestamp()').catch((error: unknown) => {
      this.logger.warn(`could not delete ended rate-limit windows: ${String(error)}`);
    });
  }
}

/**
 * One hit against ($1 scope, $2 key) in windows of $3 ms, made only when `condition` (a WHERE clause or
 * nothing) holds. `excluded` carries this statement's one reading of the clock into the update.
 */
const upsertHit = (condition: string) => `INSERT INTO rate_limit_windows AS w (scope, key, started_at, ends_at, count)
       SELECT $1, $2, t.now, t.now + $3::double precision * interval '1 millisecond', 1 FROM (SELECT clock_timestamp() AS now) t ${condition}
       ON CONFLICT (scope, key) DO UPDATE SET
         count      = CASE WHEN w.ends_at <= excluded.started_at THEN 1 ELSE w.count + 1 END,
         started_at = CASE WHEN w.ends_at <= excluded.started_at THEN excluded.started_at ELSE w.started_at END,
         ends_at    = CASE WHEN w.ends_at <= excluded.started_at THEN excluded.ends_at ELSE w.ends_at END`;

/** Milliseconds until a window ends. */
const RESET_MS = `(extract(epoch FROM (ends_at - clock_timestamp())) * 1000)::bigint AS reset_ms`;

const toCount = (row: { count: number; reset_ms: string } | undefined): WindowCount => {
  if (row === undefined) throw new Error('rate_limit_windows: the upsert returned no row');
  return { count: Number(row.count), resetSeconds: Math.max(1, Math.ceil(Number(row.reset_ms) / 1000)) };
};
