import type { Selectable } from 'kysely';
import { ConflictError } from '../../platform/errors.ts';
import { isId, newId } from '../../platform/ids.ts';
import type { Environment, EnvironmentStore } from '../../ports/environment-store.ts';
import { json, keyset, mapDbError, olderThan, type StoreDeps, toBuffer, toPage } from './sql-helpers.ts';
import type { EnvironmentsTable } from './tables.ts';

function toEnvironment(row: Selectable<EnvironmentsTable>): Environment {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    projectId: row.project_id,
    name: row.name,
    variables: row.variables,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const nameTaken = () =>
  new ConflictError('an environment with this name exists in the project', 'name_taken');
const unique = { environments_project_id_name_key: nameTaken };

export function createEnvironmentStore({ db, clock }: StoreDeps): EnvironmentStore {
  return {
    async create(input) {
      const now = clock.now();
      try {
        const row = await db
          .insertInto('environments')
          .values({
            id: newId(now.getTime()),
            organisation_id: input.organisationId,
            project_id: input.projectId,
            name: input.name,
            variables: json(input.variables ?? {}),
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toEnvironment(row);
      } catch (error) {
        return mapDbError(error, { unique, parent: 'project' });
      }
    },

    async get(organisationId, environmentId) {
      if (!isId(environmentId)) return null;
      const row = await db
        .selectFrom('environments')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('id', '=', environmentId)
        .executeTakeFirst();
      return row ? toEnvironment(row) : null;
    },

    async list(organisationId, filter, page) {
      const { limit, after } = keyset(page);
      if (filter.projectId !== undefined && !isId(filter.projectId)) return { items: [], nextCursor: null };
      let query = db.selectFrom('environments').selectAll().where('organisation_id', '=', organisationId);
      if (filter.projectId) query = query.where('project_id', '=', filter.projectId);
      const rows = await query
        .where(olderThan(after))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      return toPage(rows, limit, toEnvironment);
    },

    async update(organisationId, environmentId, patch) {
      if (!isId(environmentId)) return null;
      try {
        const row = await db
          .updateTable('environments')
          .set({
            updated_at: clock.now(),
            ...(patch.name !== undefined ? { name: patch.name } : {}),
            ...(patch.variables !== undefined ? { variables: json(patch.variables) } : {}),
          })
          .where('organisation_id', '=', organisationId)
          .where('id', '=', environmentId)
          .returningAll()
          .executeTakeFirst();
        return row ? toEnvironment(row) : null;
      } catch (error) {
        return mapDbError(error, { unique });
      }
    },

    async delete(organisationId, environmentId) {
      if (!isId(environmentId)) return false;
      const result = await db
        .deleteFrom('environments')
        .where('organisation_id', '=', organisationId)
        .where('id', '=', environmentId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async putSecret(organisationId, environmentId, secret) {
      if (!isId(environmentId)) return false;
      const now = clock.now();
      const value = { ciphertext: secret.ciphertext, iv: secret.iv, tag: secret.tag, key_id: secret.keyId };
      try {
        const row = await db
          .insertInto('environment_secrets')
          .values({
            environment_id: environmentId,
            organisation_id: organisationId,
            name: secret.name,
            ...value,
            created_at: now,
            updated_at: now,
          })
          .onConflict((oc) =>
            oc
              .columns(['environment_id', 'name'])
              .doUpdateSet({ ...value, updated_at: now })
              // The existing row must be this organisation's too: a conflict is checked before the foreign key.
              .where('environment_secrets.organisation_id', '=', organisationId),
          )
          .returning('name')
          .executeTakeFirst();
        return row !== undefined;
      } catch (error) {
        // The composite foreign key refuses an environment of another organisation.
        if ((error as { code?: string }).code === '23503') return false;
        throw error;
      }
    },

    async deleteSecret(organisationId, environmentId, name) {
      if (!isId(environmentId)) return false;
      const result = await db
        .deleteFrom('environment_secrets')
        .where('organisation_id', '=', organisationId)
        .where('environment_id', '=', environmentId)
        .where('name', '=', name)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async listSecretNames(organisationId, environmentId) {
      if (!isId(environmentId)) return [];
      const rows = await db
        .selectFrom('environment_secrets')
        .select(['name', 'updated_at'])
        .where('organisation_id', '=', organisationId)
        .where('environment_id', '=', environmentId)
        .orderBy('name')
        .execute();
      return rows.map((row) => ({ name: row.name, updatedAt: row.updated_at }));
    },

    async getSecrets(organisationId, environmentId) {
      if (!isId(environmentId)) return [];
      const rows = await db
        .selectFrom('environment_secrets')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('environment_id', '=', environmentId)
        .orderBy('name')
        .execute();
      return rows.map((row) => ({
        name: row.name,
        ciphertext: toBuffer(row.ciphertext),
        iv: toBuffer(row.iv),
        tag: toBuffer(row.tag),
        keyId: row.key_id,
        updatedAt: row.updated_at,
      }));
    },

    async listSecretEnvironments() {
      const rows = await db
        .selectFrom('environment_secrets')
        .select(['organisation_id', 'environment_id'])
        .distinct()
        .orderBy('organisation_id')
        .orderBy('environment_id')
        .execute();
      return rows.map((row) => ({ organisationId: row.organisation_id, environmentId: row.environment_id }));
    },
  };
}
