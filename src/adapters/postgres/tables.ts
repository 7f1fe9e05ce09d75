/**
 * Row types of every table, as Kysely sees them. `Generated` marks columns with a database default.
 * Timestamps come back as Date from both pg and PGlite; bytea as Buffer (pg) or Uint8Array (PGlite).
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;

export interface OrganisationsTable {
  id: string;
  name: string;
  slug: string;
  settings: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface UsersTable {
  id: string;
  email: string;
  name: Generated<string>;
  password_hash: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  last_login_at: Timestamp | null;
  disabled_at: Timestamp | null;
}

export interface MembershipsTable {
  organisation_id: string;
  user_id: string;
  role: string;
  created_at: CreatedAt;
}

export interface ProjectsTable {
  id: string;
  organisation_id: string;
  name: string;
  slug: string;
  description: Generated<string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ApiKeysTable {
  id: string;
  organisation_id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  scopes: ColumnType<string[], string[] | undefined, string[]>;
  ip_allowlist: ColumnType<string[], string[] | undefined, string[]>;
  signing_secret_ciphertext: Bytes | null;
  signing_secret_iv: Bytes | null;
  signing_secret_tag: Bytes | null;
  signing_secret_key_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  last_used_ip: string | null;
  revoked_at: Timestamp | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: CreatedAt;
  last_seen_at: UpdatedAt;
  idle_expires_at: Timestamp;
  absolute_expires_at: Timestamp;
}

export interface AuditLogTable {
  id: string;
  organisation_id: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  data: Json<Record<string, unknown>>;
  ip: string | null;
  created_at: CreatedAt;
}

export interface SuitesTable {
  id: string;
  organisation_id: string;
  project_id: string;
  name: string;
  latest_version: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SuiteVersionsTable {
  suite_id: string;
  version: number;
  organisation_id: string;
  source: string;
  format: string;
  parsed: Json;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface EnvironmentsTable {
  id: string;
  organisation_id: string;
  project_id: string;
  name: string;
  variables: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface EnvironmentSecretsTable {
  environment_id: string;
  name: string;
  organisation_id: string;
  ciphertext: Bytes;
  iv: Bytes;
  tag: Bytes;
  key_id: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SchedulesTable {
  id: string;
  organisation_id: string;
  project_id: string;
  suite_id: string;
  environment_id: string | null;
  name: Generated<string>;
  cron: string;
  timezone: string;
  enabled: boolean;
  next_fire_at: Timestamp | null;
  last_fired_at: Timestamp | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ScheduleFiresTable {
  schedule_id: string;
  fire_at: Timestamp;
  organisation_id: string;
  run_id: string | null;
  created_at: CreatedAt;
}

export interface RunsTable {
  id: string;
  organisation_id: string;
  project_id: string;
  suite_id: string;
  suite_version: number;
  environment_id: string | null;
  schedule_id: string | null;
  status: ColumnType<string, string | undefined, string>;
  trigger: string;
  triggered_by_user_id: string | null;
  triggered_by_api_key_id: string | null;
  priority: number;
  attempt: ColumnType<number, number | undefined, number>;
  variables: Json<Record<string, unknown>>;
  idempotency_key: string | null;
  idempotency_fingerprint: string | null;
  idempotency_expires_at: Timestamp | null;
  cancel_requested_at: Timestamp | null;
  queued_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  duration_ms: number | null;
  summary: Json | null;
  error: Json | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface StepResultsTable {
  run_id: string;
  attempt: number;
  seq: number;
  organisation_id: string;
  iteration: number;
  step_index: number;
  name: string;
  status: string;
  started_at: Timestamp;
  duration_ms: number;
  result: Json;
}

export interface RunEventsTable {
  run_id: string;
  seq: number;
  organisation_id: string;
  type: string;
  data: Json;
  created_at: CreatedAt;
}

export interface NotificationChannelsTable {
  id: string;
  organisation_id: string;
  project_id: string;
  name: string;
  kind: Generated<string>;
  url: string;
  events: string[];
  enabled: boolean;
  secret_ciphertext: Bytes;
  secret_iv: Bytes;
  secret_tag: Bytes;
  secret_key_id: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface WebhookDeliveriesTable {
  id: string;
  organisation_id: string;
  channel_id: string;
  run_id: string | null;
  event: string;
  dedupe_key: string;
  payload: Json;
  status: ColumnType<string, string | undefined, string>;
  attempts: ColumnType<number, number | undefined, number>;
  response_status: number | null;
  last_error: string | null;
  next_attempt_at: Timestamp | null;
  delivered_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SetupTokensTable {
  token_hash: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  checksum: string;
  applied_at: CreatedAt;
}

export interface Tables {
  organisations: OrganisationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  projects: ProjectsTable;
  api_keys: ApiKeysTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  suites: SuitesTable;
  suite_versions: SuiteVersionsTable;
  environments: EnvironmentsTable;
  environment_secrets: EnvironmentSecretsTable;
  schedules: SchedulesTable;
  schedule_fires: ScheduleFiresTable;
  runs: RunsTable;
  step_results: StepResultsTable;
  run_events: RunEventsTable;
  notification_channels: NotificationChannelsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  setup_tokens: SetupTokensTable;
  schema_migrations: SchemaMigrationsTable;
}
