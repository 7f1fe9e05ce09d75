/** Contracts of the stores that grant access: API keys and browser sessions. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ConflictError } from '../../src/platform/errors.ts';
import { seedOrganisation, unique } from './fixtures.ts';
import type { StoreFactory, StoreHarness } from './store-fixture.ts';

export function defineApiKeyStoreContractTests(name: string, factory: StoreFactory): void {
  describe(`ApiKeyStore contract: ${name}`, () => {
    let h: StoreHarness;
    before(async () => {
      h = await factory();
    });

    it('finds a key by its prefix, records use, lists and revokes within the organisation', async () => {
      const org = await seedOrganisation(h.stores);
      const other = await seedOrganisation(h.stores);
      const prefix = unique('ak');
      const signingSecret = {
        ciphertext: Buffer.from('c'),
        iv: Buffer.alloc(12),
        tag: Buffer.alloc(16),
        keyId: 'k1',
      };
      const key = await h.stores.apiKeys.create({
        organisationId: org.id,
        name: 'CI',
        prefix,
        secretHash: 'hash',
        scopes: ['runs:write', 'suites:read'],
        ipAllowlist: ['10.0.0.0/8'],
        signingSecret,
      });
      assert.deepEqual(key.scopes, ['runs:write', 'suites:read']);
      assert.deepEqual(key.ipAllowlist, ['10.0.0.0/8']);
      assert.deepEqual(key.signingSecret, signingSecret);
      await assert.rejects(
        h.stores.apiKeys.create({ organisationId: org.id, name: 'x', prefix, secretHash: 'h', scopes: [] }),
        ConflictError,
      );
      const found = await h.stores.apiKeys.findByPrefix(prefix);
      assert.equal(found?.id, key.id);
      assert.equal(found?.organisationId, org.id);
      const at = new Date('2025-03-04T05:06:07.000Z');
      await h.stores.apiKeys.recordUse(key.id, { at, ip: '10.1.2.3' });
      const used = await h.stores.apiKeys.get(org.id, key.id);
      assert.equal(used?.lastUsedAt?.toISOString(), at.toISOString());
      assert.equal(used?.lastUsedIp, '10.1.2.3');
      assert.equal(await h.stores.apiKeys.get(other.id, key.id), null);
      assert.equal(await h.stores.apiKeys.revoke(other.id, key.id, new Date()), false);
      assert.deepEqual((await h.stores.apiKeys.list(other.id)).items, []);
      assert.deepEqual(
        (await h.stores.apiKeys.list(org.id)).items.map((k) => k.id),
        [key.id],
      );
      assert.equal(await h.stores.apiKeys.revoke(org.id, key.id, new Date()), true);
      assert.equal(await h.stores.apiKeys.revoke(org.id, key.id, new Date()), false);
      assert.ok((await h.stores.apiKeys.findByPrefix(prefix))?.revokedAt);
      const plain = await h.stores.apiKeys.create({
        organisationId: org.id,
        name: 'p',
        prefix: unique('ak'),
        secretHash: 'h',
        scopes: [],
      });
      assert.equal(plain.signingSecret, null);
      assert.deepEqual(plain.ipAllowlist, []);
    });
  });
}

export function defineSessionStoreContractTests(name: string, factory: StoreFactory): void {
  describe(`SessionStore contract: ${name}`, () => {
    let h: StoreHarness;
    before(async () => {
      h = await factory();
    });

    const t = (minutes: number) => new Date(Date.parse('2030-01-01T00:00:00Z') + minutes * 60_000);

    async function newSession(userId: string, overrides: { idle?: number; absolute?: number } = {}) {
      return h.stores.sessions.create({
        idHash: unique('sess'),
        userId,
        csrfToken: 'csrf',
        ip: '127.0.0.1',
        userAgent: 'test',
        createdAt: t(0),
        idleExpiresAt: t(overrides.idle ?? 30),
        absoluteExpiresAt: t(overrides.absolute ?? 600),
      });
    }

    it('expires sessions when idle and absolutely, and slides the idle expiry', async () => {
      const user = await h.stores.users.create({ email: `${unique('s')}@example.com` });
      const session = await newSession(user.id);
      assert.equal((await h.stores.sessions.get(session.idHash, t(10)))?.userId, user.id);
      assert.equal(await h.stores.sessions.get(session.idHash, t(31)), null);
      await h.stores.sessions.touch(session.idHash, { lastSeenAt: t(20), idleExpiresAt: t(50) });
      assert.ok(await h.stores.sessions.get(session.idHash, t(31)));
      // Sliding never passes the absolute expiry.
      await h.stores.sessions.touch(session.idHash, { lastSeenAt: t(590), idleExpiresAt: t(620) });
      assert.equal(
        (await h.stores.sessions.get(session.idHash, t(595)))?.idleExpiresAt.toISOString(),
        t(600).toISOString(),
      );
      assert.equal(await h.stores.sessions.get(session.idHash, t(601)), null);
      const capped = await newSession(user.id, { idle: 900, absolute: 60 });
      assert.equal(capped.idleExpiresAt.toISOString(), t(60).toISOString());
    });

    it('deletes one session, all of a user but one, and the expired ones', async () => {
      const user = await h.stores.users.create({ email: `${unique('s')}@example.com` });
      const [a, b, c] = [await newSession(user.id), await newSession(user.id), await newSession(user.id)];
      await h.stores.sessions.delete(a.idHash);
      assert.equal(await h.stores.sessions.get(a.idHash, t(1)), null);
      assert.equal(await h.stores.sessions.deleteForUser(user.id, { exceptIdHash: c.idHash }), 1);
      assert.equal(await h.stores.sessions.get(b.idHash, t(1)), null);
      assert.ok(await h.stores.sessions.get(c.idHash, t(1)));
      const stale = await newSession(user.id, { idle: 1 });
      assert.ok((await h.stores.sessions.deleteExpired(t(2))) >= 1);
      assert.equal(await h.stores.sessions.get(stale.idHash, t(0)), null);
      assert.ok(await h.stores.sessions.get(c.idHash, t(1)));
    });
  });
}
