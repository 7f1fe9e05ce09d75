/** The run machinery end to end below HTTP: real stores (PGlite), in-process queue and bus, a real target. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, type RunFixture, runFixture, suiteYaml } from '../../test/support/run-fixtures.ts';
import { startTargetServer, type TargetServer } from '../../test/support/target-server.ts';
import { UnprocessableError } from '../platform/errors.ts';
import { RUN_EVENT, type RunStreamEvent, runChannel } from '../services/run-events.ts';
import { startRunRuntime } from './runtime.ts';

let target: TargetServer;
before(async () => {
  target = await startTargetServer();
});
after(async () => {
  await target.close();
});

async function finalRun(f: RunFixture, runId: string) {
  return eventually(async () => {
    const run = await f.container.stores.runs.get(f.caller.organisationId, runId);
    return run && run.status !== 'queued' && run.status !== 'running' ? run : null;
  });
}

async function eventTypes(f: RunFixture, runId: string): Promise<string[]> {
  const events = await f.container.stores.runEvents.listAfter(f.caller.organisationId, runId, 0);
  return events.map((e) => e.type);
}

describe('runs: trigger and execute', () => {
  let f: RunFixture;
  before(async () => {
    f = await runFixture();
  });
  after(() => f.close());

  it('runs a triggered suite, persisting step results and events in order and publishing each', async () => {
    const p = await processOf(f);
    const api = await startRunRuntime(p.container, { execute: false, reconcile: false, schedule: false });
    const suiteId = await f.saveSuite(suiteYaml(target.url, { steps: 2 }));
    const { run, created } = await api.service.trigger(f.caller, { suiteId, trigger: 'manual' });
    assert.equal(created, true);
    assert.equal(run.status, 'queued');
    const seen: RunStreamEvent[] = [];
    const unsubscribe = await p.container.events.subscribe(runChannel(run.id), (m) =>
      seen.push(m as RunStreamEvent),
    );
    // The executor starts only now, so every event it publishes has a subscriber.
    const worker = await startRunRuntime(p.container, { reconcile: false, schedule: false });
    try {
      const done = await finalRun(f, run.id);
      assert.equal(done.status, 'passed');
      assert.equal(done.attempt, 1);
      assert.equal(done.summary?.counts.passed, 2);
      assert.deepEqual(await eventTypes(f, run.id), [
        RUN_EVENT.queued,
        RUN_EVENT.started,
        RUN_EVENT.stepFinished,
        RUN_EVENT.stepFinished,
        RUN_EVENT.finished,
      ]);
      const detail = await api.service.get(f.caller, run.id);
      assert.deepEqual(
        detail.steps.map((s) => [s.seq, s.result.step, s.result.status]),
        [
          [0, 'step 1', 'passed'],
          [1, 'step 2', 'passed'],
        ],
      );
      await eventually(async () => seen.some((e) => e.type === RUN_EVENT.finished));
      assert.deepEqual(
        seen.map((e) => [e.seq, e.type]),
        [
          [2, RUN_EVENT.started],
          [3, RUN_EVENT.stepFinished],
          [4, RUN_EVENT.stepFinished],
          [5, RUN_EVENT.finished],
        ],
      );
    } finally {
      await unsubscribe();
      await worker.stop();
      await p.close();
    }
  });

  it('ends failed when an expectation fails, with the evidence stored', async () => {
    const p = await processOf(f);
    const runtime = await startRunRuntime(p.container, { reconcile: false, schedule: false });
    try {
      const suiteId = await f.saveSuite(suiteYaml(target.url, { path: '/status/500' }));
      const { run } = await runtime.service.trigger(f.caller, { suiteId, trigger: 'api' });
      const done = await finalRun(f, run.id);
      assert.equal(done.status, 'failed');
      const { steps } = await runtime.service.get(f.caller, run.id);
      assert.equal(steps[0]?.result.response?.status, 500);
    } finally {
      await runtime.stop();
      await p.close();
    }
  });

  it('refuses server-side suites that read local files, ending the run errored', async () => {
    const p = await processOf(f);
    const runtime = await startRunRuntime(p.container, { reconcile: false, schedule: false });
    try {
      const suiteId = await f.saveSuite(
        `version: 1\nname: Files\niterations: { file: /etc/passwd.csv }\nsteps:\n  - name: a\n    request: { method: GET, url: "${target.url}/status/200" }\n`,
      );
      const { run } = await runtime.service.trigger(f.caller, { suiteId, trigger: 'manual' });
      const done = await finalRun(f, run.id);
      assert.equal(done.status, 'errored');
      assert.equal(done.error?.code, 'FILE_ACCESS_DENIED');
      assert.equal((await eventTypes(f, run.id)).at(-1), RUN_EVENT.finished);
    } finally {
      await runtime.stop();
      await p.close();
    }
  });
});

describe('runs: environments', () => {
  let f: RunFixture;
  before(async () => {
    f = await runFixture();
  });
  after(() => f.close());

  it('ends errored, without retrying, when a secret of the environment cannot be decrypted', async () => {
    const environment = await f.container.stores.environments.create({
      organisationId: f.caller.organisationId,
      projectId: f.projectId,
      name: 'broken',
    });
    // Encrypted with a key this server does not have.
    await f.container.stores.environments.putSecret(f.caller.organisationId, environment.id, {
      name: 'TOKEN',
      ciphertext: Buffer.from('x'),
      iv: Buffer.alloc(12),
      tag: Buffer.alloc(16),
      keyId: 'another-key',
    });
    const p = await processOf(f);
    const runtime = await startRunRuntime(p.container, { reconcile: false, schedule: false });
    try {
      const suiteId = await f.saveSuite(suiteYaml(target.url));
      const { run } = await runtime.service.trigger(f.caller, {
        suiteId,
        environmentId: environment.id,
        trigger: 'manual',
      });
      const done = await finalRun(f, run.id);
      assert.equal(done.status, 'errored');
      assert.equal(done.error?.code, 'ENVIRONMENT');
      assert.match(done.error?.message ?? '', /TOKEN/);
      assert.equal(done.attempt, 1);
    } finally {
      await runtime.stop();
      await p.close();
    }
  });
});

describe('runs: idempotency', () => {
  let f: RunFixture;
  before(async () => {
    f = await runFixture();
  });
  after(() => f.close());

  it('returns the first run for the same key and body, and refuses the key with another body', async () => {
    const p = await processOf(f);
    const runtime = await startRunRuntime(p.container, { execute: false, reconcile: false, schedule: false });
    const suiteId = await f.saveSuite(suiteYaml(target.url));
    const input = { suiteId, trigger: 'api' as const, idempotencyKey: 'key-1', variables: { a: 1, b: 2 } };
    const first = await runtime.service.trigger(f.caller, input);
    // Same body with its keys in another order is the same request.
    const again = await runtime.service.trigger(f.caller, { ...input, variables: { b: 2, a: 1 } });
    assert.equal(first.created, true);
    assert.equal(again.created, false);
    assert.equal(again.run.id, first.run.id);
    await assert.rejects(
      runtime.service.trigger(f.caller, { ...input, variables: { a: 2 } }),
      (error: unknown) => error instanceof UnprocessableError && error.code === 'idempotency_key_reused',
    );
    const { items } = await runtime.service.list(f.caller, { suiteId });
    assert.equal(items.length, 1);
    // One job for the run, whatever the number of replays.
    assert.equal((await p.container.queue('runs').counts()).waiting, 1);
    await runtime.stop();
  });
});

describe('runs: cancellation', () => {
  let f: RunFixture;
  before(async () => {
    f = await runFixture();
  });
  after(() => f.close());

  it('cancels a queued run at once, with its closing event, and never runs it', async () => {
    const p = await processOf(f);
    const api = await startRunRuntime(p.container, { execute: false, reconcile: false, schedule: false });
    const suiteId = await f.saveSuite(suiteYaml(target.url));
    const { run } = await api.service.trigger(f.caller, { suiteId, trigger: 'manual' });
    const cancelled = await api.service.cancel(f.caller, run.id);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal((await p.container.queue('runs').counts()).waiting, 0);
    const events = await f.container.stores.runEvents.listAfter(f.caller.organisationId, run.id, 0);
    assert.deepEqual(
      events.map((e) => e.type),
      [RUN_EVENT.queued, RUN_EVENT.finished],
    );
    assert.equal(
      (events[1]?.data as { summary?: { status: string } } | undefined)?.summary?.status,
      'cancelled',
    );
    // Cancelling again says how it ended.
    assert.equal((await api.service.cancel(f.caller, run.id)).status, 'cancelled');
    await api.stop();
  });

  it('aborts a running run through its job signal and ends it cancelled', async () => {
    const p = await processOf(f);
    const runtime = await startRunRuntime(p.container, { reconcile: false, schedule: false });
    try {
      const suiteId = await f.saveSuite(suiteYaml(target.url, { path: '/hang' }));
      const { run } = await runtime.service.trigger(f.caller, { suiteId, trigger: 'manual' });
      await eventually(async () => (await eventTypes(f, run.id)).includes(RUN_EVENT.started));
      const flagged = await runtime.service.cancel(f.caller, run.id);
      assert.equal(flagged.status, 'running');
      const done = await finalRun(f, run.id);
      assert.equal(done.status, 'cancelled');
      assert.equal((await eventTypes(f, run.id)).at(-1), RUN_EVENT.finished);
    } finally {
      await runtime.stop();
      await p.close();
    }
  });
});

describe('runs: restart recovery', () => {
  let f: RunFixture;
  before(async () => {
    f = await runFixture();
  });
  after(() => f.close());

  it('requeues a run left running by a dead process and finishes it as attempt 2', async () => {
    const dead = await processOf(f);
    const api = await startRunRuntime(dead.container, { execute: false, reconcile: false, schedule: false });
    const suiteId = await f.saveSuite(suiteYaml(target.url));
    const { run } = await api.service.trigger(f.caller, { suiteId, trigger: 'manual' });
    // The process that claimed it died: the run is `running` in the database and no job holds it.
    await f.container.stores.runs.claim(f.caller.organisationId, run.id, new Date());
    await dead.container.queue('runs').cancel(`run:${run.id}:0`);
    await api.stop();

    const restarted = await processOf(f);
    const runtime = await startRunRuntime(restarted.container, { schedule: false });
    try {
      const done = await finalRun(f, run.id);
      assert.equal(done.status, 'passed');
      assert.equal(done.attempt, 2);
      const types = await eventTypes(f, run.id);
      assert.deepEqual(types.slice(0, 2), [RUN_EVENT.queued, RUN_EVENT.requeued]);
      assert.equal(types.at(-1), RUN_EVENT.finished);
    } finally {
      await runtime.stop();
      await restarted.close();
    }
  });

  it('gives a running run back to the queue when shutdown outlasts the grace period, then resumes it', async () => {
    // The environment decides where the run goes, and is read at each attempt: it hangs, then answers.
    const environment = await f.container.stores.environments.create({
      organisationId: f.caller.organisationId,
      projectId: f.projectId,
      name: `env-${Date.now()}`,
      variables: { path: '/hang' },
    });
    const suiteId = await f.saveSuite(suiteYaml(target.url, { path: '{{ path }}' }));
    const firstProcess = await processOf(f);
    const first = await startRunRuntime(firstProcess.container, { reconcile: false, schedule: false });
    const { run } = await first.service.trigger(f.caller, {
      suiteId,
      environmentId: environment.id,
      trigger: 'manual',
    });
    await eventually(async () => (await eventTypes(f, run.id)).includes(RUN_EVENT.started));
    await first.stop({ signal: AbortSignal.abort() });
    await firstProcess.close();
    const released = await f.container.stores.runs.get(f.caller.organisationId, run.id);
    assert.equal(released?.status, 'queued');
    assert.equal(released?.attempt, 1);
    assert.equal((await eventTypes(f, run.id)).at(-1), RUN_EVENT.requeued);

    await f.container.stores.environments.update(f.caller.organisationId, environment.id, {
      variables: { path: '/status/200' },
    });
    const next = await processOf(f);
    const runtime = await startRunRuntime(next.container, { schedule: false });
    try {
      const done = await finalRun(f, run.id);
      assert.equal(done.status, 'passed');
      assert.equal(done.attempt, 2);
      const { steps } = await runtime.service.get(f.caller, run.id);
      assert.deepEqual(
        steps.map((s) => [s.attempt, s.result.status]),
        [[2, 'passed']],
      );
    } finally {
      await runtime.stop();
      await next.close();
    }
  });

  it('ends errored a run started more times than ASSAY_RUN_MAX_ATTEMPTS', async () => {
    const limited = await processOf(f, { ASSAY_RUN_MAX_ATTEMPTS: '1' });
    const api = await startRunRuntime(limited.container, {
      execute: false,
      reconcile: false,
      schedule: false,
    });
    const suiteId = await f.saveSuite(suiteYaml(target.url));
    const { run } = await api.service.trigger(f.caller, { suiteId, trigger: 'manual' });
    await f.container.stores.runs.claim(f.caller.organisationId, run.id, new Date());
    await limited.container.queue('runs').cancel(`run:${run.id}:0`);
    await api.stop();
    const again = await processOf(f, { ASSAY_RUN_MAX_ATTEMPTS: '1' });
    const runtime = await startRunRuntime(again.container, { schedule: false });
    try {
      const done = await finalRun(f, run.id);
      assert.equal(done.status, 'errored');
      assert.equal(done.error?.code, 'TOO_MANY_ATTEMPTS');
      assert.equal((await eventTypes(f, run.id)).at(-1), RUN_EVENT.finished);
    } finally {
      await runtime.stop();
      await again.close();
      await limited.close();
    }
  });
});

/** Another "process" on the same database: its own queue and bus, the fixture's organisation. */
async function processOf(f: RunFixture, env: Record<string, string> = {}): Promise<RunFixture> {
  const next = await runFixture(env);
  return { ...next, caller: f.caller, projectId: f.projectId, saveSuite: f.saveSuite };
}
