/**
 * A small users API for first runs and demos: in memory, loopback only, no dependencies, so the example
 * suite from `assay init` passes with no network.
 *
 *   GET  /health      → 200 { status: "ok" }
 *   GET  /users       → 200 [users]
 *   POST /users       → 201 + Location, the user; 400 when name or email is missing
 *   GET  /users/:id   → 200 the user, 404 otherwise
 *   DELETE /users/:id → 204, 404 otherwise
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DemoUser {
  id: number;
  name: string;
  email: string;
  createdAt: string;
}

export interface DemoTarget {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startDemoTarget(options: { port: number; host?: string }): Promise<DemoTarget> {
  const users = new Map<number, DemoUser>();
  let nextId = 1;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://demo.invalid').pathname.replace(/\/+$/, '') || '/';
      const reply = handle(req.method ?? 'GET', path, Buffer.concat(chunks).toString('utf8'));
      const payload = reply.body === undefined ? undefined : Buffer.from(JSON.stringify(reply.body));
      res.writeHead(reply.status, {
        ...reply.headers,
        ...(payload && {
          'content-type': 'application/json; charset=utf-8',
          'content-length': payload.length,
        }),
      });
      res.end(payload);
    });
  });

  function handle(method: string, path: string, body: string): Reply {
    if (path === '/health' && method === 'GET') return { status: 200, body: { status: 'ok' } };
    if (path === '/users' && method === 'GET') return { status: 200, body: [...users.values()] };
    if (path === '/users' && method === 'POST') return createUser(body);
    const match = /^\/users\/(\d+)$/.exec(path);
    if (!match) return problem(404, `nothing at ${path}`);
    const id = Number(match[1]);
    const user = users.get(id);
    if (!user) return problem(404, `no user with id ${id}`);
    if (method === 'GET') return { status: 200, body: user };
    if (method === 'DELETE') {
      users.delete(id);
      return { status: 204 };
    }
    return problem(405, `${method} is not allowed here`);
  }

  function createUser(body: string): Reply {
    let input: unknown;
    try {
      input = JSON.parse(body);
    } catch {
      return problem(400, 'the body must be JSON');
    }
    const { name, email } = (input ?? {}) as { name?: unknown; email?: unknown };
    if (typeof name !== 'string' || name === '' || typeof email !== 'string' || !email.includes('@')) {
      return problem(400, 'name and email are required');
    }
    const user: DemoUser = { id: nextId++, name, email, createdAt: new Date().toISOString() };
    users.set(user.id, user);
    return { status: 201, body: user, headers: { location: `/users/${user.id}` } };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

function problem(status: number, detail: string): Reply {
  return { status, body: { title: http.STATUS_CODES[status] ?? 'Error', status, detail } };
}
