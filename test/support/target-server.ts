/**
 * A local API for the engine to face in tests: echo, statuses, redirects, cookies, compression, auth,
 * OAuth2 client credentials, multipart, large and hanging responses. Loopback only, no dependencies.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import zlib from 'node:zlib';
import { decodeBasic, formFields, parseCookies, parseMultipart } from './target-parsing.ts';

export const TARGET_CLIENT_ID = 'assay-client';
export const TARGET_CLIENT_SECRET = 'assay-secret';

/** The fixed document served at `/json` (and compressed at `/gzip`, `/brotli`, …). */
export const TARGET_DOCUMENT = {
  name: 'Assay',
  version: 1,
  tags: ['api', 'tests'],
  nested: { ok: true, count: 3 },
};

export interface TokenRequestRecord {
  grantType: string | undefined;
  scope: string | undefined;
  audience: string | undefined;
  /** How the client presented its credentials. */
  clientAuth: 'basic' | 'body' | 'none';
}

export interface TargetServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:43121`. */
  url: string;
  port: number;
  /** Requests received so far. */
  readonly requests: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Calls to `/oauth/token` so far (failed ones included). */
  readonly tokenRequests: number;
  readonly lastTokenRequest: TokenRequestRecord | undefined;
  close(): Promise<void>;
}

export interface TargetServerOptions {
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}

interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  body: Buffer;
}

interface State {
  requests: number;
  connections: number;
  tokenRequests: number;
  lastTokenRequest: TokenRequestRecord | undefined;
  issuedTokens: Set<string>;
  users: Map<number, { id: number; name: string; email: string }>;
}

const LARGE_BODY = Buffer.alloc(5 * 1024 * 1024, 'abcdefghijklmnopqrstuvwxyz0123456789\n');

export async function startTargetServer(options: TargetServerOptions = {}): Promise<TargetServer> {
  const state: State = {
    requests: 0,
    connections: 0,
    tokenRequests: 0,
    lastTokenRequest: undefined,
    issuedTokens: new Set(),
    users: new Map(),
  };
  const sockets = new Set<Socket>();
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    state.requests++;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://target.invalid');
      try {
        route({ req, res, url, body: Buffer.concat(chunks) }, state);
      } catch (error) {
        sendJson(res, 500, { error: String(error) });
      }
    });
  };
  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : http.createServer(handler);
  server.on('connection', (socket: Socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    get requests() {
      return state.requests;
    },
    get connections() {
      return state.connections;
    },
    get tokenRequests() {
      return state.tokenRequests;
    },
    get lastTokenRequest() {
      return state.lastTokenRequest;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // `/hang` keeps sockets open forever; close must not wait for them.
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function route(ex: Exchange, state: State): void {
  const { req, res, url } = ex;
  const path = url.pathname;
  const segments = path.split('/').filter(Boolean);
  const [head, arg1, arg2] = segments;
  const method = req.method ?? 'GET';

  switch (head) {
    case 'echo':
      sendJson(res, 200, echo(ex));
      return;
    case 'headers':
      sendJson(res, 200, { headers: req.headers });
      return;
    case 'status': {
      const code = Number(arg1);
      if (code >= 300 && code < 400) res.setHeader('location', '/echo');
      sendJson(res, code, { status: code });
      return;
    }
    case 'json':
      sendJson(res, 200, TARGET_DOCUMENT);
      return;
    case 'users':
      users(ex, state, arg1);
      return;
    case 'redirect': {
      const n = Number(arg1);
      redirect(res, 302, n > 1 ? `/redirect/${n - 1}` : '/echo');
      return;
    }
    case 'redirect-to': {
      const status = Number(url.searchParams.get('status') ?? 302);
      redirect(res, status, url.searchParams.get('url') ?? '/echo');
      return;
    }
    case 'redirect-303':
      redirect(res, 303, '/echo');
      return;
    case 'cookies':
      if (arg1 === 'set' || arg1 === 'redirect') {
        res.setHeader(
          'set-cookie',
          [...url.searchParams].map(([k, v]) => `${k}=${v}; Path=/`),
        );
        if (arg1 === 'redirect') {
          redirect(res, 302, '/cookies');
          return;
        }
      }
      sendJson(res, 200, { cookies: parseCookies(req.headers.cookie) });
      return;
    case 'gzip':
      sendEncoded(res, 'gzip', zlib.gzipSync(documentBytes()));
      return;
    case 'deflate':
      sendEncoded(res, 'deflate', zlib.deflateSync(documentBytes()));
      return;
    case 'deflate-raw':
      sendEncoded(res, 'deflate', zlib.deflateRawSync(documentBytes()));
      return;
    case 'brotli':
      sendEncoded(res, 'br', zlib.brotliCompressSync(documentBytes()));
      return;
    case 'zstd':
      sendEncoded(res, 'zstd', zlib.zstdCompressSync(documentBytes()));
      return;
    case 'gzip-bomb':
      // Small on the wire, `n` bytes once decoded: tests the decoded-size bound.
      sendEncoded(res, 'gzip', zlib.gzipSync(Buffer.alloc(Number(arg1 ?? 0))));
      return;
    case 'gzip-random':
      // Incompressible: as large on the wire as once decoded.
      sendEncoded(res, 'gzip', zlib.gzipSync(randomBytes(Number(arg1 ?? 0))));
      return;
    case 'delay':
      // Unref'd: a delayed answer nobody waits for must not hold the test process open.
      setTimeout(() => sendJson(res, 200, { delayed: Number(arg1) }), Number(arg1)).unref();
      return;
    case 'bytes':
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(randomBytes(Number(arg1)));
      return;
    case 'basic-auth':
      basicAuth(ex, arg1 ?? '', arg2 ?? '');
      return;
    case 'bearer': {
      const token = bearerToken(req);
      if (!token) {
        unauthorized(res, 'Bearer');
        return;
      }
      sendJson(res, 200, { authenticated: true, token });
      return;
    }
    case 'oauth':
      if (arg1 === 'token' && method === 'POST') {
        oauthToken(ex, state);
        return;
      }
      sendJson(res, 404, { error: 'not found' });
      return;
    case 'protected': {
      const token = bearerToken(req);
      if (!token || !state.issuedTokens.has(token)) {
        unauthorized(res, 'Bearer');
        return;
      }
      sendJson(res, 200, { access: 'granted', token });
      return;
    }
    case 'multipart':
      sendJson(res, 200, parseMultipart(req.headers['content-type'] ?? '', ex.body));
      return;
    case 'form':
      sendJson(res, 200, { fields: formFields(ex.body.toString('utf8')) });
      return;
    case 'text':
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('hello from assay\n');
      return;
    case 'html':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><body><h1>Assay</h1></body></html>');
      return;
    case 'large':
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': LARGE_BODY.length });
      res.end(LARGE_BODY);
      return;
    case 'hang':
      return;
    default:
      sendJson(res, 404, { error: 'not found', path });
      return;
  }
}

function echo({ req, url, body }: Exchange): Record<string, unknown> {
  const text = body.toString('utf8');
  let json: unknown;
  if (/json/i.test(req.headers['content-type'] ?? '')) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return {
    method: req.method,
    path: url.pathname,
    query: formFields(url.search.slice(1)),
    headers: req.headers,
    body: text,
    json,
  };
}

function users({ req, res, body }: Exchange, state: State, id: string | undefined): void {
  if (req.method === 'POST' && id === undefined) {
    const input = JSON.parse(body.toString('utf8') || '{}') as { name?: string; email?: string };
    const user = { id: state.users.size + 1, name: input.name ?? '', email: input.email ?? '' };
    state.users.set(user.id, user);
    res.setHeader('location', `/users/${user.id}`);
    sendJson(res, 201, user);
    return;
  }
  const user = state.users.get(Number(id));
  if (req.method === 'GET' && user) {
    sendJson(res, 200, user);
    return;
  }
  sendJson(res, 404, { error: 'no such user' });
}

function basicAuth({ req, res }: Exchange, user: string, pass: string): void {
  const credentials = decodeBasic(req.headers.authorization);
  if (!credentials || credentials.user !== user || credentials.pass !== pass) {
    unauthorized(res, 'Basic realm="assay"');
    return;
  }
  sendJson(res, 200, { authenticated: true, user });
}

function oauthToken({ req, res, body }: Exchange, state: State): void {
  state.tokenRequests++;
  const fields = new URLSearchParams(body.toString('utf8'));
  const basic = decodeBasic(req.headers.authorization);
  const bodyId = fields.get('client_id');
  const clientAuth = basic ? 'basic' : bodyId !== null ? 'body' : 'none';
  state.lastTokenRequest = {
    grantType: fields.get('grant_type') ?? undefined,
    scope: fields.get('scope') ?? undefined,
    audience: fields.get('audience') ?? undefined,
    clientAuth,
  };
  const id = basic ? basic.user : bodyId;
  const secret = basic ? basic.pass : fields.get('client_secret');
  if (fields.get('grant_type') !== 'client_credentials') {
    sendJson(res, 400, { error: 'unsupported_grant_type' });
    return;
  }
  if (id !== TARGET_CLIENT_ID || secret !== TARGET_CLIENT_SECRET) {
    sendJson(res, 401, { error: 'invalid_client' });
    return;
  }
  const token = `token-${state.tokenRequests}-${randomBytes(6).toString('hex')}`;
  state.issuedTokens.add(token);
  sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
}

function bearerToken(req: http.IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

function unauthorized(res: http.ServerResponse, challenge: string): void {
  res.setHeader('www-authenticate', challenge);
  sendJson(res, 401, { error: 'unauthorized' });
}

function redirect(res: http.ServerResponse, status: number, location: string): void {
  res.writeHead(status, { location, 'content-type': 'text/plain' });
  res.end(`redirecting to ${location}`);
}

function documentBytes(): Buffer {
  return Buffer.from(JSON.stringify(TARGET_DOCUMENT));
}

function sendEncoded(res: http.ServerResponse, encoding: string, payload: Buffer): void {
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-encoding': encoding,
    'content-length': payload.length,
  });
  res.end(payload);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const payload = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': payload.length });
  res.end(payload);
}
