import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  status: number;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A local HTTP receiver standing in for a webhook endpoint: each route answers a script of statuses, then 200. */
export interface WebhookReceiver {
  url: string;
  /** A fresh path that answers `failures` in turn, then 200 for ever. */
  route(failures?: number[]): string;
  requests(path: string): ReceivedRequest[];
  /** Bodies of the requests answered 200. */
  delivered(path: string): unknown[];
  /** Resolves once `path` has answered 200 at least `count` times. */
  waitForDeliveries(path: string, count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const scripts = new Map<string, number[]>();
  const received: ReceivedRequest[] = [];
  let routes = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const status = scripts.get(path)?.shift() ?? (scripts.has(path) ? 200 : 404);
      let body: unknown = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      received.push({ path, status, headers: req.headers, body });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const requests = (path: string): ReceivedRequest[] => received.filter((r) => r.path === path);
  const delivered = (path: string): unknown[] =>
    requests(path)
      .filter((r) => r.status === 200)
      .map((r) => r.body);

  return {
    url: `http://127.0.0.1:${port}`,
    route(failures = []) {
      const path = `/hook-${++routes}`;
      scripts.set(path, [...failures]);
      return path;
    },
    requests,
    delivered,
    async waitForDeliveries(path, count, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (delivered(path).length < count) {
        if (Date.now() > deadline) {
          throw new Error(`${path} received ${delivered(path).length} of ${count} deliveries within ${timeoutMs} ms`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
