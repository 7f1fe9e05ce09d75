import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ConflictError } from '../../src/platform/errors.ts';
import { seedOrganisation, seedSuite } from './fixtures.ts';
import type { StoreFactory, StoreHarness } from './store-fixture.ts';

export function defineEnvironmentStoreContractTests(name: string, factory: StoreFactory): void {
  describe(`EnvironmentStore contract: ${name}`, () => {
    let h: StoreHarness;
    before(async () => {
      h = await factory();
    });

    it('stores variables and encrypted secrets, scoped to the organisation', async () => {
      const { organisation, project } = await seedSuite(h.stores);
      const other = await seedOrganisation(h.stores);
      const env = await h.stores.environments.create({
        organisationId: organisation.id,
        projectId: project.id,
        name: 'staging',
        variables: { baseUrl: 'http://x', retries: 2 },
      });
      assert.deepEqual(env.variables, { baseUrl: 'http://x', retries: 2 });
      await assert.rejects(
        h.stores.environments.create({
          organisationId: organisation.id,
          projectId: project.id,
          name: 'staging',
        }),
        (e) => e instanceof ConflictError && e.code === 'name_taken',
      );
      const secret = {
        name: 'TOKEN',
        ciphertext: Buffer.from([1, 2, 3, 255]),
        iv: Buffer.alloc(12, 7),
        tag: Buffer.alloc(16, 9),
        keyId: 'k1',
      };
      assert.equal(await h.stores.environments.putSecret(organisation.id, env.id, secret), true);
      assert.equal(
        await h.stores.environments.putSecret(organisation.id, env.id, { ...secret, keyId: 'k2' }),
        true,
      );
      assert.equal(await h.stores.environments.putSecret(other.id, env.id, secret), false);
      const secrets = await h.stores.environments.getSecrets(organisation.id, env.id);
      assert.equal(secrets.length, 1);
      assert.ok(Buffer.isBuffer(secrets[0]?.ciphertext));
      assert.deepEqual(secrets[0]?.ciphertext, secret.ciphertext);
      assert.deepEqual(secrets[0]?.iv, secret.iv);
      assert.equal(secrets[0]?.keyId, 'k2');
      assert.deepEqual(
        (await h.stores.environments.listSecretNames(organisation.id, env.id)).map((s) => s.name),
        ['TOKEN'],
      );
      assert.deepEqual(await h.stores.environments.getSecrets(other.id, env.id), []);
      assert.equal(await h.stores.environments.get(other.id, env.id), null);
      assert.equal(await h.stores.environments.update(other.id, env.id, { name: 'x' }), null);
      const updated = await h.stores.environments.update(organisation.id, env.id, {
        variables: { baseUrl: 'http://y' },
      });
      assert.deepEqual(updated?.variables, { baseUrl: 'http://y' });
      assert.equal(await h.stores.environments.deleteSecret(organisation.id, env.id, 'TOKEN'), true);
      assert.deepEqual(await h.stores.environments.getSecrets(organisation.id, env.id), []);
      const listed = await h.stores.environments.list(organisation.id, { projectId: project.id });
      assert.deepEqual(
        listed.items.map((e) => e.name),
        ['staging'],
      );
      assert.equal(await h.stores.environments.delete(other.id, env.id), false);
      assert.equal(await h.stores.environments.delete(organisation.id, env.id), true);
    });
  });
}
