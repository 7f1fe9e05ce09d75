/** The SSE merge of log and bus: no gap, no duplicate, whatever the interleaving. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunFixture, runFixture, suiteYaml } from '../../test/support/run-fixtures.ts';
import type { Run } from '../ports/run-store.ts';
import { streamRunEvents } from './run-event-stream.ts';
import {
  createRunEventWriter,
  RUN_EVENT,
  type RunStreamEvent,
  runChannel,
  toStreamEvent,
} from './run-events.ts';

let f: RunFixture;
let run: Run;

async function newRun(): Promise<Run> {
  const suiteId = await f.saveSuite(suiteYaml('http://127.0.0.1:9'));
  const { run: created } = await f.container.stores.runs.create({
    organisationId: f.caller.organisationId,
    projectId: f.projectId,
    suiteId,
    suiteVersion: 1,
    trigger: 'manual',
    queuedAt: new Date(),
  });
  return created;
}

function start(afterSeq: number, options: { pollMs?: number; signal?: AbortSignal } = {}) {
  const received: RunStreamEvent[] = [];
  let notify: () => void = () => {};
  const done = streamRunEvents(
    { runEvents: f.container.stores.runEvents, runs: f.container.stores.runs, events: f.container.events },
    {
      organisationId: f.caller.organisationId,
      runId: run.id,
      afterSeq,
      signal: options.signal ?? new AbortController().signal,
      pollMs: options.pollMs ?? 60_000,
      send: (event) => {
        received.push(event);
        notify();
      },
    },
  );
  const until = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (received.length >= count) resolve();
      };
      notify = check;
      check();
    });
  return { received, done, until };
}

before(async () => {
  f = await runFixture();
});
after(() => f.close());

describe('streamRunEvents', () => {
  it('replays the log after the given seq, then delivers live events, and ends after run.finished', async () => {
    run = await newRun();
    const writer = createRunEventWriter({
      runEvents: f.container.stores.runEvents,
      events: f.container.events,
    });
    for (const type of [RUN_EVENT.queued, RUN_EVENT.started, RUN_EVENT.stepFinished])
      await writer.write(run, type, {});
    const stream = start(1);
    await stream.until(2);
    await writer.write(run, RUN_EVENT.stepFinished, {});
    await writer.write(run, RUN_EVENT.finished, {});
    assert.deepEqual(await stream.done, { finished: true });
    assert.deepEqual(
      stream.received.map((e) => [e.seq, e.type]),
      [
        [2, RUN_EVENT.started],
        [3, RUN_EVENT.stepFinished],
        [4, RUN_EVENT.stepFinished],
        [5, RUN_EVENT.finished],
      ],
    );
  });

  it('drops live messages already read from the log, and reads the log again over a dropped message', async () => {
    run = await newRun();
    const log = f.container.stores.runEvents;
    const org = f.caller.organisationId;
    await log.append(org, run.id, { type: RUN_EVENT.queued, data: {} });
    const stream = start(0);
    await stream.until(1);
    // seq 2 reaches the log but its bus message is lost; seq 3 is published; seq 1 is published late.
    await log.append(org, run.id, { type: RUN_EVENT.started, data: {} });
    const third = await log.append(org, run.id, { type: RUN_EVENT.stepFinished, data: {} });
    await f.container.events.publish(runChannel(run.id), toStreamEvent(third));
    await stream.until(3);
    const first = (await log.listAfter(org, run.id, 0, 1))[0];
    if (first) await f.container.events.publish(runChannel(run.id), toStreamEvent(first));
    const last = await log.append(org, run.id, { type: RUN_EVENT.finished, data: {} });
    await f.container.events.publish(runChannel(run.id), toStreamEvent(last));
    await stream.done;
    assert.deepEqual(
      stream.received.map((e) => e.seq),
      [1, 2, 3, 4],
    );
  });

  it('replays a finished run and ends at once', async () => {
    run = await newRun();
    const writer = createRunEventWriter({
      runEvents: f.container.stores.runEvents,
      events: f.container.events,
    });
    await writer.write(run, RUN_EVENT.queued, {});
    await writer.write(run, RUN_EVENT.finished, {});
    const all = start(0);
    assert.deepEqual(await all.done, { finished: true });
    assert.equal(all.received.length, 2);
    // Resuming after the last event of a finished run: nothing more, the poll sees the run is over.
    await f.container.stores.runs.requestCancel(f.caller.organisationId, run.id, new Date());
    const none = start(2, { pollMs: 10 });
    assert.deepEqual(await none.done, { finished: false });
    assert.equal(none.received.length, 0);
  });

  it('stops and unsubscribes when the reader goes away', async () => {
    run = await newRun();
    const reader = new AbortController();
    const stream = start(0, { signal: reader.signal });
    await new Promise((resolve) => setImmediate(resolve));
    reader.abort();
    assert.deepEqual(await stream.done, { finished: false });
  });
});
