import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '#config';
import { createEventStore } from '#event-store';
import {
  ensureProjectionSchema,
  getAgreementDetail,
  membershipOf,
  READ_MODEL_PROJECTIONS,
  rebuildProjections,
} from '#projections';
import { issueToken } from '#platform';
import { createApp } from '../../../apps/api/src/create-app.js';
import type { BenchConfig } from '../config.js';
import { scaled } from '../config.js';
import { freshDatabase } from '../lib/env.js';
import { loadHistory } from '../lib/history.js';
import { ACTOR } from '../lib/payload.js';
import type { Report } from '../lib/report.js';
import { sleep } from '../lib/stats.js';

export interface Cannon {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** autocannon in a child process, so the load generator does not share the server's event loop. */
export function autocannon(args: string[]): Promise<Cannon> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['node_modules/autocannon/autocannon.js', '-j', ...args],
      { maxBuffer: 64 << 20, timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`autocannon failed: ${stderr || error.message}`));
        // autocannon's JSON report, the figures read here.
        const r = JSON.parse(stdout) as {
          requests: { average: number };
          latency: { p50: number; p99: number };
          non2xx?: number;
          errors?: number;
        };
        resolve({
          rps: r.requests.average,
          p50: r.latency.p50,
          p99: r.latency.p99,
          non2xx: r.non2xx ?? 0,
          errors: r.errors ?? 0,
        });
      },
    ),
  );
}

export const DECISION_BODY = JSON.stringify({
  id: 'bench-[<id>]',
  summary:
    'The board agreed to extend the joint firearms training unit to cover the specialist public order syllabus from the next financial year, subject to the host force confirming the revised cost apportionment.',
  boardId: 'b1',
  meetingId: 'm1',
  agreementId: 'a1',
  occurredAt: '2016-03-03',
});

/**
 * Section 6: the API (Nest, auth guard, validation, command bus) vs the same handlers in a bare
 * Node `http` server on the same database: a query (GET /agreements/:id, detail + membership) and a
 * command (POST /decisions). Peak throughput with 32 connections, then the command's p99 at 70% of
 * the API's peak.
 */
