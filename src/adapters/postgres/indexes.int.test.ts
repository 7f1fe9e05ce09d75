/**
 * The hot queries of docs/database.md, each checked against PostgreSQL's plan: the intended index must
 * appear in it. Sequential scans are disabled for the check, so the result does not depend on how many
 * rows the throwaway database happens to hold.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RawBuilder, sql } from 'kysely';
import { createPostgresDatabase, type TestPostgres } from '../../../test/support/db.ts';

const AT = '2025-01-01T00:00:00Z';

/** Ids of seeded rows: plans are checked for values that exist, as in production. */
interface Ids {
  org: string;
  project: string;
  suite: string;
  run: string;
}

/** Query → the index its plan must use. Mirrors the queries of the stores, parameters included. */
const HOT_QUERIES: { name: string; index: string; query: (ids: Ids) => RawBuilder<unknown> }[] = [
  {
    name: 'runs of a suite, newest first (run history)',
    index: 'runs_org_suite_created_idx',
    query: (ids) => sql`select * from runs where organisation_id = ${ids.org} and suite_id = ${ids.suite}
      and (created_at, id) < (now(), ${ids.run}::uuid) order by created_at desc, id desc limit 51`,
  },
  {
    name: 'runs of a project, newest first',
    index: 'runs_org_project_created_idx',
    query: (ids) => sql`select * from runs where organisation_id = ${ids.org} and project_id = ${ids.project}
      order by created_at desc, id desc limit 51`,
  },
  {
    name: 'runs by status, newest first',
    index: 'runs_org_status_created_idx',
    query: (ids) => sql`select * from runs where organisation_id = ${ids.org} and status in ('failed')
      order by created_at desc, id desc limit 51`,
  },
  {
    name: 'unfinished runs of every organisation (recovery, reconciler)',
    index: 'runs_unfinished_idx',
    query: (_ids) =>
      sql`select * from runs where status in ('queued', 'running') order by queued_at, id limit 100`,
  },
  {
    name: 'step results of a run attempt',
    index: 'step_results_pkey',
    query: (ids) =>
      sql`select * from step_results where organisation_id = ${ids.org} and run_id = ${ids.run} and attempt = 1 order by seq`,
  },
  {
    name: 'run events after a sequence number (SSE resume)',
    index: 'run_events_pkey',
    query: (ids) =>
      sql`select * from run_events where organisation_id = ${ids.org} and run_id = ${ids.run} and seq > 10 order by seq limit 1000`,
  },
  {
    name: 'API key by prefix (authentication)',
    index: 'api_keys_prefix_key',
    query: (_ids) => sql`select * from api_keys where prefix = ${'ak_12345678'}`,
  },
  {
    name: 'due schedules (scheduler tick)',
    index: 'schedules_due_idx',
    query: (_ids) =>
      sql`select * from schedules where enabled = true and next_fire_at <= ${AT}::timestamptz order by next_fire_at limit 100`,
  },
  {
    name: 'session by id hash',
    index: 'sessions_pkey',
    query: (_ids) =>
      sql`select * from sessions where id_hash = ${'h'} and idle_expires_at > now() and absolute_expires_at > now()`,
  },
  {
    name: 'expired sessions (purge)',
    index: 'sessions_expiry_idx',
    query: (_ids) => sql`select id_hash from sessions where idle_expires_at <= now()`,
  },
  {
    name: 'user by email, any case (login)',
    index: 'users_email_key',
    query: (_ids) => sql`select * from users where lower(email) = ${'ada@example.com'}`,
  },
  {
    name: 'latest version of a suite',
    index: 'suite_versions_pkey',
    query: (ids) =>
      sql`select * from suite_versions where organisation_id = ${ids.org} and suite_id = ${ids.suite} order by version desc limit 1`,
  },
  {
    name: 'audit log of an organisation, newest first',
    index: 'audit_log_org_created_idx',
    query: (ids) =>
      sql`select * from audit_log where organisation_id = ${ids.org} order by created_at desc, id desc limit 51`,
  },
];

interface PlanNode {
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function indexesIn(node: PlanNode): string[] {
  return [...(node['Index Name'] ? [node['Index Name']] : []), ...(node.Plans ?? []).flatMap(indexesIn)];
}

describe('hot query plans on PostgreSQL', () => {
  let pg: TestPostgres;
  let ids: Ids;
  before(async () => {
    pg = await createPostgresDatabase();
    // Enough rows spread over organisations, projects and suites for the planner to see selective
    // columns as selective: with a handful of rows every index looks alike.
    const db = pg.database.db;
    await sql`insert into organisations (id, name, slug)
      select gen_random_uuid(), 'org ' || g, 'org-' || g from generate_series(1, 5) g`.execute(db);
    await sql`insert into projects (id, organisation_id, name, slug)
      select gen_random_uuid(), o.id, 'p' || g, 'p-' || g from organisations o, generate_series(1, 4) g`.execute(
      db,
    );
    await sql`insert into suites (id, organisation_id, project_id, name, latest_version)
      select gen_random_uuid(), p.organisation_id, p.id, 's' || g, 1 from projects p, generate_series(1, 5) g`.execute(
      db,
    );
    await sql`insert into suite_versions (suite_id, version, organisation_id, source, format, parsed)
      select id, 1, organisation_id, '', 'yaml', '{}' from suites`.execute(db);
    await sql`insert into runs (id, organisation_id, project_id, suite_id, suite_version, status, trigger,
        queued_at, created_at, updated_at)
      select gen_random_uuid(), s.organisation_id, s.project_id, s.id, 1,
        case when g % 50 = 0 then 'queued' when g % 7 = 0 then 'failed' else 'passed' end, 'manual',
        now() - g * interval '1 minute', now() - g * interval '1 minute', now()
      from suites s, generate_series(1, 100) g`.execute(db);
    const row =
      await sql<Ids>`select organisation_id as org, project_id as project, suite_id as suite, id as run
      from runs order by created_at desc limit 1`.execute(db);
    ids = row.rows[0] as Ids;
    await sql`analyze`.execute(db);
  });
  after(async () => {
    await pg?.drop();
  });

  for (const hot of HOT_QUERIES) {
    it(`${hot.name} uses ${hot.index}`, async () => {
      const plan = await pg.database.db.transaction().execute(async (trx) => {
        await sql`set local enable_seqscan = off`.execute(trx);
        const explained = sql<{
          'QUERY PLAN': { Plan: PlanNode }[];
        }>`explain (format json) ${hot.query(ids)}`;
        return (await explained.execute(trx)).rows[0]?.['QUERY PLAN'][0]?.Plan;
      });
      assert.ok(plan, 'no plan returned');
      assert.ok(indexesIn(plan).includes(hot.index), `${hot.index} not in plan: ${JSON.stringify(plan)}`);
    });
  }
});
