/**
 * Reporters with Newman's output layout for collection runs (`-r json,junit`). They read the run's
 * `ItemExecution`s one at a time, then the final statistics, and write files existing pipelines already
 * parse. Shared here: their interface and the Newman spellings of assertions and failures.
 */
import type { Writable } from 'node:stream';
import type { Collection } from '../core/postman/collection/types.ts';
import type { CollectionRunResult, ItemExecution } from '../core/postman/run/types.ts';
import type { PmScriptError } from '../core/postman/sandbox/index.ts';

export interface CollectionReporter {
  onExecution(execution: ItemExecution): void;
  /** Writes the closing output and resolves once it has been handed to the stream. */
  finish(result: CollectionRunResult): Promise<void>;
}

export interface CollectionReporterOptions {
  out: Writable;
  collection: Collection;
  /**
   * Masks secret values (Postman `type: "secret"` variables) in what the reporter writes besides the
   * executions, which the runner has masked already: the collection document, the final variables.
   */
  mask?: <T>(value: T) => T;
}

export type CollectionReporterFactory = (options: CollectionReporterOptions) => CollectionReporter;

export interface NewmanError {
  name: string;
  message: string;
  stack?: string;
  index?: number;
  test?: string;
}

export interface NewmanAssertion {
  assertion: string;
  skipped: boolean;
  error?: NewmanError;
}

/** Assertions in declaration order; `index` counts within the script that declared them, as Newman does. */
export function newmanAssertions(execution: ItemExecution): NewmanAssertion[] {
  const perScript = new Map<string, number>();
  return execution.tests.map((test) => {
    const key = `${test.event}:${test.scriptIndex}`;
    const index = perScript.get(key) ?? 0;
    perScript.set(key, index + 1);
    const out: NewmanAssertion = { assertion: test.name, skipped: test.skipped };
    if (!test.passed && !test.skipped) {
      const name = test.error?.name ?? 'AssertionError';
      const message = test.error?.message ?? test.name;
      out.error = { name, index, test: test.name, message, stack: `${name}: ${message}` };
    }
    return out;
  });
}

export function scriptErrorOf(error: PmScriptError): NewmanError {
  const at =
    error.line === undefined
      ? ''
      : `\n    at script:${error.line}${error.column === undefined ? '' : `:${error.column}`}`;
  return { name: error.name, message: error.message, stack: `${error.name}: ${error.message}${at}` };
}

export interface NewmanFailure {
  error: NewmanError;
  at: string;
  source: { id: string; name: string };
  parent?: { id: string; name: string };
  cursor: ItemExecution['cursor'];
}

/** Newman's `run.failures` entries of one execution: script errors, the request error, failed assertions. */
export function newmanFailures(
  execution: ItemExecution,
  assertions: readonly NewmanAssertion[],
): NewmanFailure[] {
  const out: NewmanFailure[] = [];
  const base = { source: { id: execution.item.id, name: execution.item.name }, cursor: execution.cursor };
  const withParent = (failure: NewmanFailure): NewmanFailure => {
    if (execution.parent) failure.parent = execution.parent;
    return failure;
  };
  const scriptFailures = (event: 'prerequest' | 'test'): void => {
    const outcome = event === 'prerequest' ? execution.prerequest : execution.test;
    for (const error of outcome?.errors ?? []) {
      const where =
        error.line === undefined
          ? ''
          : `:${error.line}${error.column === undefined ? '' : `:${error.column}`}`;
      out.push(withParent({ ...base, error: scriptErrorOf(error), at: `${event}-script${where}` }));
    }
  };
  // In the order Newman meets them: pre-request scripts, the request, the tests' assertions, test scripts.
  scriptFailures('prerequest');
  if (execution.requestError) {
    const { code, message } = execution.requestError;
    out.push(
      withParent({
        ...base,
        error: { name: 'Error', message, stack: `Error: ${message} (${code})` },
        at: 'request',
      }),
    );
  }
  for (const assertion of assertions) {
    if (assertion.error) {
      out.push(
        withParent({
          ...base,
          error: assertion.error,
          at: `assertion:${assertion.error.index ?? 0} in test-script`,
        }),
      );
    }
  }
  scriptFailures('test');
  return out;
}
