import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { seedOrganisation } from './fixtures.ts';
import type { StoreFactory, StoreHarness } from './store-fixture.ts';

export function defineAuditLogContractTests(name: string, factory: StoreFactory): void {
  describe(`AuditLog contract: ${name}`, () => {
    let h: StoreHarness;
    before(async () => {
      h = await factory();
    });

    it('appends entries and lists them newest first, per organisation and action', async () => {
      const org = await seedOrganisation(h.stores);
      const other = await seedOrganisation(h.stores);
      const entry = (action: string) => ({
        organisationId: org.id,
        actor: { type: 'user' as const, id: null },
        action,
        target: { type: 'suite', id: null },
        data: { name: 'x' },
        ip: '127.0.0.1',
      });
      const first = await h.stores.audit.append(entry('suite.created'));
      const second = await h.stores.audit.append(entry('suite.deleted'));
      assert.deepEqual(
        (await h.stores.audit.list(org.id, {})).items.map((e) => e.id),
        [second.id, first.id],
      );
      assert.deepEqual(
        (await h.stores.audit.list(org.id, { action: 'suite.created' })).items.map((e) => e.id),
        [first.id],
      );
      assert.deepEqual((await h.stores.audit.list(other.id, {})).items, []);
      assert.deepEqual(first.data, { name: 'x' });
      assert.deepEqual(first.target, { type: 'suite', id: null });
    });
  });
}

/** The database itself refuses to change history; needs a raw handle, so it is separate from the port contract. */
export async function assertAuditLogIsAppendOnly(
  execute: (statement: ReturnType<typeof sql>) => Promise<unknown>,
) {
  await assert.rejects(execute(sql`update audit_log set action = 'x'`), /append-only/);
  await assert.rejects(execute(sql`delete from audit_log`), /append-only/);
}
