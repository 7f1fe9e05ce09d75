/**
 * Restart recovery with real processes: `assay serve` is killed (SIGKILL) or stopped (SIGTERM past
 * its grace period) while a run is executing, then started again on the same data directory. The run
 * is re-queued, executed again as attempt 2, and finishes; no run is left `running`.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { readSse } from '../../src/cli/remote/sse-client.ts';
import {
  type PreparedDataDir,
  prepareDataDir,
  type ServerProcess,
  startServeProcess,
} from '../support/server-process.ts';

/** A target whose `/gate` holds requests while closed and answers 200 once opened. */
async function startGate() {
  let open = false;
  const held: http.ServerResponse[] = [];
  let arrivals = 0;
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    arrivals++;
    for (const wake of waiters.splice(0)) wake();
    if (open) res.end('ok');
    else held.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Resolves once `count` requests have arrived in total. */
    async arrived(count: number) {
      while (arrivals < count) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    setOpen(value: boolean) {
      open = value;
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let gate: Awaited<ReturnType<typeof startGate>>;
let data: PreparedDataDir;
let serve: ServerProcess | undefined;

async function api(path: string, init: RequestInit = {}) {
  if (!serve) throw new Error('server not running');
  const response = await fetch(`${serve.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${data.apiKey}`, 'content-type': 'application/json', ...init.headers },
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field.
  return { status: response.status, body: (await response.json()) as any };
}

async function waitForEnd(runId: string) {
  for (;;) {
    const { body } = await api(`/api/v1/runs/${runId}`);
    if (!['queued', 'running'].includes(body.status)) return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function eventsOf(runId: string): Promise<{ event: string; data: Record<string, unknown> }[]> {
  if (!serve) throw new Error('server not running');
  const response = await fetch(`${serve.url}/api/v1/runs/${runId}/events`, {
    headers: { authorization: `Bearer ${data.apiKey}` },
  });
  const events = [];
  if (!response.body) return [];
  for await (const message of readSse(response.body)) {
    events.push({ event: message.event, data: JSON.parse(message.data) });
  }
  return events;
}

before(async () => {
  gate = await startGate();
  const suite = `version: 1\nname: Gated\nsteps:\n  - name: through the gate\n    request: { method: GET, url: "${gate.url}/gate" }\n    expect: { status: 200 }\n`;
  data = await prepareDataDir({ gated: suite });
});
after(async () => {
  if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
  await gate.close();
  await data.remove();
});

describe('restart recovery (assay serve processes)', () => {
  it('re-queues a run whose server was killed mid-run and finishes it after the restart', async () => {
    serve = await startServeProcess(data);
    gate.setOpen(false);
    const created = await api(`/api/v1/suites/${data.suites.gated}/runs`, { method: 'POST', body: '{}' });
    assert.equal(created.status, 201);
    await gate.arrived(1);
    assert.equal((await api(`/api/v1/runs/${created.body.id}`)).body.status, 'running');
    serve.child.kill('SIGKILL');
    await serve.exited;

    gate.setOpen(true);
    serve = await startServeProcess(data);
    const run = await waitForEnd(created.body.id);
    assert.equal(run.status, 'passed');
    assert.equal(run.attempt, 2);
    const events = await eventsOf(created.body.id);
    const requeued = events.find((e) => e.event === 'run.requeued');
    assert.equal(requeued?.data.reason, 'processor_lost');
    assert.deepEqual(
      events.map((e) => e.event),
      ['run.queued', 'run.started', 'run.requeued', 'run.started', 'step.finished', 'run.finished'],
    );
    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0);
  });

  it('gives a run back to the queue when SIGTERM outlasts the grace period, and resumes it on start', async () => {
    serve = await startServeProcess(data, { ASSAY_SHUTDOWN_GRACE: '1s' });
    gate.setOpen(false);
    const created = await api(`/api/v1/suites/${data.suites.gated}/runs`, { method: 'POST', body: '{}' });
    await gate.arrived(3);
    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0, serve.output());

    gate.setOpen(true);
    serve = await startServeProcess(data);
    const run = await waitForEnd(created.body.id);
    assert.equal(run.status, 'passed');
    assert.equal(run.attempt, 2);
    const reasons = (await eventsOf(created.body.id))
      .filter((e) => e.event === 'run.requeued')
      .map((e) => e.data.reason);
    assert.deepEqual(reasons, ['shutdown']);
    serve.child.kill('SIGTERM');
    await serve.exited;
  });
});
