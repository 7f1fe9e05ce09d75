import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collector, passingRun, SUMMARY, usersRun } from '../../test/fixtures/cli/events.ts';
import { childrenNamed, parseXml } from '../../test/fixtures/cli/xml.ts';
import type { RunEvent } from '../core/runner/model.ts';
import { createJunitReporter } from './junit.ts';

async function report(events: RunEvent[]): Promise<string> {
  const out = collector();
  const reporter = createJunitReporter({ out });
  for (const event of events) reporter.onEvent(event);
  await reporter.finish();
  return out.text();
}

test('junit: one testsuite per suite with counts, one testcase per step and iteration', async () => {
  const root = parseXml(await report([...usersRun(), ...passingRun('Health')]));
  assert.equal(root.name, 'testsuites');
  const suites = childrenNamed(root, 'testsuite');
  assert.equal(suites.length, 2);
  const [users, health] = suites;
  assert.deepEqual(
    { ...users!.attributes },
    {
      name: 'Users API',
      tests: '5',
      failures: '1',
      errors: '1',
      skipped: '1',
      time: '1.234',
      timestamp: '2025-03-01T10:00:00',
      file: 'tests/users.yaml',
    },
  );
  const names = childrenNamed(users!, 'testcase').map((c) => c.attributes.name);
  assert.deepEqual(names, [
    'create a user [iteration 1]',
    'create a user [iteration 2]',
    'fetch it back [iteration 2]',
    'delete it [iteration 2]',
    'cleanup [iteration 2]',
  ]);
  assert.equal(childrenNamed(users!, 'testcase')[0]!.attributes.classname, 'Users API');
  // A suite without iterations names its testcases plainly.
  assert.equal(childrenNamed(health!, 'testcase')[0]!.attributes.name, 'ping');
});

test('junit: failure, error and skipped elements carry the evidence, escaped', async () => {
  const xml = await report(usersRun());
  const cases = childrenNamed(childrenNamed(parseXml(xml), 'testsuite')[0]!, 'testcase');
  const failure = childrenNamed(cases[2]!, 'failure')[0]!;
  assert.equal(failure.attributes.type, 'assertion');
  assert.equal(failure.attributes.message, 'expected status 200, got 404 (+1 more)');
  assert.match(failure.text, /GET http:\/\/127\.0\.0\.1:1\/users\/1/);
  assert.match(failure.text, /expected: "Ada & \\"Bob\\""/);
  assert.match(failure.text, /attempts: 3/);
  // The control character in the body is made visible, never written raw.
  assert.match(failure.text, /no such user <\\u0001>/);
  const error = childrenNamed(cases[3]!, 'error')[0]!;
  assert.equal(error.attributes.type, 'ECONNREFUSED');
  assert.match(error.attributes.message ?? '', /connect ECONNREFUSED/);
  assert.equal(childrenNamed(cases[4]!, 'skipped')[0]!.attributes.message, 'bail');
});

test('junit: a run-level error becomes an errored testcase', async () => {
  const events = usersRun();
  events[events.length - 1] = {
    type: 'run.finished',
    summary: { ...SUMMARY, status: 'errored', error: { code: 'TIMEOUT', message: 'run exceeded 100 ms' } },
  };
  const suite = childrenNamed(parseXml(await report(events)), 'testsuite')[0]!;
  assert.equal(suite.attributes.errors, '2');
  assert.equal(suite.attributes.tests, '6');
  const last = childrenNamed(suite, 'testcase').at(-1)!;
  assert.equal(childrenNamed(last, 'error')[0]!.attributes.type, 'TIMEOUT');
});

test('junit: suites interrupted before finishing are still written', async () => {
  const events = usersRun().slice(0, 4);
  const suite = childrenNamed(parseXml(await report(events)), 'testsuite')[0]!;
  assert.equal(suite.attributes.tests, '2');
});

test('junit: an empty run is a valid empty document', async () => {
  assert.equal(parseXml(await report([])).children.length, 0);
});
