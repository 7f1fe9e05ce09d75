import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTargetServer, type TargetServer } from '../../../test/support/target-server.ts';
import { suiteSchema } from '../suite/schema.ts';
import type { RunEvent, StepResult } from './model.ts';
import { runSuite } from './run-suite.ts';

let target: TargetServer;
let dir: string;

before(async () => {
  target = await startTargetServer();
  dir = await mkdtemp(join(tmpdir(), 'assay-run-'));
});
after(async () => {
  await target.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(document: Record<string, unknown>, options: Partial<Parameters<typeof runSuite>[0]> = {}) {
  const suite = suiteSchema.parse({ version: 1, name: 'test', variables: { base: target.url }, ...document });
  const events: RunEvent[] = [];
  const summary = await runSuite({ suite, baseDir: dir, onEvent: (e) => events.push(e), ...options });
  const steps = events.flatMap((e) => (e.type === 'step.finished' ? [e.result] : []));
  return { summary, events, steps };
}

const step = (name: string, request: Record<string, unknown>, rest: Record<string, unknown> = {}) => ({
  name,
  request,
  ...rest,
});

describe('runSuite', () => {
  it('runs steps in order, captures values for later steps and emits the events of the run', async () => {
    const { summary, events, steps } = await run({
      steps: [
        step(
          'create',
          { method: 'POST', url: '{{ base }}/users', json: { name: 'Ada', email: 'ada@example.test' } },
          { capture: { userId: '$.id', location: { header: 'location' } }, expect: { status: 201 } },
        ),
        step(
          'fetch',
          { url: '{{ base }}/users/{{ userId }}' },
          { expect: { status: 200, json: { '$.name': 'Ada' } } },
        ),
      ],
    });
    assert.equal(summary.status, 'passed');
    assert.deepEqual(
      events.map((e) => e.type),
      ['run.started', 'step.started', 'step.finished', 'step.started', 'step.finished', 'run.finished'],
    );
    assert.equal(typeof steps[0]?.captures.userId, 'number');
    assert.equal(steps[1]?.request?.url, `${target.url}/users/${steps[0]?.captures.userId}`);
    assert.deepEqual(summary.counts, {
      steps: 2,
      passed: 2,
      failed: 0,
      errored: 0,
      skipped: 0,
      assertions: 3,
      assertionsFailed: 0,
      requests: 2,
    });
  });

  it('records a failing API as a failed step with evidence, and the run as failed', async () => {
    const { summary, steps } = await run({
      steps: [step('wrong status', { url: '{{ base }}/status/404' }, { expect: { status: 200 } })],
    });
    assert.equal(summary.status, 'failed');
    const [result] = steps as [StepResult];
    assert.equal(result.status, 'failed');
    assert.equal(result.response?.status, 404);
    assert.equal(result.assertions[0]?.passed, false);
    assert.equal(result.assertions[0]?.message, 'expected status 200, got 404');
    assert.ok(result.timings !== undefined && result.timings.total >= 0);
  });

  it('records an unreachable API as an errored step, never an exception', async () => {
    const { summary, steps } = await run({ steps: [step('refused', { url: 'http://127.0.0.1:1/' })] });
    assert.equal(summary.status, 'failed');
    assert.equal(steps[0]?.status, 'errored');
    assert.equal(steps[0]?.error?.code, 'ECONNREFUSED');
    assert.equal(steps[0]?.request?.url, 'http://127.0.0.1:1/');
  });

  it('names an unknown variable instead of sending an empty string', async () => {
    const { steps } = await run({ steps: [step('typo', { url: '{{ bsae }}/json' })] });
    assert.equal(steps[0]?.status, 'errored');
    assert.equal(steps[0]?.error?.code, 'TEMPLATE');
    assert.match(steps[0]?.error?.message ?? '', /bsae/);
    assert.equal(target.requests >= 0, true);
  });

  it('retries a failing step and reports the attempts made', async () => {
    const { steps } = await run({
      steps: [
        step(
          'never',
          { url: '{{ base }}/status/500' },
          { retry: { count: 2, delayMs: 1 }, expect: { status: 200 } },
        ),
      ],
    });
    assert.equal(steps[0]?.status, 'failed');
    assert.equal(steps[0]?.attempts, 3);
  });

  it('skips a step whose condition renders truthy, runs it otherwise', async () => {
    const { steps } = await run({
      variables: { base: target.url, off: 'false', on: 'yes' },
      steps: [
        step('a', { url: '{{ base }}/json' }, { skip: '{{ on }}' }),
        step('b', { url: '{{ base }}/json' }, { skip: '{{ off }}' }),
      ],
    });
    assert.equal(steps[0]?.status, 'skipped');
    assert.match(steps[0]?.skipReason ?? '', /skip condition/);
    assert.equal(steps[1]?.status, 'passed');
  });

  it('stops at the first failure with bail', async () => {
    const { summary, steps } = await run({
      bail: true,
      steps: [
        step('fails', { url: '{{ base }}/status/500' }, { expect: { status: 200 } }),
        step('never runs', { url: '{{ base }}/json' }),
      ],
    });
    assert.equal(summary.status, 'failed');
    assert.equal(steps.length, 1);
  });

  it('runs the steps once per iteration row, rows overriding variables', async () => {
    const { summary, steps } = await run({
      iterations: [{ name: 'Ada' }, { name: 'Bob' }],
      steps: [
        step(
          'echo',
          { url: '{{ base }}/echo', query: { who: '{{ name }}' } },
          { expect: { json: { '$.query.who': '{{ name }}' } } },
        ),
      ],
    });
    assert.equal(summary.iterations, 2);
    assert.deepEqual(
      steps.map((s) => [s.iteration, s.status]),
      [
        [0, 'passed'],
        [1, 'passed'],
      ],
    );
    assert.match(steps[1]?.request?.url ?? '', /who=Bob/);
  });

  it('reads iteration rows from a CSV data file relative to the suite', async () => {
    await writeFile(join(dir, 'rows.csv'), 'code\n200\n404\n');
    const { steps } = await run({
      iterations: { file: 'rows.csv' },
      steps: [step('status', { url: '{{ base }}/status/{{ code }}' })],
    });
    assert.deepEqual(
      steps.map((s) => s.response?.status),
      [200, 404],
    );
  });

  it('ends errored when the data file is missing, naming it', async () => {
    const { summary } = await run({
      iterations: { file: 'missing.csv' },
      steps: [step('x', { url: '{{ base }}/json' })],
    });
    assert.equal(summary.status, 'errored');
    assert.equal(summary.error?.code, 'DATA_FILE');
    assert.match(summary.error?.message ?? '', /missing\.csv/);
  });

  it('keeps cookies across the steps of a run', async () => {
    const { steps } = await run({
      steps: [
        step('set', { url: '{{ base }}/cookies/set?session=abc' }),
        step('send', { url: '{{ base }}/cookies' }, { expect: { json: { '$.cookies.session': 'abc' } } }),
      ],
    });
    assert.equal(steps[1]?.status, 'passed', JSON.stringify(steps[1]?.assertions));
  });

  it('masks secrets, and values captured from exchanges that carried one, everywhere', async () => {
    const { steps, events } = await run(
      {
        steps: [
          step(
            'use secret',
            { url: '{{ base }}/echo', headers: { 'x-api-key': '{{ secrets.apiKey }}' } },
            { capture: { echoed: "$.headers['x-api-key']", derived: '$.path' } },
          ),
          step('reuse capture', { url: '{{ base }}/echo', query: { p: '{{ derived }}' } }),
        ],
      },
      { secrets: { apiKey: 's3cr3t-value' } },
    );
    const text = JSON.stringify(events);
    assert.doesNotMatch(text, /s3cr3t-value/);
    assert.equal(steps[0]?.request?.headers['x-api-key'], '***');
    assert.equal(steps[0]?.captures.echoed, '***');
    // `derived` came from a tainted exchange: masked in the next step's URL too.
    assert.doesNotMatch(steps[1]?.request?.url ?? '', /\/echo\?p=%2Fecho/);
  });

  it('masks credentials derived from secrets by auth (a Basic header)', async () => {
    const { events } = await run(
      {
        steps: [
          step(
            'basic',
            {
              url: '{{ base }}/basic-auth/ada/pw-secret',
              auth: { type: 'basic', username: 'ada', password: '{{ secrets.pw }}' },
            },
            { expect: { status: 200 } },
          ),
        ],
      },
      { secrets: { pw: 'pw-secret' } },
    );
    const text = JSON.stringify(events);
    assert.doesNotMatch(text, new RegExp(Buffer.from('ada:pw-secret').toString('base64')));
    assert.match(text, /"passed"/);
  });

  it('renders templates in default headers, step headers overriding them whatever their case', async () => {
    const { steps } = await run({
      variables: { base: target.url, who: 'ada' },
      defaults: { headers: { 'X-User': '{{ who }}', 'X-Kept': 'yes' } },
      steps: [
        step(
          'echo',
          { url: '{{ base }}/echo', headers: { 'x-user': 'bob' } },
          { expect: { json: { "$.headers['x-user']": 'bob', "$.headers['x-kept']": 'yes' } } },
        ),
        step('default', { url: '{{ base }}/echo' }, { expect: { json: { "$.headers['x-user']": 'ada' } } }),
      ],
    });
    assert.deepEqual(
      steps.map((s) => s.status),
      ['passed', 'passed'],
    );
  });

  it('ends errored on the whole-run timeout, aborting the request in flight', async () => {
    const { summary, steps } = await run({
      timeout: 200,
      steps: [step('hang', { url: '{{ base }}/hang', timeout: 10_000 })],
    });
    assert.equal(summary.status, 'errored');
    assert.equal(summary.error?.code, 'RUN_TIMEOUT');
    assert.equal(steps[0]?.status, 'errored');
    assert.equal(steps[0]?.error?.code, 'RUN_TIMEOUT');
  });

  it('ends cancelled when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const { summary } = await run(
      { steps: [step('hang', { url: '{{ base }}/hang' }), step('next', { url: '{{ base }}/json' })] },
      { signal: controller.signal },
    );
    assert.equal(summary.status, 'cancelled');
    assert.equal(summary.counts.steps, 1);
  });

  it('fetches an OAuth2 token once per run and reuses it', async () => {
    const before = target.tokenRequests;
    const auth = {
      type: 'oauth2',
      tokenUrl: '{{ base }}/oauth/token',
      clientId: 'assay-client',
      clientSecret: '{{ secrets.cs }}',
    };
    const { summary } = await run(
      {
        defaults: { auth },
        steps: [
          step('one', { url: '{{ base }}/protected' }, { expect: { status: 200 } }),
          step('two', { url: '{{ base }}/protected' }, { expect: { status: 200 } }),
        ],
      },
      { secrets: { cs: 'assay-secret' } },
    );
    assert.equal(summary.status, 'passed');
    assert.equal(target.tokenRequests - before, 1);
  });
});
