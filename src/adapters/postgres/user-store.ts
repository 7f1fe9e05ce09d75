import { type Selectable, sql } from 'kysely';
import { ConflictError } from '../../platform/errors.ts';
import { isId, newId } from '../../platform/ids.ts';
import type { User, UserStore } from '../../ports/user-store.ts';
import { mapDbError, type StoreDeps } from './sql-helpers.ts';
import type { UsersTable } from './tables.ts';

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
    disabledAt: row.disabled_at,
  };
}

const emailTaken = () => new ConflictError('a user with this email exists', 'email_taken');

export function createUserStore({ db, clock }: StoreDeps): UserStore {
  return {
    async create(input) {
      const now = clock.now();
      try {
        const row = await db
          .insertInto('users')
          .values({
            id: newId(now.getTime()),
            email: input.email.trim(),
            name: input.name ?? '',
            password_hash: input.passwordHash ?? null,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toUser(row);
      } catch (error) {
        return mapDbError(error, { unique: { users_email_key: emailTaken } });
      }
    },

    async get(userId) {
      if (!isId(userId)) return null;
      const row = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
      return row ? toUser(row) : null;
    },

    async getByEmail(email) {
      // Matches the unique index on lower(email), so the lookup uses it.
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where(sql`lower(email)`, '=', email.trim().toLowerCase())
        .executeTakeFirst();
      return row ? toUser(row) : null;
    },

    async update(userId, patch) {
      if (!isId(userId)) return null;
      const row = await db
        .updateTable('users')
        .set({
          updated_at: clock.now(),
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.passwordHash !== undefined ? { password_hash: patch.passwordHash } : {}),
          ...(patch.disabledAt !== undefined ? { disabled_at: patch.disabledAt } : {}),
        })
        .where('id', '=', userId)
        .returningAll()
        .executeTakeFirst();
      return row ? toUser(row) : null;
    },

    async recordLogin(userId, at) {
      await db.updateTable('users').set({ last_login_at: at }).where('id', '=', userId).execute();
    },

    async count() {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },
  };
}
