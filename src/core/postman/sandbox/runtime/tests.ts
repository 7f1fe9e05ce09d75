/**
 * `pm.test` and the legacy `tests[name] = bool`.
 *
 * A test keeps the position where it was declared. A synchronous callback is settled at once; a callback
 * that takes `done` is settled when `done` is called; a callback that returns a promise is settled when
 * the promise settles. Pending tests keep the script's async count up, so the host waits for them (within
 * the script's time limit). Newman records a promise-returning test as passed without waiting; awaiting it
 * is deliberate, so that a failing `async` test is reported as failed.
 */
import { toPmError } from './errors.ts';
import { isCurrent, settleAsync, state, type TestRecord, trackAsync } from './state.ts';

type TestFn = (done?: (error?: unknown) => void) => unknown;

export interface TestApi {
  (name: unknown, optionsOrFn?: unknown, fn?: unknown): unknown;
  skip(name: unknown): unknown;
  index(): number;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function declare(name: unknown, skipped: boolean): TestRecord {
  const s = state();
  const record: TestRecord = {
    name: String(name),
    passed: true,
    skipped,
    scriptIndex: s.scriptIndex,
    settled: false,
  };
  s.tests.push(record);
  return record;
}

function settle(record: TestRecord, error: unknown): void {
  if (record.settled) return;
  record.settled = true;
  if (error !== undefined) {
    record.passed = false;
    record.error = toPmError(error);
  }
}

/** Async settlement: ignored when the script already timed out (its tests were failed by `abort`). */
function settleLater(record: TestRecord, token: number, error: unknown): void {
  if (!isCurrent(token) || record.settled) return;
  settle(record, error);
  settleAsync(token);
}

export function createTestApi(pm: object): TestApi {
  const test = ((name: unknown, optionsOrFn?: unknown, maybeFn?: unknown) => {
    const fn = (typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn) as TestFn | undefined;
    const record = declare(name, false);
    if (typeof fn !== 'function') {
      settle(record, undefined);
      return pm;
    }
    if (fn.length > 0) {
      const token = trackAsync();
      try {
        fn((error?: unknown) => settleLater(record, token, error ? error : undefined));
      } catch (error) {
        settleLater(record, token, error);
      }
      return pm;
    }
    let result: unknown;
    try {
      result = fn();
    } catch (error) {
      settle(record, error);
      return pm;
    }
    if (isThenable(result)) {
      const token = trackAsync();
      result.then(
        () => settleLater(record, token, undefined),
        (error: unknown) => settleLater(record, token, error ?? new Error('test promise rejected')),
      );
    } else {
      settle(record, undefined);
    }
    return pm;
  }) as TestApi;
  test.skip = (name: unknown) => {
    settle(declare(name, true), undefined);
    return pm;
  };
  test.index = () => state().tests.filter((record) => record.scriptIndex === state().scriptIndex).length;
  return test;
}

/** Records the legacy `tests` object of a script, after its synchronous part (as postman-sandbox does). */
export function recordLegacyTests(tests: unknown): void {
  if (tests === null || typeof tests !== 'object') return;
  for (const [name, value] of Object.entries(tests)) {
    const record = declare(name, false);
    settle(record, undefined);
    if (!value) {
      record.passed = false;
      record.error = { name: 'AssertionFailure', message: `expected ${String(value)} to be truthy` };
    }
  }
}

/** Tests still pending when their script is given up on fail with the reason. */
export function failPendingTests(scriptIndex: number, reason: string): void {
  for (const record of state().tests) {
    if (record.scriptIndex === scriptIndex && !record.settled) {
      settle(record, { name: 'Error', message: reason });
    }
  }
}
