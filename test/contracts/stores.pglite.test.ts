/** The store contracts against PGlite, the embedded database (one shared instance per test process). */
import { after, describe, it } from 'node:test';
import { createPostgresStores, createTransactionRunner } from '../../src/adapters/postgres/stores.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { closeSharedPgliteDatabase, sharedPgliteDatabase } from '../support/db.ts';
import { assertAuditLogIsAppendOnly } from './audit-log.contract.ts';
import { defineStoreContractTests } from './stores.contract.ts';

after(closeSharedPgliteDatabase);

defineStoreContractTests('PGlite', async () => {
  const { db } = await sharedPgliteDatabase();
  return {
    stores: createPostgresStores({ db, clock: systemClock }),
    transaction: createTransactionRunner({ db, clock: systemClock }),
  };
});

describe('audit_log on PGlite', () => {
  it('is append-only', async () => {
    const { db } = await sharedPgliteDatabase();
    await assertAuditLogIsAppendOnly((statement) => statement.execute(db));
  });
});