export async function httpBench(report: Report, config: BenchConfig): Promise<void> {
  const url = await freshDatabase('http');
  const seed = await createEventStore({ databaseUrl: url });
  const loaded = await loadHistory(seed.db, scaled(config, 20_000));
  process.stderr.write(
    `  API database: ${loaded.events.toLocaleString('en-GB')} events, ${loaded.agreements} agreements\n`,
  );

  const workers = process.env.BENCH_API_WORKERS === 'off' ? 'off' : 'on';
  if (workers === 'off') {
    await ensureProjectionSchema(seed.db, READ_MODEL_PROJECTIONS);
    await rebuildProjections(seed.db, seed.store, READ_MODEL_PROJECTIONS);
  }
  report.note(
    `HTTP: the API ran with WORKERS=${workers}${workers === 'on' ? ' (projections, compliance alerting and relay embedded in the API process, the default)' : ' (no background work in the API process)'}.`,
  );
  const appConfig = loadConfig({
    DATABASE_URL: url,
    PORT: '0',
    LOG_LEVEL: 'error',
    AUTH_JWT_SECRET: randomBytes(32).toString('base64'),
    RATE_LIMIT_WRITES: '999999999/1s',
    // BENCH_API_WORKERS=off: the API without its embedded background work (projections, compliance,
    // relay), as beside a worker process; the read models are then built once before it starts.
    WORKERS: workers,
  });
  const app = await createApp(appConfig, { logger: false });
  await app.listen(0, '127.0.0.1');
  const apiUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const token = await issueToken(appConfig.auth, { sub: 'bench@example.pnn.police.uk', roles: ['admin'] });

  // The bare peer: same queries, same append, no framework.
  const { db, store } = seed;
  const bare: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const fail = (error: unknown) => send(500, { title: String(error) });
    const match = /^\/agreements\/([a-z0-9-]+)$/.exec(req.url ?? '');
    if (req.method === 'GET' && match) {
      Promise.all([getAgreementDetail(db, match[1]!), membershipOf(db, match[1]!)])
        .then(([detail, membership]) =>
          detail ? send(200, { ...detail, membership }) : send(404, { title: 'not found' }),
        )
        .catch(fail);
      return;
    }
    if (req.method === 'POST' && req.url === '/decisions') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const b = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          id: string;
          occurredAt: string;
          summary: string;
          boardId: string;
          meetingId: string;
          agreementId: string;
        };
        store
          .append(
            `decision-${b.id}`,
            [
              {
                type: 'DecisionRecorded',
                occurredAt: b.occurredAt,
                data: {
                  decisionId: b.id,
                  summary: b.summary,
                  boardId: b.boardId,
                  meetingId: b.meetingId,
                  agreementId: b.agreementId,
                },
              },
            ],
            { expectedRevision: 'no-stream', actor: ACTOR },
          )
          .then((r) => send(201, { streamId: r.streamId, revision: r.nextExpectedRevision, position: r.lastPosition }))
          .catch(fail);
      });
      return;
    }
    send(404, { title: 'not found' });
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;

  // Wait until the API's projections have caught up with the generated history.
  for (let i = 0; i < 600; i++) {
    const res = await fetch(`${apiUrl}/agreements/a1`, { headers: { authorization: `Bearer ${token}` } });
    const { rows } = await db.query<{ behind: number }>(
      // Checkpoints hold the port's position key: a SQL position left-padded to 20 digits.
      `SELECT count(*)::int AS behind FROM processor_checkpoints
        WHERE kind = 'projection' AND coalesce(position, '') < (SELECT lpad(max(position)::text, 20, '0') FROM events)`,
    );
    if (res.status === 200 && rows[0]!.behind === 0) break;
    if (i % 20 === 0)
      process.stderr.write(`  … waiting for the API's projections (HTTP ${res.status}, ${rows[0]!.behind} behind)\n`);
    await sleep(500);
  }

  const seconds = String(Math.max(3, Math.round(8 * Math.min(1, config.scale))));
  const auth = ['-H', `Authorization=Bearer ${token}`];
  const post = ['-m', 'POST', '-H', 'Content-Type=application/json', '-I', '-b', DECISION_BODY];
  try {
    for (let run = 0; run < config.runs; run++) {
      const results: Record<string, Cannon> = {
        'query.api': await autocannon(['-c', '32', '-d', seconds, ...auth, `${apiUrl}/agreements/a1`]),
        'query.bare': await autocannon(['-c', '32', '-d', seconds, `${bareUrl}/agreements/a1`]),
        'command.api': await autocannon(['-c', '32', '-d', seconds, ...auth, ...post, `${apiUrl}/decisions`]),
        'command.bare': await autocannon(['-c', '32', '-d', seconds, ...post, `${bareUrl}/decisions`]),
      };
      const rate = Math.max(1, Math.floor(results['command.api']!.rps * 0.7));
      results['command.api70'] = await autocannon([
        '-c',
        '32',
        '-d',
        seconds,
        '-R',
        String(rate),
        ...auth,
        ...post,
        `${apiUrl}/decisions`,
      ]);
      for (const [key, r] of Object.entries(results)) {
        process.stderr.write(
          `  run ${run + 1} ${key.padEnd(14)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  non-2xx ${r.non2xx} errors ${r.errors}\n`,
        );
        if (r.non2xx > 0 && run === 0) report.note(`HTTP ${key}: ${r.non2xx} non-2xx answers in run 1`);
      }
      const s = '6 HTTP';
      report.add('http.query.api', results['query.api']!.rps, {
        section: s,
        label: 'GET /agreements/:id: API (Nest) req/s',
        unit: 'req/s',
        peer: 'http.query.bare',
        goal: { on: 'ratio', min: 0.7, text: '≥ 0.7× bare Node' },
      });
      report.add('http.query.bare', results['query.bare']!.rps, {
        section: s,
        label: 'GET /agreements/:id: bare Node http req/s',
        unit: 'req/s',
      });
      report.add('http.query.api.p99', results['query.api']!.p99, {
        section: s,
        label: 'GET /agreements/:id: API p99 (32 conns)',
        unit: 'ms',
        peer: 'http.query.bare.p99',
      });
      report.add('http.query.bare.p99', results['query.bare']!.p99, {
        section: s,
        label: 'GET /agreements/:id: bare p99 (32 conns)',
        unit: 'ms',
      });
      report.add('http.command.api', results['command.api']!.rps, {
        section: s,
        label: 'POST /decisions: API (Nest) req/s (peak)',
        unit: 'req/s',
        peer: 'http.command.bare',
        goal: { on: 'ratio', min: 0.6, text: '≥ 0.6× bare Node' },
      });
      report.add('http.command.bare', results['command.bare']!.rps, {
        section: s,
        label: 'POST /decisions: bare Node http req/s',
        unit: 'req/s',
      });
      report.add('http.command.api.p99', results['command.api']!.p99, {
        section: s,
        label: 'POST /decisions: API p99 at peak (32 conns)',
        unit: 'ms',
        peer: 'http.command.bare.p99',
      });
      report.add('http.command.bare.p99', results['command.bare']!.p99, {
        section: s,
        label: 'POST /decisions: bare p99 at peak (32 conns)',
        unit: 'ms',
      });
      report.add('http.command.api70.p99', results['command.api70'].p99, {
        section: s,
        label: 'POST /decisions: API p99 at 70% of peak',
        unit: 'ms',
        goal: { on: 'value', max: 25, text: '≤ 25 ms' },
      });
    }
  } finally {
    await app.close();
    await new Promise((resolve) => bare.close(resolve));
    await seed.close();
  }
}
