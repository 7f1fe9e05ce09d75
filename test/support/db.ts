/**
 * Databases for tests. PGlite's first start (initdb) costs seconds and hundreds of MB, so one migrated
 * in-memory instance is shared by every test of a process; tests stay independent by creating their
 * own organisations. PostgreSQL gets a fresh, randomly named database per test file, dropped after.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/adapters/postgres/database.ts';
import { migrate } from '../../src/adapters/postgres/migrate.ts';

/** The shared test server (trust auth). Only databases this file creates are ever touched. */
export const POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

let sharedPglite: Promise<Database> | undefined;

/** The process-wide migrated PGlite. Do not close it: it is closed when the process exits. */
export function sharedPgliteDatabase(): Promise<Database> {
  sharedPglite ??= (async () => {
    const database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    await migrate(database.db);
    return database;
  })();
  return sharedPglite;
}

export interface TestPostgres {
  database: Database;
  url: string;
  name: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

export async function createPostgresDatabase(options: { migrate?: boolean } = {}): Promise<TestPostgres> {
  const name = `assay_test_${randomBytes(6).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = POSTGRES_ADMIN_URL.replace(/\/postgres$/, `/${name}`);
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 5, applicationName: 'assay-test' });
  if (options.migrate !== false) await migrate(database.db);
  return {
    database,
    url,
    name,
    async drop() {
      await database.close();
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
