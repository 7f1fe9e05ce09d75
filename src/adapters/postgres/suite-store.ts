import type { Selectable } from 'kysely';
import { ConflictError } from '../../platform/errors.ts';
import { isId, newId } from '../../platform/ids.ts';
import type {
  NewSuiteVersion,
  Suite,
  SuiteFormat,
  SuiteStore,
  SuiteVersion,
} from '../../ports/suite-store.ts';
import { inTransaction, json, keyset, mapDbError, olderThan, type StoreDeps, toPage } from './sql-helpers.ts';
import type { SuitesTable, SuiteVersionsTable } from './tables.ts';

function toSuite(row: Selectable<SuitesTable>): Suite {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    projectId: row.project_id,
    name: row.name,
    latestVersion: row.latest_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toVersion(row: Selectable<SuiteVersionsTable>): SuiteVersion {
  return {
    suiteId: row.suite_id,
    organisationId: row.organisation_id,
    version: row.version,
    source: row.source,
    format: row.format as SuiteFormat,
    parsed: row.parsed,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

const nameTaken = () => new ConflictError('a suite with this name exists in the project', 'name_taken');
const unique = { suites_project_id_name_key: nameTaken };

export function createSuiteStore({ db, clock }: StoreDeps): SuiteStore {
  function versionRow(
    organisationId: string,
    suiteId: string,
    version: number,
    input: NewSuiteVersion,
    at: Date,
  ) {
    return {
      suite_id: suiteId,
      organisation_id: organisationId,
      version,
      source: input.source,
      format: input.format,
      parsed: json(input.parsed),
      created_by: input.createdBy ?? null,
      created_at: at,
    };
  }

  return {
    async create(input) {
      const now = clock.now();
      try {
        return await inTransaction(db, async (trx) => {
          const suite = await trx
            .insertInto('suites')
            .values({
              id: newId(now.getTime()),
              organisation_id: input.organisationId,
              project_id: input.projectId,
              name: input.name,
              latest_version: 1,
              created_at: now,
              updated_at: now,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          const version = await trx
            .insertInto('suite_versions')
            .values(versionRow(input.organisationId, suite.id, 1, input.version, now))
            .returningAll()
            .executeTakeFirstOrThrow();
          return { suite: toSuite(suite), version: toVersion(version) };
        });
      } catch (error) {
        return mapDbError(error, { unique, parent: 'project' });
      }
    },

    async addVersion(organisationId, suiteId, input) {
      if (!isId(suiteId)) return null;
      const now = clock.now();
      return inTransaction(db, async (trx) => {
        // The row lock taken by this update serialises concurrent saves: each gets its own number.
        const suite = await trx
          .updateTable('suites')
          .set((eb) => ({ latest_version: eb('latest_version', '+', 1), updated_at: now }))
          .where('organisation_id', '=', organisationId)
          .where('id', '=', suiteId)
          .returning(['latest_version'])
          .executeTakeFirst();
        if (!suite) return null;
        const row = await trx
          .insertInto('suite_versions')
          .values(versionRow(organisationId, suiteId, suite.latest_version, input, now))
          .returningAll()
          .executeTakeFirstOrThrow();
        return toVersion(row);
      });
    },

    async get(organisationId, suiteId) {
      if (!isId(suiteId)) return null;
      const row = await db
        .selectFrom('suites')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('id', '=', suiteId)
        .executeTakeFirst();
      return row ? toSuite(row) : null;
    },

    async getVersion(organisationId, suiteId, version) {
      if (!isId(suiteId)) return null;
      let query = db
        .selectFrom('suite_versions')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('suite_id', '=', suiteId);
      query =
        version === undefined
          ? query.orderBy('version', 'desc').limit(1)
          : query.where('version', '=', version);
      const row = await query.executeTakeFirst();
      return row ? toVersion(row) : null;
    },

    async list(organisationId, filter, page) {
      const { limit, after } = keyset(page);
      if (filter.projectId !== undefined && !isId(filter.projectId)) return { items: [], nextCursor: null };
      let query = db.selectFrom('suites').selectAll().where('organisation_id', '=', organisationId);
      if (filter.projectId) query = query.where('project_id', '=', filter.projectId);
      const rows = await query
        .where(olderThan(after))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      return toPage(rows, limit, toSuite);
    },

    async listVersions(organisationId, suiteId, page) {
      // Versions are numbered, so the cursor carries the version number in place of a row id.
      const limit = keyset({ ...page, cursor: null }).limit;
      const before = page?.cursor ? Number(Buffer.from(page.cursor, 'base64url').toString()) : null;
      if (!isId(suiteId)) return { items: [], nextCursor: null };
      let query = db
        .selectFrom('suite_versions')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('suite_id', '=', suiteId);
      if (before !== null && Number.isInteger(before)) query = query.where('version', '<', before);
      const rows = await query
        .orderBy('version', 'desc')
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit).map(toVersion);
      const last = items.at(-1);
      return {
        items,
        nextCursor:
          rows.length > limit && last ? Buffer.from(String(last.version)).toString('base64url') : null,
      };
    },

    async rename(organisationId, suiteId, name) {
      if (!isId(suiteId)) return null;
      try {
        const row = await db
          .updateTable('suites')
          .set({ name, updated_at: clock.now() })
          .where('organisation_id', '=', organisationId)
          .where('id', '=', suiteId)
          .returningAll()
          .executeTakeFirst();
        return row ? toSuite(row) : null;
      } catch (error) {
        return mapDbError(error, { unique });
      }
    },

    async delete(organisationId, suiteId) {
      if (!isId(suiteId)) return false;
      const result = await db
        .deleteFrom('suites')
        .where('organisation_id', '=', organisationId)
        .where('id', '=', suiteId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
