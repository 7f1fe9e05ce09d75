import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import type { Collection } from '../core/postman/collection/types.ts';
import type { CollectionRunResult, ItemExecution } from '../core/postman/run/types.ts';
import { createNewmanJsonReporter } from './newman-json.ts';
import { classNameOf, createNewmanJunitReporter } from './newman-junit.ts';

const COLLECTION: Collection = {
  id: 'c-1',
  name: 'Shop',
  schemaVersion: '2.1.0',
  variables: [],
  scripts: { prerequest: [], test: [] },
  auth: undefined,
  profile: {},
  items: [],
  document: { info: { name: 'Shop' }, item: [] },
};

function execution(iteration: number, overrides: Partial<ItemExecution> = {}): ItemExecution {
  return {
    cursor: { position: 0, iteration, length: 1, cycles: 2, ref: `ref-${iteration}` },
    item: { id: 'i-1', name: 'Buy', fullName: 'Orders / Buy' },
    parent: { id: 'f-1', name: 'Orders' },
    skipped: false,
    request: { method: 'POST', url: 'http://shop.test/buy?x=1', headers: [{ key: 'A', value: '1' }] },
    response: {
      code: 201,
      status: 'Created',
      headers: [{ key: 'Content-Type', value: 'application/json' }],
      responseTime: 12,
      responseSize: 2,
      body: { text: '{}', truncated: false },
      timings: { dns: 0, connect: 1, tls: 0, firstByte: 10, download: 1, total: 12 },
    },
    prerequest: { scripts: 1, errors: [] },
    test: { scripts: 1, errors: [] },
    tests: [
      { name: 'created', passed: true, skipped: false, scriptIndex: 0, event: 'test' },
      {
        name: 'has id',
        passed: iteration === 1,
        skipped: false,
        scriptIndex: 0,
        event: 'test',
        ...(iteration === 1
          ? {}
          : { error: { name: 'AssertionError', message: 'expected undefined to exist' } }),
      },
    ],
    console: [],
    ...overrides,
  };
}

function result(): CollectionRunResult {
  const counter = { total: 0, pending: 0, failed: 0 };
  return {
    summary: {
      suite: 'Shop',
      status: 'failed',
      startedAt: '2024-01-01T00:00:00.000Z',
      durationMs: 5,
      iterations: 2,
      counts: {
        steps: 2,
        passed: 1,
        failed: 1,
        errored: 0,
        skipped: 0,
        assertions: 4,
        assertionsFailed: 1,
        requests: 2,
      },
    },
    stats: {
      iterations: counter,
      items: counter,
      scripts: counter,
      prerequests: counter,
      requests: counter,
      tests: { total: 2, pending: 0, failed: 0 },
      assertions: counter,
      testScripts: counter,
      prerequestScripts: counter,
    },
    timings: {
      responseAverage: 12,
      responseMin: 12,
      responseMax: 12,
      responseSd: 0,
      dnsAverage: 0,
      dnsMin: 0,
      dnsMax: 0,
      dnsSd: 0,
      firstByteAverage: 10,
      firstByteMin: 10,
      firstByteMax: 10,
      firstByteSd: 0,
      started: Date.parse('2024-01-01T00:00:00.000Z'),
      completed: Date.parse('2024-01-01T00:00:00.005Z'),
    },
    transfers: { responseTotal: 4 },
    environment: { token: 'abc' },
    globals: {},
    collectionVariables: {},
  };
}

function sink(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  return { out, text: () => text };
}

