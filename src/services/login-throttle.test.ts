import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryRateLimitStore } from '../adapters/memory/rate-limit-store.ts';
import { RateLimitedError } from '../platform/errors.ts';
import { createLoginThrottle } from './login-throttle.ts';

function setup(perAccount = 2, perIp = 100) {
  let now = 1_000_000;
  const limits = createMemoryRateLimitStore({ now: () => now });
  const throttle = createLoginThrottle({ limits, perAccount, perIp, now: () => now });
  return { throttle, advance: (ms: number) => (now += ms) };
}

async function refusedFor(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof RateLimitedError);
    return error.retryAfterSeconds;
  }
  assert.fail('expected a refusal');
}

describe('sign-in throttle', () => {
  it('backs off per account: a minute, then a quarter of an hour, then an hour', async () => {
    const { throttle, advance } = setup(2);
    const attempt = () => throttle.attempt({ email: 'A@example.test', ip: '192.0.2.1' });
    await attempt();
    await attempt();
    assert.ok((await refusedFor(attempt())) <= 60);
    advance(60_000);
    await attempt(); // 4 in the 15-minute window: its limit
    const wait = await refusedFor(attempt());
    assert.ok(wait > 60 && wait <= 900, `waited ${wait}`);
    advance(15 * 60_000);
    await attempt();
    await attempt();
    advance(60_000);
    await attempt(); // 8 in the hour: its limit
    const long = await refusedFor(attempt());
    assert.ok(long > 900 && long <= 3600, `waited ${long}`);
  });

  it('treats emails case-insensitively and unknown emails like known ones', async () => {
    const { throttle } = setup(1);
    await throttle.attempt({ email: 'nobody@example.test', ip: '192.0.2.1' });
    await refusedFor(throttle.attempt({ email: 'NOBODY@example.test ', ip: '192.0.2.2' }));
  });

  it('limits one address across emails', async () => {
    const { throttle } = setup(100, 3);
    for (let i = 0; i < 3; i++) await throttle.attempt({ email: `u${i}@example.test`, ip: '192.0.2.9' });
    await refusedFor(throttle.attempt({ email: 'u9@example.test', ip: '192.0.2.9' }));
    await throttle.attempt({ email: 'u9@example.test', ip: '192.0.2.10' });
  });

  it('does not count successful sign-ins', async () => {
    const { throttle } = setup(1);
    for (let i = 0; i < 5; i++) {
      const attempt = await throttle.attempt({ email: 'ok@example.test', ip: '192.0.2.1' });
      await attempt.succeeded();
    }
  });
});
