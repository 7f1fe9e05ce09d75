/**
 * Applies pending migrations. Each runs in its own transaction holding a transaction-scoped advisory
 * lock, so several processes starting together apply each migration exactly once: the second waits,
 * then sees the version recorded and skips it.
 */
import { sql } from 'kysely';
import type { Db } from './database.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { checksum, type Migration } from './migrations/migration.ts';

/** Arbitrary, fixed: identifies Assay's migration lock among other advisory locks on the server. */
const MIGRATION_LOCK_KEY = 7_232_041_901;

export interface MigrationReport {
  applied: { version: number; name: string }[];
  current: number;
}

export async function migrate(
  db: Db,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationReport> {
  await ensureMigrationsTable(db);
  const applied: MigrationReport['applied'] = [];
  for (const migration of migrations) {
    const ran = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY}::bigint)`.execute(trx);
      const existing = await trx
        .selectFrom('schema_migrations')
        .select(['checksum'])
        .where('version', '=', migration.version)
        .executeTakeFirst();
      if (existing) {
        if (existing.checksum !== checksum(migration)) {
          throw new Error(
            `migration ${migration.version} (${migration.name}) was changed after it was applied; add a new migration instead`,
          );
        }
        return false;
      }
      for (const statement of migration.statements) await sql.raw(statement).execute(trx);
      await trx
        .insertInto('schema_migrations')
        .values({ version: migration.version, name: migration.name, checksum: checksum(migration) })
        .execute();
      return true;
    });
    if (ran) applied.push({ version: migration.version, name: migration.name });
  }
  return { applied, current: migrations.at(-1)?.version ?? 0 };
}

async function ensureMigrationsTable(db: Db): Promise<void> {
  // Two processes may race here too: the lock makes `if not exists` safe against concurrent creation.
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY}::bigint)`.execute(trx);
    await sql`create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`.execute(trx);
  });
}

/** Versions known to the code but not applied: readiness is red while this is non-empty. */
export async function pendingMigrations(
  db: Db,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  const exists = await sql<{
    name: string | null;
  }>`select to_regclass('schema_migrations')::text as name`.execute(db);
  if (!exists.rows[0]?.name) return migrations.map((m) => m.version);
  const rows = await db.selectFrom('schema_migrations').select('version').execute();
  const done = new Set(rows.map((row) => row.version));
  return migrations.filter((m) => !done.has(m.version)).map((m) => m.version);
}
