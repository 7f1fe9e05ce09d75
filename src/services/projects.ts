/** Projects: the folders of an organisation that hold suites, environments and schedules. */
import { NotFoundError, UnprocessableError } from '../platform/errors.ts';
import type { Page, PageRequest } from '../ports/pagination.ts';
import type { Project } from '../ports/project-store.ts';
import type { Stores, TransactionRunner } from '../ports/stores.ts';
import { type Caller, recordAudit } from './caller.ts';

export const PROJECT_SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export interface ProjectServiceDeps {
  stores: Pick<Stores, 'projects'>;
  transaction: TransactionRunner;
}

export interface ProjectService {
  list(organisationId: string, page?: PageRequest): Promise<Page<Project>>;
  /** Throws NotFoundError when the project is not in the organisation. */
  get(organisationId: string, projectId: string): Promise<Project>;
  /** Without a slug, one is made from the name. Throws ConflictError(`slug_taken`). */
  create(caller: Caller, input: { name: string; slug?: string; description?: string }): Promise<Project>;
  update(
    caller: Caller,
    projectId: string,
    patch: { name?: string; slug?: string; description?: string },
  ): Promise<Project>;
  /** Deletes the project with its suites, environments, schedules and runs. */
  delete(caller: Caller, projectId: string): Promise<void>;
}

export function createProjectService({ stores, transaction }: ProjectServiceDeps): ProjectService {
  return {
    list: (organisationId, page) => stores.projects.list(organisationId, page),

    async get(organisationId, projectId) {
      const project = await stores.projects.get(organisationId, projectId);
      if (!project) throw new NotFoundError('project');
      return project;
    },

    create(caller, input) {
      const slug = input.slug ?? slugFromName(input.name);
      return transaction(async (tx) => {
        const project = await tx.projects.create({
          organisationId: caller.organisationId,
          name: input.name,
          slug,
          ...(input.description === undefined ? {} : { description: input.description }),
        });
        await recordAudit(tx.audit, caller, {
          action: 'project.created',
          target: { type: 'project', id: project.id },
          data: { name: project.name, slug: project.slug },
        });
        return project;
      });
    },

    update(caller, projectId, patch) {
      return transaction(async (tx) => {
        const project = await tx.projects.update(caller.organisationId, projectId, patch);
        if (!project) throw new NotFoundError('project');
        await recordAudit(tx.audit, caller, {
          action: 'project.updated',
          target: { type: 'project', id: project.id },
          data: { changed: Object.keys(patch) },
        });
        return project;
      });
    },

    delete(caller, projectId) {
      return transaction(async (tx) => {
        const project = await tx.projects.get(caller.organisationId, projectId);
        if (!project || !(await tx.projects.delete(caller.organisationId, projectId))) {
          throw new NotFoundError('project');
        }
        await recordAudit(tx.audit, caller, {
          action: 'project.deleted',
          target: { type: 'project', id: projectId },
          data: { name: project.name, slug: project.slug },
        });
      });
    },
  };
}

/** `Payments API (v2)` → `payments-api-v2`; a name with no letters or digits needs an explicit slug. */
export function slugFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  if (!PROJECT_SLUG.test(slug)) {
    throw new UnprocessableError(
      [{ path: 'body.slug', message: 'cannot be made from this name: give a slug', code: 'required' }],
      { code: 'invalid_project' },
    );
  }
  return slug;
}
