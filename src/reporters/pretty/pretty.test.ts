import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { collector, passingRun, usersRun } from '../../../test/fixtures/cli/events.ts';
import type { RunEvent } from '../../core/runner/model.ts';
import { createPrettyReporter } from './pretty.ts';

async function report(events: RunEvent[], options: { live: boolean; color: boolean }): Promise<string> {
  const out = collector({ isTTY: options.live, columns: 80 });
  const reporter = createPrettyReporter({ out, ...options });
  for (const event of events) reporter.onEvent(event);
  await reporter.finish();
  return out.text();
}

test('pretty (plain): one line per step, no escape codes', async () => {
  const text = await report([...usersRun(), ...passingRun('Health')], { live: false, color: false });
  assert.equal(text, stripVTControlCharacters(text));
  assert.match(text, /^✓ Users API › create a user \[iteration 1\] \(12 ms\)$/m);
  assert.match(
    text,
    /^✗ Users API › fetch it back \[iteration 2\] \(12 ms\) expected status 200, got 404 \(\+1 more\)$/m,
  );
  assert.match(text, /^✗ Users API › delete it \[iteration 2\] .*error ECONNREFUSED/m);
  assert.match(text, /^- Users API › cleanup \[iteration 2\] \(skipped: bail\)$/m);
  assert.match(text, /^✓ Health › ping/m);
});

test('pretty: the failure report shows the evidence of each failed step', async () => {
  const text = await report(usersRun(), { live: false, color: false });
  const report_ = text.slice(text.indexOf('Failures'));
  assert.match(report_, /1\) Users API › fetch it back \[iteration 2\] \(failed\)/);
  assert.match(report_, /tests\/users\.yaml/);
  assert.match(report_, /attempts: 3/);
  assert.match(report_, /GET http:\/\/127\.0\.0\.1:1\/users\/1/);
  assert.match(report_, /→ 404 Not Found/);
  assert.match(report_, /✗ expected status 200, got 404\n\s+expected: 200\n\s+actual: {3}404/);
  assert.match(report_, /actual: {3}\(absent\)/);
  // Control characters from the API never reach the terminal raw.
  assert.match(report_, /"error":"no such user <\\u0001>"/);
  assert.doesNotMatch(text, /\u0001/);
  assert.match(report_, /2\) Users API › delete it \[iteration 2\] \(errored\)/);
  assert.match(report_, /error ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:1/);
});

test('pretty: the summary line counts suites, steps, assertions', async () => {
  const text = await report([...usersRun(), ...passingRun('Health')], { live: false, color: false });
  const last = text.trimEnd().split('\n').at(-1) ?? '';
  assert.match(
    last,
    /^✗ FAILED {2}2 suites \(1 not passed\) · 6 steps: 3 passed, 1 failed, 1 errored, 1 skipped · 4 assertions \(2 failed\) · \d+ ms$/,
  );
});

test('pretty: a passing run has no failure report', async () => {
  const text = await report(passingRun('Health'), { live: false, color: false });
  assert.doesNotMatch(text, /Failures/);
  assert.match(text, /✓ PASSED {2}1 suite · 1 step: 1 passed/);
});

test('pretty (live): redraws in place, prints failures above, ends clean', async () => {
  const text = await report(usersRun(), { live: true, color: true });
  // Failures are printed as they happen, and the final report follows.
  assert.match(stripVTControlCharacters(text), /✗ Users API › fetch it back \[iteration 2\]/);
  assert.match(text, /\x1b\[3[12]m/);
  const plain = stripVTControlCharacters(text);
  assert.match(plain, /Failures/);
  assert.match(plain, /✗ FAILED/);
  // Passing steps are shown by the progress block, not one line each.
  assert.doesNotMatch(plain, /✓ Users API › create a user/);
});

test('pretty (live): the progress block shows suites, steps and the current step', async () => {
  const out = collector({ isTTY: true, columns: 80 });
  const reporter = createPrettyReporter({ out, live: true, color: false });
  const [started, stepStarted, stepFinished] = usersRun();
  reporter.onEvent(started!);
  reporter.onEvent(stepFinished!);
  reporter.onEvent(stepStarted!);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const plain = stripVTControlCharacters(out.text());
  assert.match(plain, /0\/1 suites · 1\/8 steps/);
  assert.match(plain, /Users API 1\/8 › create a user/);
  await reporter.finish();
  // The block is erased before the final report.
  assert.match(out.text(), /\x1b\[2F\x1b\[J/);
});
