import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ConflictError, NotFoundError } from '../../src/platform/errors.ts';
import { newId } from '../../src/platform/ids.ts';
import { seedOrganisation, unique } from './fixtures.ts';
import type { StoreFactory, StoreHarness } from './store-fixture.ts';

export function defineOrganisationStoreContractTests(name: string, factory: StoreFactory): void {
  describe(`OrganisationStore and UserStore contract: ${name}`, () => {
    let h: StoreHarness;
    before(async () => {
      h = await factory();
    });

    it('creates, reads and updates an organisation; slugs are unique', async () => {
      const slug = unique('org');
      const org = await h.stores.organisations.create({ name: 'Acme', slug, settings: { a: 1 } });
      assert.equal(org.slug, slug);
      assert.deepEqual((await h.stores.organisations.get(org.id))?.settings, { a: 1 });
      const updated = await h.stores.organisations.update(org.id, {
        name: 'Acme 2',
        settings: { b: [1, 2] },
      });
      assert.equal(updated?.name, 'Acme 2');
      assert.deepEqual(updated?.settings, { b: [1, 2] });
      await assert.rejects(
        h.stores.organisations.create({ name: 'x', slug }),
        (e) => e instanceof ConflictError && e.code === 'slug_taken',
      );
      assert.equal(await h.stores.organisations.get(newId()), null);
      assert.equal(await h.stores.organisations.get('not-a-uuid'), null);
    });

    it('finds users by email in any case and refuses duplicates', async () => {
      const email = `${unique('Ada')}@Example.com`;
      const user = await h.stores.users.create({ email, name: 'Ada', passwordHash: 'h' });
      assert.equal((await h.stores.users.getByEmail(email.toLowerCase()))?.id, user.id);
      assert.equal((await h.stores.users.getByEmail(email.toUpperCase()))?.id, user.id);
      await assert.rejects(
        h.stores.users.create({ email: email.toUpperCase() }),
        (e) => e instanceof ConflictError && e.code === 'email_taken',
      );
      const at = new Date('2025-02-03T04:05:06.789Z');
      await h.stores.users.recordLogin(user.id, at);
      const changed = await h.stores.users.update(user.id, { passwordHash: 'h2', name: 'Ada L' });
      assert.equal(changed?.passwordHash, 'h2');
      assert.equal((await h.stores.users.get(user.id))?.lastLoginAt?.toISOString(), at.toISOString());
      assert.ok((await h.stores.users.count()) >= 1);
    });

    it('manages memberships and roles', async () => {
      const org = await seedOrganisation(h.stores);
      const other = await seedOrganisation(h.stores);
      const ada = await h.stores.users.create({ email: `${unique('ada')}@example.com` });
      const bob = await h.stores.users.create({ email: `${unique('bob')}@example.com` });
      await h.stores.organisations.setMember({ organisationId: org.id, userId: ada.id, role: 'owner' });
      await h.stores.organisations.setMember({ organisationId: org.id, userId: bob.id, role: 'viewer' });
      await h.stores.organisations.setMember({ organisationId: other.id, userId: bob.id, role: 'admin' });
      const changed = await h.stores.organisations.setMember({
        organisationId: org.id,
        userId: bob.id,
        role: 'member',
      });
      assert.equal(changed.role, 'member');
      assert.equal((await h.stores.organisations.getMembership(org.id, bob.id))?.role, 'member');
      assert.equal(await h.stores.organisations.countOwners(org.id), 1);
      const members = await h.stores.organisations.listMembers(org.id, { limit: 1 });
      assert.equal(members.items.length, 1);
      assert.ok(members.nextCursor);
      const rest = await h.stores.organisations.listMembers(org.id, { limit: 1, cursor: members.nextCursor });
      assert.deepEqual(
        [...members.items, ...rest.items].map((m) => m.email).sort(),
        [ada.email, bob.email].sort(),
      );
      assert.equal(rest.nextCursor, null);
      const bobsOrgs = await h.stores.users
        .get(bob.id)
        .then(() => h.stores.organisations.listForUser(bob.id));
      assert.deepEqual(
        bobsOrgs.map((o) => [o.id, o.role]),
        [
          [org.id, 'member'],
          [other.id, 'admin'],
        ],
      );
      assert.equal(await h.stores.organisations.removeMember(org.id, bob.id), true);
      assert.equal(await h.stores.organisations.getMembership(org.id, bob.id), null);
      await assert.rejects(
        h.stores.organisations.setMember({ organisationId: org.id, userId: newId(), role: 'member' }),
        NotFoundError,
      );
    });
  });
}
