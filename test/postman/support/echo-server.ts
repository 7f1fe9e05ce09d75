/**
 * The local API that the Postman corpus runs against, by Newman and by Assay alike: it echoes what it
 * received and offers the few behaviours collections test (statuses, redirects, cookies, Basic, Digest
 * and OAuth 1.0 checks, XML, delays, counters for polling loops). Loopback only. Each runner gets its own
 * instance so that counters start from zero for both.
 */
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeBasic, formFields, parseCookies, parseMultipart } from '../../support/target-parsing.ts';

export interface EchoServer {
  /** Base URL without a trailing slash. */
  url: string;
  port: number;
  readonly requests: number;
  close(): Promise<void>;
}

interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  body: Buffer;
}

const DIGEST_NONCE = 'dcd98b7102dd2f0e8b11d0f600bfb0c093';
const DIGEST_REALM = 'echo@assay.test';

export const ECHO_USERS = [
  { id: 1, name: 'Ada Lovelace', email: 'ada@example.test', roles: ['admin', 'author'] },
  { id: 2, name: 'Grace Hopper', email: 'grace@example.test', roles: ['author'] },
  { id: 3, name: 'Alan Turing', email: 'alan@example.test', roles: [] },
];

export async function startEchoServer(): Promise<EchoServer> {
  const counters = new Map<string, number>();
  let requests = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests++;
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      route({ req, res, url, body: Buffer.concat(chunks) }, counters);
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function route(x: Exchange, counters: Map<string, number>): undefined {
  const parts = x.url.pathname.split('/').filter((p) => p !== '');
  const [head, a, b] = parts;
  switch (head) {
    case 'status': {
      const code = Number(a);
      if (code === 204 || code === 304) return send(x, code, '', {});
      return json(x, code, { status: code, ...echo(x) });
    }
    case 'redirect': {
      const left = Number(a ?? 0);
      if (left > 0) return send(x, 302, '', { location: `/redirect/${left - 1}` });
      return json(x, 200, { redirected: true, ...echo(x) });
    }
    case 'redirect-to': {
      const status = Number(x.url.searchParams.get('status') ?? 302);
      return send(x, status, '', { location: x.url.searchParams.get('url') ?? '/' });
    }
    case 'cookies':
      return cookies(x, a);
    case 'basic-auth': {
      const given = decodeBasic(x.req.headers.authorization);
      const ok = given?.user === a && given?.pass === b;
      return json(x, ok ? 200 : 401, { authenticated: ok, user: given?.user ?? null }, ok ? {} : BASIC);
    }
    case 'bearer': {
      const header = x.req.headers.authorization ?? '';
      const ok = /^Bearer \S+$/.test(header);
      return json(x, ok ? 200 : 401, { authenticated: ok, token: ok ? header.slice(7) : null });
    }
    case 'digest-auth':
      return digest(x, a ?? '', b ?? '');
    case 'oauth1':
      return oauth1(x, a ?? '', b ?? '');
    case 'counter': {
      const key = a ?? 'default';
      const count = (counters.get(key) ?? 0) + 1;
      counters.set(key, count);
      return json(x, 200, { key, count });
    }
    case 'users':
      // Reads answer with data; anything else is echoed, so that bodies can be checked.
      if (x.req.method !== 'GET' || b !== undefined) return json(x, 200, echo(x));
      if (a === undefined) return json(x, 200, { data: ECHO_USERS, total: ECHO_USERS.length });
      return userById(x, Number(a));
    case 'xml':
      return send(
        x,
        200,
        '<?xml version="1.0"?><catalog><book id="b1"><title>Dune</title><price>9.5</price></book><book id="b2"><title>Emma</title><price>4</price></book></catalog>',
        { 'content-type': 'application/xml' },
      );
    case 'html':
      return send(
        x,
        200,
        '<!doctype html><html><head><title>Echo page</title></head><body><h1 class="t">Hello</h1><a href="/x">x</a><a href="/y">y</a></body></html>',
        { 'content-type': 'text/html; charset=utf-8' },
      );
    case 'text':
      return send(x, 200, 'plain text body', { 'content-type': 'text/plain' });
    case 'delay':
      // Unref'd: a response nobody waits for any more must not keep the test process alive.
      setTimeout(() => json(x, 200, { delayed: Number(a) }), Number(a)).unref();
      return;
    case 'response-headers': {
      const headers: Record<string, string> = {};
      for (const [key, value] of x.url.searchParams) headers[key] = value;
      return json(x, 200, headers, headers);
    }
    default:
      return json(x, 200, echo(x));
  }
}

const BASIC = { 'www-authenticate': 'Basic realm="echo"' };

function userById(x: Exchange, id: number): undefined {
  const user = ECHO_USERS.find((u) => u.id === id);
  if (!user) return json(x, 404, { error: 'not found', id });
  return json(x, 200, user);
}

/** What the request looked like, as the tests in the corpus read it back. */
function echo(x: Exchange): Record<string, unknown> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of x.url.searchParams) {
    const prior = query[key];
    query[key] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(x.req.headers)) {
    headers[key] = Array.isArray(value) ? value.join(', ') : (value ?? '');
  }
  const contentType = x.req.headers['content-type'] ?? '';
  const text = x.body.toString('utf8');
  const out: Record<string, unknown> = {
    method: x.req.method,
    path: x.url.pathname,
    rawQuery: x.url.search,
    query,
    headers,
    cookies: parseCookies(x.req.headers.cookie),
    body: contentType.startsWith('multipart/') ? '' : text,
  };
  if (contentType.includes('json')) {
    try {
      out.json = JSON.parse(text);
    } catch {
      out.json = null;
    }
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) out.form = formFields(text);
  if (contentType.startsWith('multipart/')) Object.assign(out, parseMultipart(contentType, x.body));
  return out;
}