describe('Newman JSON reporter', () => {
  test('streams executions as they come and writes the summary at the end', async () => {
    const { out, text } = sink();
    const reporter = createNewmanJsonReporter({
      out,
      collection: COLLECTION,
      mask: (v) => JSON.parse(JSON.stringify(v).replaceAll('abc', '***')),
    });
    reporter.onExecution(execution(0));
    await new Promise((resolve) => setImmediate(resolve));
    assert.match(
      text(),
      /^\{"collection":\{"info":\{"name":"Shop"\},"item":\[\]\},"run":\{"executions":\[\{"cursor"/,
    );
    reporter.onExecution(execution(1, { skipped: true, response: undefined, request: undefined }));
    reporter.onExecution(execution(1));
    await reporter.finish(result());
    const report = JSON.parse(text()) as {
      run: {
        executions: Record<string, unknown>[];
        failures: Record<string, unknown>[];
        stats: unknown;
        transfers: unknown;
        error: unknown;
      };
      environment: unknown;
    };
    assert.equal(report.run.executions.length, 2, 'the skipped execution is not recorded');
    const first = report.run.executions[0] as Record<string, unknown>;
    assert.deepEqual(first.item, { id: 'i-1', name: 'Buy' });
    assert.deepEqual(first.cursor, {
      position: 0,
      iteration: 0,
      length: 1,
      cycles: 2,
      ref: 'ref-0',
      empty: false,
      eof: false,
      bof: true,
      cr: false,
    });
    assert.deepEqual((first.request as { url: unknown }).url, {
      raw: 'http://shop.test/buy?x=1',
      protocol: 'http',
      host: ['shop', 'test'],
      path: ['buy'],
      query: [{ key: 'x', value: '1' }],
      variable: [],
    });
    assert.equal((first.response as { code: number }).code, 201);
    assert.deepEqual((first.response as { stream: unknown }).stream, { type: 'Buffer', data: [123, 125] });
    assert.deepEqual(first.assertions, [
      { assertion: 'created', skipped: false },
      {
        assertion: 'has id',
        skipped: false,
        error: {
          name: 'AssertionError',
          index: 1,
          test: 'has id',
          message: 'expected undefined to exist',
          stack: 'AssertionError: expected undefined to exist',
        },
      },
    ]);
    assert.deepEqual(report.run.failures, [
      {
        source: { id: 'i-1', name: 'Buy' },
        cursor: { position: 0, iteration: 0, length: 1, cycles: 2, ref: 'ref-0' },
        error: {
          name: 'AssertionError',
          index: 1,
          test: 'has id',
          message: 'expected undefined to exist',
          stack: 'AssertionError: expected undefined to exist',
        },
        at: 'assertion:1 in test-script',
        parent: { id: 'f-1', name: 'Orders' },
      },
    ]);
    assert.deepEqual(report.run.transfers, { responseTotal: 4 });
    assert.equal(report.run.error, null);
    assert.deepEqual(report.environment, { values: [{ key: 'token', value: '***', type: 'string' }] });
  });
});

describe('Newman JUnit reporter', () => {
  test('one testsuite per item, one testcase per test name, failures kept across iterations', async () => {
    const { out, text } = sink();
    const reporter = createNewmanJunitReporter({ out, collection: COLLECTION });
    reporter.onExecution(execution(0));
    reporter.onExecution(
      execution(1, {
        requestError: { code: 'ECONNRESET', message: 'socket hang up' },
        test: {
          scripts: 1,
          errors: [
            { name: 'TypeError', message: 'x is undefined', kind: 'error', scriptIndex: 0, async: false },
          ],
        },
      }),
    );
    await reporter.finish(result());
    assert.equal(
      text(),
      `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="Shop" tests="2" time="0.024">
  <testsuite name="Orders / Buy" id="i-1" timestamp="2024-01-01T00:00:00.000Z" tests="2" failures="1" errors="2" time="0.012">
    <system-err>Iteration: 1
RequestError: socket hang up (ECONNRESET)
---
testScriptError: TypeError: x is undefined
---</system-err>
    <testcase name="created" time="0.012" classname="OrdersBuy"/>
    <testcase name="has id" time="0.012" classname="OrdersBuy">
      <failure type="AssertionFailure" message="expected undefined to exist">Failed 1 times.
Collection JSON ID: c-1.
Collection name: Shop.
Request name: Orders / Buy.
Test description: has id.
Error message: expected undefined to exist.
Stacktrace: AssertionError: expected undefined to exist.</failure>
    </testcase>
  </testsuite>
</testsuites>
`,
    );
  });

  test('class names follow lodash upperFirst(camelCase(name))', () => {
    assert.equal(classNameOf('Orders / Buy'), 'OrdersBuy');
    assert.equal(classNameOf('get user by-id (v2)'), 'GetUserByIdV2');
    assert.equal(classNameOf('XMLHttp request'), 'XmlHttpRequest');
    assert.equal(classNameOf(''), '');
  });
});
