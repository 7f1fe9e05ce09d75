/** Small pieces every PostgreSQL store shares: keyset cursors, error mapping, value conversion. */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { type ConflictError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, type Page, type PageRequest } from '../../ports/pagination.ts';
import type { Tables } from './tables.ts';

/** A database handle or a transaction: stores work the same on both. */
export type Executor = Kysely<Tables> | Transaction<Tables>;

export interface StoreDeps {
  db: Executor;
  clock: Clock;
}

/** Runs `work` in a transaction, or in the caller's when the store is already bound to one. */
export function inTransaction<T>(db: Executor, work: (trx: Executor) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

export interface Keyset {
  limit: number;
  after: { createdAt: Date; id: string } | null;
}

export function keyset(page: PageRequest | undefined): Keyset {
  const limit = Math.min(Math.max(Math.trunc(page?.limit ?? DEFAULT_PAGE_LIMIT), 1), MAX_PAGE_LIMIT);
  return { limit, after: page?.cursor ? decodeCursor(page.cursor) : null };
}

export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const createdAt = new Date(String(at));
    if (typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) && !Number.isNaN(createdAt.getTime())) {
      return { createdAt, id };
    }
  } catch {
    // Fall through to the validation error.
  }
  throw new ValidationError([
    { path: 'query.cursor', message: 'is not a cursor from this list', code: 'invalid_cursor' },
  ]);
}

/**
 * Rows older than the cursor in (created_at, id) order, newest first. A row comparison lets PostgreSQL
 * walk the (…, created_at, id) index from the cursor position. Column names can be qualified for joins.
 */
export function olderThan(after: Keyset['after'], columns: { createdAt?: string; id?: string } = {}) {
  if (!after) return sql<boolean>`true`;
  const createdAt = sql.ref(columns.createdAt ?? 'created_at');
  const id = sql.ref(columns.id ?? 'id');
  return sql<boolean>`(${createdAt}, ${id}) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`;
}

/** Queries fetch `limit + 1` rows: the extra one says whether there is a next page. */
export function toPage<R extends { created_at: Date; id: string }, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(map),
    nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

interface PgError {
  code?: string;
  constraint?: string;
}

/**
 * Turns constraint violations into user errors. `unique` maps a constraint name to the conflict to
 * report; a foreign key violation means a referenced parent is not in this organisation: a 404.
 */
export function mapDbError(
  error: unknown,
  options: { unique?: Record<string, () => ConflictError>; parent?: string } = {},
): never {
  const pg = error as PgError;
  if (pg?.code === '23505' && pg.constraint && options.unique?.[pg.constraint]) {
    throw options.unique[pg.constraint]?.();
  }
  if (pg?.code === '23503' && options.parent) throw new NotFoundError(options.parent);
  throw error;
}

export function isUniqueViolation(error: unknown): boolean {
  return (error as PgError)?.code === '23505';
}

/** jsonb parameters are sent as text: pg would turn a top-level array into a PostgreSQL array. */
export function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** bytea arrives as Buffer from pg and Uint8Array from PGlite; ports promise Buffer. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
