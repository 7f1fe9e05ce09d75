/**
 * Tier 2 through the engine: `runSuite` with the egress policy, as the server's run executor calls it.
 * Refusals become `errored` steps with code EGRESS_DENIED (failures are data), OAuth2 token requests
 * are guarded like steps, and the loopback canaries see no connection. Loopback targets only.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { createEgressPolicy } from '../../src/core/egress/policy.ts';
import type { StepResult } from '../../src/core/runner/model.ts';
import { runSuite } from '../../src/core/runner/run-suite.ts';
import { suiteSchema } from '../../src/core/suite/schema.ts';
import { type Canaries, startCanaries, testResolver } from './ssrf-canary.ts';
import { installTripwire, type Tripwire } from './ssrf-tripwire.ts';

let canaries: Canaries;
let tripwire: Tripwire;

before(async () => {
  tripwire = installTripwire();
  canaries = await startCanaries();
});
afterEach(() => canaries.reset());
after(async () => {
  await canaries.close();
  tripwire.uninstall();
  assert.deepEqual(tripwire.tripped, []);
});

async function run(steps: Record<string, unknown>[], allow: string[] = []): Promise<StepResult[]> {
  const suite = suiteSchema.parse({ version: 1, name: 'ssrf', variables: { port: canaries.port }, steps });
  const results: StepResult[] = [];
  await runSuite({
    suite,
    baseDir: process.cwd(),
    http: {
      egressCheck: createEgressPolicy({ allow }).check,
      lookup: testResolver({ 'internal.test': '127.0.0.2', 'v6.test': '::1', 'api.test': '127.0.0.1' })
        .lookup,
    },
    onEvent: (event) => {
      if (event.type === 'step.finished') results.push(event.result);
    },
  });
  return results;
}

describe('SSRF through runSuite', () => {
  it('steps aimed at forbidden addresses end errored with EGRESS_DENIED; nothing connects', async () => {
    const results = await run([
      { name: 'by name', request: { url: 'http://internal.test:{{ port }}/' } },
      { name: 'by IPv6 name', request: { url: 'http://v6.test:{{ port }}/' } },
      { name: 'decimal literal', request: { url: 'http://2130706433:{{ port }}/' } },
      { name: 'mapped literal', request: { url: 'http://[::ffff:127.0.0.2]:{{ port }}/' } },
    ]);
    assert.deepEqual(
      results.map((r) => [r.step, r.status, r.error?.code]),
      [
        ['by name', 'errored', 'EGRESS_DENIED'],
        ['by IPv6 name', 'errored', 'EGRESS_DENIED'],
        ['decimal literal', 'errored', 'EGRESS_DENIED'],
        ['mapped literal', 'errored', 'EGRESS_DENIED'],
      ],
    );
    assert.match(
      results[0]?.error?.message ?? '',
      /refused to connect to 127\.0\.0\.2 \(loopback address\) for internal\.test/,
    );
    assert.equal(canaries.total(), 0);
  });

  it('an OAuth2 token endpoint on a forbidden address is refused like a step', async () => {
    const results = await run(
      [
        {
          name: 'with token',
          request: {
            url: 'http://api.test:{{ port }}/',
            auth: {
              type: 'oauth2',
              tokenUrl: 'http://internal.test:{{ port }}/token',
              clientId: 'a',
              clientSecret: 'b',
            },
          },
        },
      ],
      ['127.0.0.1/32'],
    );
    assert.equal(results[0]?.status, 'errored');
    assert.equal(results[0]?.error?.code, 'EGRESS_DENIED', results[0]?.error?.message);
    assert.equal(canaries.connections['127.0.0.2'], 0);
  });

  it('allowed ranges run normally', async () => {
    const results = await run(
      [{ name: 'allowed', request: { url: 'http://internal.test:{{ port }}/' }, expect: { status: 200 } }],
      ['127.0.0.2/32'],
    );
    assert.equal(results[0]?.status, 'passed');
    assert.equal(canaries.connections['127.0.0.2'], 1);
  });
});
