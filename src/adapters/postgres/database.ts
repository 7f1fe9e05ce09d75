/**
 * Opens the one SQL database Assay speaks to: PGlite in-process (embedded mode) or a PostgreSQL server
 * through a pg pool. Both are PostgreSQL, so everything above this file is the same SQL. Type parsing
 * is aligned so both return the same JavaScript values (bigint columns as numbers, timestamps as Date).
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { pgliteDialect } from './pglite-dialect.ts';
import type { Tables } from './tables.ts';

export type Db = Kysely<Tables>;

export interface Database {
  readonly db: Db;
  readonly kind: 'pglite' | 'postgres';
  /** Runs `select 1`; rejects when the database cannot answer. */
  ping(): Promise<void>;
  /** PGlite only: the data directory as an uncompressed tarball (a template for tests, a backup). */
  dumpDataDir?: () => Promise<Blob>;
  close(): Promise<void>;
}

export type DatabaseOptions =
  | {
      kind: 'pglite';
      /** A directory, or `memory://` for a throwaway in-memory database. */
      dataDir: string;
      /** A tarball from `dumpDataDir`: starts from it instead of running initdb (tests). */
      loadDataDir?: Blob;
    }
  | { kind: 'postgres'; url: string; poolSize: number; applicationName?: string };

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.kind === 'pglite' ? openPglite(options) : openPostgres(options);
}

async function openPglite(options: { dataDir: string; loadDataDir?: Blob }): Promise<Database> {
  // Loaded lazily: the WASM module costs memory that distributed mode never needs.
  const { PGlite } = await import('@electric-sql/pglite');
  if (!options.dataDir.startsWith('memory://')) await mkdir(dirname(options.dataDir), { recursive: true });
  const pglite = await PGlite.create({
    dataDir: options.dataDir,
    // After crash recovery (a reopened or loaded data directory) PGlite leaves PostgreSQL's startup
    // progress timer armed, which holds Node's event loop open; the progress log is useless here.
    postgresqlconf: ['log_startup_progress_interval = 0'],
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  const db = new Kysely<Tables>({ dialect: pgliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    dumpDataDir: () => pglite.dumpDataDir('none'),
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}

const INT8_OID = 20;

async function openPostgres(options: {
  url: string;
  poolSize: number;
  applicationName?: string;
}): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    application_name: options.applicationName ?? 'assay',
    // Fail fast rather than hang a request when the server is unreachable.
    connectionTimeoutMillis: 5000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID
          ? Number
          : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection emits on the pool; without a listener the process would crash.
  pool.on('error', () => {});
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      await db.destroy();
    },
  };
}
