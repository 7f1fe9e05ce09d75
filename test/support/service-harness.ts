/**
 * Services over the shared in-memory PGlite, for use-case tests that need real stores but no HTTP.
 * Each call makes a fresh organisation and a member to act as, so tests never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import { createPostgresStores, createTransactionRunner } from '../../src/adapters/postgres/stores.ts';
import { type ManualClock, manualClock } from '../../src/platform/clock.ts';
import type { Stores, TransactionRunner } from '../../src/ports/stores.ts';
import type { Caller } from '../../src/services/caller.ts';
import { sharedPgliteDatabase } from './db.ts';

export interface ServiceHarness {
  stores: Stores;
  transaction: TransactionRunner;
  clock: ManualClock;
  /** Acting as a user of a fresh organisation. */
  caller: Caller;
  /** A second organisation, for tenancy checks. */
  other: Caller;
}

export async function serviceHarness(start = '2025-01-01T00:00:00.000Z'): Promise<ServiceHarness> {
  const database = await sharedPgliteDatabase();
  const clock = manualClock(start);
  const stores = createPostgresStores({ db: database.db, clock });
  const transaction = createTransactionRunner({ db: database.db, clock });
  const caller = await actingMember(stores);
  const other = await actingMember(stores);
  return { stores, transaction, clock, caller, other };
}

async function actingMember(stores: Stores): Promise<Caller> {
  const suffix = randomBytes(5).toString('hex');
  const organisation = await stores.organisations.create({ name: 'Acme', slug: `acme-${suffix}` });
  const user = await stores.users.create({ email: `member-${suffix}@example.test`, name: 'Member' });
  await stores.organisations.setMember({ organisationId: organisation.id, userId: user.id, role: 'member' });
  return { organisationId: organisation.id, actor: { type: 'user', id: user.id }, ip: '127.0.0.1' };
}
