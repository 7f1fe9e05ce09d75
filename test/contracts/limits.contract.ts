/** Behaviour shared by every NonceStore and RateLimitStore adapter. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import type { NonceStore } from '../../src/ports/nonce-store.ts';
import type { RateLimitStore } from '../../src/ports/rate-limit-store.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const key = () => `test:${randomBytes(4).toString('hex')}`;

export function defineNonceStoreContractTests(name: string, factory: () => Promise<NonceStore>): void {
  describe(`NonceStore contract: ${name}`, () => {
    const open: NonceStore[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    it('accepts a nonce once, and again after its TTL', async () => {
      const store = await factory();
      open.push(store);
      const k = key();
      const results = await Promise.all([1, 2, 3].map(() => store.setIfAbsent(k, 60_000)));
      assert.deepEqual(results.filter(Boolean).length, 1);
      const short = key();
      assert.equal(await store.setIfAbsent(short, 30), true);
      await sleep(120);
      assert.equal(await store.setIfAbsent(short, 30), true);
    });
  });
}

export function defineRateLimitStoreContractTests(
  name: string,
  factory: () => Promise<RateLimitStore>,
): void {
  describe(`RateLimitStore contract: ${name}`, () => {
    const open: RateLimitStore[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    it('counts hits in a window, undoes and resets', async () => {
      const store = await factory();
      open.push(store);
      const k = key();
      const first = await store.hit(k, 60_000);
      assert.equal(first.count, 1);
      assert.ok(first.resetAt.getTime() > Date.now());
      assert.equal((await store.hit(k, 60_000)).count, 2);
      const third = await store.hit(k, 60_000);
      assert.equal(third.count, 3);
      assert.equal(third.resetAt.getTime(), first.resetAt.getTime());
      await store.undo(k);
      assert.equal((await store.hit(k, 60_000)).count, 3);
      await store.reset(k);
      assert.equal((await store.hit(k, 60_000)).count, 1);
      assert.equal((await store.hit(key(), 60_000)).count, 1);
    });

    it('opens a new window after the old one ends', async () => {
      const store = await factory();
      open.push(store);
      const k = key();
      await store.hit(k, 30);
      await store.hit(k, 30);
      await sleep(120);
      assert.equal((await store.hit(k, 30)).count, 1);
    });
  });
}
