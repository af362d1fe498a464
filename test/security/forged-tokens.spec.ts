import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { hmacKeyOf, issueToken } from '#platform';
import { startApi, type ApiHarness } from '../api/api-harness.js';
import { problemOf, eventsOf } from '../support/http.js';

/*
 * Tokens an attacker could present: each is refused with 401 problem+json and a Bearer challenge
 * saying the token is invalid, and nothing is written.
 */

let api: ApiHarness;
let key: Uint8Array;
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const claims = { sub: 'mallory', roles: ['admin'] };

const sign = (payload: object, signingKey: Uint8Array = key, edit: (jwt: SignJWT) => SignJWT = (j) => j) =>
  edit(
    new SignJWT({ ...payload })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('governance-tracker')
      .setAudience('governance-tracker-api')
      .setIssuedAt()
      .setExpirationTime('1h'),
  ).sign(signingKey);

async function refused(token: string, detail: RegExp): Promise<void> {
  const before = eventsOf(await api.admin.get('/events?limit=1000')).length;
  const write = await api.client(token).post('/bodies').send({ id: 'forged-body', name: 'Forged', kind: 'other' });
  expect({ status: write.status, detail: problemOf(write).detail }).toEqual({
    status: 401,
    detail: expect.stringMatching(detail),
  });
  expect(write.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(write.headers['www-authenticate']).toMatch(
    /^Bearer realm="governance-tracker", error="invalid_(token|request)"/,
  );
  expect((await api.client(token).get('/agreements')).status).toBe(401);
  expect(eventsOf(await api.admin.get('/events?limit=1000')).length).toBe(before);
}

beforeAll(async () => {
  api = await startApi({ WORKERS: 'off' });
  key = (await hmacKeyOf(api.config.auth)) as Uint8Array;
});

afterAll(async () => {
  await api?.close();
});

describe('forged and broken tokens (shared secret, HS256)', () => {
  test('a good token works, as the control', async () => {
    expect(
      (
        await api
          .client(await sign(claims))
          .post('/bodies')
          .send({ id: 'real-body', name: 'Real', kind: 'other' })
      ).status,
    ).toBe(201);
  });

  test('signed with another secret', async () => {
    await refused(await sign(claims, new Uint8Array(32).fill(7)), /signature is not valid/);
  });

  test('expired', async () => {
    await refused(
      await issueToken(api.config.auth, { sub: 'mallory', roles: ['admin'] }, new Date(Date.now() - 9 * 3_600_000)),
      /expired/,
    );
  });

  test('for another audience', async () => {
    await refused(await sign(claims, key, (j) => j.setAudience('some-other-api')), /"aud" claim/);
  });

  test('from another issuer', async () => {
    await refused(await sign(claims, key, (j) => j.setIssuer('https://evil.example')), /"iss" claim/);
  });

  test('alg: none (unsigned)', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, iss: 'governance-tracker', aud: 'governance-tracker-api', exp: now() + 3600 })}.`;
    await refused(token, /algorithm|malformed/);
  });

  test('a payload edited after signing (an officer making themselves admin)', async () => {
    const officer = await sign({ sub: 'mallory', roles: ['officer'], force: 'gwent' });
    const [header, , signature] = officer.split('.');
    const edited = `${header}.${b64({ sub: 'mallory', roles: ['admin'], iss: 'governance-tracker', aud: 'governance-tracker-api', exp: now() + 3600 })}.${signature}`;
    await refused(edited, /signature is not valid/);
  });

  test('without an expiry', async () => {
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('governance-tracker')
      .setAudience('governance-tracker-api')
      .sign(key);
    await refused(token, /"exp" claim/);
  });

  test('issued an hour in the future ("iat" ahead of the clock beyond the leeway)', async () => {
    await refused(
      await sign(claims, key, (j) => j.setIssuedAt(now() + 3600).setExpirationTime(now() + 7200)),
      /"iat" claim is in the future/,
    );
  });

  test('not valid before an hour from now ("nbf")', async () => {
    await refused(await sign(claims, key, (j) => j.setNotBefore(now() + 3600)), /"nbf" claim/);
  });

  test('expiring in 100 years (a lifetime over AUTH_MAX_TOKEN_LIFETIME, 24 h by default)', async () => {
    const century = now() + 100 * 365 * 86_400;
    await refused(
      await sign(claims, key, (j) => j.setExpirationTime(century)),
      /lives longer than this service accepts \(at most 24 h/,
    );
  });

  test('without "iat" and expiring beyond the maximum lifetime from now', async () => {
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('governance-tracker')
      .setAudience('governance-tracker-api')
      .setExpirationTime(now() + 25 * 3600)
      .sign(key);
    await refused(token, /lives longer/);
  });

  test('a clock a few seconds ahead (within the leeway) and a lifetime of exactly the maximum are accepted', async () => {
    const ahead = await sign(claims, key, (j) => j.setIssuedAt(now() + 10).setExpirationTime(now() + 10 + 24 * 3600));
    expect((await api.client(ahead).get('/agreements')).status).toBe(200);
  });

  test('an officer without a force, and roles that are not an array', async () => {
    await refused(await sign({ sub: 'mallory', roles: ['officer'] }), /must name the body/);
    await refused(await sign({ sub: 'mallory', roles: 'admin' }), /"roles"/);
  });

  test('not a bearer token at all', async () => {
    for (const header of [
      'Basic bWFsbG9yeTpzZWNyZXQ=',
      'Bearer',
      'Bearer not a token',
      `Bearer ${'a'.repeat(10_000)}`,
    ]) {
      const res = await api.http
        .post('/bodies')
        .set('Authorization', header)
        .send({ id: 'x', name: 'x', kind: 'other' });
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    await refused('eyJhbGciOiJIUzI1NiJ9.e30.garbage', /malformed|signature/);
  });
});

describe('a configured maximum lifetime (AUTH_MAX_TOKEN_LIFETIME=1h)', () => {
  let short: ApiHarness;
  beforeAll(async () => {
    short = await startApi({ WORKERS: 'off', AUTH_MAX_TOKEN_LIFETIME: '1h' });
  });
  afterAll(async () => {
    await short?.close();
  });

  test('a token for two hours is refused, one for an hour accepted, and the service will not issue a longer one', async () => {
    const shortKey = (await hmacKeyOf(short.config.auth)) as Uint8Array;
    const token = (seconds: number) => sign(claims, shortKey, (j) => j.setExpirationTime(now() + seconds));
    const long = await short.client(await token(7200)).get('/agreements');
    expect({ status: long.status, detail: problemOf(long).detail }).toEqual({
      status: 401,
      detail: expect.stringMatching(/at most 1 h/),
    });
    expect((await short.client(await token(3600)).get('/agreements')).status).toBe(200);
    await expect(short.token({ expiresIn: '2h' })).rejects.toThrow(/at most 1 h/);
  });
});

describe('tokens of an identity provider (JWKS, ES256)', () => {
  let idp: ApiHarness;
  let server: Server;
  let privateKey: CryptoKey;
  let publicJwk: JWK;
  const idpToken = (signingKey: CryptoKey, alg = 'ES256') =>
    new SignJWT({ roles: ['auditor'] })
      .setProtectedHeader({ alg, kid: 'k1' })
      .setSubject('auditor.smith')
      .setIssuer('https://idp.test')
      .setAudience('tracker')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(signingKey);

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    idp = await startApi({
      WORKERS: 'off',
      AUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks`,
      AUTH_ISSUER: 'https://idp.test',
      AUTH_AUDIENCE: 'tracker',
    });
  });

  afterAll(async () => {
    await idp?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  test('a token signed by the provider is accepted; an auditor reads but cannot write', async () => {
    const token = await idpToken(privateKey);
    expect((await idp.client(token).get('/agreements')).status).toBe(200);
    const write = await idp.client(token).post('/bodies').send({ id: 'x', name: 'x', kind: 'other' });
    expect(write.status).toBe(403);
  });

  test('a token signed by another key is refused', async () => {
    const other = await generateKeyPair('ES256');
    expect((await idp.client(await idpToken(other.privateKey)).get('/agreements')).status).toBe(401);
  });

  test('an HS256 token keyed with the public key (algorithm confusion) is refused', async () => {
    const confused = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject('mallory')
      .setIssuer('https://idp.test')
      .setAudience('tracker')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
    const res = await idp.client(confused).get('/agreements');
    expect(res.status).toBe(401);
    expect(problemOf(res).detail).toMatch(/algorithm/);
  });
});
