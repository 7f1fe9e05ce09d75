/** Builds every store port on one database handle, and runs work on stores bound to one transaction. */
import type { Clock } from '../../platform/clock.ts';
import type { Stores, TransactionRunner } from '../../ports/stores.ts';
import { createApiKeyStore } from './api-key-store.ts';
import { createAuditLog } from './audit-log.ts';
import type { Db } from './database.ts';
import { createEnvironmentStore } from './environment-store.ts';
import { createNotificationStore } from './notification-store.ts';
import { createOrganisationStore } from './organisation-store.ts';
import { createProjectStore } from './project-store.ts';
import { createRunEventLog } from './run-event-log.ts';
import { createRunStore } from './run-store.ts';
import { createScheduleStore } from './schedule-store.ts';
import { createSessionStore } from './session-store.ts';
import { createSetupTokenStore } from './setup-token-store.ts';
import type { Executor } from './sql-helpers.ts';
import { createSuiteStore } from './suite-store.ts';
import { createUserStore } from './user-store.ts';

export function createPostgresStores(options: { db: Executor; clock: Clock }): Stores {
  const deps = { db: options.db, clock: options.clock };
  return {
    organisations: createOrganisationStore(deps),
    users: createUserStore(deps),
    projects: createProjectStore(deps),
    suites: createSuiteStore(deps),
    environments: createEnvironmentStore(deps),
    runs: createRunStore(deps),
    runEvents: createRunEventLog(deps),
    apiKeys: createApiKeyStore(deps),
    sessions: createSessionStore(deps),
    schedules: createScheduleStore(deps),
    audit: createAuditLog(deps),
    setupTokens: createSetupTokenStore(deps),
    notifications: createNotificationStore(deps),
  };
}

export function createTransactionRunner(options: { db: Db; clock: Clock }): TransactionRunner {
  return (work) =>
    options.db.transaction().execute((trx) => work(createPostgresStores({ db: trx, clock: options.clock })));
}
