/**
 * A webhook receiver for tests: a loopback HTTP server that records every request (headers and the raw
 * body, as a receiver must verify signatures over the exact bytes) and answers what the test scripts,
 * 204 by default. Loopback only.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read payloads field by field.
  json: any;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
}

export interface WebhookReceiver {
  /** `http://<host>:<port>`. */
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** TCP connections accepted, to prove a refused delivery never connected. */
  readonly connections: number;
  /** Answers for the next requests to `path`, in order; then 204. */
  script(path: string, answers: ScriptedAnswer[]): void;
  /** Requests to `path` so far. */
  to(path: string): ReceivedWebhook[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(host = '127.0.0.1'): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const scripts = new Map<string, ScriptedAnswer[]>();
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      received.push({ path, headers: req.headers, body, json });
      const answer = scripts.get(path)?.shift() ?? { status: 204 };
      res.writeHead(answer.status, answer.headers ?? {});
      res.end();
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    received,
    get connections() {
      return connections;
    },
    script(path, answers) {
      scripts.set(path, [...answers]);
    },
    to: (path) => received.filter((r) => r.path === path),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
