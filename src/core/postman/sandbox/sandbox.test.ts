import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createScriptSandbox } from './index.ts';
import { prerequestInput, testInput } from './test-support.ts';
import type { ScriptSandbox } from './types.ts';

let sandbox: ScriptSandbox;

before(async () => {
  sandbox = await createScriptSandbox({ timeoutMs: 300 });
});
after(() => sandbox.dispose());

describe('script errors and failed tests', () => {
  test('a failing assertion is a failed test, a throw is a script error of that script', async () => {
    const out = await sandbox.execute(
      testInput([
        `pm.test('passes', () => pm.expect(1).to.equal(1));
         pm.test('fails', () => pm.expect(1).to.equal(2));`,
        `pm.environment.set('before', 'kept');
         undefinedFunction();
         pm.environment.set('after', 'never');`,
        `pm.test('third script still runs', () => {});`,
      ]),
    );
    assert.deepEqual(
      out.tests.map((t) => [t.name, t.passed, t.scriptIndex]),
      [
        ['passes', true, 0],
        ['fails', false, 0],
        ['third script still runs', true, 2],
      ],
    );
    assert.deepEqual(out.tests[1]?.error, { name: 'AssertionError', message: 'expected 1 to equal 2' });
    assert.equal(out.scriptErrors.length, 1);
    const [error] = out.scriptErrors;
    assert.equal(error?.name, 'ReferenceError');
    assert.equal(error?.message, 'undefinedFunction is not defined');
    assert.equal(error?.scriptIndex, 1);
    assert.equal(error?.kind, 'error');
    assert.equal(error?.line, 2);
    assert.equal(error?.async, false);
    assert.deepEqual(out.variables.environment, { before: 'kept' });
  });

  test('a syntax error is a script error with its position; the other scripts run', async () => {
    const out = await sandbox.execute(testInput(['var a = ;', `pm.test('ok', () => {})`]));
    assert.equal(out.scriptErrors[0]?.kind, 'syntax');
    assert.equal(out.scriptErrors[0]?.name, 'SyntaxError');
    assert.equal(out.scriptErrors[0]?.line, 1);
    assert.equal(out.scriptErrors[0]?.column, 9);
    assert.deepEqual(
      out.tests.map((t) => t.name),
      ['ok'],
    );
  });

  test('stopOnScriptError stops after the first script error', async () => {
    const out = await sandbox.execute(
      testInput([`throw new TypeError('bad')`, `pm.test('not run', () => {})`], { stopOnScriptError: true }),
    );
    assert.equal(out.tests.length, 0);
    assert.equal(out.scriptErrors[0]?.name, 'TypeError');
  });

  test('thrown non-errors are reported as text', async () => {
    const out = await sandbox.execute(testInput([`throw 'plain'`, `pm.test('t', () => { throw 42 })`]));
    assert.deepEqual(
      { name: out.scriptErrors[0]?.name, message: out.scriptErrors[0]?.message },
      { name: 'Error', message: 'plain' },
    );
    assert.deepEqual(out.tests[0]?.error, { name: 'Error', message: '42' });
  });

  test('pm.test.skip records a skipped test; pm.test is chainable and accepts options', async () => {
    const out = await sandbox.execute(
      testInput(`
        pm.test.skip('later');
        pm.test('a', () => {}).test('b', {}, () => pm.expect(pm.test.index()).to.equal(3));
        pm.test('no callback');
      `),
    );
    assert.deepEqual(
      out.tests.map((t) => [t.name, t.passed, t.skipped]),
      [
        ['later', true, true],
        ['a', true, false],
        ['b', true, false],
        ['no callback', true, false],
      ],
    );
  });

  test('empty scripts are skipped', async () => {
    const out = await sandbox.execute(testInput(['', '  ', `pm.test('x', () => {})`]));
    assert.equal(out.tests[0]?.scriptIndex, 2);
  });
});

describe('time and memory limits', () => {
  test('a synchronous endless loop is stopped and the next script runs', async () => {
    const out = await sandbox.execute(testInput(['while (true) {}', `pm.test('after', () => {})`]));
    assert.equal(out.scriptErrors[0]?.kind, 'timeout');
    assert.equal(out.scriptErrors[0]?.scriptIndex, 0);
    assert.match(out.scriptErrors[0]?.message ?? '', /synchronous script execution timeout/);
    assert.deepEqual(
      out.tests.map((t) => t.name),
      ['after'],
    );
  });

  test('a never-settling async test times out and fails', async () => {
    const out = await sandbox.execute(
      testInput([
        `pm.test('hangs', async () => { await new Promise(() => {}); });`,
        `pm.test('next', () => {})`,
      ]),
    );
    assert.equal(out.scriptErrors[0]?.kind, 'timeout');
    assert.equal(out.scriptErrors[0]?.async, true);
    assert.equal(out.tests[0]?.passed, false);
    assert.match(out.tests[0]?.error?.message ?? '', /asynchronous script execution timeout/);
    assert.equal(out.tests[1]?.passed, true);
  });

  test('a timer beyond the limit is abandoned, its callback never runs', async () => {
    const out = await sandbox.execute(
      testInput([
        `setTimeout(() => pm.environment.set('late', true), 5000);`,
        `pm.environment.set('next', 1)`,
      ]),
    );
    assert.equal(out.scriptErrors[0]?.kind, 'timeout');
    assert.deepEqual(out.variables.environment, { next: 1 });
  });

  test('an endless loop inside a timer callback is stopped', async () => {
    const out = await sandbox.execute(testInput([`setTimeout(() => { for (;;) {} }, 1)`]));
    assert.equal(out.scriptErrors[0]?.kind, 'timeout');
  });

  test('a sandbox is usable after a time-out', async () => {
    await sandbox.execute(testInput(['for (;;) {}']));
    const out = await sandbox.execute(testInput(`pm.test('fine', () => pm.response.to.have.status(200))`));
    assert.equal(out.tests[0]?.passed, true);
    assert.equal(out.scriptErrors.length, 0);
  });

  test('exceeding the memory limit is a script error, and the next execution gets a fresh isolate', async () => {
    const small = await createScriptSandbox({ memoryLimitMb: 16, timeoutMs: 10_000 });
    try {
      const out = await small.execute(
        testInput([`pm.test('before', () => {})`, `const a = []; for (;;) a.push(new Array(1e5).fill(1));`], {
          variables: { environment: { keep: 'me' } },
        }),
      );
      assert.equal(out.scriptErrors[0]?.kind, 'memory');
      assert.equal(out.scriptErrors[0]?.scriptIndex, 1);
      assert.deepEqual(out.variables.environment, { keep: 'me' });
      const next = await small.execute(testInput(`pm.test('recovered', () => {})`));
      assert.equal(next.tests[0]?.passed, true);
    } finally {
      small.dispose();
    }
  });
});

