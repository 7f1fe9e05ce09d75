/** RunStore.release: a running run goes back to the queue, only at the hands of the attempt that owns it. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { seedRun } from './fixtures.ts';
import type { StoreFactory, StoreHarness } from './store-fixture.ts';

export function defineRunReleaseContractTests(name: string, factory: StoreFactory): void {
  describe(`RunStore.release contract: ${name}`, () => {
    let h: StoreHarness;
    before(async () => {
      h = await factory();
    });

    it('requeues a running run for its owning attempt only, keeping the attempt count', async () => {
      const { organisation, run } = await seedRun(h.stores);
      const org = organisation.id;
      assert.equal(await h.stores.runs.release(org, run.id, { attempt: 0, at: new Date() }), false);
      const claimed = await h.stores.runs.claim(org, run.id, new Date());
      assert.equal(claimed?.attempt, 1);
      assert.equal(await h.stores.runs.release(org, run.id, { attempt: 2, at: new Date() }), false);
      assert.equal(await h.stores.runs.release(org, run.id, { attempt: 1, at: new Date() }), true);
      const released = await h.stores.runs.get(org, run.id);
      assert.equal(released?.status, 'queued');
      assert.equal(released?.attempt, 1);
      // Released twice is released once.
      assert.equal(await h.stores.runs.release(org, run.id, { attempt: 1, at: new Date() }), false);
      // The next claim is attempt 2, and the old attempt can no longer finish the run.
      assert.equal((await h.stores.runs.claim(org, run.id, new Date()))?.attempt, 2);
      assert.equal(
        await h.stores.runs.finish(org, run.id, { attempt: 1, status: 'passed', at: new Date() }),
        false,
      );
    });

    it('never reopens a finished run, nor one of another organisation', async () => {
      const { organisation, run } = await seedRun(h.stores);
      const other = await seedRun(h.stores);
      await h.stores.runs.claim(organisation.id, run.id, new Date());
      assert.equal(
        await h.stores.runs.release(other.organisation.id, run.id, { attempt: 1, at: new Date() }),
        false,
      );
      await h.stores.runs.finish(organisation.id, run.id, { attempt: 1, status: 'failed', at: new Date() });
      assert.equal(
        await h.stores.runs.release(organisation.id, run.id, { attempt: 1, at: new Date() }),
        false,
      );
      assert.equal((await h.stores.runs.get(organisation.id, run.id))?.status, 'failed');
      assert.equal(
        await h.stores.runs.release(organisation.id, 'not-an-id', { attempt: 1, at: new Date() }),
        false,
      );
    });
  });
}
