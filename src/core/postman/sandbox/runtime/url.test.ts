import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createUrl, parseUrl } from './url.ts';

test('URLs round-trip through parse and toString, variables included', () => {
  for (const raw of [
    'http://127.0.0.1:3000/users?page=2',
    'https://user:pw@api.example.test/v1/items/:id?a=1&b&c=#frag',
    '{{baseUrl}}/users/{{id}}?q={{term}}',
    'http://{{host}}:{{port}}/',
    'example.test',
    'http://[::1]:8080/x',
  ]) {
    assert.equal(createUrl(raw).toString(), raw);
  }
});

test('parts are split the way postman-collection splits them', () => {
  assert.deepEqual(parseUrl('https://a.b.test:8443/x/y?k=v&flag#h'), {
    protocol: 'https',
    auth: undefined,
    host: ['a', 'b', 'test'],
    port: '8443',
    path: ['x', 'y'],
    query: [
      { key: 'k', value: 'v' },
      { key: 'flag', value: null },
    ],
    hash: 'h',
  });
  const url = createUrl('{{baseUrl}}/users/:id', [{ key: 'id', value: '7' }]);
  assert.equal(url.getHost(), '{{baseUrl}}');
  assert.equal(url.getPath(), '/users/7');
  assert.equal(url.getPathWithQuery(true), '/users/:id');
});

test('query parameters can be added and removed', () => {
  const url = createUrl('http://h/p?a=1');
  url.addQueryParams('b=2&c');
  url.addQueryParams([{ key: 'd', value: '4' }]);
  url.removeQueryParams(['a', { key: 'c' }]);
  assert.equal(url.toString(), 'http://h/p?b=2&d=4');
});
