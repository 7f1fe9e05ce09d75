import type { Selectable } from 'kysely';
import { ConflictError } from '../../platform/errors.ts';
import { isId, newId } from '../../platform/ids.ts';
import type { Membership, Organisation, OrganisationStore, Role } from '../../ports/organisation-store.ts';
import { json, keyset, mapDbError, olderThan, type StoreDeps, toPage } from './sql-helpers.ts';
import type { MembershipsTable, OrganisationsTable } from './tables.ts';

export function toOrganisation(row: Selectable<OrganisationsTable>): Organisation {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    settings: row.settings,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toMembership(row: Selectable<MembershipsTable>): Membership {
  return {
    organisationId: row.organisation_id,
    userId: row.user_id,
    role: row.role as Role,
    createdAt: row.created_at,
  };
}

const slugTaken = () => new ConflictError('an organisation with this slug exists', 'slug_taken');

export function createOrganisationStore({ db, clock }: StoreDeps): OrganisationStore {
  return {
    async create(input) {
      const now = clock.now();
      try {
        const row = await db
          .insertInto('organisations')
          .values({
            id: newId(now.getTime()),
            name: input.name,
            slug: input.slug,
            settings: json(input.settings ?? {}),
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toOrganisation(row);
      } catch (error) {
        return mapDbError(error, { unique: { organisations_slug_key: slugTaken } });
      }
    },

    async get(organisationId) {
      if (!isId(organisationId)) return null;
      const row = await db
        .selectFrom('organisations')
        .selectAll()
        .where('id', '=', organisationId)
        .executeTakeFirst();
      return row ? toOrganisation(row) : null;
    },

    async update(organisationId, patch) {
      if (!isId(organisationId)) return null;
      const row = await db
        .updateTable('organisations')
        .set({
          updated_at: clock.now(),
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.settings !== undefined ? { settings: json(patch.settings) } : {}),
        })
        .where('id', '=', organisationId)
        .returningAll()
        .executeTakeFirst();
      return row ? toOrganisation(row) : null;
    },

    async setMember({ organisationId, userId, role }) {
      try {
        const row = await db
          .insertInto('memberships')
          .values({ organisation_id: organisationId, user_id: userId, role, created_at: clock.now() })
          .onConflict((oc) => oc.columns(['organisation_id', 'user_id']).doUpdateSet({ role }))
          .returningAll()
          .executeTakeFirstOrThrow();
        return toMembership(row);
      } catch (error) {
        return mapDbError(error, { parent: 'organisation or user' });
      }
    },

    async removeMember(organisationId, userId) {
      if (!isId(organisationId) || !isId(userId)) return false;
      const result = await db
        .deleteFrom('memberships')
        .where('organisation_id', '=', organisationId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async getMembership(organisationId, userId) {
      if (!isId(organisationId) || !isId(userId)) return null;
      const row = await db
        .selectFrom('memberships')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row ? toMembership(row) : null;
    },

    async listMembers(organisationId, page) {
      const { limit, after } = keyset(page);
      if (!isId(organisationId)) return { items: [], nextCursor: null };
      // Keyset on (membership created_at, user id): the user id plays the role of the row id.
      const rows = await db
        .selectFrom('memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select([
          'm.organisation_id',
          'm.user_id',
          'm.role',
          'm.created_at',
          'm.user_id as id',
          'u.email',
          'u.name',
        ])
        .where('m.organisation_id', '=', organisationId)
        .where(olderThan(after, { createdAt: 'm.created_at', id: 'm.user_id' }))
        .orderBy('m.created_at', 'desc')
        .orderBy('m.user_id', 'desc')
        .limit(limit + 1)
        .execute();
      return toPage(rows, limit, (row) => ({ ...toMembership(row), email: row.email, name: row.name }));
    },

    async countOwners(organisationId) {
      const row = await db
        .selectFrom('memberships')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('organisation_id', '=', organisationId)
        .where('role', '=', 'owner')
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    async listForUser(userId) {
      if (!isId(userId)) return [];
      const rows = await db
        .selectFrom('memberships as m')
        .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
        .selectAll('o')
        .select('m.role')
        .where('m.user_id', '=', userId)
        .orderBy('m.created_at')
        .orderBy('o.id')
        .execute();
      return rows.map((row) => ({ ...toOrganisation(row), role: row.role as Role }));
    },
  };
}
