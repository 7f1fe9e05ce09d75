/** Every migration, in order. Append only: never edit, reorder or remove one that has shipped. */
import { accounts } from './0001-accounts.ts';
import { suites } from './0002-suites.ts';
import { runs } from './0003-runs.ts';
import { notifications } from './0004-notifications.ts';
import { setupTokens } from './0005-setup-tokens.ts';
import { postmanSuites } from './0006-postman-suites.ts';
import type { Migration } from './migration.ts';

export const MIGRATIONS: readonly Migration[] = [
  accounts,
  suites,
  runs,
  notifications,
  setupTokens,
  postmanSuites,
];
