/** The scheduler race on PGlite (the embedded database). */

import { defineSchedulerRaceTests } from '../../test/contracts/scheduler-race.contract.ts';
import { sharedPgliteDatabase } from '../../test/support/db.ts';
import { createPostgresStores, createTransactionRunner } from '../adapters/postgres/stores.ts';
import { systemClock } from '../platform/clock.ts';

defineSchedulerRaceTests('PGlite', async () => {
  const { db } = await sharedPgliteDatabase();
  const process = () => ({
    stores: createPostgresStores({ db, clock: systemClock }),
    transaction: createTransactionRunner({ db, clock: systemClock }),
  });
  return { processes: [process(), process()], close: async () => {} };
});
