/** Schedules, runs, their step results and their event log (the source of Server-Sent Events). */
import type { Migration } from './migration.ts';

export const runs: Migration = {
  version: 3,
  name: 'schedules and runs',
  statements: [
    `create table schedules (
      id uuid primary key,
      organisation_id uuid not null references organisations (id) on delete cascade,
      project_id uuid not null,
      suite_id uuid not null,
      environment_id uuid,
      name text not null default '',
      cron text not null,
      timezone text not null default 'UTC',
      enabled boolean not null default true,
      next_fire_at timestamptz,
      last_fired_at timestamptz,
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (id, organisation_id),
      foreign key (project_id, organisation_id) references projects (id, organisation_id) on delete cascade,
      foreign key (suite_id, organisation_id) references suites (id, organisation_id) on delete cascade,
      foreign key (environment_id, organisation_id) references environments (id, organisation_id)
        on delete set null (environment_id)
    )`,
    // The scheduler polls across organisations for due schedules; disabled ones are not indexed.
    'create index schedules_due_idx on schedules (next_fire_at) where enabled',
    'create index schedules_org_project_idx on schedules (organisation_id, project_id, created_at, id)',
    `create table runs (
      id uuid primary key,
      organisation_id uuid not null references organisations (id) on delete cascade,
      project_id uuid not null,
      suite_id uuid not null,
      suite_version integer not null,
      environment_id uuid,
      schedule_id uuid,
      status text not null default 'queued'
        check (status in ('queued', 'running', 'passed', 'failed', 'errored', 'cancelled')),
      trigger text not null check (trigger in ('manual', 'api', 'schedule', 'ci')),
      triggered_by_user_id uuid references users (id) on delete set null,
      triggered_by_api_key_id uuid references api_keys (id) on delete set null,
      priority integer not null default 0,
      attempt integer not null default 0,
      variables jsonb not null default '{}',
      idempotency_key text,
      idempotency_fingerprint text,
      idempotency_expires_at timestamptz,
      cancel_requested_at timestamptz,
      queued_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      duration_ms integer,
      summary jsonb,
      error jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (id, organisation_id),
      foreign key (project_id, organisation_id) references projects (id, organisation_id) on delete cascade,
      foreign key (suite_id, organisation_id) references suites (id, organisation_id) on delete cascade,
      foreign key (suite_id, suite_version) references suite_versions (suite_id, version) on delete cascade,
      foreign key (environment_id, organisation_id) references environments (id, organisation_id)
        on delete set null (environment_id),
      foreign key (schedule_id, organisation_id) references schedules (id, organisation_id)
        on delete set null (schedule_id)
    )`,
    'create unique index runs_idempotency_key on runs (organisation_id, idempotency_key) where idempotency_key is not null',
    'create index runs_org_suite_created_idx on runs (organisation_id, suite_id, created_at, id)',
    'create index runs_org_project_created_idx on runs (organisation_id, project_id, created_at, id)',
    'create index runs_org_created_idx on runs (organisation_id, created_at, id)',
    'create index runs_org_status_created_idx on runs (organisation_id, status, created_at, id)',
    // Recovery and the reconciler scan unfinished runs of every organisation; finished runs stay out.
    `create index runs_unfinished_idx on runs (queued_at, id) where status in ('queued', 'running')`,
    `create table step_results (
      run_id uuid not null,
      attempt integer not null,
      seq integer not null,
      organisation_id uuid not null,
      iteration integer not null,
      step_index integer not null,
      name text not null,
      status text not null check (status in ('passed', 'failed', 'errored', 'skipped')),
      started_at timestamptz not null,
      duration_ms integer not null,
      result jsonb not null,
      primary key (run_id, attempt, seq),
      foreign key (run_id, organisation_id) references runs (id, organisation_id) on delete cascade
    )`,
    `create table run_events (
      run_id uuid not null,
      seq integer not null,
      organisation_id uuid not null,
      type text not null,
      data jsonb not null,
      created_at timestamptz not null default now(),
      primary key (run_id, seq),
      foreign key (run_id, organisation_id) references runs (id, organisation_id) on delete cascade
    )`,
    // One row per due time: a second process firing the same schedule at the same time inserts nothing.
    `create table schedule_fires (
      schedule_id uuid not null,
      fire_at timestamptz not null,
      organisation_id uuid not null,
      run_id uuid,
      created_at timestamptz not null default now(),
      primary key (schedule_id, fire_at),
      foreign key (schedule_id, organisation_id) references schedules (id, organisation_id) on delete cascade,
      foreign key (run_id, organisation_id) references runs (id, organisation_id) on delete set null (run_id)
    )`,
  ],
};
