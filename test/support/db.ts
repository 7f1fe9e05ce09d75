/**
 * Databases for tests. PGlite's first start (initdb) costs seconds and hundreds of MB, so one migrated
 * in-memory instance is shared by every test of a process; tests stay independent by creating their
 * own organisations. PostgreSQL gets a fresh, randomly named database per test file, dropped after.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/adapters/postgres/database.ts';
import { migrate } from '../../src/adapters/postgres/migrate.ts';
import { MIGRATIONS } from '../../src/adapters/postgres/migrations/index.ts';
import { checksum } from '../../src/adapters/postgres/migrations/migration.ts';

/** The shared test server (trust auth). Only databases this file creates are ever touched. */
export const POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

let sharedPglite: Promise<Database> | undefined;

/**
 * The process-wide migrated PGlite. It is started from a dumped template kept in the temp directory
 * (keyed by PGlite version and migrations), which takes about a second instead of the several of
 * initdb; the first process to need it writes it. Closing it is optional (`closeSharedPgliteDatabase`).
 */
export function sharedPgliteDatabase(): Promise<Database> {
  sharedPglite ??= openFromTemplate();
  return sharedPglite;
}

/** A migrated PGlite of its own (from the same template), for tests that need an empty database. Close it. */
export function freshPgliteDatabase(): Promise<Database> {
  return openFromTemplate();
}

export async function closeSharedPgliteDatabase(): Promise<void> {
  const pending = sharedPglite;
  sharedPglite = undefined;
  if (pending) await (await pending).close();
}

async function openFromTemplate(): Promise<Database> {
  const path = join(tmpdir(), `assay-pglite-template-${await templateKey()}.tar`);
  const template = await readFile(path).catch(() => undefined);
  if (template) {
    return openDatabase({ kind: 'pglite', dataDir: 'memory://', loadDataDir: new Blob([template]) });
  }
  const database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  await migrate(database.db);
  const dump = await database.dumpDataDir?.();
  if (dump) {
    // Write then rename, so a parallel test process never reads half a template.
    const partial = `${path}.${process.pid}.partial`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, path);
  }
  return database;
}

async function templateKey(): Promise<string> {
  const pglitePackage = new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url);
  const { version } = JSON.parse(await readFile(pglitePackage, 'utf8')) as { version: string };
  const hash = createHash('sha256');
  for (const migration of MIGRATIONS) hash.update(`${migration.version}:${checksum(migration)}\n`);
  return `${version}-${hash.digest('hex').slice(0, 16)}`;
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
