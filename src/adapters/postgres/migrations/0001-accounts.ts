/** Organisations, people, their access (memberships, API keys, sessions) and the audit log. */
import type { Migration } from './migration.ts';

export const accounts: Migration = {
  version: 1,
  name: 'accounts',
  statements: [
    `create table organisations (
      id uuid primary key,
      name text not null,
      slug text not null unique,
      settings jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`,
    // Users span organisations, so they carry no organisation_id; access goes through memberships.
    `create table users (
      id uuid primary key,
      email text not null,
      name text not null default '',
      password_hash text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      last_login_at timestamptz,
      disabled_at timestamptz
    )`,
    'create unique index users_email_key on users (lower(email))',
    `create table memberships (
      organisation_id uuid not null references organisations (id) on delete cascade,
      user_id uuid not null references users (id) on delete cascade,
      role text not null check (role in ('owner', 'admin', 'member', 'viewer')),
      created_at timestamptz not null default now(),
      primary key (organisation_id, user_id)
    )`,
    'create index memberships_user_idx on memberships (user_id)',
    `create table projects (
      id uuid primary key,
      organisation_id uuid not null references organisations (id) on delete cascade,
      name text not null,
      slug text not null,
      description text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (organisation_id, slug),
      unique (id, organisation_id)
    )`,
    'create index projects_org_created_idx on projects (organisation_id, created_at, id)',
    `create table api_keys (
      id uuid primary key,
      organisation_id uuid not null references organisations (id) on delete cascade,
      name text not null,
      prefix text not null,
      secret_hash text not null,
      scopes text[] not null default '{}',
      ip_allowlist text[] not null default '{}',
      signing_secret_ciphertext bytea,
      signing_secret_iv bytea,
      signing_secret_tag bytea,
      signing_secret_key_id text,
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      last_used_at timestamptz,
      last_used_ip text,
      revoked_at timestamptz
    )`,
    // Authentication looks a key up by its public prefix before the organisation is known.
    'create unique index api_keys_prefix_key on api_keys (prefix)',
    'create index api_keys_org_created_idx on api_keys (organisation_id, created_at, id)',
    `create table sessions (
      id_hash text primary key,
      user_id uuid not null references users (id) on delete cascade,
      csrf_token text not null,
      ip text,
      user_agent text,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      idle_expires_at timestamptz not null,
      absolute_expires_at timestamptz not null
    )`,
    'create index sessions_user_idx on sessions (user_id)',
    'create index sessions_expiry_idx on sessions (idle_expires_at)',
    // No foreign key to organisations: the log must outlive what it describes, and is never cascaded.
    `create table audit_log (
      id uuid primary key,
      organisation_id uuid not null,
      actor_type text not null check (actor_type in ('user', 'api_key', 'system')),
      actor_id uuid,
      action text not null,
      target_type text,
      target_id uuid,
      data jsonb not null default '{}',
      ip text,
      created_at timestamptz not null default now()
    )`,
    'create index audit_log_org_created_idx on audit_log (organisation_id, created_at, id)',
    `create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only';
    end
    $$`,
    `create trigger audit_log_append_only before update or delete on audit_log
      for each row execute function audit_log_append_only()`,
  ],
};
