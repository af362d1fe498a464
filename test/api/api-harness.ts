import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { loadConfig, type AppConfig, type AuthRole } from '#config';
import { Clock, type EventStoreDecorator, issueToken } from '#platform';
import { createApp } from '../../apps/api/src/create-app.js';
import { bodyOf, type AppendedBody } from '../support/http.js';

/** A clock the test moves by hand. */
export class TestClock extends Clock {
  constructor(private current = new Date('2017-01-01T09:00:00.000Z')) {
    super();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
  advanceDays(days: number): void {
    this.current = new Date(this.current.getTime() + days * 86_400_000);
  }
}

export interface TokenClaims {
  sub?: string;
  roles?: AuthRole[];
  force?: string | null;
  expiresIn?: string;
}

/** Requests that carry one bearer token. */
export interface Client {
  get(path: string): request.Test;
  post(path: string): request.Test;
}

export interface ApiHarness {
  app: NestExpressApplication;
  /** Requests without a token (only /health and /docs answer them). */
  http: ReturnType<typeof request>;
  /** A token the service accepts (signed with the secret generated in its DATA_DIR): admin by default. */
  token(claims?: TokenClaims): Promise<string>;
  /** Requests that send this token. */
  client(token: string): Client;
  /** Requests as ADMIN_SUB, an administrator. */
  admin: Client;
  clock: TestClock;
  dataDir: string;
  config: AppConfig;
  /** Closes the app (as SIGTERM would) and starts a new one on the same data directory. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the real application on a fresh embedded PGlite directory (or the given DATABASE_URL). */
export async function startApi(
  env: Record<string, string> = {},
  options: { now?: string; decorateEventStore?: EventStoreDecorator } = {},
): Promise<ApiHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'governance-api-'));
  // Tests write far faster than a person, and refuse many tokens: the rate limits have their own tests (test/security).
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'error',
    RATE_LIMIT_WRITES: '1000000/1m',
    RATE_LIMIT_UNAUTHENTICATED: '1000000/1m',
    ...env,
  });
  const clock = new TestClock(options.now === undefined ? undefined : new Date(options.now));
  const boot = async () => {
    const app = await createApp(config, { clock, logger: false, decorateEventStore: options.decorateEventStore });
    await app.init();
    return app;
  };
  const app = await boot();
  const token = (claims: TokenClaims = {}) =>
    issueToken(config.auth, {
      sub: claims.sub ?? ADMIN_SUB,
      roles: claims.roles ?? ['admin'],
      force: claims.force ?? null,
      expiresIn: claims.expiresIn,
    });
  // With AUTH_JWKS_URL only the identity provider issues tokens: the test brings its own.
  const adminToken = config.auth.mode === 'jwks' ? 'none-with-jwks' : await token();
  const client = (bearer: string): Client => ({
    get: (path) => harness.http.get(path).set('Authorization', `Bearer ${bearer}`),
    post: (path) => harness.http.post(path).set('Authorization', `Bearer ${bearer}`),
  });
  const harness: ApiHarness = {
    app,
    http: undefined as never,
    token,
    client,
    admin: client(adminToken),
    clock,
    dataDir,
    config,
    async restart() {
      await harness.app.close();
      harness.app = await boot();
      harness.http = request(harness.app.getHttpServer());
    },
    async close() {
      await harness.app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  harness.http = request(harness.app.getHttpServer());
  return harness;
}

export const ADMIN_SUB = 'admin.jones@thamesvalley.pnn.police.uk';
/** The envelope's actor of what ADMIN_SUB records. */
export const ADMIN_ACTOR = { kind: 'admin', sub: ADMIN_SUB, force: null, issuer: 'governance-tracker' };

/**
 * Writes as the administrator that remember the position of the latest accepted one, so that a read can wait
 * for the read models to reach it (`minPosition`) rather than sleep.
 */
export class Writes {
  last = '0';
  constructor(private readonly api: () => ApiHarness) {}

  /** Sends a write; an accepted one (201) moves `last`. */
  async post(path: string, body: object): Promise<request.Response> {
    const res = await this.api().admin.post(path).send(body);
    if (res.status === 201) this.last = bodyOf<AppendedBody>(res).position;
    return res;
  }

  /** A read of `path` once the read models have reached `last`. */
  read(path: string): request.Test {
    return this.api().admin.get(`${path}${path.includes('?') ? '&' : '?'}minPosition=${this.last}`);
  }
}
