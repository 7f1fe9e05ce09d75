/**
 * JUnit XML in Newman's layout (`-r junit --reporter-junit-export <path>`): one `<testsuite>` per request
 * item named by its full name (`Folder / Request`), one `<testcase>` per distinct test name aggregated
 * over iterations, `<failure type="AssertionFailure">` for failed tests, script and request errors in
 * `<system-err>`. What is kept is bounded by the collection (items × test names), not by the run's length.
 *
 * Deliberate differences from Newman's reporter: a test that failed in one iteration and passed in a
 * later one still reports its failures (Newman's forgets them), a test case's time is the item's mean
 * response time (Newman's takes the last), and `tests` counts distinct tests rather than those of the last
 * iteration.
 */
import type { ItemExecution } from '../core/postman/run/types.ts';
import {
  type CollectionReporter,
  type CollectionReporterOptions,
  type NewmanError,
  newmanAssertions,
} from './newman-reporter.ts';
import { flushed } from './reporter.ts';
import { element, escapeText } from './xml.ts';

/** Error messages kept per item for `<system-err>`; the rest are counted. */
const MAX_ERROR_MESSAGES = 20;

interface TestCase {
  failures: number;
  first?: NewmanError;
}

interface SuiteState {
  id: string;
  name: string;
  executions: number;
  timeMs: number;
  failures: number;
  errors: number;
  tests: Map<string, TestCase>;
  errorMessages: string[];
  droppedMessages: number;
}

export function createNewmanJunitReporter(options: CollectionReporterOptions): CollectionReporter {
  const { out, collection } = options;
  const suites = new Map<string, SuiteState>();

  return {
    onExecution(execution) {
      if (execution.skipped) return;
      let suite = suites.get(execution.item.id);
      if (!suite) {
        suite = {
          id: execution.item.id,
          name: execution.item.fullName,
          executions: 0,
          timeMs: 0,
          failures: 0,
          errors: 0,
          tests: new Map(),
          errorMessages: [],
          droppedMessages: 0,
        };
        suites.set(execution.item.id, suite);
      }
      suite.executions++;
      suite.timeMs += execution.response?.responseTime ?? 0;
      recordErrors(suite, execution);
      for (const assertion of newmanAssertions(execution)) {
        let test = suite.tests.get(assertion.assertion);
        if (!test) {
          test = { failures: 0 };
          suite.tests.set(assertion.assertion, test);
        }
        if (assertion.error) {
          suite.failures++;
          test.failures++;
          test.first ??= assertion.error;
        }
      }
    },
    async finish(result) {
      const started = new Date(result.timings.started).toISOString();
      let totalMs = 0;
      const parts: string[] = [];
      for (const suite of suites.values()) {
        totalMs += suite.timeMs;
        parts.push(suiteXml(suite, started, collection.id, collection.name));
      }
      const root = element(
        'testsuites',
        { name: collection.name, tests: result.stats.tests.total, time: seconds(totalMs) },
        parts.length > 0 ? `\n${parts.join('\n')}\n` : '',
      );
      out.write(`<?xml version="1.0" encoding="UTF-8"?>\n${root}\n`);
      await flushed(out);
    },
  };
}

function recordErrors(suite: SuiteState, execution: ItemExecution): void {
  const lines: string[] = [];
  if (execution.requestError) {
    lines.push(`RequestError: ${execution.requestError.message} (${execution.requestError.code})`);
  }
  for (const error of execution.test?.errors ?? [])
    lines.push(`testScriptError: ${error.name}: ${error.message}`);
  for (const error of execution.prerequest.errors) {
    lines.push(`prerequestScriptError: ${error.name}: ${error.message}`);
  }
  if (lines.length === 0) return;
  suite.errors += lines.length;
  if (suite.errorMessages.length >= MAX_ERROR_MESSAGES) {
    suite.droppedMessages++;
    return;
  }
  suite.errorMessages.push(
    `Iteration: ${execution.cursor.iteration}\n${lines.map((l) => `${l}\n---`).join('\n')}`,
  );
}

function suiteXml(
  suite: SuiteState,
  timestamp: string,
  collectionId: string,
  collectionName: string,
): string {
  const meanMs = suite.executions === 0 ? 0 : suite.timeMs / suite.executions;
  const className = classNameOf(suite.name);
  const body: string[] = [];
  if (suite.errorMessages.length > 0) {
    const dropped =
      suite.droppedMessages > 0 ? `\n(${suite.droppedMessages} more iterations with errors not shown)` : '';
    body.push(`    ${element('system-err', {}, escapeText(suite.errorMessages.join('\n') + dropped))}`);
  }
  for (const [name, test] of suite.tests) {
    let failure: string | undefined;
    if (test.first) {
      const text = [
        `Failed ${test.failures} times.`,
        `Collection JSON ID: ${collectionId}.`,
        `Collection name: ${collectionName}.`,
        `Request name: ${suite.name}.`,
        `Test description: ${name}.`,
        `Error message: ${test.first.message}.`,
        `Stacktrace: ${test.first.stack ?? ''}.`,
      ].join('\n');
      failure = `\n      ${element('failure', { type: 'AssertionFailure', message: test.first.message }, escapeText(text))}\n    `;
    }
    body.push(`    ${element('testcase', { name, time: seconds(meanMs), classname: className }, failure)}`);
  }
  const attributes = {
    name: suite.name,
    id: suite.id,
    timestamp,
    tests: suite.tests.size,
    failures: suite.failures,
    errors: suite.errors,
    time: seconds(meanMs),
  };
  return `  ${element('testsuite', attributes, body.length > 0 ? `\n${body.join('\n')}\n  ` : '')}`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** lodash's `upperFirst(camelCase(name))` without non-word characters, as Newman names test classes. */
export function classNameOf(name: string): string {
  const words = name.match(/[A-Z]{2,}(?=[A-Z][a-z]|\b|\d)|[A-Z]?[a-z]+|[A-Z]+|\d+/g) ?? [];
  return words
    .map((word, i) => {
      const lower = word.toLowerCase();
      return i === 0 ? lower : lower.charAt(0).toUpperCase() + lower.slice(1);
    })
    .join('')
    .replace(/^./, (c) => c.toUpperCase())
    .replace(/\W/g, '');
}
