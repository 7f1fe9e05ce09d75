/**
 * Suites: saved as the author wrote them, validated by the engine on every save, and versioned — each
 * save appends an immutable version, so a run can point at exactly what it executed.
 */
import { NotFoundError } from '../platform/errors.ts';
import type { Page, PageRequest } from '../ports/pagination.ts';
import type { Stores, TransactionRunner } from '../ports/stores.ts';
import type { Suite, SuiteFormat, SuiteVersion } from '../ports/suite-store.ts';
import { type Caller, callerUserId, recordAudit } from './caller.ts';
import { validateSource } from './suites-postman.ts';
import type { SuiteLimits } from './suites-validation.ts';

export interface SuiteServiceDeps {
  stores: Pick<Stores, 'projects' | 'suites'>;
  transaction: TransactionRunner;
  limits: SuiteLimits;
}

export interface SuiteSource {
  source: string;
  /**
   * Detected from the text when absent: a JSON document naming a Postman collection schema is
   * `postman`, other JSON `json`, anything else YAML.
   */
  format?: SuiteFormat | undefined;
}

export interface SuiteWithVersion {
  suite: Suite;
  version: SuiteVersion;
}

export interface SuiteService {
  /** Throws NotFoundError when the project is not in the organisation. */
  list(organisationId: string, filter: { projectId: string }, page?: PageRequest): Promise<Page<Suite>>;
  /** The suite with its latest version. */
  get(organisationId: string, suiteId: string): Promise<SuiteWithVersion>;
  /**
   * Validates and stores version 1. The name defaults to the document's `name`. Throws
   * SuiteInvalidError / UnprocessableError (limits) / ConflictError(`name_taken`).
   */
  create(
    caller: Caller,
    input: SuiteSource & { projectId: string; name?: string | undefined },
  ): Promise<SuiteWithVersion>;
  /** Validates and appends the next version. */
  saveVersion(caller: Caller, suiteId: string, input: SuiteSource): Promise<SuiteWithVersion>;
  listVersions(organisationId: string, suiteId: string, page?: PageRequest): Promise<Page<SuiteVersion>>;
  getVersion(organisationId: string, suiteId: string, version: number): Promise<SuiteVersion>;
  rename(caller: Caller, suiteId: string, name: string): Promise<Suite>;
  /** Deletes the suite with its versions, schedules and runs. */
  delete(caller: Caller, suiteId: string): Promise<void>;
}

export function createSuiteService({ stores, transaction, limits }: SuiteServiceDeps): SuiteService {
  async function requireSuite(organisationId: string, suiteId: string): Promise<Suite> {
    const suite = await stores.suites.get(organisationId, suiteId);
    if (!suite) throw new NotFoundError('suite');
    return suite;
  }

  return {
    async list(organisationId, filter, page) {
      if (!(await stores.projects.get(organisationId, filter.projectId))) throw new NotFoundError('project');
      return stores.suites.list(organisationId, filter, page);
    },

    async get(organisationId, suiteId) {
      const suite = await requireSuite(organisationId, suiteId);
      const version = await stores.suites.getVersion(organisationId, suiteId, suite.latestVersion);
      // Deleted between the two reads.
      if (!version) throw new NotFoundError('suite');
      return { suite, version };
    },

    async create(caller, input) {
      if (!(await stores.projects.get(caller.organisationId, input.projectId))) {
        throw new NotFoundError('project');
      }
      const checked = validateSource(input, limits);
      return transaction(async (tx) => {
        const created = await tx.suites.create({
          organisationId: caller.organisationId,
          projectId: input.projectId,
          name: input.name ?? checked.name,
          version: {
            source: checked.source,
            format: checked.format,
            parsed: checked.parsed,
            createdBy: callerUserId(caller),
          },
        });
        await recordAudit(tx.audit, caller, {
          action: 'suite.created',
          target: { type: 'suite', id: created.suite.id },
          data: { projectId: input.projectId, name: created.suite.name, version: 1 },
        });
        return created;
      });
    },

    async saveVersion(caller, suiteId, input) {
      await requireSuite(caller.organisationId, suiteId);
      const checked = validateSource(input, limits);
      return transaction(async (tx) => {
        const version = await tx.suites.addVersion(caller.organisationId, suiteId, {
          source: checked.source,
          format: checked.format,
          parsed: checked.parsed,
          createdBy: callerUserId(caller),
        });
        const suite = version && (await tx.suites.get(caller.organisationId, suiteId));
        if (!version || !suite) throw new NotFoundError('suite');
        await recordAudit(tx.audit, caller, {
          action: 'suite.version_saved',
          target: { type: 'suite', id: suiteId },
          data: { version: version.version },
        });
        return { suite, version };
      });
    },

    async listVersions(organisationId, suiteId, page) {
      await requireSuite(organisationId, suiteId);
      return stores.suites.listVersions(organisationId, suiteId, page);
    },

    async getVersion(organisationId, suiteId, versionNumber) {
      const version = await stores.suites.getVersion(organisationId, suiteId, versionNumber);
      if (!version) throw new NotFoundError('suite version');
      return version;
    },

    rename(caller, suiteId, name) {
      return transaction(async (tx) => {
        const before = await tx.suites.get(caller.organisationId, suiteId);
        const suite = before && (await tx.suites.rename(caller.organisationId, suiteId, name));
        if (!before || !suite) throw new NotFoundError('suite');
        await recordAudit(tx.audit, caller, {
          action: 'suite.renamed',
          target: { type: 'suite', id: suiteId },
          data: { from: before.name, to: suite.name },
        });
        return suite;
      });
    },

    delete(caller, suiteId) {
      return transaction(async (tx) => {
        const suite = await tx.suites.get(caller.organisationId, suiteId);
        if (!suite || !(await tx.suites.delete(caller.organisationId, suiteId))) {
          throw new NotFoundError('suite');
        }
        await recordAudit(tx.audit, caller, {
          action: 'suite.deleted',
          target: { type: 'suite', id: suiteId },
          data: { projectId: suite.projectId, name: suite.name, latestVersion: suite.latestVersion },
        });
      });
    },
  };
}
