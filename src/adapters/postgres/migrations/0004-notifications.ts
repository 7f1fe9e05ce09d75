/** Notification channels (signed webhooks) and the log of their deliveries. */
import type { Migration } from './migration.ts';

export const notifications: Migration = {
  version: 4,
  name: 'notifications',
  statements: [
    `create table notification_channels (
      id uuid primary key,
      organisation_id uuid not null references organisations (id) on delete cascade,
      project_id uuid not null,
      name text not null,
      kind text not null default 'webhook' check (kind in ('webhook')),
      url text not null,
      events text[] not null,
      enabled boolean not null default true,
      secret_ciphertext bytea not null,
      secret_iv bytea not null,
      secret_tag bytea not null,
      secret_key_id text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (id, organisation_id),
      foreign key (project_id, organisation_id) references projects (id, organisation_id) on delete cascade
    )`,
    'create index notification_channels_org_project_idx on notification_channels (organisation_id, project_id, created_at, id)',
    `create table webhook_deliveries (
      id uuid primary key,
      organisation_id uuid not null,
      channel_id uuid not null,
      run_id uuid,
      event text not null,
      dedupe_key text not null,
      payload jsonb not null,
      status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
      attempts integer not null default 0,
      response_status integer,
      last_error text,
      next_attempt_at timestamptz,
      delivered_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (channel_id, dedupe_key),
      foreign key (channel_id, organisation_id) references notification_channels (id, organisation_id)
        on delete cascade,
      foreign key (run_id, organisation_id) references runs (id, organisation_id) on delete set null (run_id)
    )`,
    'create index webhook_deliveries_org_channel_idx on webhook_deliveries (organisation_id, channel_id, created_at, id)',
  ],
};
