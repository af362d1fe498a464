import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '#config';
import { createEventStore, PERSONAL_FIELDS } from '#event-store';
import { runCli } from '../../apps/cli/src/cli.js';
import { startApi, type ApiHarness } from '../api/api-harness.js';
import { postgresDriver, type TestDatabase } from '../support/db.js';
import { bodyOf } from '../support/http.js';
import { restoreDump, SECRET, unpackPgliteData, writtenAt } from './release-0.1.0-fixture.js';

/*
 * Issue 18 item 5 on a database written by release 0.1.0, whose events hold names in the clear:
 * `cli verify` passes, `cli seal-personal-data` re-chains it (a second run does nothing), `cli verify`
 * passes again (its old checkpoints checked against the hashes they signed), and erasing a person
 * named only in those old events removes the name from every read while verify still passes.
 */

/** The signatory release 0.1.0 recorded for both parties of the Hampshire/TVP agreement. */
const SIGNATORY = 'Chief Constable';

async function cli(env: Record<string, string>, ...argv: string[]) {
  const out: string[] = [];
  const code = await runCli(argv, {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => out.push(t), isTTY: false },
    config: loadConfig(env),
  });
  return { code, out: out.join('') };
}

/** The personal fields of every stored event, as stored: text in the clear or envelopes. */
async function storedPersonalFields(env: Record<string, string>): Promise<string> {
  const { db, close } = await createEventStore({
    databaseUrl: env.DATABASE_URL ?? null,
    dataDir: env.DATA_DIR ?? null,
  });
  try {
    const { rows } = await db.query<{ data: string }>('SELECT data::text AS data FROM events WHERE type = ANY($1)', [
      Object.keys(PERSONAL_FIELDS),
    ]);
    return rows.map((r) => r.data).join('\n');
  } finally {
    await close();
  }
}

/** Opens the service until `ready` holds (the read models caught up, a checkpoint signed), then stops it. */
async function openUntil(env: Record<string, string>, ready: (api: ApiHarness) => Promise<boolean>): Promise<void> {
  const api = await startApi(env, { now: writtenAt });
  try {
    for (let i = 0; i < 600 && !(await ready(api)); i++) await new Promise((r) => setTimeout(r, 100));
  } finally {
    await api.close();
  }
}

