import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collector, passingRun, usersRun } from '../../test/fixtures/cli/events.ts';
import { createJsonReporter } from './json.ts';

test('json: one valid document with every step and summary', async () => {
  const out = collector();
  const reporter = createJsonReporter({ out });
  for (const event of [...usersRun(), ...passingRun('Health')]) reporter.onEvent(event);
  await reporter.finish();
  const doc = JSON.parse(out.text());
  assert.equal(doc.version, 1);
  assert.equal(doc.status, 'failed');
  assert.equal(typeof doc.startedAt, 'string');
  assert.equal(typeof doc.durationMs, 'number');
  assert.equal(doc.steps.length, 6);
  assert.deepEqual(
    doc.summaries.map((s: { suite: string }) => s.suite),
    ['Users API', 'Health'],
  );
  assert.equal(doc.steps[2].assertions[1].expected, 'Ada & "Bob"');
  // `undefined` values are dropped by JSON, as the model documents.
  assert.equal('actual' in doc.steps[2].assertions[1], false);
});

test('json: streams step results as they finish', () => {
  const out = collector();
  const reporter = createJsonReporter({ out });
  const [started, , finished] = usersRun();
  reporter.onEvent(started!);
  reporter.onEvent(finished!);
  assert.match(out.text(), /"step":"create a user"/);
  assert.doesNotMatch(out.text(), /summaries/);
});

test('json: a run with no steps is still valid', async () => {
  const out = collector();
  const reporter = createJsonReporter({ out });
  await reporter.finish();
  const doc = JSON.parse(out.text());
  assert.deepEqual(doc.steps, []);
  assert.equal(doc.status, 'passed');
});
