/** One-time tokens of the first-start setup link (only their hash). */
import type { Migration } from './migration.ts';

export const setupTokens: Migration = {
  version: 5,
  name: 'setup-tokens',
  statements: [
    `create table setup_tokens (
      token_hash text primary key,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz
    )`,
  ],
};
