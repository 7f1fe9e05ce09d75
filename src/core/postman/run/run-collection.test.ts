import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type EchoServer, startEchoServer } from '../../../../test/postman/support/echo-server.ts';
import type { RunEvent, StepResult } from '../../runner/model.ts';
import { formatCollectionError, parseCollection } from '../collection/load.ts';
import type { Collection } from '../collection/types.ts';
import { runCollection } from './run-collection.ts';
import type { ItemExecution } from './types.ts';

const V21 = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';
let server: EchoServer;
before(async () => {
  server = await startEchoServer();
});
after(() => server.close());

function collection(items: unknown[], extra: Record<string, unknown> = {}): Collection {
  const result = parseCollection(
    JSON.stringify({ info: { name: 'Unit', schema: V21 }, item: items, ...extra }),
    {
      file: 'unit.json',
    },
  );
  if (!result.ok) assert.fail(result.errors.map(formatCollectionError).join('\n'));
  return result.collection;
}

const tests = (...lines: string[]) => [{ listen: 'test', script: { exec: lines } }];
const pre = (...lines: string[]) => [{ listen: 'prerequest', script: { exec: lines } }];
const get = (name: string, path: string, event: unknown[] = []) => ({
  name,
  request: { method: 'GET', url: `{{baseUrl}}${path}` },
  event,
});

async function run(c: Collection, options: Partial<Parameters<typeof runCollection>[0]> = {}) {
  const events: RunEvent[] = [];
  const executions: ItemExecution[] = [];
  const result = await runCollection({
    collection: c,
    envVars: { baseUrl: server.url },
    onEvent: (event) => events.push(event),
    onExecution: (execution) => executions.push(execution),
    ...options,
  });
  const steps = events.flatMap((e) => (e.type === 'step.finished' ? [e.result] : []));
  return { result, events, executions, steps };
}

