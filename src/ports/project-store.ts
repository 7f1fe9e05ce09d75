import type { Page, PageRequest } from './pagination.ts';

export interface Project {
  id: string;
  organisationId: string;
  name: string;
  slug: string;
  description: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProjectStore {
  /** Throws ConflictError(`slug_taken`) when the organisation has a project with that slug. */
  create(input: {
    organisationId: string;
    name: string;
    slug: string;
    description?: string;
  }): Promise<Project>;
  get(organisationId: string, projectId: string): Promise<Project | null>;
  list(organisationId: string, page?: PageRequest): Promise<Page<Project>>;
  update(
    organisationId: string,
    projectId: string,
    patch: { name?: string; slug?: string; description?: string },
  ): Promise<Project | null>;
  /** Deletes the project and everything in it (suites, environments, schedules, runs). */
  delete(organisationId: string, projectId: string): Promise<boolean>;
}
