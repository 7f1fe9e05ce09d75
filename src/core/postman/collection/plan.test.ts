import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseIterationData } from './iteration-data.ts';
import { formatCollectionError, parseCollection } from './load.ts';
import { EntryPointError, planRun } from './plan.ts';
import type { Collection } from './types.ts';

const V21 = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';
const script = (listen: string, code: string) => ({ listen, script: { exec: [code] } });
const request = (auth?: unknown) => ({ url: 'http://x.test', ...(auth === undefined ? {} : { auth }) });

function load(document: unknown): Collection {
  const result = parseCollection(JSON.stringify(document), { file: 'c.json' });
  if (!result.ok) assert.fail(result.errors.map(formatCollectionError).join('\n'));
  return result.collection;
}

const TREE = load({
  info: { name: 'Shop', schema: V21 },
  event: [script('prerequest', 'c-pre'), script('test', 'c-test')],
  auth: { type: 'bearer', bearer: [{ key: 'token', value: 'collection' }] },
  protocolProfileBehavior: { followRedirects: false, strictSSL: true },
  item: [
    {
      id: 'f-orders',
      name: 'Orders',
      event: [script('prerequest', 'f-pre'), script('test', 'f-test')],
      auth: { type: 'basic', basic: [{ key: 'username', value: 'folder' }] },
      protocolProfileBehavior: { followRedirects: true },
      item: [
        {
          id: 'f-admin',
          name: 'Admin',
          event: [script('test', 'g-test')],
          auth: { type: 'noauth' },
          item: [
            { id: 'i-refund', name: 'Refund', request: request(), event: [script('prerequest', 'i-pre')] },
            {
              id: 'i-own',
              name: 'Own auth',
              request: request({ type: 'apikey', apikey: [{ key: 'key', value: 'K' }] }),
            },
          ],
        },
        { id: 'i-list', name: 'List', request: request(null), protocolProfileBehavior: { maxRedirects: 2 } },
      ],
    },
    { id: 'i-health', name: 'Health', request: request() },
  ],
});

describe('run order', () => {
  test('depth-first, with the scripts of every level in order and full names', () => {
    const plan = planRun(TREE);
    assert.deepEqual(
      plan.map((r) => [r.fullName, r.prerequest, r.test]),
      [
        ['Orders / Admin / Refund', ['c-pre', 'f-pre', 'i-pre'], ['c-test', 'f-test', 'g-test']],
        ['Orders / Admin / Own auth', ['c-pre', 'f-pre'], ['c-test', 'f-test', 'g-test']],
        ['Orders / List', ['c-pre', 'f-pre'], ['c-test', 'f-test']],
        ['Health', ['c-pre'], ['c-test']],
      ],
    );
    assert.deepEqual(plan[0]?.location, ['Shop', 'Orders', 'Admin', 'Refund']);
    assert.equal(plan[0]?.parent?.name, 'Admin');
    assert.equal(plan[3]?.parent, undefined);
  });

  test('auth comes from the nearest level; noauth stops inheritance; an own auth wins', () => {
    const auth = planRun(TREE).map((r) => r.auth);
    assert.deepEqual(auth, [
      undefined,
      { type: 'apikey', params: { key: 'K' } },
      { type: 'basic', params: { username: 'folder' } },
      { type: 'bearer', params: { token: 'collection' } },
    ]);
  });

  test('protocolProfileBehavior is merged downwards, the nearest level winning', () => {
    const profiles = planRun(TREE).map((r) => r.profile);
    assert.deepEqual(profiles[0], { followRedirects: true, strictSSL: true });
    assert.deepEqual(profiles[2], { followRedirects: true, strictSSL: true, maxRedirects: 2 });
    assert.deepEqual(profiles[3], { followRedirects: false, strictSSL: true });
  });

  test('--folder selects folders or requests by name or id, in collection order, each once', () => {
    const names = (folders: string[]) => planRun(TREE, { folders }).map((r) => r.fullName);
    assert.deepEqual(names(['Admin']), ['Orders / Admin / Refund', 'Orders / Admin / Own auth']);
    assert.deepEqual(names(['i-health', 'Admin']), [
      'Orders / Admin / Refund',
      'Orders / Admin / Own auth',
      'Health',
    ]);
    // A request inside a selected folder is found but not run twice.
    assert.deepEqual(names(['Orders', 'Refund']), [
      'Orders / Admin / Refund',
      'Orders / Admin / Own auth',
      'Orders / List',
    ]);
    // Inherited scripts still come from above the entry point.
    assert.deepEqual(planRun(TREE, { folders: ['List'] })[0]?.prerequest, ['c-pre', 'f-pre']);
  });

  test('an unknown --folder is an error naming it', () => {
    assert.throws(
      () => planRun(TREE, { folders: ['Admin', 'Nope'] }),
      (error: unknown) =>
        error instanceof EntryPointError &&
        error.message ===
          'no folder or request named "Nope" in the collection (--folder takes a name or an id)',
    );
  });
});

describe('iteration data', () => {
  test('CSV: a header row, numbers cast unless quoted, spaces trimmed', () => {
    assert.deepEqual(
      parseIterationData('name, qty, code, price\n"Ada", 10, "007", 1.5\nBob,x,,\n', 'd.csv'),
      [
        { name: 'Ada', qty: 10, code: '007', price: 1.5 },
        { name: 'Bob', qty: 'x', code: '', price: '' },
      ],
    );
  });

  test('JSON: an array of objects; anything else is refused with the file named', () => {
    assert.deepEqual(parseIterationData('\uFEFF[{"a":1},{"a":"2"}]', 'd.json'), [{ a: 1 }, { a: '2' }]);
    assert.throws(
      () => parseIterationData('{"a":1}', 'd.json'),
      /^IterationDataError: iteration data d\.json: expected an array of objects, one per iteration$/,
    );
    assert.throws(
      () => parseIterationData('[1]', 'd.json'),
      /iteration data d\.json: row 1: expected an object of variables/,
    );
  });
});
