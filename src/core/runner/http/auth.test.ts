import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  startTargetServer,
  TARGET_CLIENT_ID,
  TARGET_CLIENT_SECRET,
  type TargetServer,
} from '../../../../test/support/target-server.ts';
import type { Auth } from '../../suite/schema.ts';
import { createAuthResolver } from './auth.ts';
import { createHttpSession } from './session.ts';
import { HttpError, type HttpSession } from './types.ts';

let server: TargetServer;
let session: HttpSession;

before(async () => {
  server = await startTargetServer();
  session = createHttpSession();
});
after(async () => {
  await session.close();
  await server.close();
});

async function call(resolve: ReturnType<typeof createAuthResolver>, auth: Auth, path: string) {
  const applied = await resolve(auth, { url: server.url + path, headers: { accept: 'application/json' } });
  const response = await session.send({
    method: 'GET',
    url: applied.url,
    headers: applied.headers,
    timeoutMs: 5000,
    followRedirects: true,
    maxRedirects: 5,
  });
  return { applied, status: response.status, body: JSON.parse(response.body.toString('utf8')) };
}

function oauth2(extra: Partial<Extract<Auth, { type: 'oauth2' }>> = {}): Auth {
  return {
    type: 'oauth2',
    grant: 'client_credentials',
    tokenUrl: `${server.url}/oauth/token`,
    clientId: TARGET_CLIENT_ID,
    clientSecret: TARGET_CLIENT_SECRET,
    clientAuth: 'basic',
    ...extra,
  };
}

describe('auth', () => {
  test('basic', async () => {
    const resolve = createAuthResolver(session);
    const ok = await call(
      resolve,
      { type: 'basic', username: 'ada', password: 'p:w' },
      '/basic-auth/ada/p:w',
    );
    assert.equal(ok.status, 200);
    assert.equal(ok.applied.headers.accept, 'application/json');
    const wrong = await call(
      resolve,
      { type: 'basic', username: 'ada', password: 'no' },
      '/basic-auth/ada/p:w',
    );
    assert.equal(wrong.status, 401);
  });

  test('bearer replaces an Authorization header whatever its case', async () => {
    const resolve = createAuthResolver(session);
    const applied = await resolve(
      { type: 'bearer', token: 't0k' },
      { url: `${server.url}/bearer`, headers: { Authorization: 'old' } },
    );
    assert.deepEqual(applied.headers, { authorization: 'Bearer t0k' });
    const ok = await call(resolve, { type: 'bearer', token: 't0k' }, '/bearer');
    assert.equal(ok.status, 200);
    assert.equal(ok.body.token, 't0k');
  });

  test('apiKey in a header or in the query', async () => {
    const resolve = createAuthResolver(session);
    const header = await call(
      resolve,
      { type: 'apiKey', name: 'X-Api-Key', value: 'k1', in: 'header' },
      '/headers',
    );
    assert.equal(header.body.headers['x-api-key'], 'k1');
    const query = await call(
      resolve,
      { type: 'apiKey', name: 'api_key', value: 'k 2', in: 'query' },
      '/echo?a=1',
    );
    assert.deepEqual(query.body.query, { a: '1', api_key: 'k 2' });
  });

  test('oauth2 client credentials: token fetched once per session and reused', async () => {
    const resolve = createAuthResolver(session);
    const before = server.tokenRequests;
    for (let i = 0; i < 3; i++) {
      const result = await call(resolve, oauth2({ scope: 'read write', audience: 'api' }), '/protected');
      assert.equal(result.status, 200);
    }
    assert.equal(server.tokenRequests - before, 1);
    assert.deepEqual(server.lastTokenRequest, {
      grantType: 'client_credentials',
      scope: 'read write',
      audience: 'api',
      clientAuth: 'basic',
    });
    // Another scope is another token.
    await call(resolve, oauth2({ scope: 'admin' }), '/protected');
    assert.equal(server.tokenRequests - before, 2);
    // Another session (resolver) fetches its own.
    await call(createAuthResolver(session), oauth2({ scope: 'read write', audience: 'api' }), '/protected');
    assert.equal(server.tokenRequests - before, 3);
  });

  test('oauth2 with the client credentials in the body', async () => {
    const resolve = createAuthResolver(session);
    const result = await call(resolve, oauth2({ clientAuth: 'body' }), '/protected');
    assert.equal(result.status, 200);
    assert.equal(server.lastTokenRequest?.clientAuth, 'body');
  });

  test('a refused token request is an AUTH error with the status, and is retried next time', async () => {
    const resolve = createAuthResolver(session);
    const before = server.tokenRequests;
    const bad = oauth2({ clientSecret: 'wrong' });
    for (let i = 0; i < 2; i++) {
      await assert.rejects(
        resolve(bad, { url: `${server.url}/protected`, headers: {} }),
        (error: unknown) => {
          assert.ok(error instanceof HttpError);
          assert.equal(error.code, 'AUTH');
          assert.match(error.message, /status 401/);
          assert.match(error.message, /invalid_client/);
          return true;
        },
      );
    }
    assert.equal(server.tokenRequests - before, 2);
  });

  test('a token endpoint without a token is an AUTH error', async () => {
    const resolve = createAuthResolver(session);
    await assert.rejects(
      resolve(oauth2({ tokenUrl: `${server.url}/json` }), { url: `${server.url}/protected`, headers: {} }),
      { code: 'AUTH' },
    );
  });
});
