import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ConflictError, NotFoundError } from '../../src/platform/errors.ts';
import { seedOrganisation, seedSuite } from './fixtures.ts';
import type { StoreFactory, StoreHarness } from './store-fixture.ts';

export function defineSuiteStoreContractTests(name: string, factory: StoreFactory): void {
  describe(`SuiteStore contract: ${name}`, () => {
    let h: StoreHarness;
    before(async () => {
      h = await factory();
    });

    it('creates a suite with version 1 and keeps the source as written', async () => {
      const { organisation, suite, version } = await seedSuite(h.stores);
      assert.equal(suite.latestVersion, 1);
      assert.equal(version.version, 1);
      const read = await h.stores.suites.getVersion(organisation.id, suite.id, 1);
      assert.equal(read?.source, 'version: 1\nname: s\nsteps: []\n');
      assert.deepEqual(read?.parsed, { version: 1, name: 's', steps: [] });
      assert.equal(read?.format, 'yaml');
    });

    it('numbers concurrent versions without gaps or duplicates', async () => {
      const { organisation, suite } = await seedSuite(h.stores);
      const saves = await Promise.all(
        [2, 3, 4, 5].map((n) =>
          h.stores.suites.addVersion(organisation.id, suite.id, {
            source: `# v${n}`,
            format: 'json',
            parsed: [n],
          }),
        ),
      );
      assert.deepEqual(saves.map((v) => v?.version).sort(), [2, 3, 4, 5]);
      assert.equal((await h.stores.suites.get(organisation.id, suite.id))?.latestVersion, 5);
      assert.equal((await h.stores.suites.getVersion(organisation.id, suite.id))?.version, 5);
      const first = await h.stores.suites.listVersions(organisation.id, suite.id, { limit: 3 });
      assert.deepEqual(
        first.items.map((v) => v.version),
        [5, 4, 3],
      );
      const second = await h.stores.suites.listVersions(organisation.id, suite.id, {
        limit: 3,
        cursor: first.nextCursor,
      });
      assert.deepEqual(
        second.items.map((v) => v.version),
        [2, 1],
      );
      assert.equal(second.nextCursor, null);
    });

    it('keeps suites inside their organisation', async () => {
      const { organisation, project, suite } = await seedSuite(h.stores);
      const other = await seedOrganisation(h.stores);
      assert.equal(await h.stores.suites.get(other.id, suite.id), null);
      assert.equal(await h.stores.suites.getVersion(other.id, suite.id), null);
      assert.equal(
        await h.stores.suites.addVersion(other.id, suite.id, { source: '', format: 'yaml', parsed: {} }),
        null,
      );
      assert.equal(await h.stores.suites.rename(other.id, suite.id, 'x'), null);
      assert.equal(await h.stores.suites.delete(other.id, suite.id), false);
      assert.deepEqual((await h.stores.suites.list(other.id, {})).items, []);
      // A project of another organisation cannot receive a suite, whatever id the caller passes.
      await assert.rejects(
        h.stores.suites.create({
          organisationId: other.id,
          projectId: project.id,
          name: 'x',
          version: { source: '', format: 'yaml', parsed: {} },
        }),
        NotFoundError,
      );
      const listed = await h.stores.suites.list(organisation.id, { projectId: project.id });
      assert.deepEqual(
        listed.items.map((s) => s.id),
        [suite.id],
      );
    });

    it('refuses a duplicate name in a project, and a half-written suite never remains', async () => {
      const { organisation, project, suite } = await seedSuite(h.stores);
      await assert.rejects(
        h.stores.suites.create({
          organisationId: organisation.id,
          projectId: project.id,
          name: suite.name,
          version: { source: '', format: 'yaml', parsed: {} },
        }),
        (e) => e instanceof ConflictError && e.code === 'name_taken',
      );
      const renamed = await h.stores.suites.rename(organisation.id, suite.id, 'renamed');
      assert.equal(renamed?.name, 'renamed');
      assert.equal(await h.stores.suites.delete(organisation.id, suite.id), true);
      assert.equal(await h.stores.suites.getVersion(organisation.id, suite.id, 1), null);
    });

    it('rolls back every write of a failed transaction', async () => {
      const { organisation, project } = await seedSuite(h.stores);
      await assert.rejects(
        h.transaction(async (stores) => {
          await stores.suites.create({
            organisationId: organisation.id,
            projectId: project.id,
            name: 'in transaction',
            version: { source: '', format: 'yaml', parsed: {} },
          });
          throw new Error('abort');
        }),
        /abort/,
      );
      const listed = await h.stores.suites.list(organisation.id, { projectId: project.id });
      assert.ok(!listed.items.some((s) => s.name === 'in transaction'));
    });
  });
}
