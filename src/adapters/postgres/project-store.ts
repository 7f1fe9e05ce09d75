import type { Selectable } from 'kysely';
import { ConflictError } from '../../platform/errors.ts';
import { isId, newId } from '../../platform/ids.ts';
import type { Project, ProjectStore } from '../../ports/project-store.ts';
import { keyset, mapDbError, olderThan, type StoreDeps, toPage } from './sql-helpers.ts';
import type { ProjectsTable } from './tables.ts';

function toProject(row: Selectable<ProjectsTable>): Project {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    name: row.name,
    slug: row.slug,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const slugTaken = () => new ConflictError('a project with this slug exists', 'slug_taken');
const unique = { projects_organisation_id_slug_key: slugTaken };

export function createProjectStore({ db, clock }: StoreDeps): ProjectStore {
  return {
    async create(input) {
      const now = clock.now();
      try {
        const row = await db
          .insertInto('projects')
          .values({
            id: newId(now.getTime()),
            organisation_id: input.organisationId,
            name: input.name,
            slug: input.slug,
            description: input.description ?? '',
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toProject(row);
      } catch (error) {
        return mapDbError(error, { unique, parent: 'organisation' });
      }
    },

    async get(organisationId, projectId) {
      if (!isId(projectId)) return null;
      const row = await db
        .selectFrom('projects')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('id', '=', projectId)
        .executeTakeFirst();
      return row ? toProject(row) : null;
    },

    async list(organisationId, page) {
      const { limit, after } = keyset(page);
      const rows = await db
        .selectFrom('projects')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where(olderThan(after))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      return toPage(rows, limit, toProject);
    },

    async update(organisationId, projectId, patch) {
      if (!isId(projectId)) return null;
      try {
        const row = await db
          .updateTable('projects')
          .set({
            updated_at: clock.now(),
            ...(patch.name !== undefined ? { name: patch.name } : {}),
            ...(patch.slug !== undefined ? { slug: patch.slug } : {}),
            ...(patch.description !== undefined ? { description: patch.description } : {}),
          })
          .where('organisation_id', '=', organisationId)
          .where('id', '=', projectId)
          .returningAll()
          .executeTakeFirst();
        return row ? toProject(row) : null;
      } catch (error) {
        return mapDbError(error, { unique });
      }
    },

    async delete(organisationId, projectId) {
      if (!isId(projectId)) return false;
      const result = await db
        .deleteFrom('projects')
        .where('organisation_id', '=', organisationId)
        .where('id', '=', projectId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
