import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { NotFoundError } from '../../src/platform/errors.ts';
import { newId } from '../../src/platform/ids.ts';
import type { EncryptedValue } from '../../src/ports/environment-store.ts';
import type { NotificationEvent } from '../../src/ports/notification-store.ts';
import { seedOrganisation, seedRun } from './fixtures.ts';
import type { StoreFactory, StoreHarness } from './store-fixture.ts';

function secret(): EncryptedValue {
  return { ciphertext: randomBytes(20), iv: randomBytes(12), tag: randomBytes(16), keyId: 'k1' };
}

export function defineNotificationStoreContractTests(name: string, factory: StoreFactory): void {
  describe(`NotificationStore contract: ${name}`, () => {
    let h: StoreHarness;
    before(async () => {
      h = await factory();
    });

    async function channelFor(
      organisationId: string,
      projectId: string,
      events: NotificationEvent[] = ['run.failed'],
    ) {
      return h.stores.notifications.createChannel({
        id: newId(),
        organisationId,
        projectId,
        name: 'ops',
        url: 'https://hooks.example.com/assay',
        events: [...events],
        secret: secret(),
      });
    }

    it('keeps channels with their encrypted secret, within their organisation only', async () => {
      const { organisation, project } = await seedRun(h.stores);
      const other = await seedOrganisation(h.stores);
      const stored = secret();
      const channel = await h.stores.notifications.createChannel({
        id: newId(),
        organisationId: organisation.id,
        projectId: project.id,
        name: 'ops',
        url: 'https://hooks.example.com/a',
        events: ['run.failed', 'run.recovered'],
        secret: stored,
      });
      assert.equal(channel.enabled, true);
      assert.deepEqual(channel.events, ['run.failed', 'run.recovered']);
      const read = await h.stores.notifications.getChannel(organisation.id, channel.id);
      assert.ok(read?.secret.ciphertext.equals(stored.ciphertext));
      assert.ok(read?.secret.tag.equals(stored.tag));
      assert.equal(await h.stores.notifications.getChannel(other.id, channel.id), null);
      assert.equal(await h.stores.notifications.getChannel(organisation.id, 'not-an-id'), null);
      assert.equal(await h.stores.notifications.updateChannel(other.id, channel.id, { name: 'x' }), null);
      assert.equal(await h.stores.notifications.deleteChannel(other.id, channel.id), false);
      // A project of another organisation is not a parent.
      await assert.rejects(channelFor(other.id, project.id), NotFoundError);

      const updated = await h.stores.notifications.updateChannel(organisation.id, channel.id, {
        enabled: false,
        events: ['run.finished'],
        url: 'https://hooks.example.com/b',
      });
      assert.equal(updated?.enabled, false);
      assert.deepEqual(updated?.events, ['run.finished']);
      assert.equal(updated?.url, 'https://hooks.example.com/b');
      assert.equal(updated?.name, 'ops');
    });

    it('lists channels newest first per project, and the enabled ones oldest first', async () => {
      const { organisation, project } = await seedRun(h.stores);
      const a = await channelFor(organisation.id, project.id);
      const b = await channelFor(organisation.id, project.id, ['run.finished']);
      const c = await channelFor(organisation.id, project.id);
      await h.stores.notifications.updateChannel(organisation.id, c.id, { enabled: false });
      const page = await h.stores.notifications.listChannels(
        organisation.id,
        { projectId: project.id },
        { limit: 2, cursor: null },
      );
      assert.deepEqual(
        page.items.map((x) => x.id),
        [c.id, b.id],
      );
      const rest = await h.stores.notifications.listChannels(
        organisation.id,
        { projectId: project.id },
        { limit: 2, cursor: page.nextCursor },
      );
      assert.deepEqual(
        rest.items.map((x) => x.id),
        [a.id],
      );
      const enabled = await h.stores.notifications.listEnabledForProject(organisation.id, project.id);
      assert.deepEqual(
        enabled.map((x) => x.id),
        [a.id, b.id],
      );
    });

    it('creates one delivery per channel and dedupe key, records attempts, and cascades on delete', async () => {
      const { organisation, project, run } = await seedRun(h.stores);
      const channel = await channelFor(organisation.id, project.id);
      const input = {
        organisationId: organisation.id,
        channelId: channel.id,
        runId: run.id,
        event: 'run.failed' as const,
        dedupeKey: `run:${run.id}:run.failed`,
        payload: { type: 'run.failed', data: { id: run.id } },
      };
      const [first, second] = await Promise.all([
        h.stores.notifications.createDelivery(input),
        h.stores.notifications.createDelivery(input),
      ]);
      assert.equal([first.created, second.created].filter(Boolean).length, 1);
      assert.equal(first.delivery.id, second.delivery.id);
      assert.equal(first.delivery.status, 'pending');
      assert.equal(first.delivery.attempts, 0);
      assert.deepEqual(first.delivery.payload, input.payload);

      const at = new Date(Date.now() + 1000);
      const failed = await h.stores.notifications.recordAttempt(organisation.id, first.delivery.id, {
        status: 'pending',
        responseStatus: 500,
        error: 'the receiver answered 500',
        at,
        nextAttemptAt: new Date(at.getTime() + 30_000),
      });
      assert.equal(failed?.attempts, 1);
      assert.equal(failed?.responseStatus, 500);
      assert.equal(failed?.deliveredAt, null);
      const delivered = await h.stores.notifications.recordAttempt(organisation.id, first.delivery.id, {
        status: 'delivered',
        responseStatus: 204,
        error: null,
        at,
        nextAttemptAt: null,
      });
      assert.equal(delivered?.attempts, 2);
      assert.equal(delivered?.status, 'delivered');
      assert.equal(delivered?.deliveredAt?.getTime(), at.getTime());
      assert.equal(delivered?.lastError, null);
      const again = await h.stores.notifications.markPending(organisation.id, first.delivery.id, at);
      assert.equal(again?.status, 'pending');
      assert.equal(again?.attempts, 2);

      const other = await seedOrganisation(h.stores);
      assert.equal(await h.stores.notifications.getDelivery(other.id, first.delivery.id), null);
      assert.equal(
        await h.stores.notifications.recordAttempt(other.id, first.delivery.id, {
          status: 'failed',
          responseStatus: null,
          error: 'x',
          at,
          nextAttemptAt: null,
        }),
        null,
      );
      const listed = await h.stores.notifications.listDeliveries(organisation.id, channel.id);
      assert.deepEqual(
        listed.items.map((d) => d.id),
        [first.delivery.id],
      );
      assert.equal(await h.stores.notifications.deleteChannel(organisation.id, channel.id), true);
      assert.equal(await h.stores.notifications.getDelivery(organisation.id, first.delivery.id), null);
    });

    it('keeps the delivery log when the run is deleted', async () => {
      const { organisation, project, suite, run } = await seedRun(h.stores);
      const channel = await channelFor(organisation.id, project.id);
      const { delivery } = await h.stores.notifications.createDelivery({
        organisationId: organisation.id,
        channelId: channel.id,
        runId: run.id,
        event: 'run.failed',
        dedupeKey: `run:${run.id}:run.failed`,
        payload: {},
      });
      // Deleting the suite deletes its runs; the channel belongs to the project and stays.
      await h.stores.suites.delete(organisation.id, suite.id);
      const kept = await h.stores.notifications.getDelivery(organisation.id, delivery.id);
      assert.equal(kept?.runId, null);
    });
  });
}
