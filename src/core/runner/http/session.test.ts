import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  startTargetServer,
  TARGET_DOCUMENT,
  type TargetServer,
} from '../../../../test/support/target-server.ts';
import { createHttpSession } from './session.ts';
import type { HttpRequest, HttpSession } from './types.ts';

let server: TargetServer;
let session: HttpSession;
let dir: string;

before(async () => {
  server = await startTargetServer();
  session = createHttpSession();
  dir = await mkdtemp(join(tmpdir(), 'assay-http-'));
});
after(async () => {
  await session.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function request(path: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return {
    method: 'GET',
    url: server.url + path,
    headers: {},
    timeoutMs: 5000,
    followRedirects: true,
    maxRedirects: 5,
    ...extra,
  };
}

async function echo(extra: Partial<HttpRequest>) {
  const response = await session.send(request('/echo', { method: 'POST', ...extra }));
  return { response, echoed: JSON.parse(response.body.toString('utf8')) };
}

describe('request bodies', () => {
  test('json gets application/json and is serialised', async () => {
    const { response, echoed } = await echo({ body: { kind: 'json', value: { name: 'Ada', n: [1, 2] } } });
    assert.equal(echoed.headers['content-type'], 'application/json');
    assert.deepEqual(echoed.json, { name: 'Ada', n: [1, 2] });
    assert.equal(response.sent.body, '{"name":"Ada","n":[1,2]}');
    assert.equal(response.sent.headers['content-type'], 'application/json');
  });

  test('json keeps a content type the user gave', async () => {
    const { echoed } = await echo({
      headers: { 'Content-Type': 'application/vnd.api+json' },
      body: { kind: 'json', value: { a: 1 } },
    });
    assert.equal(echoed.headers['content-type'], 'application/vnd.api+json');
    assert.deepEqual(echoed.json, { a: 1 });
  });

  test('form is urlencoded and arrays repeat the key', async () => {
    const response = await session.send(
      request('/form', { method: 'POST', body: { kind: 'form', fields: { a: '1 2', tag: ['x', 'y'] } } }),
    );
    const body = JSON.parse(response.body.toString('utf8'));
    assert.deepEqual(body.fields, { a: '1 2', tag: ['x', 'y'] });
    assert.equal(response.sent.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(response.sent.body, 'a=1+2&tag=x&tag=y');
  });

  test('raw text defaults to text/plain and keeps a given content type', async () => {
    const plain = await echo({ body: { kind: 'raw', text: 'hello' } });
    assert.equal(plain.echoed.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(plain.echoed.body, 'hello');
    const xml = await echo({
      headers: { 'content-type': 'application/xml' },
      body: { kind: 'raw', text: '<a/>' },
    });
    assert.equal(xml.echoed.headers['content-type'], 'application/xml');
    assert.equal(xml.echoed.body, '<a/>');
  });

  test('multipart sends values and files read from disk', async () => {
    const file = join(dir, 'report.json');
    await writeFile(file, '{"ok":true}');
    const binary = join(dir, 'blob.bin');
    await writeFile(binary, Buffer.from([0, 1, 2, 3, 255]));
    const response = await session.send(
      request('/multipart', {
        method: 'POST',
        body: {
          kind: 'multipart',
          parts: [
            { name: 'title', value: 'Quarterly' },
            { name: 'meta', value: '{"a":1}', contentType: 'application/json' },
            { name: 'report', file },
            { name: 'data', file: binary, filename: 'renamed.bin', contentType: 'application/x-thing' },
          ],
        },
      }),
    );
    const body = JSON.parse(response.body.toString('utf8'));
    assert.deepEqual(body.fields, { title: 'Quarterly', meta: '{"a":1}' });
    assert.deepEqual(body.files, [
      { field: 'report', filename: 'report.json', contentType: 'application/json', size: 11 },
      { field: 'data', filename: 'renamed.bin', contentType: 'application/x-thing', size: 5 },
    ]);
    assert.match(String(response.sent.headers['content-type']), /^multipart\/form-data; boundary=/);
    // A NUL byte in a file part makes the body binary: not echoed as text.
    assert.equal(response.sent.body, undefined);
  });

  test('a missing multipart file is FILE_NOT_FOUND naming the path', async () => {
    const missing = join(dir, 'nope.txt');
    await assert.rejects(
      session.send(
        request('/multipart', {
          method: 'POST',
          body: { kind: 'multipart', parts: [{ name: 'f', file: missing }] },
        }),
      ),
      (error: Error & { code?: string }) =>
        error.code === 'FILE_NOT_FOUND' && error.message.includes(missing),
    );
  });
});

describe('responses', () => {
  for (const path of ['/gzip', '/deflate', '/deflate-raw', '/brotli', '/zstd']) {
    test(`decodes ${path.slice(1)}`, async () => {
      const response = await session.send(request(path));
      assert.deepEqual(JSON.parse(response.body.toString('utf8')), TARGET_DOCUMENT);
      assert.equal(response.size, response.body.length);
    });
  }

  test('sends accept-encoding unless the user set one', async () => {
    const { echoed } = await echo({});
    assert.equal(echoed.headers['accept-encoding'], 'gzip, deflate, br');
    assert.equal(echoed.headers['user-agent'], 'assay/0.1');
    const own = await echo({ headers: { 'Accept-Encoding': 'identity', 'User-Agent': 'me' } });
    assert.equal(own.echoed.headers['accept-encoding'], 'identity');
    assert.equal(own.echoed.headers['user-agent'], 'me');
  });

  test('status, status text, headers, query and final URL', async () => {
    const response = await session.send(request('/status/418'));
    assert.equal(response.status, 418);
    assert.equal(response.statusText, "I'm a Teapot");
    assert.equal(response.headers['content-type'], 'application/json');
    const query = await session.send(request('/echo?a=1&a=2&b=x'));
    assert.deepEqual(JSON.parse(query.body.toString('utf8')).query, { a: ['1', '2'], b: 'x' });
    assert.equal(query.url, `${server.url}/echo?a=1&a=2&b=x`);
    assert.equal(query.httpVersion, '1.1');
  });

  test('text, html, bytes, large and HEAD bodies', async () => {
    assert.equal((await session.send(request('/text'))).body.toString('utf8'), 'hello from assay\n');
    assert.match((await session.send(request('/html'))).body.toString('utf8'), /<h1>Assay<\/h1>/);
    assert.equal((await session.send(request('/bytes/1000'))).size, 1000);
    assert.equal((await session.send(request('/large'))).size, 5 * 1024 * 1024);
    const head = await session.send(request('/gzip', { method: 'HEAD' }));
    assert.equal(head.status, 200);
    assert.equal(head.size, 0);
  });

  test('users: created then fetched', async () => {
    const created = await session.send(
      request('/users', {
        method: 'POST',
        body: { kind: 'json', value: { name: 'Ada', email: 'ada@example.test' } },
      }),
    );
    assert.equal(created.status, 201);
    const user = JSON.parse(created.body.toString('utf8'));
    assert.equal(created.headers.location, `/users/${user.id}`);
    const fetched = await session.send(request(`/users/${user.id}`));
    assert.deepEqual(JSON.parse(fetched.body.toString('utf8')), user);
  });
});

describe('timings', () => {
  test('are non-negative, consistent, and 0 for DNS/connect on a reused connection', async () => {
    const fresh = createHttpSession();
    try {
      const first = await fresh.send(request('/json'));
      const second = await fresh.send(request('/json'));
      for (const t of [first.timings, second.timings]) {
        for (const value of Object.values(t)) assert.ok(typeof value === 'number' && value >= 0);
        assert.ok(t.total >= t.dns + t.connect + t.tls + t.firstByte + t.download - 0.001);
        assert.equal(t.tls, 0);
      }
      assert.equal(first.timings.dns, 0, 'an IP literal is not resolved');
      assert.ok(first.timings.connect > 0);
      assert.equal(second.timings.connect, 0);
      assert.equal(second.timings.dns, 0);
    } finally {
      await fresh.close();
    }
  });

  test('a looked-up name has a DNS phase', async () => {
    const named = createHttpSession({
      lookup: ((_host: string, _options: unknown, callback: (e: null, a: string, f: number) => void) =>
        setImmediate(() => callback(null, '127.0.0.1', 4))) as never,
    });
    try {
      const response = await named.send(request('/json', { url: `http://api.test:${server.port}/json` }));
      assert.equal(response.status, 200);
      assert.ok(response.timings.dns > 0);
    } finally {
      await named.close();
    }
  });
});
