/**
 * The bag of store ports, and how to use several of them atomically. Services receive only the stores
 * they need; a use case that writes several aggregates runs inside `transaction`, whose callback gets
 * the same stores bound to one transaction (committed when it resolves, rolled back when it throws).
 */
import type { ApiKeyStore } from './api-key-store.ts';
import type { AuditLog } from './audit-log.ts';
import type { EnvironmentStore } from './environment-store.ts';
import type { NotificationStore } from './notification-store.ts';
import type { OrganisationStore } from './organisation-store.ts';
import type { ProjectStore } from './project-store.ts';
import type { RunEventLog } from './run-event-log.ts';
import type { RunStore } from './run-store.ts';
import type { ScheduleStore } from './schedule-store.ts';
import type { SessionStore } from './session-store.ts';
import type { SetupTokenStore } from './setup-token-store.ts';
import type { SuiteStore } from './suite-store.ts';
import type { UserStore } from './user-store.ts';

export interface Stores {
  organisations: OrganisationStore;
  users: UserStore;
  projects: ProjectStore;
  suites: SuiteStore;
  environments: EnvironmentStore;
  runs: RunStore;
  runEvents: RunEventLog;
  apiKeys: ApiKeyStore;
  sessions: SessionStore;
  schedules: ScheduleStore;
  audit: AuditLog;
  setupTokens: SetupTokenStore;
  notifications: NotificationStore;
}

export type TransactionRunner = <T>(work: (stores: Stores) => Promise<T>) => Promise<T>;

/** Readiness of the database: reachable, and every migration the code knows applied. */
export interface DatabaseHealth {
  kind: 'pglite' | 'postgres';
  ping(): Promise<void>;
  pendingMigrations(): Promise<number[]>;
}
