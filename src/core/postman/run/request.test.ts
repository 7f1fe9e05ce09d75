import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PmRequestData } from '../sandbox/index.ts';
import { applyAuth, resolveAuthParams, UnsupportedAuthError } from './auth.ts';
import { fromChallenge, hasDigestChallenge, signDigest } from './digest.ts';
import { oauth1Sign, percentEncode } from './oauth1.ts';
import {
  appendQuery,
  type PreparedRequest,
  prepareRequest,
  removeQuery,
  withPathVariables,
} from './prepare.ts';

const variables: Record<string, string> = { host: 'api.test', id: '7', token: 'T', nested: '{{id}}-x' };
const resolve = (text: string): string =>
  text
    .replace(/\{\{([^{}]+)}}/g, (match, name: string) => variables[name] ?? match)
    .replace(/\{\{([^{}]+)}}/g, (match, name: string) => variables[name] ?? match);

function request(overrides: Partial<PmRequestData> = {}): PmRequestData {
  return { url: 'http://{{host}}/items', method: 'GET', headers: [], body: null, ...overrides };
}

const headerMap = (prepared: PreparedRequest): Record<string, string> =>
  Object.fromEntries(prepared.headers.map((h) => [h.key, h.value]));

describe('preparing a request', () => {
  test('variables resolve everywhere; disabled headers are dropped; implicit headers are added', () => {
    const prepared = prepareRequest(
      request({
        method: 'post',
        headers: [
          { key: 'X-Id', value: '{{nested}}' },
          { key: 'X-Off', value: '1', disabled: true },
          { key: 'accept', value: 'application/json' },
        ],
        body: { mode: 'raw', raw: '{"id":"{{id}}"}', options: { raw: { language: 'json' } } },
      }),
      resolve,
      {},
    );
    assert.equal(prepared.method, 'POST');
    assert.equal(prepared.url, 'http://api.test/items');
    const headers = headerMap(prepared);
    assert.equal(headers['X-Id'], '7-x');
    assert.equal(headers['X-Off'], undefined);
    assert.equal(headers.accept, 'application/json');
    assert.equal(headers.Accept, undefined, 'a header the request has is not added again');
    assert.equal(headers['Content-Type'], 'application/json');
    assert.equal(headers['Cache-Control'], 'no-cache');
    assert.match(headers['Postman-Token'] ?? '', /^[0-9a-f-]{36}$/);
    assert.deepEqual(prepared.body, {
      mode: 'raw',
      raw: '{"id":"7"}',
      options: { raw: { language: 'json' } },
    });
  });

  test('GET-like methods lose their body unless disableBodyPruning', () => {
    const withBody = request({ body: { mode: 'raw', raw: 'x' } });
    assert.equal(prepareRequest(withBody, resolve, {}).body, null);
    assert.deepEqual(prepareRequest(withBody, resolve, { disableBodyPruning: true }).body, {
      mode: 'raw',
      raw: 'x',
    });
    assert.equal(prepareRequest({ ...withBody, method: 'HEAD' }, resolve, {}).body, null);
    assert.deepEqual(prepareRequest({ ...withBody, method: 'DELETE' }, resolve, {}).body, {
      mode: 'raw',
      raw: 'x',
    });
  });

  test('empty and disabled bodies send nothing; disabled fields are dropped', () => {
    const post = (body: PmRequestData['body']) =>
      prepareRequest(request({ method: 'POST', body }), resolve, {}).body;
    assert.equal(post({ mode: 'raw', raw: '' }), null);
    assert.equal(post({ mode: 'raw', raw: 'x', disabled: true }), null);
    assert.equal(post({ mode: 'urlencoded', urlencoded: [{ key: 'a', value: '1', disabled: true }] }), null);
    assert.deepEqual(
      post({
        mode: 'formdata',
        formdata: [
          { key: 'f', src: '{{id}}.txt', type: 'file' },
          { key: 'off', value: 'x', type: 'text', disabled: true },
        ],
      }),
      { mode: 'formdata', formdata: [{ key: 'f', type: 'file', src: '7.txt' }] },
    );
  });

  test('path variables fill :name segments, keeping a .suffix, never the host or the query', () => {
    const vars = [
      { key: 'id', value: '42' },
      { key: 'fmt', value: '' },
    ];
    assert.equal(
      withPathVariables('http://h.test:8080/users/:id/:id.json?x=:id', vars),
      'http://h.test:8080/users/42/42.json?x=:id',
    );
    assert.equal(
      withPathVariables('{{base}}/a/:fmt', vars),
      '{{base}}/a/:fmt',
      'empty values leave the segment',
    );
    assert.equal(withPathVariables('localhost:3000/:id', vars), 'localhost:3000/42');
  });

  test('query helpers keep the fragment and replace existing keys', () => {
    assert.equal(appendQuery('http://h/p#frag', 'a b', 'c&d'), 'http://h/p?a%20b=c%26d#frag');
    assert.equal(appendQuery('http://h/p?x=1', 'k', '{{v}}'), 'http://h/p?x=1&k={{v}}');
    assert.equal(removeQuery('http://h/p?k=1&x=2&k=3#f', 'k'), 'http://h/p?x=2#f');
    assert.equal(removeQuery('http://h/p?k=1', 'k'), 'http://h/p');
  });
});

