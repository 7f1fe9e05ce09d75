import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  formatCollectionError,
  isCollectionDocument,
  loadVariableFile,
  parseCollection,
  VariableFileError,
} from './load.ts';
import type { Collection, FolderNode, ItemNode } from './types.ts';

const V21 = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';
const V20 = 'https://schema.getpostman.com/json/collection/v2.0.0/collection.json';

function load(document: unknown): Collection {
  const result = parseCollection(JSON.stringify(document, null, 2), { file: 'c.json' });
  if (!result.ok) assert.fail(result.errors.map(formatCollectionError).join('\n'));
  return result.collection;
}

function errors(document: unknown): string[] {
  const text = typeof document === 'string' ? document : JSON.stringify(document, null, 2);
  const result = parseCollection(text, { file: 'c.json' });
  assert.equal(result.ok, false, 'expected the document to be refused');
  return result.ok ? [] : result.errors.map(formatCollectionError);
}

const onlyItem = (collection: Collection): ItemNode => collection.items[0] as ItemNode;

describe('collection documents', () => {
  test('a collection is recognised by its schema, also when wrapped', () => {
    assert.equal(isCollectionDocument({ info: { schema: V21 }, item: [] }), true);
    assert.equal(isCollectionDocument({ collection: { info: { schema: V20 }, item: [] } }), true);
    assert.equal(isCollectionDocument({ version: 1, steps: [] }), false);
    assert.equal(isCollectionDocument({ info: { name: 'no schema' } }), false);
  });

  test('v2.1, v2.0 and wrapped documents load to the same shape', () => {
    const request = { method: 'get', url: 'http://x.test/a' };
    const v21 = load({
      info: { name: 'A', schema: V21, _postman_id: 'c-1' },
      item: [{ id: 'i-1', name: 'one', request }],
    });
    const v20 = load({
      info: { name: 'A', schema: V20 },
      item: [{ _postman_id: 'i-1', name: 'one', request }],
    });
    const wrapped = load({
      collection: { info: { name: 'A', schema: V21 }, item: [{ id: 'i-1', name: 'one', request }] },
    });
    assert.equal(v21.id, 'c-1');
    assert.equal(v21.schemaVersion, '2.1.0');
    assert.equal(v20.schemaVersion, '2.0.0');
    for (const c of [v21, v20, wrapped]) {
      assert.deepEqual(onlyItem(c), {
        kind: 'item',
        id: 'i-1',
        name: 'one',
        request: {
          method: 'GET',
          url: 'http://x.test/a',
          urlVariables: [],
          headers: [],
          body: null,
          auth: undefined,
        },
        scripts: { prerequest: [], test: [] },
        profile: {},
      });
    }
  });

  test('url objects become text from their parts; disabled query parameters are left out', () => {
    const c = load({
      info: { name: 'U', schema: V21 },
      item: [
        {
          name: 'u',
          request: {
            method: 'GET',
            url: {
              raw: 'ignored when there are parts',
              protocol: 'https',
              host: ['{{host}}', 'example', 'test'],
              port: '8443',
              path: ['users', ':id', { type: 'string', value: 'posts' }],
              query: [
                { key: 'a', value: '1' },
                { key: 'flag', value: null },
                { key: 'off', value: 'x', disabled: true },
              ],
              hash: 'top',
              variable: [
                { key: 'id', value: '{{userId}}' },
                { id: 'legacy', value: 'v20 style' },
                { key: 'gone', value: 'x', disabled: true },
              ],
            },
          },
        },
      ],
    });
    const { request } = onlyItem(c);
    assert.equal(request.url, 'https://{{host}}.example.test:8443/users/:id/posts?a=1&flag#top');
    assert.deepEqual(request.urlVariables, [
      { key: 'id', value: '{{userId}}' },
      { key: 'legacy', value: 'v20 style' },
    ]);
    const rawOnly = load({
      info: { name: 'R', schema: V21 },
      item: [{ name: 'r', request: { url: { raw: '{{base}}/x?y=1' } } }],
    });
    assert.equal(onlyItem(rawOnly).request.url, '{{base}}/x?y=1');
  });

  test('headers as a list or as lines, bodies of every mode, disabled entries kept and marked', () => {
    const c = load({
      info: { name: 'B', schema: V21 },
      item: [
        {
          name: 'list',
          request: {
            url: 'http://x.test',
            method: 'POST',
            header: [
              { key: 'A', value: '1' },
              { key: 'B', value: 2, disabled: true },
            ],
            body: {
              mode: 'urlencoded',
              urlencoded: [
                { key: 'k', value: 'v' },
                { key: 'off', value: 'x', disabled: true },
              ],
            },
          },
        },
        { name: 'lines', request: { url: 'http://x.test', header: 'A: 1\nB:two words\n' } },
        {
          name: 'form',
          request: {
            url: 'http://x.test',
            body: {
              mode: 'formdata',
              formdata: [
                { key: 't', value: 'v', type: 'text', contentType: 'text/csv' },
                { key: 'f', src: 'files/a.txt', type: 'file' },
                { key: 'many', src: ['a', 'b'], type: 'file' },
              ],
            },
          },
        },
        {
          name: 'graphql',
          request: {
            url: 'http://x.test',
            body: { mode: 'graphql', graphql: { query: '{ a }', variables: { id: 1 } } },
          },
        },
        { name: 'raw object', request: { url: 'http://x.test', body: { mode: 'raw', raw: { a: 1 } } } },
        { name: 'empty body', request: { url: 'http://x.test', body: {} } },
      ],
    });
    const [list, lines, form, graphql, rawObject, empty] = c.items as ItemNode[];
    assert.deepEqual(list?.request.headers, [
      { key: 'A', value: '1' },
      { key: 'B', value: '2', disabled: true },
    ]);
    assert.deepEqual(list?.request.body, {
      mode: 'urlencoded',
      urlencoded: [
        { key: 'k', value: 'v' },
        { key: 'off', value: 'x', disabled: true },
      ],
    });
    assert.deepEqual(lines?.request.headers, [
      { key: 'A', value: '1' },
      { key: 'B', value: 'two words' },
    ]);
    assert.deepEqual(form?.request.body?.formdata, [
      { key: 't', type: 'text', value: 'v', contentType: 'text/csv' },
      { key: 'f', type: 'file', src: 'files/a.txt' },
      { key: 'many', type: 'file', src: ['a', 'b'] },
    ]);
    assert.deepEqual(graphql?.request.body, {
      mode: 'graphql',
      graphql: { query: '{ a }', variables: '{"id":1}' },
    });
    assert.deepEqual(rawObject?.request.body, { mode: 'raw', raw: '{"a":1}' });
    assert.equal(empty?.request.body, null);
  });

  test('auth params read the same from v2.1 lists and v2.0 objects; null and type-less inherit', () => {
    const c = load({
      info: { name: 'A', schema: V21 },
      auth: {
        type: 'basic',
        basic: [
          { key: 'username', value: 'u', type: 'string' },
          { key: 'password', value: 'p' },
        ],
      },
      item: [
        {
          name: 'F',
          auth: { type: 'apikey', apikey: { key: 'X-Key', value: 'k', in: 'header' } },
          item: [
            { name: 'null', request: { url: 'http://x.test', auth: null } },
            { name: 'empty', request: { url: 'http://x.test', auth: {} } },
            { name: 'noauth', request: { url: 'http://x.test', auth: { type: 'noauth' } } },
          ],
        },
      ],
    });
    assert.deepEqual(c.auth, { type: 'basic', params: { username: 'u', password: 'p' } });
    const folder = c.items[0] as FolderNode;
    assert.deepEqual(folder.auth, { type: 'apikey', params: { key: 'X-Key', value: 'k', in: 'header' } });
    const [nullAuth, emptyAuth, noauth] = folder.items as ItemNode[];
    assert.equal(nullAuth?.request.auth, undefined);
    assert.equal(emptyAuth?.request.auth, undefined);
    assert.deepEqual(noauth?.request.auth, { type: 'noauth', params: {} });
  });

  test('scripts join their lines; disabled events and variables are dropped; secrets are marked', () => {
    const c = load({
      info: { name: 'S', schema: V21 },
      event: [
        { listen: 'prerequest', script: { exec: ['a();', 'b();'] } },
        { listen: 'test', script: { exec: 'c();' } },
        { listen: 'test', disabled: true, script: { exec: ['never();'] } },
        { listen: 'other', script: { exec: ['ignored();'] } },
        { listen: 'test' },
      ],
      variable: [
        { key: 'on', value: 1 },
        { key: 'off', value: 2, disabled: true },
        { id: 'legacy', value: 'x' },
        { key: 'token', value: 's3', type: 'secret' },
      ],
      protocolProfileBehavior: { disableBodyPruning: true },
      item: [],
    });
    assert.deepEqual(c.scripts, { prerequest: ['a();\nb();'], test: ['c();'] });
    assert.deepEqual(c.variables, [
      { key: 'on', value: 1 },
      { key: 'legacy', value: 'x' },
      { key: 'token', value: 's3', secret: true },
    ]);
    assert.deepEqual(c.profile, { disableBodyPruning: true });
  });

  test('every problem is reported with line, column, path and the item it is in', () => {
    const problems = errors({
      info: { name: 'Bad', schema: V21 },
      item: [
        { name: 'F', item: [{ name: 'no request' }, { name: 'bad url', request: { url: 42 } }] },
        { name: 'bad header', request: { url: 'http://x.test', header: [{ key: 'A', value: [1] }] } },
        'not an item',
      ],
    });
    assert.deepEqual(problems, [
      'c.json:10:9  item[0].item[0]  expected a request (an item) or a list of items (a folder); this has neither (in "F / no request")',
      'c.json:16:20  item[0].item[1].request.url  expected a URL string or a url object, got the number 42 (in "F / bad url")',
      'c.json:28:22  item[1].request.header[0].value  expected a string, got an array (in "bad header")',
      'c.json:35:5  item[2]  expected a request or a folder object, got a string ("not an item")',
    ]);
  });

  test('paths in a wrapped export start with collection', () => {
    const problems = errors({
      collection: {
        info: { name: 'W', schema: V21 },
        item: [{ name: 'x', request: { url: 'u', method: 1 } }],
      },
    });
    assert.match(
      problems[0] ?? '',
      /^c\.json:\d+:\d+ {2}collection\.item\[0\]\.request\.method {2}expected an HTTP method/,
    );
  });

  test('unsupported schemas, missing items and JSON syntax errors', () => {
    assert.deepEqual(
      errors({
        info: { name: 'Old', schema: 'https://schema.getpostman.com/json/collection/v1.0.0/collection.json' },
        item: [],
      }),
      [
        'c.json:4:15  info.schema  Postman collection v1 is not supported: export the collection again as v2.1 from Postman',
      ],
    );
    assert.deepEqual(errors({ info: { name: 'No items', schema: V21 } }), [
      'c.json:1:1  item  a collection needs an item list (its requests and folders)',
    ]);
    assert.deepEqual(errors('{\n  "info": {,\n}'), [
      'c.json:2:12  JSON syntax error: unexpected ",": expected a key in double quotes',
    ]);
    assert.deepEqual(errors('[]'), [
      'c.json:1:1  not a Postman collection: expected an object with info and item',
    ]);
  });
});

describe('environment and globals files', () => {
  test('Postman exports load; enabled: false is honoured; secrets are marked', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'assay-pm-'));
    try {
      const file = path.join(dir, 'env.json');
      await writeFile(
        file,
        JSON.stringify({
          id: 'e-1',
          name: 'Staging',
          values: [
            { key: 'a', value: '1', enabled: true },
            { key: 'b', value: '2', enabled: false },
            { key: 'c', value: 's', type: 'secret', enabled: true },
          ],
        }),
      );
      assert.deepEqual(await loadVariableFile(file, 'environment'), {
        id: 'e-1',
        name: 'Staging',
        values: [
          { key: 'a', value: '1' },
          { key: 'c', value: 's', secret: true },
        ],
      });
      await writeFile(file, '{\n  "a": "plain map"\n}');
      await assert.rejects(loadVariableFile(file, 'globals'), (error: unknown) => {
        assert.ok(error instanceof VariableFileError);
        assert.match(
          error.message,
          /env\.json:1:1 {2}values {2}not a Postman globals export: expected an object with a values list/,
        );
        return true;
      });
      await assert.rejects(
        loadVariableFile(path.join(dir, 'missing.json'), 'environment'),
        /cannot read the environment: no such file/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
