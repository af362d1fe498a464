import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '#config';
import { createEventStore } from '#event-store';
import { issueToken } from '#platform';
import { createApp } from '../../../apps/api/src/create-app.js';
import type { BenchConfig } from '../config.js';
import { scaled } from '../config.js';
import { freshDatabase } from '../lib/env.js';
import { loadHistory } from '../lib/history.js';
import type { Report } from '../lib/report.js';
import { autocannon, DECISION_BODY, type Cannon } from './http.js';

const CONNECTIONS = '16';

/** A new meeting per request on board b1: every request appends to the one stream `board-b1`. */
const MEETING_BODY = JSON.stringify({ meetingId: 'bench-[<id>]', scheduledFor: '2036-01-05' });

interface Api {
  name: 'PGlite' | 'PostgreSQL';
  key: 'pglite' | 'pg';
  url: string;
  token: string;
  close(): Promise<void>;
}

/** The API as a deployment runs it, on a store that already holds a generated history (board b1, meeting m1, agreement a1). */
async function startApi(env: Record<string, string>, history: number): Promise<Omit<Api, 'name' | 'key'>> {
  const seed = await createEventStore(
    env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.DATA_DIR! },
  );
  await loadHistory(seed.db, history);
  // PGlite is one process's database: the seed lets go of the directory before the API opens it.
  await seed.close();
  const config = loadConfig({
    ...env,
    PORT: '0',
    LOG_LEVEL: 'error',
    AUTH_JWT_SECRET: randomBytes(32).toString('base64'),
    RATE_LIMIT_WRITES: '999999999/1s',
  });
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const token = await issueToken(config.auth, { sub: 'bench@example.pnn.police.uk', roles: ['admin'] });
  return { url, token, close: () => app.close() };
}

/**
 * Section 8: the embedded default (PGlite on disk, no DATABASE_URL) under HTTP load, with the same
 * API on the PostgreSQL server as its peer in the same run: 16 connections POST /decisions (a new
 * stream each), then 16 connections appending to one stream (a new meeting of board b1 each).
 */
export async function embeddedBench(report: Report, config: BenchConfig): Promise<void> {
  const history = scaled(config, 2_000);
  const dir = await mkdtemp(join(tmpdir(), 'bench-embedded-'));
  const apis: Api[] = [];
  try {
    apis.push({ name: 'PGlite', key: 'pglite', ...(await startApi({ DATA_DIR: dir }, history)) });
    apis.push({
      name: 'PostgreSQL',
      key: 'pg',
      ...(await startApi({ DATABASE_URL: await freshDatabase('embedded_peer') }, history)),
    });
    report.note(
      `Embedded (section 8): each API started on ${history.toLocaleString('en-GB')} generated events, WORKERS=on (projections embedded), ${CONNECTIONS} connections.`,
    );
    const seconds = String(Math.max(3, Math.round(8 * Math.min(1, config.scale))));
    const post = ['-m', 'POST', '-H', 'Content-Type=application/json', '-I'];
    const work = [
      { key: 'decisions', label: 'POST /decisions', path: '/decisions', body: DECISION_BODY },
      {
        key: 'onestream',
        label: 'writes to one stream (POST /boards/b1/meetings)',
        path: '/boards/b1/meetings',
        body: MEETING_BODY,
      },
    ];
    const s = '8 embedded';
    for (let run = 0; run < config.runs; run++) {
      for (const w of work) {
        // Alternate which store goes first, so neither always meets the other's leftovers.
        const order = run % 2 === 0 ? apis : [...apis].reverse();
        const results = new Map<string, Cannon>();
        for (const api of order) {
          const r = await autocannon([
            '-c',
            CONNECTIONS,
            '-d',
            seconds,
            '-H',
            `Authorization=Bearer ${api.token}`,
            ...post,
            '-b',
            w.body,
            `${api.url}${w.path}`,
          ]);
          results.set(api.key, r);
          process.stderr.write(
            `  run ${run + 1} ${w.key.padEnd(10)} ${api.name.padEnd(10)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  non-2xx ${r.non2xx} errors ${r.errors}\n`,
          );
          if ((r.non2xx > 0 || r.errors > 0) && run === 0)
            report.note(`Embedded ${w.key} on ${api.name}: ${r.non2xx} non-2xx answers, ${r.errors} errors in run 1`);
        }
        for (const api of apis) {
          const r = results.get(api.key)!;
          const id = `embedded.${w.key}.${api.key}`;
          const ours = api.key === 'pglite';
          report.add(`${id}.rps`, r.rps, {
            section: s,
            label: `${w.label}, ${CONNECTIONS} conns: ${api.name} req/s`,
            unit: 'req/s',
            ...(ours
              ? {
                  peer: `embedded.${w.key}.pg.rps`,
                  ...(w.key === 'decisions'
                    ? { goal: { on: 'ratio' as const, min: 0.5, text: '≥ 0.5× PostgreSQL API' } }
                    : {}),
                }
              : {}),
          });
          if (ours && w.key === 'onestream')
            report.add(`${id}.rps.abs`, r.rps, {
              section: s,
              label: `${w.label}, ${CONNECTIONS} conns: PGlite req/s (absolute)`,
              unit: 'req/s',
              goal: { on: 'value', min: 100, text: '≥ 100 req/s' },
            });
          report.add(`${id}.p50`, r.p50, {
            section: s,
            label: `${w.label}, ${CONNECTIONS} conns: ${api.name} p50`,
            unit: 'ms',
          });
          report.add(`${id}.p99`, r.p99, {
            section: s,
            label: `${w.label}, ${CONNECTIONS} conns: ${api.name} p99`,
            unit: 'ms',
            ...(ours
              ? {
                  peer: `embedded.${w.key}.pg.p99`,
                  goal: {
                    on: 'value' as const,
                    max: w.key === 'decisions' ? 150 : 250,
                    text: `≤ ${w.key === 'decisions' ? 150 : 250} ms`,
                  },
                }
              : {}),
          });
        }
      }
    }
  } finally {
    for (const api of apis) await api.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
