/**
 * The split deployment with real processes: the API built as `npm run build` builds it and started
 * with WORKERS=off, beside two `apps/worker` processes, against one fresh PostgreSQL database and
 * the local Kafka broker. Every event must be projected exactly once (checkpoints at the head, one
 * read-model row per fact, nothing parked) and published to Kafka exactly once (one message per
 * eventId): both workers run the projections (the advisory lock per projection lets one apply each
 * batch) but only the holder of the relay lease publishes. Killing that worker hands the lease to
 * the other, which publishes what is recorded next, once.
 *
 * It builds into a directory of its own (not dist/, which other test files or a developer may be
 * building into) with a package.json carrying the same `#lib` imports and a link to node_modules.
 * Outside CI it skips, saying why, without PostgreSQL or Kafka; with CI=true it never skips.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { ensureKafka, kafkaUnavailableReason } from '../support/kafka.js';
import { postgresDriver, type TestDatabase } from '../support/db.js';
import { collect } from '../messaging/support.js';
import { issueToken } from '#platform';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SECRET = 'split-deployment-test-secret-32-bytes-long';
const FIRST_WRITES = 120;
const LATER_WRITES = 60;

const kafka = postgresDriver.skipReason ? null : await ensureKafka();
const skipReason = postgresDriver.skipReason ?? (kafka ? null : (kafkaUnavailableReason() ?? 'Kafka unavailable'));
if (skipReason) console.warn(`Skipping the split-deployment test: ${skipReason}.`);
const suite = skipReason ? describe.skip : describe;

interface Service {
  name: string;
  port: number;
  process: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${lastError ? ` (${(lastError as Error).message})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

suite('split deployment: the API with WORKERS=off and two worker processes on PostgreSQL and Kafka', () => {
  let buildDir: string;
  let dataDir: string;
  let database: TestDatabase;
  let db: pg.Pool;
  const services: Service[] = [];
  let token: string;
  let env: Record<string, string>;

  const start = async (name: string, entry: string, extra: Record<string, string>): Promise<Service> => {
    const port = await freePort();
    const child = spawn(process.execPath, [join(buildDir, entry)], {
      cwd: buildDir,
      env: { ...env, ...extra, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => output.push(...chunk.split('\n').filter(Boolean)));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => output.push(...chunk.split('\n').filter(Boolean)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const service: Service = { name, port, process: child, output, exited };
    services.push(service);
    await until(
      `${name} to answer /health`,
      async () => {
        if (child.exitCode !== null)
          throw new Error(`${name} exited with ${child.exitCode}:\n${output.slice(-20).join('\n')}`);
        return (await fetch(`http://127.0.0.1:${port}/health`)).status > 0;
      },
      120_000,
    );
    return service;
  };

  const health = async (service: Service): Promise<{ kafka?: { state?: string } }> => {
    const body = (await (await fetch(`http://127.0.0.1:${service.port}/health`)).json()) as {
      details?: Record<string, { state?: string }>;
    };
    return body.details ?? {};
  };

  const write = async (api: Service, count: number, prefix: string): Promise<void> => {
    const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
    // Four writers at a time, as several officers would.
    for (let i = 0; i < ids.length; i += 4) {
      await Promise.all(
        ids.slice(i, i + 4).map(async (id) => {
          const response = await fetch(`http://127.0.0.1:${api.port}/agreements`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({
              id,
              title: `Collaboration ${id}`,
              legalBasis: 's22A',
              businessArea: 'forensics',
              deliveryModel: 'joint-unit',
              parties: ['gloucestershire', 'wiltshire'],
              occurredAt: '2016-04-01',
            }),
          });
          if (response.status !== 201)
            throw new Error(`POST /agreements ${id}: ${response.status} ${await response.text()}`);
        }),
      );
    }
  };

  const head = async (): Promise<number> =>
    Number(
      (await db.query<{ head: string | null }>('SELECT max(position)::text AS head FROM events')).rows[0]?.head ?? 0,
    );

  /** Every projection has applied everything up to the head, and each fact is in its read model once. */
  const expectProjectedOnce = async (): Promise<void> => {
    const at = await until('every projection at the head', async () => {
      const now = await head();
      const { rows } = await db.query<{ name: string; position: string | null }>(
        "SELECT name, position FROM processor_checkpoints WHERE kind = 'projection'",
      );
      return rows.length >= 7 && rows.every((row) => Number(row.position) === now) ? now : null;
    });
    expect(at).toBe(await head());
    const count = async (sql: string): Promise<number> => Number((await db.query<{ n: string }>(sql)).rows[0]!.n);
    expect(await count('SELECT count(*)::text AS n FROM processor_parked')).toBe(0);
    expect(await count('SELECT count(*)::text AS n FROM agreement_register')).toBe(
      await count("SELECT count(DISTINCT stream_id)::text AS n FROM events WHERE type = 'AgreementDrafted'"),
    );
    expect(await count('SELECT count(*)::text AS n FROM agreement_detail')).toBe(
      await count('SELECT count(*)::text AS n FROM agreement_register'),
    );
    expect(await count('SELECT count(*)::text AS n FROM alerts')).toBe(
      await count("SELECT count(DISTINCT stream_id)::text AS n FROM events WHERE type = 'AlertRaised'"),
    );
  };

  beforeAll(async () => {
    // 1. Build once, as `npm run build` does, into a directory of our own.
    buildDir = await mkdtemp(join(tmpdir(), 'split-deployment-build-'));
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { imports: unknown };
    await writeFile(join(buildDir, 'package.json'), JSON.stringify({ type: 'module', imports: manifest.imports }));
    await symlink(join(root, 'node_modules'), join(buildDir, 'node_modules'), 'dir');
    try {
      await promisify(execFile)(
        process.execPath,
        [
          join(root, 'node_modules/typescript/bin/tsc'),
          '-p',
          join(root, 'tsconfig.build.json'),
          '--outDir',
          join(buildDir, 'dist'),
        ],
        {
          cwd: root,
          maxBuffer: 16 * 1024 * 1024,
        },
      );
    } catch (error) {
      // A type error elsewhere (npm test's typecheck reports it) still emits JavaScript; only a missing entry point is fatal here.
      if (!existsSync(join(buildDir, 'dist/apps/worker/src/main.js'))) throw error;
    }

    // 2. One fresh database; the services share it.
    database = await postgresDriver.create();
    await database.db.close();
    db = new pg.Pool({ connectionString: database.url!, max: 2 });
    dataDir = await mkdtemp(join(tmpdir(), 'split-deployment-data-'));
    await mkdir(dataDir, { recursive: true });
    env = {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: database.url!,
      AUTH_JWT_SECRET: SECRET,
      KAFKA_BROKERS: kafka!.brokers.join(','),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      // Writes come faster than a person's: the rate limit has its own test (test/security).
      RATE_LIMIT_WRITES: '1000000/1m',
    };
  }, 180_000);

  afterAll(async () => {
    for (const service of services) service.process.kill('SIGTERM');
    await Promise.all(
      services.map(async (service) => {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([service.exited, new Promise((resolve) => (timer = setTimeout(resolve, 15_000)))]);
        clearTimeout(timer);
        if (service.process.exitCode === null && service.process.signalCode === null) service.process.kill('SIGKILL');
      }),
    );
    await db?.end().catch(() => undefined);
    await database?.dispose().catch(() => undefined);
    if (buildDir) await rm(buildDir, { recursive: true, force: true });
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  test('every event is projected once and published once, and a standby worker takes over the relay', async () => {
    const api = await start('api', 'dist/apps/api/src/main.js', {
      WORKERS: 'off',
      IMPORT_ON_START: join(root, 'seeds/collaborations.json'),
    });
    const workers = [
      await start('worker-1', 'dist/apps/worker/src/main.js', {}),
      await start('worker-2', 'dist/apps/worker/src/main.js', {}),
    ];
    token = await issueToken(
      {
        mode: 'secret',
        secret: SECRET,
        issuer: 'governance-tracker',
        audience: 'governance-tracker-api',
        maxTokenLifetimeMs: 86_400_000,
      },
      { sub: 'ops.lead', roles: ['admin'], force: null },
    );

    // The API runs no background work: neither projections nor the relay.
    expect(api.output.join('\n')).toContain('Kafka is off');
    await write(api, FIRST_WRITES, `split-${randomUUID().slice(0, 8)}`);
    await expectProjectedOnce();

    // Exactly one worker relays; the other stands by.
    const states = await until('one worker relaying, the other standing by', async () => {
      const found = await Promise.all(workers.map(async (w) => (await health(w)).kafka?.state));
      return found.filter((s) => s === 'running').length === 1 && found.filter((s) => s === 'standby').length === 1
        ? found
        : null;
    });
    const holder = workers[states.indexOf('running')]!;
    const standby = workers[states.indexOf('standby')]!;

    const consumer = await collect(kafka!.brokers, ['governance.events'], `split-deployment-${randomUUID()}`);
    try {
      const publishedOnce = async (): Promise<void> => {
        const { rows } = await db.query<{ event_id: string }>('SELECT event_id::text AS event_id FROM events');
        const ours = new Set(rows.map((row) => row.event_id));
        const seen = await until(
          `all ${ours.size} events on governance.events`,
          () => {
            const counts = new Map<string, number>();
            for (const message of consumer.received('governance.events')) {
              if (ours.has(message.eventId)) counts.set(message.eventId, (counts.get(message.eventId) ?? 0) + 1);
            }
            return Promise.resolve(counts.size === ours.size ? counts : null);
          },
          90_000,
        );
        // A little longer, so a second publication would have arrived too.
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const counts = new Map<string, number>();
        for (const message of consumer.received('governance.events')) {
          if (ours.has(message.eventId)) counts.set(message.eventId, (counts.get(message.eventId) ?? 0) + 1);
        }
        expect(seen.size).toBe(ours.size);
        expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
      };
      await publishedOnce();
      const relayed = await db.query<{ position: string }>(
        "SELECT position FROM processor_checkpoints WHERE name = 'kafka-relay'",
      );
      expect(Number(relayed.rows[0]?.position)).toBe(await head());

      // The API's /metrics reads what the workers reached from the database.
      const metrics = await (await fetch(`http://127.0.0.1:${api.port}/metrics`)).text();
      const sample = (text: string, name: string): string[] =>
        text.split('\n').filter((line) => line.startsWith(`${name}{`));
      expect(sample(metrics, 'governance_relay_lag')).toEqual([expect.stringMatching(/relay="kafka-relay".* 0$/)]);
      const lags = sample(metrics, 'governance_projection_lag');
      expect(lags.length).toBeGreaterThanOrEqual(7);
      for (const line of lags) expect(line).toMatch(/ 0$/);
      expect(
        sample(
          await (await fetch(`http://127.0.0.1:${holder.port}/metrics`)).text(),
          'governance_relay_publish_errors_total',
        ),
      ).toEqual([expect.stringMatching(/relay="kafka-relay".* 0$/)]);

      // Kill the relaying worker outright (no shutdown hooks): its connection closes, the lease is free.
      holder.process.kill('SIGKILL');
      await holder.exited;
      await until(
        'the standby worker to take over the relay',
        async () => (await health(standby)).kafka?.state === 'running',
        30_000,
      );
      await write(api, LATER_WRITES, `after-${randomUUID().slice(0, 8)}`);
      await expectProjectedOnce();
      await publishedOnce();
    } finally {
      await consumer.stop();
    }
  }, 300_000);
});
