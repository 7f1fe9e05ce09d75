import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ConflictError, NotFoundError, ValidationError } from '../../src/platform/errors.ts';
import { newId } from '../../src/platform/ids.ts';
import { seedOrganisation, unique } from './fixtures.ts';
import type { StoreFactory, StoreHarness } from './store-fixture.ts';

export function defineProjectStoreContractTests(name: string, factory: StoreFactory): void {
  describe(`ProjectStore contract: ${name}`, () => {
    let h: StoreHarness;
    before(async () => {
      h = await factory();
    });

    it('creates, updates and deletes projects within their organisation only', async () => {
      const org = await seedOrganisation(h.stores);
      const other = await seedOrganisation(h.stores);
      const project = await h.stores.projects.create({ organisationId: org.id, name: 'API', slug: 'api' });
      assert.equal(project.description, '');
      await assert.rejects(
        h.stores.projects.create({ organisationId: org.id, name: 'API 2', slug: 'api' }),
        (e) => e instanceof ConflictError && e.code === 'slug_taken',
      );
      // The same slug in another organisation is fine.
      await h.stores.projects.create({ organisationId: other.id, name: 'API', slug: 'api' });
      assert.equal(await h.stores.projects.get(other.id, project.id), null);
      assert.equal(await h.stores.projects.update(other.id, project.id, { name: 'stolen' }), null);
      assert.equal(await h.stores.projects.delete(other.id, project.id), false);
      const updated = await h.stores.projects.update(org.id, project.id, { description: 'the API' });
      assert.equal(updated?.description, 'the API');
      assert.equal(await h.stores.projects.delete(org.id, project.id), true);
      assert.equal(await h.stores.projects.get(org.id, project.id), null);
      await assert.rejects(
        h.stores.projects.create({ organisationId: newId(), name: 'x', slug: 'x' }),
        NotFoundError,
      );
    });

    it('paginates newest first with cursors, without gaps or repeats', async () => {
      const org = await seedOrganisation(h.stores);
      const created: string[] = [];
      for (let i = 0; i < 7; i++) {
        created.push(
          (await h.stores.projects.create({ organisationId: org.id, name: `p${i}`, slug: unique('p') })).id,
        );
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await h.stores.projects.list(org.id, { limit: 3, cursor });
        seen.push(...page.items.map((p) => p.id));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor);
      assert.equal(pages, 3);
      assert.deepEqual(seen, [...created].reverse());
      await assert.rejects(h.stores.projects.list(org.id, { cursor: 'garbage' }), ValidationError);
    });
  });
}
