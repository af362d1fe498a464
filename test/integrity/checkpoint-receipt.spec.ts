// GET /integrity/checkpoint through the whole app on the embedded default: the key generated beside
// the data, a checkpoint signed by the background checkpointer, the receipt and the anchor file.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import {
  EventStore,
  checkpointSignatureValid,
  hashEvent,
  keyIdOf,
  parseReceipt,
  readAnchorFile,
  readChainPage,
  readPublicKey,
  SqlDatabase,
} from '#event-store';
import { CheckpointLifecycle } from '#messaging';
import { startApi, type ApiHarness } from '../api/api-harness.js';
import { bodyOf, problemOf, type HealthBody } from '../support/http.js';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApi();
}, 60_000);
afterAll(async () => {
  await api?.close();
});

test('needs a token like every audit route', async () => {
  expect((await api.http.get('/integrity/checkpoint')).status).toBe(401);
});

test('before anything is signed: 404 problem saying so', async () => {
  const response = await api.admin.get('/integrity/checkpoint');
  expect(response.status).toBe(404);
  expect(response.body).toMatchObject({
    code: 'not-found',
    detail: expect.stringMatching(/No checkpoint has been signed yet/),
  });
});

test('the latest signed checkpoint as a receipt that verifies with the key generated beside the data, also in the anchor file', async () => {
  const store = api.app.get(EventStore);
  await store.append(
    'board-hants-tvp',
    [{ type: 'BoardMeetingScheduled', occurredAt: '2015-11-12', data: { meetingId: 'm-1' } }],
    {
      expectedRevision: 'no-stream',
      actor: 'officer',
    },
  );
  // The background loop signs on its own schedule; one pass here makes it now (the advisory lock keeps the two apart).
  await expect(api.app.get(CheckpointLifecycle).pass()).resolves.toBe(true);

  const response = await api.admin.get('/integrity/checkpoint');
  expect(response.status).toBe(200);
  const receipt = parseReceipt(JSON.stringify(response.body));
  if (typeof receipt === 'string') throw new Error(receipt);
  expect(receipt).toMatchObject({ position: '1', previousPosition: null });
  const publicKey = readPublicKey(await readFile(join(api.dataDir, 'checkpoint-key.pem.pub'), 'utf8'));
  expect(receipt.keyId).toBe(keyIdOf(publicKey));
  expect(checkpointSignatureValid(receipt, publicKey)).toBe(true);
  const { rows } = await api.app.get(SqlDatabase).query<{ hash: string }>('SELECT hash FROM events WHERE position = 1');
  expect(receipt.headHash).toBe(rows[0]!.hash);
  expect((await readAnchorFile(join(api.dataDir, 'checkpoints.ndjson'))).map((r) => r.position)).toEqual(['1']);
  expect((await api.admin.get('/integrity')).body).toMatchObject({
    ok: true,
    events: 1,
    checkpoints: 1,
    signedThrough: '1',
  });
});

test('GET /integrity checks the signed checkpoints too: an edit with the chain recomputed is named at its position', async () => {
  const db = api.app.get(SqlDatabase);
  const [row] = await readChainPage(db, '0', '1', 1);
  const edited = { ...row!, data: { meetingId: 'm-2' } };
  await db.query('UPDATE events SET data = $1, hash = $2 WHERE position = 1', [
    JSON.stringify(edited.data),
    hashEvent(edited, row!.prevHash!),
  ]);
  expect((await api.admin.get('/integrity')).body).toMatchObject({
    ok: false,
    brokenAt: '1',
    reason: 'rewritten',
    checkpoints: 1,
  });
});

test('a latest checkpoint row that does not verify is never handed out as a receipt', async () => {
  await api.app.get(SqlDatabase).query(`UPDATE integrity_checkpoints SET head_hash = repeat('b', 64)`);
  const response = await api.admin.get('/integrity/checkpoint');
  expect(response.status).toBe(404);
  expect(problemOf(response).detail).toMatch(/does not verify with key/);
});

test('a checkpointer that refuses to sign on (the last checkpoint no longer verifies) takes /health down with its code', async () => {
  await expect(api.app.get(CheckpointLifecycle).pass()).resolves.toBe(false);
  const health = await api.http.get('/health');
  expect(health.status).toBe(503);
  expect(bodyOf<HealthBody>(health).error?.checkpoints).toEqual({
    status: 'down',
    state: 'retrying',
    lastCheckpoint: { position: '1', signedAt: expect.any(String) },
    lastError: 'checkpoint-refused',
  });
});
