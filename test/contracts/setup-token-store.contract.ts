/** Contract of the one-time setup tokens: consumed once, never after expiry, un-used by a rollback. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { unique } from './fixtures.ts';
import type { StoreFactory, StoreHarness } from './store-fixture.ts';

export function defineSetupTokenStoreContractTests(name: string, factory: StoreFactory): void {
  describe(`SetupTokenStore contract: ${name}`, () => {
    let h: StoreHarness;
    before(async () => {
      h = await factory();
    });

    it('consumes a token exactly once, even when asked concurrently', async () => {
      const tokenHash = unique('setup');
      const now = new Date();
      await h.stores.setupTokens.create({ tokenHash, expiresAt: new Date(now.getTime() + 60_000) });
      const results = await Promise.all([1, 2, 3].map(() => h.stores.setupTokens.consume(tokenHash, now)));
      assert.deepEqual(
        results.filter((ok) => ok),
        [true],
      );
      assert.equal(await h.stores.setupTokens.consume(tokenHash, now), false);
    });

    it('refuses an expired or unknown token', async () => {
      const tokenHash = unique('setup');
      const now = new Date();
      await h.stores.setupTokens.create({ tokenHash, expiresAt: new Date(now.getTime() + 1_000) });
      assert.equal(await h.stores.setupTokens.consume(tokenHash, new Date(now.getTime() + 1_000)), false);
      assert.equal(await h.stores.setupTokens.consume(unique('nope'), now), false);
    });

    it('gives the token back when the transaction that consumed it rolls back', async () => {
      const tokenHash = unique('setup');
      const now = new Date();
      await h.stores.setupTokens.create({ tokenHash, expiresAt: new Date(now.getTime() + 60_000) });
      await assert.rejects(
        h.transaction(async (stores) => {
          assert.equal(await stores.setupTokens.consume(tokenHash, now), true);
          throw new Error('owner creation failed');
        }),
        /owner creation failed/,
      );
      assert.equal(await h.stores.setupTokens.consume(tokenHash, now), true);
    });
  });
}
