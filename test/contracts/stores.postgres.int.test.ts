/** The store contracts against the PostgreSQL server, in a throwaway database. */
import { after, before, describe, it } from 'node:test';
import { createPostgresStores, createTransactionRunner } from '../../src/adapters/postgres/stores.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { createPostgresDatabase, type TestPostgres } from '../support/db.ts';
import { assertAuditLogIsAppendOnly } from './audit-log.contract.ts';
import { defineStoreContractTests } from './stores.contract.ts';

let pg: TestPostgres;
before(async () => {
  pg = await createPostgresDatabase();
});
after(async () => {
  await pg?.drop();
});

defineStoreContractTests('PostgreSQL', async () => ({
  stores: createPostgresStores({ db: pg.database.db, clock: systemClock }),
  transaction: createTransactionRunner({ db: pg.database.db, clock: systemClock }),
}));

describe('audit_log on PostgreSQL', () => {
  it('is append-only', async () => {
    await assertAuditLogIsAppendOnly((statement) => statement.execute(pg.database.db));
  });
});
