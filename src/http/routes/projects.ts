/** Projects of the caller's organisation: the folders that hold suites, environments and schedules. */
import { z } from 'zod';
import type { Container } from '../../container.ts';
import type { Project } from '../../ports/project-store.ts';
import { createProjectService, PROJECT_SLUG } from '../../services/projects.ts';
import { pageOf, pageQuery, pageRequest, toPageResponse } from '../pagination.ts';
import { defineRoute, defineRoutes, reply } from '../route.ts';
import { id, idParams, iso, timestamp } from '../schemas.ts';

const projectSchema = z.object({
  id,
  name: z.string(),
  slug: z.string(),
  description: z.string(),
  created_at: timestamp,
  updated_at: timestamp,
});

function projectView(p: Project): z.input<typeof projectSchema> {
  return {
    id: p.id,
    name: p.name,
    slug: p.slug,
    description: p.description,
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
  };
}

const name = z.string().trim().min(1).max(200);
const slug = z
  .string()
  .regex(PROJECT_SLUG, 'lower-case letters, digits and inner hyphens, at most 64 characters')
  .describe('Unique in the organisation; made from the name when absent.');
const description = z.string().max(2000);

function projects(container: Container) {
  return createProjectService({ stores: container.stores, transaction: container.transaction });
}

export const projectRoutes = defineRoutes(
  'Projects',
  [
    defineRoute({
      method: 'get',
      path: '/projects',
      summary: 'List projects',
      description: 'Newest first.',
      auth: 'any',
      role: 'viewer',
      scope: 'suites:read',
      query: pageQuery(),
      response: pageOf(projectSchema),
      handler: async ({ query, audit, container }) =>
        toPageResponse(await projects(container).list(audit.organisationId, pageRequest(query)), projectView),
    }),
    defineRoute({
      method: 'post',
      path: '/projects',
      summary: 'Create a project',
      description: 'A slug used by another project of the organisation is a 409 `slug_taken`.',
      auth: 'any',
      role: 'member',
      scope: 'suites:write',
      status: 201,
      body: z.strictObject({ name, slug: slug.optional(), description: description.optional() }),
      response: projectSchema,
      handler: async ({ body, audit, container }) => {
        const project = await projects(container).create(audit, body);
        return reply(201, projectView(project), { Location: `/api/v1/projects/${project.id}` });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/projects/:projectId',
      summary: 'Read a project',
      auth: 'any',
      role: 'viewer',
      scope: 'suites:read',
      params: idParams('projectId'),
      response: projectSchema,
      handler: async ({ params, audit, container }) =>
        projectView(await projects(container).get(audit.organisationId, params.projectId)),
    }),
    defineRoute({
      method: 'patch',
      path: '/projects/:projectId',
      summary: 'Change a project',
      auth: 'any',
      role: 'member',
      scope: 'suites:write',
      params: idParams('projectId'),
      body: z.strictObject({
        name: name.optional(),
        slug: slug.optional(),
        description: description.optional(),
      }),
      response: projectSchema,
      handler: async ({ params, body, audit, container }) =>
        projectView(await projects(container).update(audit, params.projectId, body)),
    }),
    defineRoute({
      method: 'delete',
      path: '/projects/:projectId',
      summary: 'Delete a project',
      description: 'Deletes its suites, versions, environments, secrets, schedules and runs. Admins only.',
      auth: 'any',
      role: 'admin',
      scope: 'admin',
      params: idParams('projectId'),
      handler: async ({ params, audit, container }) => {
        await projects(container).delete(audit, params.projectId);
        return undefined;
      },
    }),
  ],
  'Projects group the suites, environments and schedules of an organisation.',
);
