/**
 * A Kysely dialect for PGlite. PGlite is one single-user backend, so the driver hands out its one
 * connection to one holder at a time: a transaction keeps it from BEGIN to COMMIT, and queries from
 * elsewhere wait their turn instead of running inside someone else's transaction.
 */
import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

export function pgliteDialect(pglite: PGlite): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => createPgliteDriver(pglite),
    createIntrospector: (db: Kysely<unknown>) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

function createPgliteDriver(pglite: PGlite): Driver {
  const connection: DatabaseConnection = {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      const result = await pglite.query<R>(query.sql, query.parameters as unknown[]);
      const changed =
        result.command === 'INSERT' || result.command === 'UPDATE' || result.command === 'DELETE';
      return {
        rows: result.rows,
        ...(changed || result.command === 'MERGE'
          ? { numAffectedRows: BigInt(result.affectedRows ?? 0) }
          : {}),
      };
    },
    // biome-ignore lint/correctness/useYield: streaming is not offered; the error says so.
    async *streamQuery() {
      throw new Error('streaming queries are not supported by the PGlite driver');
    },
  };
  // A FIFO lock: `tail` is the promise the next holder waits on.
  let tail: Promise<void> = Promise.resolve();
  let release: (() => void) | undefined;

  return {
    async init() {
      await pglite.waitReady;
    },
    async acquireConnection() {
      const previous = tail;
      let unlock!: () => void;
      tail = new Promise<void>((resolve) => {
        unlock = resolve;
      });
      await previous;
      release = unlock;
      return connection;
    },
    async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings) {
      if (settings.isolationLevel || settings.accessMode) {
        const parts = [
          settings.isolationLevel && `isolation level ${settings.isolationLevel}`,
          settings.accessMode,
        ];
        await conn.executeQuery(CompiledQuery.raw(`start transaction ${parts.filter(Boolean).join(', ')}`));
      } else {
        await conn.executeQuery(CompiledQuery.raw('begin'));
      }
    },
    async commitTransaction(conn: DatabaseConnection) {
      await conn.executeQuery(CompiledQuery.raw('commit'));
    },
    async rollbackTransaction(conn: DatabaseConnection) {
      await conn.executeQuery(CompiledQuery.raw('rollback'));
    },
    async savepoint(conn, name) {
      await conn.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdent(name)}`));
    },
    async rollbackToSavepoint(conn, name) {
      await conn.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteIdent(name)}`));
    },
    async releaseSavepoint(conn, name) {
      await conn.executeQuery(CompiledQuery.raw(`release savepoint ${quoteIdent(name)}`));
    },
    async releaseConnection() {
      const unlock = release;
      release = undefined;
      unlock?.();
    },
    async destroy() {
      // The owner of the PGlite instance closes it (see openDatabase), after Kysely is done with it.
    },
  };
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