describe('isolation', () => {
  test('no process, no file system, no network, no host objects', async () => {
    const out = await sandbox.execute(
      testInput(`
        pm.test('process', () => pm.expect(typeof process).to.equal('undefined'));
        pm.test('fetch', () => pm.expect(typeof globalThis.fetch).to.equal('undefined'));
        pm.test('XMLHttpRequest', () => pm.expect(typeof XMLHttpRequest).to.equal('undefined'));
        pm.test('fs', () => pm.expect(() => require('fs')).to.throw("Cannot find module 'fs'"));
        pm.test('child_process', () => pm.expect(() => require('child_process')).to.throw());
        pm.test('escape through constructors', () => {
          const g = (function () {}).constructor('return this')();
          pm.expect(typeof g.process).to.equal('undefined');
          pm.expect(typeof g.require('lodash')).to.equal('function');
        });
        pm.test('host callback is gone', () => {
          pm.expect(Object.getOwnPropertyNames(globalThis).filter((n) => n.startsWith('__assay'))).to.eql([]);
        });
      `),
    );
    assert.deepEqual(
      out.tests.filter((t) => !t.passed),
      [],
    );
  });

  test('globals assigned by a script persist for later executions (shared context as in Postman)', async () => {
    await sandbox.execute(testInput(`utils = { double: (n) => n * 2 };`));
    const out = await sandbox.execute(
      testInput(`pm.test('shared', () => pm.expect(utils.double(2)).to.equal(4))`),
    );
    assert.equal(out.tests[0]?.passed, true);
  });

  test('top-level declarations stay inside their script', async () => {
    const out = await sandbox.execute(
      testInput([
        `var local = 1; const other = 2;`,
        `pm.test('unseen', () => pm.expect(typeof local).to.equal('undefined'))`,
      ]),
    );
    assert.equal(out.tests[0]?.passed, true);
  });

  test('executions of one sandbox are serialised', async () => {
    const inputs = [1, 2, 3].map((n) =>
      testInput(
        `setTimeout(() => pm.test('t${n}', () => pm.expect(pm.info.requestName).to.equal('r${n}')), 5)`,
        {
          info: { requestName: `r${n}`, requestId: String(n), iteration: 0, iterationCount: 1 },
        },
      ),
    );
    const outs = await Promise.all(inputs.map((input) => sandbox.execute(input)));
    assert.deepEqual(
      outs.map((out) => [out.tests[0]?.name, out.tests[0]?.passed]),
      [
        ['t1', true],
        ['t2', true],
        ['t3', true],
      ],
    );
  });

  test('a script that breaks the built-ins the runtime needs costs one execution, not the run', async () => {
    const fragile = await createScriptSandbox();
    try {
      const broken = await fragile.execute(testInput(`JSON.stringify = null; Object.entries = null;`));
      assert.equal(broken.scriptErrors[0]?.kind, 'error');
      assert.match(broken.scriptErrors[0]?.message ?? '', /sandbox runtime failed/);
      const next = await fragile.execute(testInput(`pm.test('works again', () => {})`));
      assert.equal(next.tests[0]?.passed, true);
    } finally {
      fragile.dispose();
    }
  });

  test('a disposed sandbox refuses executions', async () => {
    const short = await createScriptSandbox();
    short.dispose();
    await assert.rejects(short.execute(testInput('1')), /disposed/);
  });
});

describe('console', () => {
  test('console calls are captured with JSON-safe arguments', async () => {
    const out = await sandbox.execute(
      prerequestInput(`
        const cyclic = { name: 'c' }; cyclic.self = cyclic;
        console.log('text', 1, { a: [1, 2] }, undefined, null);
        console.warn(cyclic, () => 1);
        console.error(new TypeError('bad'));
        console.info('i'); console.debug('d');
      `),
    );
    assert.deepEqual(
      out.console.map((entry) => [entry.level, entry.args]),
      [
        ['log', ['text', 1, { a: [1, 2] }, 'undefined', null]],
        ['warn', [{ name: 'c', self: '[Circular]' }, '[Function (anonymous)]']],
        ['error', [{ name: 'TypeError', message: 'bad' }]],
        ['info', ['i']],
        ['debug', ['d']],
      ],
    );
  });

  test('console volume is bounded', async () => {
    const out = await sandbox.execute(prerequestInput(`for (let i = 0; i < 5000; i++) console.log(i);`));
    assert.equal(out.console.length, 1001);
    assert.match(String(out.console.at(-1)?.args[0]), /4000 further console messages were dropped/);
  });
});
