/** The scheduler race on a PostgreSQL server: two connection pools, as two processes would have. */

import { defineSchedulerRaceTests } from '../../test/contracts/scheduler-race.contract.ts';
import { createPostgresDatabase } from '../../test/support/db.ts';
import { openDatabase } from '../adapters/postgres/database.ts';
import { createPostgresStores, createTransactionRunner } from '../adapters/postgres/stores.ts';
import { systemClock } from '../platform/clock.ts';

defineSchedulerRaceTests('PostgreSQL', async () => {
  const first = await createPostgresDatabase();
  const second = await openDatabase({ kind: 'postgres', url: first.url, poolSize: 4 });
  const process = (db: typeof first.database.db) => ({
    stores: createPostgresStores({ db, clock: systemClock }),
    transaction: createTransactionRunner({ db, clock: systemClock }),
  });
  return {
    processes: [process(first.database.db), process(second.db)],
    close: async () => {
      await second.close();
      await first.drop();
    },
  };
});