function cookies(x: Exchange, action: string | undefined): undefined {
  const jar = parseCookies(x.req.headers.cookie);
  if (action === 'set') {
    const lines = [...x.url.searchParams].map(([k, v]) => `${k}=${v}; Path=/`);
    for (const [k, v] of x.url.searchParams) jar[k] = v;
    return json(x, 200, { cookies: jar }, { 'set-cookie': lines });
  }
  if (action === 'delete') {
    const lines = [...x.url.searchParams.keys()].map(
      (k) => `${k}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT`,
    );
    for (const k of x.url.searchParams.keys()) delete jar[k];
    return json(x, 200, { cookies: jar }, { 'set-cookie': lines });
  }
  return json(x, 200, { cookies: jar });
}

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

function digest(x: Exchange, user: string, pass: string): undefined {
  const header = x.req.headers.authorization ?? '';
  const challenge = {
    'www-authenticate': `Digest realm="${DIGEST_REALM}", qop="auth", nonce="${DIGEST_NONCE}", opaque="5ccc069c403ebaf9f0171e9517f40e41", algorithm=MD5`,
  };
  if (!header.startsWith('Digest ')) return json(x, 401, { authenticated: false }, challenge);
  const params: Record<string, string> = {};
  for (const match of header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]+))/g)) {
    params[match[1] ?? ''] = match[2] ?? match[3] ?? '';
  }
  const ha1 = md5(`${user}:${DIGEST_REALM}:${pass}`);
  const ha2 = md5(`${x.req.method}:${params.uri}`);
  const expected = params.qop
    ? md5(`${ha1}:${params.nonce}:${params.nc}:${params.cnonce}:${params.qop}:${ha2}`)
    : md5(`${ha1}:${params.nonce}:${ha2}`);
  const ok = params.username === user && params.nonce === DIGEST_NONCE && params.response === expected;
  return json(x, ok ? 200 : 401, { authenticated: ok, user: params.username ?? null }, ok ? {} : challenge);
}

const rfc3986 = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);

/** Checks an OAuth 1.0a HMAC-SHA1 signature (RFC 5849 §3.4) made with the secrets named in the path. */
function oauth1(x: Exchange, consumerSecret: string, tokenSecret: string): undefined {
  const header = x.req.headers.authorization ?? '';
  const params: [string, string][] = [];
  let signature = '';
  if (header.startsWith('OAuth ')) {
    for (const match of header.slice(6).matchAll(/([\w-]+)="([^"]*)"/g)) {
      const key = decodeURIComponent(match[1] ?? '');
      const value = decodeURIComponent(match[2] ?? '');
      if (key === 'oauth_signature') signature = value;
      else if (key !== 'realm') params.push([key, value]);
    }
  }
  const take = (key: string, value: string): void => {
    if (key === 'oauth_signature') signature = value;
    else params.push([key, value]);
  };
  for (const [key, value] of x.url.searchParams) take(key, value);
  if ((x.req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(x.body.toString('utf8'))) take(key, value);
  }
  const normalised = params
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : 1) : ak < bk ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const host = x.req.headers.host ?? '';
  const base = [x.req.method ?? 'GET', rfc3986(`http://${host}${x.url.pathname}`), rfc3986(normalised)].join(
    '&',
  );
  const key = `${rfc3986(consumerSecret)}&${rfc3986(tokenSecret)}`;
  const expected = createHmac('sha1', key).update(base).digest('base64');
  const ok = signature !== '' && signature === expected;
  return json(x, ok ? 200 : 401, { authenticated: ok });
}

function json(
  x: Exchange,
  status: number,
  value: unknown,
  headers: Record<string, string | string[]> = {},
): undefined {
  send(x, status, JSON.stringify(value), { 'content-type': 'application/json; charset=utf-8', ...headers });
}

function send(
  x: Exchange,
  status: number,
  body: string,
  headers: Record<string, string | string[]>,
): undefined {
  x.res.writeHead(status, { 'x-echo': 'yes', ...headers });
  x.res.end(x.req.method === 'HEAD' ? undefined : body);
}
