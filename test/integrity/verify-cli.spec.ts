import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '#config';
import {
  CHAIN_KEPT_BY_SQL_ONLY,
  Checkpointer,
  createEventStore,
  Ed25519CheckpointSigner,
  PgliteDatabase,
  publicKeyPem,
} from '#event-store';
import { runCli } from '../../apps/cli/src/cli.js';

/* `npm run cli -- verify` and `export` on an embedded PGlite data directory. */

let dir: string;
let dataDir: string;
let config: AppConfig;
let target: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verify-cli-'));
  dataDir = join(dir, 'data');
  config = loadConfig({ DATA_DIR: dataDir });
  const { store, close } = await createEventStore({ dataDir });
  for (let i = 0; i < 5; i++) {
    const { lastPosition } = await store.append(
      `board-hants-tvp-${i % 2}`,
      [
        {
          type: 'BoardMeetingCancelled',
          occurredAt: '2015-11-12',
          data: { meetingId: `m-${i}`, reason: 'diary clash' },
        },
      ],
      { expectedRevision: 'any', actor: 'officer:jane.doe (thames-valley)' },
    );
    if (i === 2) target = lastPosition!;
  }
  await close();
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t), isTTY: false },
    config,
  });
  return { code, out: out.join(''), err: err.join('') };
}

test('help lists verify and export', async () => {
  const { out } = await cli('help');
  expect(out).toMatch(/verify \[--file <export\.ndjson>\]/);
  expect(out).toMatch(/export \[--stream <streamId>\] \[--out <file>\]/);
});

test('verify reports an intact chain with its head hash (exit 0); export and verify --file agree', async () => {
  const live = await cli('verify');
  expect(live.code).toBe(0);
  expect(live.out).toMatch(/^Chain intact: 5 events verified, head position 5, head hash ([0-9a-f]{64})\./);
  const headHash = /head hash ([0-9a-f]{64})/.exec(live.out)![1];

  const file = join(dir, 'log.ndjson');
  const exported = await cli('export', '--out', file);
  expect(exported.code).toBe(0);
  expect(exported.out).toContain(
    `Exported 5 events of the whole log up to log position 5 (head hash ${headHash}) to ${file}`,
  );
  const offline = await cli('verify', '--file', file);
  expect(offline).toMatchObject({ code: 0 });
  expect(offline.out).toContain(
    `chain intact (whole log: 5 events, every hash and link checked); head position 5, head hash ${headHash}`,
  );

  const streamOut = await cli('export', '--stream', 'board-hants-tvp-0');
  expect(streamOut.code).toBe(0);
  expect(streamOut.out.trimEnd().split('\n')).toHaveLength(4);
  expect(streamOut.err).toContain('Exported 3 events of stream board-hants-tvp-0 (revisions 0..2)');
  const streamFile = join(dir, 'stream.ndjson');
  await writeFile(streamFile, streamOut.out);
  const streamCheck = await cli('verify', '--file', streamFile);
  expect(streamCheck.code).toBe(0);
  expect(streamCheck.out).toContain('stream board-hants-tvp-0: 3 events');

  const lines = (await readFile(file, 'utf8')).split('\n');
  lines[3] = lines[3]!.replace('diary clash', 'diary clasH');
  await writeFile(file, lines.join('\n'));
  const tampered = await cli('verify', '--file', file);
  expect(tampered.code).toBe(1);
  expect(tampered.out).toContain(`Chain BROKEN at position ${target} (line 4): hash-mismatch`);
});

test('one byte changed in one stored event makes verify fail at exactly that position (exit 1)', async () => {
  const db = await PgliteDatabase.open({ dataDir });
  await db.query(
    `UPDATE events SET data = replace(data::text, 'diary clash', 'diary clasH')::jsonb WHERE position = $1`,
    [target],
  );
  await db.close();
  const { code, out } = await cli('verify');
  expect(code).toBe(1);
  expect(out).toMatch(
    new RegExp(
      `^Chain BROKEN at position ${target}: hash-mismatch\\n  the event at position ${target} \\(board-hants-tvp-0 revision 1, BoardMeetingCancelled\\)`,
    ),
  );
  expect(out).toContain('2 event(s) before it verified.');
});

test('bad arguments are a usage error (exit 2)', async () => {
  expect((await cli('verify', '--nope')).code).toBe(2);
  expect((await cli('export', '--stream')).code).toBe(2);
});

test('a receipt needs the public key, and a receipt or key that cannot be read is a usage error (exit 2)', async () => {
  const receipt = join(dir, 'receipt.json');
  await writeFile(receipt, '{"format":"governance-checkpoint-receipt"}');
  const noKey = await cli('verify', '--receipt', receipt);
  expect(noKey.code).toBe(2);
  expect(noKey.err).toMatch(/is not a checkpoint receipt|need the public key/);
  const keyFile = join(dir, 'not-a-key.pem');
  await writeFile(keyFile, 'hello');
  const badKey = await cli('verify', '--public-key', keyFile);
  expect(badKey.code).toBe(2);
  expect(badKey.err).toContain('is not an Ed25519 key in PEM');
  expect((await cli('verify', '--public-key', join(dir, 'missing.pem'))).err).toContain('cannot read the public key');
  expect((await cli('verify', '--file', receipt, '--receipt', receipt)).code).toBe(2);
});

test('with the public key, verify also checks every signed checkpoint and says how far the log is signed', async () => {
  const signer = Ed25519CheckpointSigner.generate();
  const db = await PgliteDatabase.open({ dataDir });
  try {
    await db.query(
      `UPDATE events SET data = replace(data::text, 'diary clasH', 'diary clash')::jsonb WHERE position = $1`,
      [target],
    );
    await new Checkpointer(db, signer, { everyEvents: 3, intervalMs: 0 }).runOnce();
  } finally {
    await db.close();
  }
  const keyFile = join(dir, 'checkpoint.pub');
  await writeFile(keyFile, publicKeyPem(signer.publicKey));
  const { code, out } = await cli('verify', '--public-key', keyFile);
  expect(code).toBe(0);
  expect(out).toContain(`Signed checkpoints: 2 verified with key ${signer.keyId}; signed through position 5.`);
  const other = join(dir, 'other.pub');
  await writeFile(other, publicKeyPem(Ed25519CheckpointSigner.generate().publicKey));
  const wrongKey = await cli('verify', '--public-key', other);
  expect(wrongKey.code).toBe(1);
  expect(wrongKey.out).toMatch(/^Chain BROKEN at position 3: bad-checkpoint/);
});

test('with EVENT_STORE=kurrentdb, verify and export refuse (exit 2) instead of calling the empty SQL log intact', async () => {
  const sqlConfig = config;
  config = loadConfig({
    DATA_DIR: dataDir,
    EVENT_STORE: 'kurrentdb',
    KURRENTDB_URL: 'kurrentdb://127.0.0.1:2113?tls=false',
  });
  try {
    for (const command of [['verify'], ['export', '--out', join(dir, 'never.ndjson')]]) {
      const refused = await cli(...command);
      expect([command[0], refused.code, refused.out]).toEqual([command[0], 2, '']);
      expect(refused.err).toContain(CHAIN_KEPT_BY_SQL_ONLY);
    }
  } finally {
    config = sqlConfig;
  }
});