describe('auth', () => {
  const prepared = (): PreparedRequest => ({
    method: 'GET',
    url: 'http://api.test/x?page=1',
    headers: [{ key: 'authorization', value: 'old' }],
    body: null,
  });

  test('basic, bearer and oauth2 replace any Authorization header', () => {
    const basic = prepared();
    applyAuth('basic', { username: 'ü', password: 'p:w' }, basic);
    assert.deepEqual(basic.headers, [
      { key: 'Authorization', value: `Basic ${Buffer.from('ü:p:w').toString('base64')}` },
    ]);
    const bearer = prepared();
    applyAuth(
      'bearer',
      resolveAuthParams({ type: 'bearer', params: { token: '{{token}}' } }, resolve),
      bearer,
    );
    assert.deepEqual(bearer.headers, [{ key: 'Authorization', value: 'Bearer T' }]);
    const oauth2 = prepared();
    applyAuth('oauth2', { accessToken: 'A', headerPrefix: 'Token' }, oauth2);
    assert.deepEqual(oauth2.headers, [{ key: 'Authorization', value: 'Token A' }]);
    const inQuery = prepared();
    applyAuth('oauth2', { accessToken: 'A', addTokenTo: 'queryParams' }, inQuery);
    assert.equal(inQuery.url, 'http://api.test/x?page=1&access_token=A');
    assert.deepEqual(inQuery.headers, []);
  });

  test('missing required parameters change nothing', () => {
    for (const [type, params] of [
      ['bearer', {}],
      ['apikey', {}],
      ['oauth2', {}],
      ['oauth1', { consumerKey: 'k' }],
    ] as const) {
      const r = prepared();
      applyAuth(type, params, r);
      assert.deepEqual(r, prepared(), type);
    }
  });

  test('API key in a header or the query', () => {
    const header = prepared();
    applyAuth('apikey', { key: 'X-Key', value: 'k' }, header);
    assert.deepEqual(header.headers.at(-1), { key: 'X-Key', value: 'k' });
    const query = prepared();
    applyAuth('apikey', { key: 'page', value: '9', in: 'query' }, query);
    assert.equal(query.url, 'http://api.test/x?page=9');
  });

  test('an unknown auth type is refused by name', () => {
    assert.throws(
      () => applyAuth('awsv4', {}, prepared()),
      (error: unknown) => {
        assert.ok(error instanceof UnsupportedAuthError);
        assert.equal(
          error.message,
          'auth type "awsv4" is not supported (noauth, basic, bearer, apikey, digest, oauth1, oauth2)',
        );
        return true;
      },
    );
  });

  test('OAuth 1.0a HMAC-SHA1 matches the specification example', () => {
    const r: PreparedRequest = {
      method: 'GET',
      url: 'http://photos.example.net/photos?file=vacation.jpg&size=original',
      headers: [],
      body: null,
    };
    oauth1Sign(
      {
        consumerKey: 'dpf43f3p2l4k3l03',
        consumerSecret: 'kd94hf93k423kf44',
        token: 'nnch734d00sl2jdk',
        tokenSecret: 'pfkkdhi9sl3r4s00',
        signatureMethod: 'HMAC-SHA1',
        timestamp: '1191242096',
        nonce: 'kllo9940pd9333jh',
        version: '1.0',
        addParamsToHeader: true,
        realm: 'Photos',
      },
      r,
    );
    assert.deepEqual(r.headers, [
      {
        key: 'Authorization',
        value:
          'OAuth realm="Photos",oauth_consumer_key="dpf43f3p2l4k3l03",oauth_token="nnch734d00sl2jdk",oauth_signature_method="HMAC-SHA1",oauth_timestamp="1191242096",oauth_nonce="kllo9940pd9333jh",oauth_version="1.0",oauth_signature="tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D"',
      },
    ]);
    assert.equal(percentEncode("a b!*'()~"), 'a%20b%21%2A%27%28%29~');
  });

  test('Digest answers the challenge as in RFC 2617', () => {
    const params = { username: 'Mufasa', password: 'Circle Of Life' };
    assert.equal(hasDigestChallenge(params), false);
    const challenge =
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"';
    assert.equal(fromChallenge(params, 200, { 'www-authenticate': challenge }), undefined);
    const answered = fromChallenge(params, 401, { 'www-authenticate': ['Basic realm="x"', challenge] });
    assert.ok(answered);
    assert.equal(answered.qop, 'auth');
    assert.equal(answered.nonceCount, '00000001');
    const r: PreparedRequest = {
      method: 'GET',
      url: 'http://host.com/dir/index.html',
      headers: [],
      body: null,
    };
    signDigest({ ...answered, clientNonce: '0a4f113b' }, r);
    assert.deepEqual(r.headers, [
      {
        key: 'Authorization',
        value:
          'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", algorithm="MD5", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
      },
    ]);
  });
});
