/** Behaviour every Cache adapter shares (in-process now; Redis later). */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import type { Cache } from '../../src/ports/cache.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function defineCacheContractTests(name: string, factory: () => Promise<Cache>): void {
  describe(`Cache contract: ${name}`, () => {
    const open: Cache[] = [];
    const ns = () => `test:${randomBytes(4).toString('hex')}:`;
    async function cache() {
      const c = await factory();
      open.push(c);
      return c;
    }
    afterEach(async () => {
      await Promise.all(open.splice(0).map((c) => c.close()));
    });

    it('stores JSON values, counts hits and misses, and deletes', async () => {
      const c = await cache();
      const k = ns();
      const before = c.stats();
      assert.equal(await c.get(`${k}a`), undefined);
      await c.set(`${k}a`, { n: 1, at: new Date('2025-01-01T00:00:00Z'), list: [1, 'x'] }, 60_000);
      // Values travel as JSON: a Date comes back as its ISO string.
      assert.deepEqual(await c.get(`${k}a`), { n: 1, at: '2025-01-01T00:00:00.000Z', list: [1, 'x'] });
      const after = c.stats();
      assert.equal(after.hits - before.hits, 1);
      assert.equal(after.misses - before.misses, 1);
      await c.set(`${k}b`, 0, 60_000);
      await c.set(`${k}c`, false, 60_000);
      assert.equal(await c.get(`${k}b`), 0);
      assert.equal(await c.get(`${k}c`), false);
      await c.delete(`${k}a`, `${k}b`);
      assert.equal(await c.get(`${k}a`), undefined);
      assert.equal(await c.get(`${k}b`), undefined);
    });

    it('expires entries after their TTL', async () => {
      const c = await cache();
      const k = ns();
      await c.set(`${k}short`, 'x', 30);
      await c.set(`${k}long`, 'y', 60_000);
      await sleep(120);
      assert.equal(await c.get(`${k}short`), undefined);
      assert.equal(await c.get(`${k}long`), 'y');
    });

    it('deletes a family of keys by prefix', async () => {
      const c = await cache();
      const k = ns();
      await c.set(`${k}org:1:suite:a`, 1, 60_000);
      await c.set(`${k}org:1:suite:b`, 2, 60_000);
      await c.set(`${k}org:2:suite:a`, 3, 60_000);
      assert.equal(await c.deleteByPrefix(`${k}org:1:`), 2);
      assert.equal(await c.get(`${k}org:1:suite:a`), undefined);
      assert.equal(await c.get(`${k}org:2:suite:a`), 3);
    });

    it('reads through: loads once on a miss, then serves the cached value', async () => {
      const c = await cache();
      const k = ns();
      let loads = 0;
      const load = async () => {
        loads += 1;
        return { v: loads };
      };
      assert.deepEqual(await c.getOrLoad(`${k}x`, 60_000, load), { v: 1 });
      assert.deepEqual(await c.getOrLoad(`${k}x`, 60_000, load), { v: 1 });
      assert.equal(loads, 1);
      // undefined means "nothing to cache": the next read loads again.
      let empty = 0;
      const none = async () => {
        empty += 1;
        return undefined;
      };
      await c.getOrLoad(`${k}none`, 60_000, none);
      await c.getOrLoad(`${k}none`, 60_000, none);
      assert.equal(empty, 2);
    });
  });
}
