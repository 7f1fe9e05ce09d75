/**
 * Forward-only migrations: each is a numbered list of statements, applied once, in order, in its own
 * transaction, and recorded with a checksum so an edit to an applied migration is refused at start.
 * Statements are separate strings because PGlite's extended protocol runs one statement per query.
 */
import { createHash } from 'node:crypto';

export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

export function checksum(migration: Migration): string {
  return createHash('sha256').update(migration.statements.join('\n;\n')).digest('hex');
}