describe('runCollection', () => {
  test('emits the engine events with one step per item and iteration, tests as assertions', async () => {
    const c = collection([
      get(
        'ok',
        '/users/1',
        tests("pm.test('is Ada', () => pm.expect(pm.response.json().name).to.equal('Ada Lovelace'));"),
      ),
      get('fails', '/status/404', tests("pm.test('is 200', () => pm.response.to.have.status(200));")),
      get('throws', '/users/1', tests('nope();')),
      get('skipped', '/users/1', pre('pm.execution.skipRequest();')),
    ]);
    const { result, events, steps } = await run(c, { iterationCount: 2 });
    assert.deepEqual(events[0], {
      type: 'run.started',
      suite: 'Unit',
      steps: 4,
      iterations: 2,
      startedAt: (events[0] as { startedAt: string }).startedAt,
    });
    assert.equal(events.filter((e) => e.type === 'step.started').length, 8);
    assert.deepEqual(
      steps.map((s) => [s.iteration, s.step, s.status]),
      [
        [0, 'ok', 'passed'],
        [0, 'fails', 'failed'],
        [0, 'throws', 'errored'],
        [0, 'skipped', 'skipped'],
        [1, 'ok', 'passed'],
        [1, 'fails', 'failed'],
        [1, 'throws', 'errored'],
        [1, 'skipped', 'skipped'],
      ],
    );
    const failed = steps[1] as StepResult;
    assert.equal(failed.response?.status, 404);
    assert.deepEqual(failed.assertions, [
      {
        kind: 'test',
        target: 'is 200',
        matcher: 'pm.test',
        expected: 'pass',
        actual: 'fail',
        passed: false,
        message: 'is 200: expected response to have status code 200 but got 404',
      },
    ]);
    assert.deepEqual(steps[2]?.error, {
      code: 'SCRIPT',
      message: 'test script: ReferenceError: nope is not defined (line 1:1)',
    });
    assert.equal(steps[3]?.skipReason, 'pm.execution.skipRequest() in a pre-request script');
    const finished = events.at(-1);
    assert.equal(finished?.type, 'run.finished');
    assert.deepEqual(result.summary.counts, {
      steps: 8,
      passed: 2,
      failed: 2,
      errored: 2,
      skipped: 2,
      assertions: 4,
      assertionsFailed: 2,
      requests: 6,
    });
    assert.equal(result.summary.status, 'failed');
    assert.equal(result.stats.scripts.failed, 2);
  });

  test('setNextRequest: an unknown name or null ends the iteration, the next one starts from the top', async () => {
    const c = collection([
      get('a', '/users/1', tests("postman.setNextRequest(pm.info.iteration === 0 ? 'nowhere' : null);")),
      get('b', '/users/2'),
    ]);
    const { steps } = await run(c, { iterationCount: 2 });
    assert.deepEqual(
      steps.map((s) => [s.iteration, s.step]),
      [
        [0, 'a'],
        [1, 'a'],
      ],
    );
  });

  test('variables typed secret are masked in results and executions', async () => {
    const c = collection([
      {
        name: 'echo',
        request: {
          method: 'POST',
          url: '{{baseUrl}}/anything?k={{key}}',
          header: [{ key: 'X-Key', value: '{{key}}' }],
          body: { mode: 'raw', raw: 'key={{key}}' },
        },
        event: tests("pm.test('sent ' + pm.environment.get('key'), () => pm.expect(1).to.equal(2));"),
      },
    ]);
    const { executions, steps } = await run(c, {
      environment: {
        id: undefined,
        name: 'env',
        values: [{ key: 'key', value: 'hunter2-secret', secret: true }],
      },
    });
    const text = JSON.stringify({ executions, steps });
    assert.ok(!text.includes('hunter2-secret'), 'the secret must not appear');
    assert.equal(steps[0]?.request?.headers['X-Key'], '***');
    assert.equal(steps[0]?.assertions[0]?.target, 'sent ***');
  });

  test('a missing form-data file is a request error of that item; the run goes on', async () => {
    const c = collection([
      {
        name: 'upload',
        request: {
          method: 'POST',
          url: '{{baseUrl}}/anything',
          body: { mode: 'formdata', formdata: [{ key: 'f', type: 'file', src: 'no-such-file.bin' }] },
        },
      },
      get('after', '/users/1'),
    ]);
    const { executions, steps } = await run(c, { workingDir: '/nonexistent-dir' });
    assert.equal(executions[0]?.requestError?.code, 'FILE_NOT_FOUND');
    assert.match(
      executions[0]?.requestError?.message ?? '',
      /\/nonexistent-dir\/no-such-file\.bin: no such file/,
    );
    assert.deepEqual(
      steps.map((s) => s.status),
      ['errored', 'passed'],
    );
  });

  test('cancellation and the whole-run timeout end the run with their reason', async () => {
    const c = collection([get('slow', '/delay/5000'), get('never', '/users/1')]);
    const controller = new AbortController();
    const steps: StepResult[] = [];
    const cancelled = await runCollection({
      collection: c,
      envVars: { baseUrl: server.url },
      signal: controller.signal,
      onEvent: (event) => {
        // Cancelled once the slow request is under way, however slow the machine.
        if (event.type === 'step.started') setTimeout(() => controller.abort(), 20);
        if (event.type === 'step.finished') steps.push(event.result);
      },
    });
    assert.equal(cancelled.summary.status, 'cancelled');
    assert.deepEqual(
      steps.map((s) => s.error?.code),
      ['CANCELLED'],
    );
    const timedOut = await run(c, { timeoutMs: 50 });
    assert.equal(timedOut.result.summary.status, 'errored');
    assert.deepEqual(timedOut.result.summary.error, {
      code: 'RUN_TIMEOUT',
      message: 'the run did not finish within 50 ms',
    });
  });

  test('the final scopes are returned for exports', async () => {
    const c = collection(
      [get('set', '/users/1', tests("pm.environment.set('e', 1); pm.globals.set('g', 'x');"))],
      {
        variable: [{ key: 'c', value: 'v' }],
      },
    );
    const { result } = await run(c, { globalVars: { start: 'yes' } });
    assert.deepEqual(result.environment, { baseUrl: server.url, e: 1 });
    assert.deepEqual(result.globals, { start: 'yes', g: 'x' });
    assert.deepEqual(result.collectionVariables, { c: 'v' });
  });
});
