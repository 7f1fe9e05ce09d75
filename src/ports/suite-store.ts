import type { Page, PageRequest } from './pagination.ts';

/** `yaml` and `json` are Assay suites; `postman` a Postman collection (v2.0/v2.1, wrapped or not). */
export type SuiteFormat = 'yaml' | 'json' | 'postman';

export interface Suite {
  id: string;
  organisationId: string;
  projectId: string;
  name: string;
  latestVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Immutable once written: a run points at the exact version it executed. */
export interface SuiteVersion {
  suiteId: string;
  organisationId: string;
  version: number;
  /** The document as the author wrote it, comments and all. */
  source: string;
  format: SuiteFormat;
  /** The validated document, as the engine reads it. */
  parsed: unknown;
  createdBy: string | null;
  createdAt: Date;
}

export interface NewSuiteVersion {
  source: string;
  format: SuiteFormat;
  parsed: unknown;
  createdBy?: string | null;
}

export interface SuiteStore {
  /** Creates the suite with version 1. Throws ConflictError(`name_taken`) for a name used in the project. */
  create(input: {
    organisationId: string;
    projectId: string;
    name: string;
    version: NewSuiteVersion;
  }): Promise<{ suite: Suite; version: SuiteVersion }>;
  /** Appends the next version and makes it the latest; safe against concurrent saves. */
  addVersion(organisationId: string, suiteId: string, version: NewSuiteVersion): Promise<SuiteVersion | null>;
  get(organisationId: string, suiteId: string): Promise<Suite | null>;
  /** Without `version`, the latest. */
  getVersion(organisationId: string, suiteId: string, version?: number): Promise<SuiteVersion | null>;
  list(organisationId: string, filter: { projectId?: string }, page?: PageRequest): Promise<Page<Suite>>;
  /** Newest first. */
  listVersions(organisationId: string, suiteId: string, page?: PageRequest): Promise<Page<SuiteVersion>>;
  rename(organisationId: string, suiteId: string, name: string): Promise<Suite | null>;
  /** Deletes the suite, its versions, schedules and runs. */
  delete(organisationId: string, suiteId: string): Promise<boolean>;
}
