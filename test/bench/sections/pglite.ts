import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createEventStore, type EventStoreHandle } from '#event-store';
import type { BenchConfig } from '../config.js';
import { scaled } from '../config.js';
import { freshDatabase } from '../lib/env.js';
import { ACTOR, benchEvents } from '../lib/payload.js';
import type { Report } from '../lib/report.js';
import { now } from '../lib/stats.js';

type Work = { key: string; label: string; unit: string; run(h: EventStoreHandle, tag: string): Promise<number> };

/** Section 7: the same append and query work on embedded PGlite (on disk) and on the PostgreSQL server. */
export async function pgliteBench(report: Report, config: BenchConfig): Promise<void> {
  const appends = scaled(config, 1000);
  const work: Work[] = [
    {
      key: 'append.w1',
      label: '1 event/append, 1 writer',
      unit: 'events/s',
      async run(h, tag) {
        const t = now();
        for (let i = 0; i < appends; i++) {
          await h.store.append(`pg-${tag}-${i % 10}`, benchEvents(1, i), {
            expectedRevision: 'any',
            actor: ACTOR,
            correlationId: randomUUID(),
          });
        }
        return appends / ((now() - t) / 1000);
      },
    },
    {
      key: 'append.w32',
      label: '1 event/append, 32 writers',
      unit: 'events/s',
      async run(h, tag) {
        const per = Math.ceil(appends / 32);
        const t = now();
        await Promise.all(
          Array.from({ length: 32 }, async (_, w) => {
            for (let i = 0; i < per; i++) {
              await h.store.append(`pg32-${tag}-${w}`, benchEvents(1, i), { expectedRevision: 'any', actor: ACTOR });
            }
          }),
        );
        return (per * 32) / ((now() - t) / 1000);
      },
    },
    {
      key: 'append100',
      label: '100 events/append, 1 writer',
      unit: 'events/s',
      async run(h, tag) {
        const n = Math.max(10, Math.round(appends / 10));
        const t = now();
        for (let i = 0; i < n; i++)
          await h.store.append(`pg100-${tag}-${i % 10}`, benchEvents(100, i), {
            expectedRevision: 'any',
            actor: ACTOR,
          });
        return (n * 100) / ((now() - t) / 1000);
      },
    },
    {
      key: 'readStream',
      label: `readStream (${Math.max(10, Math.round(appends / 10)) * 10}-event stream)`,
      unit: 'reads/s',
      async run(h, tag) {
        const n = appends;
        const t = now();
        for (let i = 0; i < n; i++) await h.store.readStream(`pg100-${tag}-${i % 10}`);
        return n / ((now() - t) / 1000);
      },
    },
    {
      key: 'readAll',
      label: 'readAll page of 500',
      unit: 'pages/s',
      async run(h) {
        const n = Math.max(20, Math.round(appends / 10));
        const t = now();
        for (let i = 0; i < n; i++)
          await h.store.readAll({ fromPosition: h.store.parsePosition(String(1 + ((i * 500) % 5000))), maxCount: 500 });
        return n / ((now() - t) / 1000);
      },
    },
  ];
  const dir = await mkdtemp(join(tmpdir(), 'bench-pglite-'));
  // Without the store's stream cache: readStream here measures the drivers reading whole streams.
  const pglite = await createEventStore({ dataDir: dir, streamCacheEvents: 0 });
  const postgres = await createEventStore({ databaseUrl: await freshDatabase('pglite_peer'), streamCacheEvents: 0 });
  try {
    for (let run = 0; run < config.runs; run++) {
      for (const w of work) {
        for (const [name, h] of [
          ['PGlite', pglite],
          ['PostgreSQL', postgres],
        ] as const) {
          const v = await w.run(h, `${run}`);
          process.stderr.write(
            `  run ${run + 1} ${w.label.padEnd(30)} ${name.padEnd(10)} ${v.toFixed(0).padStart(8)} ${w.unit}\n`,
          );
          report.add(`pglite.${w.key}.${name === 'PGlite' ? 'pglite' : 'pg'}`, v, {
            section: '7 PGlite',
            label: `${w.label}: ${name}`,
            unit: w.unit,
            ...(name === 'PGlite' ? { peer: `pglite.${w.key}.pg` } : {}),
          });
        }
      }
    }
  } finally {
    await pglite.close();
    await postgres.close();
    await rm(dir, { recursive: true, force: true });
  }
}
