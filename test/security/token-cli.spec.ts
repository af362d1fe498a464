import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '#config';
import { runCli } from '../../apps/cli/src/cli.js';
import { createApp } from '../../apps/api/src/create-app.js';
import { startApi, type ApiHarness } from '../api/api-harness.js';
import { firstEventOf } from '../support/http.js';

/*
 * The embedded default: a person trying the service locally runs `npm run cli -- token --role
 * admin` and has a token the service accepts, signed with the secret generated in DATA_DIR.
 */

let api: ApiHarness;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
    config: api.config,
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  api = await startApi({ WORKERS: 'off' });
});

afterAll(async () => {
  await api?.close();
});

describe('npm run cli -- token', () => {
  test('the service generated its secret in DATA_DIR, readable by its owner only', async () => {
    const info = await stat(join(api.dataDir, 'auth-secret'));
    expect(info.mode & 0o777).toBe(0o600);
  });

  test('prints an officer token the service accepts, and writes are recorded under it', async () => {
    const { code, stdout, stderr } = await cli([
      'token',
      '--role',
      'officer',
      '--force',
      'thames-valley',
      '--sub',
      'jane.doe',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(stderr).toContain('jane.doe');
    const officer = api.client(stdout.trim());
    const res = await officer.post('/agreements').send({
      id: 'tvp-dogs',
      title: 'Dogs',
      legalBasis: 'mou',
      businessArea: 'dogs',
      deliveryModel: 'virtual',
      parties: ['thames-valley', 'hampshire'],
    });
    expect(res.status).toBe(201);
    const event = firstEventOf(await officer.get('/streams/agreement-tvp-dogs/events'));
    expect(event.actor).toEqual({
      kind: 'officer',
      sub: 'jane.doe',
      force: 'thames-valley',
      issuer: 'governance-tracker',
    });
    expect(event.actorDisplay).toBe('officer:jane.doe (thames-valley)');
  });

  test('roles as a list, and an expiry', async () => {
    const { code, stdout } = await cli(['token', '--role', 'auditor,admin', '--sub', 'ops', '--expires', '30m']);
    expect(code).toBe(0);
    const payload = JSON.parse(Buffer.from(stdout.split('.')[1] as string, 'base64url').toString()) as {
      exp: number;
      iat: number;
    };
    expect(payload).toMatchObject({
      sub: 'ops',
      roles: ['auditor', 'admin'],
      iss: 'governance-tracker',
      aud: 'governance-tracker-api',
    });
    expect(payload.exp - payload.iat).toBe(1800);
  });

  test.each([
    [['token'], /at least one --role/],
    [['token', '--role', 'officer'], /--force/],
    [['token', '--role', 'chief'], /Unknown role "chief"/],
    [['token', '--role', 'officer', '--force', 'Thames Valley'], /slug/],
    [['token', '--role', 'admin', '--expires', 'forever'], /duration/],
  ])('%j is a usage error', async (args, message) => {
    const { code, stderr } = await cli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

test('refuses to print a token that would live longer than AUTH_MAX_TOKEN_LIFETIME (24 h by default)', async () => {
  const { code, stdout, stderr } = await cli(['token', '--role', 'admin', '--expires', '2d']);
  expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
  expect(stderr).toMatch(/at most 24 h/);
});

describe('a PostgreSQL deployment without auth settings', () => {
  test('the API refuses to start, saying what to configure', async () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', PORT: '0' });
    await expect(createApp(config, { logger: false })).rejects.toThrow(/AUTH_JWT_SECRET .* or AUTH_JWKS_URL/);
  });
});
