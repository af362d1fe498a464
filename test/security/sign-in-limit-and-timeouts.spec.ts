import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { startApi, type ApiHarness } from '../api/api-harness.js';

/*
 * What a client without a valid token can cost the service: refused sign-ins are limited per
 * client address, and a request whose headers or body never finish is cut.
 */

describe('refused sign-ins are limited per client address', () => {
  let limited: ApiHarness;
  let port: number;

  /** A request from the given local address (all of 127.0.0.0/8 is this machine's loopback). */
  const from = (localAddress: string, path: string, token?: string, post?: object) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      if (post) headers['content-type'] = 'application/json';
      const method = post ? 'POST' : 'GET';
      const req = httpRequest({ host: '127.0.0.1', port, path, localAddress, headers, method }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end(post ? JSON.stringify(post) : undefined);
    });

  beforeAll(async () => {
    limited = await startApi({ WORKERS: 'off', RATE_LIMIT_UNAUTHENTICATED: '3/1m' });
    await limited.app.listen(0, '127.0.0.1');
    port = (limited.app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(async () => {
    await limited?.close();
  });

  test('after 3 refused sign-ins in a minute an address gets 429 problem+json with Retry-After; other addresses and /health are unaffected', async () => {
    expect((await from('127.0.0.2', '/agreements')).status).toBe(401);
    expect((await from('127.0.0.2', '/agreements', 'not.a.token')).status).toBe(401);
    expect((await from('127.0.0.2', '/agreements', 'eyJhbGciOiJIUzI1NiJ9.e30.forged')).status).toBe(401);
    const fourth = await from('127.0.0.2', '/agreements', 'eyJhbGciOiJIUzI1NiJ9.e30.forged');
    expect(fourth.status).toBe(429);
    expect(fourth.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(fourth.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(JSON.parse(fourth.body)).toMatchObject({
      status: 429,
      detail: expect.stringMatching(/without a valid token from your address: at most 3/),
    });
    // Until the window ends the address is refused before its token is looked at, even a good one.
    expect((await from('127.0.0.2', '/agreements', await limited.token())).status).toBe(429);
    expect((await from('127.0.0.2', '/health')).status).toBe(200);
    // A write too, whether the write policy would allow it or not, and it is neither recorded nor counted.
    const draft = (id: string, parties: string[]) => ({
      id,
      title: `Agreement ${id}`,
      legalBasis: 's22A',
      businessArea: 'roads policing',
      deliveryModel: 'joint-unit',
      parties,
      occurredAt: '2016-01-10',
    });
    const officer = await limited.token({ sub: 'officer@dorset', roles: ['officer'], force: 'dorset' });
    const allowed = await from('127.0.0.2', '/agreements', officer, draft('blocked', ['dorset', 'hampshire']));
    expect({ status: allowed.status, detail: (JSON.parse(allowed.body) as { detail: string }).detail }).toEqual({
      status: 429,
      detail: expect.stringMatching(/without a valid token from your address/),
    });
    expect((await from('127.0.0.2', '/agreements', officer, draft('refused', ['gwent', 'hampshire']))).status).toBe(
      429,
    );
    expect((await from('127.0.0.3', '/agreements', officer, draft('refused', ['gwent', 'hampshire']))).status).toBe(
      403,
    );
    expect((await from('127.0.0.3', '/agreements/blocked', officer)).status).toBe(404);
    const counted = await from('127.0.0.3', '/agreements', officer, draft('allowed', ['dorset', 'hampshire']));
    expect({ status: counted.status, remaining: counted.headers['ratelimit-remaining'] }).toEqual({
      status: 201,
      remaining: String(limited.config.writeRateLimit.limit - 1),
    });
    expect((await from('127.0.0.3', '/agreements')).status).toBe(401);
    expect((await from('127.0.0.3', '/agreements', await limited.token())).status).toBe(200);
  });
});

describe('slow requests are cut', () => {
  let api: ApiHarness;
  let port: number;

  /** Sends the headers and part of a body that is never finished; resolves with what came back once the server closes. */
  const unfinished = (head: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(head));
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });

  beforeAll(async () => {
    api = await startApi({ WORKERS: 'off', HTTP_HEADERS_TIMEOUT: '1s', HTTP_REQUEST_TIMEOUT: '2s' });
    await api.app.listen(0, '127.0.0.1');
    port = (api.app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(async () => {
    await api?.close();
  });

  test('the server is configured with HTTP_HEADERS_TIMEOUT and HTTP_REQUEST_TIMEOUT (10 s each by default: libs/config)', () => {
    expect(api.app.getHttpServer()).toMatchObject({ headersTimeout: 1000, requestTimeout: 2000 });
  });

  test('a body that never completes is answered 408 and its connection closed', async () => {
    const answer = await unfinished(
      `POST /bodies HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"id":"slow`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  test('headers that never complete are answered 408 and the connection closed', async () => {
    expect(await unfinished('GET /agreements HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a')).toMatch(/^HTTP\/1\.1 408 /);
  });
});