async function sealVerifyErase(env: Record<string, string>, signs: boolean): Promise<void> {
  const receiptFile = join(tmpdir(), `receipt-${process.pid}-${Date.now()}.json`);
  const publicKey = `${env.DATA_DIR}/checkpoint-key.pem.pub`;
  expect(await storedPersonalFields(env)).toContain(`"signedBy": "${SIGNATORY}"`);
  // The service opened once under this release first: on the embedded default it signs checkpoints of the old chain.
  let receipt: unknown = null;
  await openUntil(env, async (api) => {
    const res = await api.admin.get('/integrity/checkpoint');
    if (res.status === 200) receipt = res.body;
    return !signs || res.status === 200;
  });
  if (signs) expect(receipt).toMatchObject({ format: 'governance-checkpoint-receipt' });
  expect(await cli(env, 'verify')).toMatchObject({
    code: 0,
    out: signs ? expect.stringMatching(/Signed checkpoints: [1-9]/) : expect.any(String),
  });

  const sealed = await cli(env, 'seal-personal-data', '--reason', 'issue 18: seal the names of release 0.1.0');
  expect(sealed).toMatchObject({
    code: 0,
    out: expect.stringMatching(/re-chained to chain version 2: \d+ event\(s\) sealed/),
  });
  expect(await storedPersonalFields(env)).not.toContain(`"signedBy": "${SIGNATORY}"`);
  expect(await cli(env, 'seal-personal-data', '--reason', 'again')).toMatchObject({
    code: 0,
    out: expect.stringMatching(/^nothing to seal/),
  });
  const verified = await cli(env, 'verify');
  expect(verified).toMatchObject({
    code: 0,
    out: expect.stringMatching(/Chain version 2: every recorded re-chain checked/),
  });
  if (signs) {
    // The checkpoints signed before the re-chain are checked against the hashes they signed, and a receipt too.
    await writeFile(receiptFile, JSON.stringify(receipt));
    expect(await cli(env, 'verify', '--public-key', publicKey, '--receipt', receiptFile)).toMatchObject({ code: 0 });
  }

  const erased = await cli(env, 'erase-person', '--name', SIGNATORY, '--reason', 'Erasure request 2026/18');
  expect(erased).toMatchObject({ code: 0 });
  expect(await cli(env, 'verify')).toMatchObject({ code: 0 });

  // The service's clock stands still in tests: sign at every event rather than after an interval.
  const api = await startApi({ ...env, CHECKPOINT_EVERY_EVENTS: '1' }, { now: writtenAt });
  try {
    // Opening an old PostgreSQL database rebuilds the read models whose version this release raised: wait for it.
    let agreement: { parties?: { signedBy: string | null }[] } = {};
    for (let i = 0; i < 600 && agreement.parties === undefined; i++) {
      const res = await api.admin.get('/agreements/hampshire-tvp-bilateral');
      if (res.status === 200) agreement = bodyOf<typeof agreement>(res);
      else await new Promise((r) => setTimeout(r, 100));
    }
    if (agreement.parties === undefined) throw new Error('the agreement was never readable');
    expect(agreement.parties.filter((p) => p.signedBy !== null).map((p) => p.signedBy)).toEqual(
      expect.arrayContaining(['erased']),
    );
    expect(JSON.stringify(agreement)).not.toContain(SIGNATORY);
    const events = await api.admin.get('/streams/agreement-hampshire-tvp-bilateral/events');
    expect(events.status).toBe(200);
    expect(JSON.stringify(events.body)).not.toContain(SIGNATORY);
    expect(bodyOf<{ ok: boolean }>(await api.admin.get('/integrity')).ok).toBe(true);
    if (signs) {
      // The checkpointer carries on from the checkpoint signed before the re-chain and signs the new chain.
      for (let i = 0; i < 100; i++) {
        const latest = bodyOf<{ position: string }>(await api.admin.get('/integrity/checkpoint'));
        if (BigInt(latest.position) > BigInt((receipt as { position: string }).position)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const latest = bodyOf<{ position: string }>(await api.admin.get('/integrity/checkpoint'));
      expect(BigInt(latest.position)).toBeGreaterThan(BigInt((receipt as { position: string }).position));
    }
  } finally {
    await api.close();
  }
  if (signs) {
    // The old receipt, the old checkpoints and the one signed after the re-chain, together.
    const final = await cli(env, 'verify', '--public-key', publicKey, '--receipt', receiptFile);
    expect(final).toMatchObject({ code: 0, out: expect.stringMatching(/Chain version 2/) });
    await rm(receiptFile);
  }
}

describe('sealing the names of a PGlite data directory written by release 0.1.0', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    const unpacked = await unpackPgliteData('release-0.1.0-seal-');
    dir = unpacked.dir;
    env = { DATA_DIR: unpacked.dataDir, AUTH_JWT_SECRET: SECRET };
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('verify, seal (once), verify, erase a name of an old event: gone from every read, verify still passes', async () => {
    await sealVerifyErase(env, true);
  }, 240_000);
});

postgresDriver.describe('sealing the names of a PostgreSQL database written by release 0.1.0', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await restoreDump();
  }, 60_000);
  afterAll(async () => {
    await database?.dispose();
  });

  test('verify, seal (once), verify, erase a name of an old event: gone from every read, verify still passes', async () => {
    await sealVerifyErase({ DATABASE_URL: database.url as string, AUTH_JWT_SECRET: SECRET }, false);
  }, 240_000);
});
