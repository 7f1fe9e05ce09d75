import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createScriptSandbox } from './index.ts';
import { prerequestInput, testInput } from './test-support.ts';
import type { PmRequestData, PmResponseData, ScriptOutput, ScriptSandbox } from './types.ts';

let server: Server;
let base: string;
let sandbox: ScriptSandbox;
const seen: PmRequestData[] = [];

/** A minimal bridge over fetch, for a loopback server only: the product's bridge goes through the engine. */
async function bridge(request: PmRequestData): Promise<PmResponseData> {
  seen.push(request);
  const started = performance.now();
  const init: RequestInit = {
    method: request.method,
    headers: request.headers.filter((h) => !h.disabled).map((h) => [h.key, h.value] as [string, string]),
  };
  if (request.body?.mode === 'raw') init.body = request.body.raw ?? '';
  const response = await fetch(request.url, init);
  const body = await response.text();
  return {
    code: response.status,
    status: response.statusText,
    headers: [...response.headers].map(([key, value]) => ({ key, value })),
    body,
    responseTime: Math.round(performance.now() - started),
  };
}

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk;
    });
    req.on('end', () => {
      if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 2000).unref();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-echo', 'yes');
      res.end(
        JSON.stringify({ method: req.method, url: req.url, body, auth: req.headers.authorization ?? null }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sandbox = await createScriptSandbox({ timeoutMs: 1000, sendRequest: bridge });
});

after(async () => {
  sandbox.dispose();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function failures(out: ScriptOutput): unknown[] {
  return [...out.tests.filter((t) => !t.passed).map((t) => [t.name, t.error?.message]), ...out.scriptErrors];
}

describe('pm.sendRequest', () => {
  test('callback form with a URL string', async () => {
    const out = await sandbox.execute(
      prerequestInput(`
        pm.sendRequest('${base}/token', (err, res) => {
          pm.test('callback', () => {
            pm.expect(err).to.equal(null);
            pm.expect(res.code).to.equal(200);
            pm.expect(res.json().method).to.equal('GET');
            pm.expect(res.headers.get('X-Echo')).to.equal('yes');
            res.to.have.status(200);
          });
          pm.environment.set('token', res.json().url);
        });
      `),
    );
    assert.deepEqual(failures(out), []);
    assert.equal(out.tests.length, 1);
    assert.deepEqual(out.variables.environment, { token: '/token' });
  });

  test('promise form with a request definition: method, headers as object, raw body', async () => {
    const out = await sandbox.execute(
      prerequestInput(`
        pm.sendRequest({
          url: '${base}/login',
          method: 'POST',
          header: { 'Content-Type': 'application/json', Authorization: 'Basic abc' },
          body: { mode: 'raw', raw: JSON.stringify({ user: 'ada' }) },
        }).then((res) => {
          const echoed = res.json();
          pm.test('promise', () => {
            pm.expect(echoed.method).to.equal('POST');
            pm.expect(JSON.parse(echoed.body)).to.eql({ user: 'ada' });
            pm.expect(echoed.auth).to.equal('Basic abc');
          });
        });
      `),
    );
    assert.deepEqual(failures(out), []);
    assert.equal(out.tests.length, 1);
    const sent = seen.find((request) => request.url.endsWith('/login'));
    assert.equal(sent?.method, 'POST');
    assert.deepEqual(sent?.body, { mode: 'raw', raw: '{"user":"ada"}' });
  });

  test('awaited inside an async test, and chained requests', async () => {
    const out = await sandbox.execute(
      testInput(`
        pm.test('chained', async () => {
          const first = await pm.sendRequest('${base}/one');
          const second = await pm.sendRequest('${base}' + first.json().url + '/two');
          pm.expect(second.json().url).to.equal('/one/two');
        });
      `),
    );
    assert.deepEqual(failures(out), []);
    assert.equal(out.tests[0]?.passed, true);
  });

  test('connection errors reach the callback as err and reject the promise', async () => {
    const out = await sandbox.execute(
      prerequestInput(`
        pm.sendRequest('http://127.0.0.1:1/closed', (err, res) => {
          pm.test('callback error', () => {
            pm.expect(err).to.be.an('error');
            pm.expect(res).to.equal(undefined);
          });
        });
        pm.sendRequest('http://127.0.0.1:1/closed').catch((err) => pm.environment.set('rejected', err.message));
      `),
    );
    assert.deepEqual(failures(out), []);
    assert.equal(typeof out.variables.environment.rejected, 'string');
  });

  test('an error thrown in the callback is an async script error', async () => {
    const out = await sandbox.execute(
      prerequestInput(`pm.sendRequest('${base}/x', () => { throw new Error('in callback'); });`),
    );
    assert.equal(out.scriptErrors[0]?.message, 'in callback');
    assert.equal(out.scriptErrors[0]?.async, true);
  });

  test('a request slower than the script time limit is a time-out', async () => {
    const out = await sandbox.execute(
      prerequestInput([
        `pm.sendRequest('${base}/slow', () => pm.environment.set('late', 1))`,
        `pm.environment.set('next', 1)`,
      ]),
    );
    assert.equal(out.scriptErrors[0]?.kind, 'timeout');
    assert.deepEqual(out.variables.environment, { next: 1 });
  });

  test('without a bridge, sendRequest fails with an error given to the script', async () => {
    const isolated = await createScriptSandbox();
    try {
      const out = await isolated.execute(
        prerequestInput(`pm.sendRequest('${base}/x', (err) => pm.environment.set('error', err.message));`),
      );
      assert.match(String(out.variables.environment.error), /not available/);
    } finally {
      isolated.dispose();
    }
  });
});

describe('asynchronous tests and timers', () => {
  test('async tests are awaited: resolved passes, rejected fails', async () => {
    const out = await sandbox.execute(
      testInput(`
        pm.test('resolves', async () => { await new Promise((r) => setTimeout(r, 5)); pm.expect(1).to.equal(1); });
        pm.test('rejects', async () => { await null; pm.expect(1).to.equal(2); });
        pm.test('sync after', () => {});
      `),
    );
    assert.deepEqual(
      out.tests.map((t) => [t.name, t.passed]),
      [
        ['resolves', true],
        ['rejects', false],
        ['sync after', true],
      ],
    );
    assert.equal(out.tests[1]?.error?.message, 'expected 1 to equal 2');
  });

  test('done callbacks: done() passes, done(err) fails, a throw before done fails', async () => {
    const out = await sandbox.execute(
      testInput(`
        pm.test('done', (done) => setTimeout(done, 5));
        pm.test('done with error', (done) => setTimeout(() => done(new Error('told to fail')), 5));
        pm.test('throws', (done) => { throw new Error('sync throw'); });
      `),
    );
    assert.deepEqual(
      out.tests.map((t) => [t.name, t.passed, t.error?.message]),
      [
        ['done', true, undefined],
        ['done with error', false, 'told to fail'],
        ['throws', false, 'sync throw'],
      ],
    );
  });

  test('timers run before the next script; intervals run until cleared; errors in timers are script errors', async () => {
    const out = await sandbox.execute(
      prerequestInput([
        `setTimeout((a, b) => pm.environment.set('args', a + b), 5, 1, 2);
         let n = 0; const id = setInterval(() => { if (++n === 3) clearInterval(id); pm.environment.set('ticks', n); }, 1);
         const cancelled = setTimeout(() => pm.environment.set('cancelled', true), 1); clearTimeout(cancelled);
         setTimeout(() => { throw new Error('timer failed'); }, 1);`,
        `pm.environment.set('second', pm.environment.get('args'));`,
      ]),
    );
    assert.deepEqual(out.variables.environment, { args: 3, ticks: 3, second: 3 });
    assert.equal(out.scriptErrors[0]?.message, 'timer failed');
    assert.equal(out.scriptErrors[0]?.async, true);
  });
});
