import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTargetServer, type TargetServer } from '../../../../test/support/target-server.ts';
import { createHttpSession } from './session.ts';
import type { HttpRequest, HttpSession } from './types.ts';

let server: TargetServer;
let other: TargetServer;
let session: HttpSession;

before(async () => {
  server = await startTargetServer();
  other = await startTargetServer();
  session = createHttpSession();
});
after(async () => {
  await session.close();
  await server.close();
  await other.close();
});

function request(url: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return {
    method: 'GET',
    url,
    headers: {},
    timeoutMs: 5000,
    followRedirects: true,
    maxRedirects: 5,
    ...extra,
  };
}

const json = (body: Buffer) => JSON.parse(body.toString('utf8'));

describe('redirects', () => {
  test('follows a chain to the end and counts the hops', async () => {
    const response = await session.send(request(`${server.url}/redirect/3`));
    assert.equal(response.status, 200);
    assert.equal(response.redirects, 3);
    assert.equal(response.url, `${server.url}/echo`);
    assert.equal(response.sent.url, `${server.url}/echo`);
    assert.equal(json(response.body).path, '/echo');
  });

  test('returns the 3xx as is when not following', async () => {
    const response = await session.send(request(`${server.url}/redirect/2`, { followRedirects: false }));
    assert.equal(response.status, 302);
    assert.equal(response.headers.location, '/redirect/1');
    assert.equal(response.redirects, 0);
    assert.equal(response.body.toString('utf8'), 'redirecting to /redirect/1');
  });

  test('more redirects than allowed is TOO_MANY_REDIRECTS', async () => {
    await assert.rejects(session.send(request(`${server.url}/redirect/4`, { maxRedirects: 3 })), {
      code: 'TOO_MANY_REDIRECTS',
    });
    const exact = await session.send(request(`${server.url}/redirect/3`, { maxRedirects: 3 }));
    assert.equal(exact.redirects, 3);
  });

  test('303 turns POST into GET and drops the body and its headers', async () => {
    const response = await session.send(
      request(`${server.url}/redirect-303`, { method: 'POST', body: { kind: 'json', value: { a: 1 } } }),
    );
    const echoed = json(response.body);
    assert.equal(echoed.method, 'GET');
    assert.equal(echoed.body, '');
    assert.equal(echoed.headers['content-type'], undefined);
    assert.equal(response.sent.method, 'GET');
    assert.equal(response.sent.body, undefined);
  });

  test('302 turns POST into GET; 307 and 308 keep method and body', async () => {
    const found = await session.send(
      request(`${server.url}/redirect-to?url=/echo&status=302`, {
        method: 'POST',
        body: { kind: 'raw', text: 'x' },
      }),
    );
    assert.equal(json(found.body).method, 'GET');
    for (const status of [307, 308]) {
      const kept = await session.send(
        request(`${server.url}/redirect-to?url=/echo&status=${status}`, {
          method: 'PUT',
          body: { kind: 'json', value: { keep: status } },
        }),
      );
      const echoed = json(kept.body);
      assert.equal(echoed.method, 'PUT');
      assert.deepEqual(echoed.json, { keep: status });
      assert.equal(kept.sent.body, `{"keep":${status}}`);
    }
  });

  test('Authorization is kept on the same origin and dropped on another', async () => {
    const headers = { Authorization: 'Bearer secret', 'x-trace': 't1' };
    const same = await session.send(request(`${server.url}/redirect-to?url=/echo`, { headers }));
    assert.equal(json(same.body).headers.authorization, 'Bearer secret');
    const target = encodeURIComponent(`${other.url}/echo`);
    const cross = await session.send(request(`${server.url}/redirect-to?url=${target}`, { headers }));
    const echoed = json(cross.body);
    assert.equal(cross.url, `${other.url}/echo`);
    assert.equal(echoed.headers.authorization, undefined);
    assert.equal(echoed.headers['x-trace'], 't1');
    assert.equal(cross.sent.headers.Authorization, undefined);
  });

  test('a redirect to an unsupported scheme is INVALID_URL', async () => {
    const target = encodeURIComponent('ftp://127.0.0.1/x');
    await assert.rejects(session.send(request(`${server.url}/redirect-to?url=${target}`)), {
      code: 'INVALID_URL',
    });
  });
});

describe('cookies', () => {
  test('are stored and sent on later requests, merged with a user cookie header', async () => {
    const jar = createHttpSession();
    try {
      await jar.send(request(`${server.url}/cookies/set?session=abc&theme=dark`));
      assert.equal(jar.cookie('session', server.url), 'abc');
      assert.equal(jar.cookie('missing', server.url), undefined);
      const echoed = await jar.send(request(`${server.url}/cookies`));
      assert.deepEqual(json(echoed.body).cookies, { session: 'abc', theme: 'dark' });
      assert.match(echoed.sent.headers.cookie ?? '', /session=abc/);
      const merged = await jar.send(request(`${server.url}/cookies`, { headers: { Cookie: 'mine=1' } }));
      assert.deepEqual(json(merged.body).cookies, { mine: '1', session: 'abc', theme: 'dark' });
    } finally {
      await jar.close();
    }
  });

  test('set on a redirect hop are sent on the next hop', async () => {
    const jar = createHttpSession();
    try {
      const response = await jar.send(request(`${server.url}/cookies/redirect?hop=1`));
      assert.equal(response.redirects, 1);
      assert.deepEqual(json(response.body).cookies, { hop: '1' });
      assert.equal(jar.cookie('hop', `${server.url}/anything`), '1');
    } finally {
      await jar.close();
    }
  });

  test('are not shared between sessions', async () => {
    const a = createHttpSession();
    const b = createHttpSession();
    try {
      await a.send(request(`${server.url}/cookies/set?who=a`));
      const seen = await b.send(request(`${server.url}/cookies`));
      assert.deepEqual(json(seen.body).cookies, {});
      assert.equal(b.cookie('who', server.url), undefined);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
