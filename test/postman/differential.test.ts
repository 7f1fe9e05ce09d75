/**
 * Differential test: every collection of the corpus (test/fixtures/postman) is run by Newman 6.2 (the
 * pinned devDependency, in-process) and by Assay, each against its own local echo server. Per request
 * execution the response code, and per test its name and pass/fail/skip outcome, must be identical, as
 * must Newman's counters of iterations, items, pre-request and test events and assertions.
 *
 * The corpus covers: nested folders, collection/folder/item scripts in order, lower-case methods,
 * disabled headers, query parameters, form fields, bodies, variables and events, path variables, raw /
 * urlencoded / form-data (files) / graphql bodies, dynamic and nested variables, auth inheritance (basic,
 * bearer, apikey, digest, oauth1, oauth2, noauth, auth null), protocolProfileBehavior (redirects,
 * maxRedirects, body pruning, cookies), the cookie jar, iteration data from CSV with variable precedence
 * across local, data, environment, collection and globals, --folder, setNextRequest loops and jumps,
 * skipRequest, script errors (pre-request, test, async, in callbacks), request errors and time-outs,
 * pm.sendRequest, legacy APIs (tests[], responseBody, postman.*), the bundled libraries, a v2.0 document
 * and a wrapped export, with tests designed to fail.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assayTrace, type CorpusEntry, newmanTrace, type Trace } from './support/traces.ts';

const CORPUS: (CorpusEntry & { title: string })[] = [
  {
    title: 'users API: folders, bodies, variables, libraries',
    collection: 'users-api.postman_collection.json',
  },
  {
    title: 'users API, two entry points with --folder',
    collection: 'users-api.postman_collection.json',
    folders: ['Admin', 'Plain text'],
  },
  { title: 'auth inheritance and every auth type', collection: 'auth.postman_collection.json' },
  { title: 'legacy v2.0 document and legacy script APIs', collection: 'legacy-v2.0.postman_collection.json' },
  {
    title: 'flow: setNextRequest, skipRequest, script and request errors',
    collection: 'flow.postman_collection.json',
    iterationCount: 2,
    // Generous: a request slowed down by a busy CI machine must not time out by accident.
    timeoutRequestMs: 1500,
  },
  {
    title: 'data-driven: CSV rows, environment, globals, precedence',
    collection: 'data-driven.postman_collection.json',
    environment: 'corpus.postman_environment.json',
    globals: 'corpus.postman_globals.json',
    iterationData: 'data.csv',
    iterationCount: 3,
    envVars: { cliVar: 'from-cli' },
  },
  {
    title: 'wrapped export: cookies, redirects, protocolProfileBehavior',
    collection: 'wrapped.postman_collection.json',
  },
  { title: 'pm.sendRequest, timers and async errors', collection: 'send-request.postman_collection.json' },
  {
    title: '--bail stops at the first failed test',
    collection: 'users-api.postman_collection.json',
    bail: true,
  },
  {
    title: '--bail stops at a pre-request script error',
    collection: 'flow.postman_collection.json',
    bail: true,
  },
];

describe('Assay runs the corpus as Newman 6.2 does', () => {
  const totals = { executions: 0, tests: 0, failing: 0 };
  for (const entry of CORPUS) {
    test(entry.title, async () => {
      // Side by side: each has its own echo server. Newman runs stay one at a time (postman-runtime keeps
      // module-level state about skipped executions).
      const [newman, assay] = await Promise.all([newmanTrace(entry), assayTrace(entry)]);
      assert.ok(newman.executions.length > 0, 'Newman ran nothing: the corpus entry is broken');
      assert.deepEqual(assay.executions, newman.executions, describeDifference(newman, assay));
      assert.deepEqual(assay.stats, newman.stats);
      totals.executions += newman.executions.length;
      for (const execution of newman.executions) {
        totals.tests += execution.tests.length;
        totals.failing += execution.tests.filter(([, outcome]) => outcome === 'fail').length;
      }
    });
  }
  test('the corpus exercises passing, failing and skipped tests', () => {
    assert.ok(totals.executions >= 95, `only ${totals.executions} executions compared`);
    assert.ok(totals.tests >= 200, `only ${totals.tests} tests compared`);
    assert.ok(totals.failing >= 15, `only ${totals.failing} failing tests compared`);
  });
});

/** The first execution that differs, so that a failure says where to look. */
function describeDifference(newman: Trace, assay: Trace): string {
  const length = Math.max(newman.executions.length, assay.executions.length);
  for (let i = 0; i < length; i++) {
    const n = JSON.stringify(newman.executions[i]);
    const a = JSON.stringify(assay.executions[i]);
    if (n !== a) return `execution ${i} differs:\n  newman ${n}\n  assay  ${a}`;
  }
  return 'executions differ';
}
