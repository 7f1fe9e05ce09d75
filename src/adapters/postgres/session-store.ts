import type { Selectable } from 'kysely';
import type { Session, SessionStore } from '../../ports/session-store.ts';
import type { StoreDeps } from './sql-helpers.ts';
import type { SessionsTable } from './tables.ts';

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    ip: row.ip,
    userAgent: row.user_agent,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    idleExpiresAt: row.idle_expires_at,
    absoluteExpiresAt: row.absolute_expires_at,
  };
}

export function createSessionStore({ db }: StoreDeps): SessionStore {
  return {
    async create(session) {
      const idle = new Date(Math.min(session.idleExpiresAt.getTime(), session.absoluteExpiresAt.getTime()));
      const row = await db
        .insertInto('sessions')
        .values({
          id_hash: session.idHash,
          user_id: session.userId,
          csrf_token: session.csrfToken,
          ip: session.ip,
          user_agent: session.userAgent,
          created_at: session.createdAt,
          last_seen_at: session.lastSeenAt ?? session.createdAt,
          idle_expires_at: idle,
          absolute_expires_at: session.absoluteExpiresAt,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toSession(row);
    },

    async get(idHash, now) {
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('id_hash', '=', idHash)
        .where('idle_expires_at', '>', now)
        .where('absolute_expires_at', '>', now)
        .executeTakeFirst();
      return row ? toSession(row) : null;
    },

    async touch(idHash, update) {
      await db
        .updateTable('sessions')
        .set((eb) => ({
          last_seen_at: update.lastSeenAt,
          // The idle expiry slides but never past the absolute one.
          idle_expires_at: eb.fn('least', [eb.val(update.idleExpiresAt), eb.ref('absolute_expires_at')]),
        }))
        .where('id_hash', '=', idHash)
        .execute();
    },

    async delete(idHash) {
      await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    },

    async deleteForUser(userId, options = {}) {
      let query = db.deleteFrom('sessions').where('user_id', '=', userId);
      if (options.exceptIdHash) query = query.where('id_hash', '!=', options.exceptIdHash);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async deleteExpired(now) {
      // idle_expires_at <= absolute_expires_at always, so the idle column alone finds every expired row.
      const result = await db.deleteFrom('sessions').where('idle_expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
