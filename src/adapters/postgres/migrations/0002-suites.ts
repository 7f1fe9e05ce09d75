/**
 * Suites with their immutable versions, and environments with their encrypted secrets.
 * Foreign keys include organisation_id: a row can only point at a parent of its own organisation, so a
 * tenant filter forgotten in code still cannot link data across organisations.
 */
import type { Migration } from './migration.ts';

export const suites: Migration = {
  version: 2,
  name: 'suites and environments',
  statements: [
    `create table suites (
      id uuid primary key,
      organisation_id uuid not null references organisations (id) on delete cascade,
      project_id uuid not null,
      name text not null,
      latest_version integer not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (project_id, name),
      unique (id, organisation_id),
      foreign key (project_id, organisation_id) references projects (id, organisation_id) on delete cascade
    )`,
    'create index suites_org_project_created_idx on suites (organisation_id, project_id, created_at, id)',
    // A version is never changed once written: a run points at the exact source it executed.
    `create table suite_versions (
      suite_id uuid not null,
      version integer not null,
      organisation_id uuid not null,
      source text not null,
      format text not null check (format in ('yaml', 'json')),
      parsed jsonb not null,
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null default now(),
      primary key (suite_id, version),
      foreign key (suite_id, organisation_id) references suites (id, organisation_id) on delete cascade
    )`,
    `create table environments (
      id uuid primary key,
      organisation_id uuid not null references organisations (id) on delete cascade,
      project_id uuid not null,
      name text not null,
      variables jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (project_id, name),
      unique (id, organisation_id),
      foreign key (project_id, organisation_id) references projects (id, organisation_id) on delete cascade
    )`,
    'create index environments_org_project_idx on environments (organisation_id, project_id, created_at, id)',
    // AES-256-GCM: ciphertext, 12-byte iv, 16-byte tag; key_id names the key so keys can be rotated.
    `create table environment_secrets (
      environment_id uuid not null,
      name text not null,
      organisation_id uuid not null,
      ciphertext bytea not null,
      iv bytea not null,
      tag bytea not null,
      key_id text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (environment_id, name),
      foreign key (environment_id, organisation_id) references environments (id, organisation_id) on delete cascade
    )`,
  ],
};
