/**
 * Suites: saved from their source text (YAML or JSON, or a Postman collection; kept exactly as
 * written), validated by the engine on every save, versioned. Errors in a source come back as a 422 `suite_invalid` whose
 * `suite_errors` locate each one (line, column, path, message, suggestion).
 */
import { z } from 'zod';
import type { Container } from '../../container.ts';
import type { Suite, SuiteVersion } from '../../ports/suite-store.ts';
import { createSuiteService } from '../../services/suites.ts';
import { pageOf, pageQuery, pageRequest, toPageResponse } from '../pagination.ts';
import { defineRoute, defineRoutes, reply } from '../route.ts';
import { id, idParams, iso, timestamp } from '../schemas.ts';

const format = z.enum(['yaml', 'json', 'postman']);

const suiteSchema = z.object({
  id,
  project_id: id,
  name: z.string(),
  latest_version: z.number().int(),
  created_at: timestamp,
  updated_at: timestamp,
});

const versionSummarySchema = z.object({
  version: z.number().int(),
  format,
  size_bytes: z.number().int().describe('UTF-8 size of the source.'),
  created_by: id.nullable().describe('The person who saved it; null for an API key.'),
  created_at: timestamp,
});

const versionSchema = versionSummarySchema.extend({
  source: z.string().describe('The document exactly as it was saved.'),
});

const suiteWithVersionSchema = suiteSchema.extend({ version: versionSchema });

function suiteView(s: Suite): z.input<typeof suiteSchema> {
  return {
    id: s.id,
    project_id: s.projectId,
    name: s.name,
    latest_version: s.latestVersion,
    created_at: iso(s.createdAt),
    updated_at: iso(s.updatedAt),
  };
}

function versionSummaryView(v: SuiteVersion): z.input<typeof versionSummarySchema> {
  return {
    version: v.version,
    format: v.format,
    size_bytes: Buffer.byteLength(v.source, 'utf8'),
    created_by: v.createdBy,
    created_at: iso(v.createdAt),
  };
}

function versionView(v: SuiteVersion): z.input<typeof versionSchema> {
  return { ...versionSummaryView(v), source: v.source };
}

function suiteWithVersionView({ suite, version }: { suite: Suite; version: SuiteVersion }) {
  return { ...suiteView(suite), version: versionView(version) };
}

const name = z.string().trim().min(1).max(200);
const sourceFields = {
  source: z
    .string()
    .min(1)
    .describe(
      'The suite document, YAML or JSON (suite format version 1), or a Postman collection export (v2.0 or v2.1, also wrapped as `{ "collection": … }`).',
    ),
  format: format
    .optional()
    .describe(
      'Detected when absent: a JSON document whose `info.schema` names a Postman collection schema is `postman`, another document starting with `{` is JSON, anything else YAML.',
    ),
};

function suites(container: Container) {
  return createSuiteService({
    stores: container.stores,
    transaction: container.transaction,
    limits: container.config.suites,
  });
}

const validationNote =
  'The source is validated like `assay validate` does: a 422 `suite_invalid` lists every error in `suite_errors` (line, column, path, message, and `suggestion` when there is a likely intended word). A source over `ASSAY_SUITE_MAX_BYTES` is a 422 `suite_too_large`; more steps than `ASSAY_SUITE_MAX_STEPS` a 422 `suite_too_many_steps`. A Postman collection is checked like `assay run collection.json` does (its requests count as steps); its name defaults to `info.name`.';

export const suiteRoutes = defineRoutes(
  'Suites',
  [
    defineRoute({
      method: 'get',
      path: '/projects/:projectId/suites',
      summary: "List a project's suites",
      auth: 'any',
      role: 'viewer',
      scope: 'suites:read',
      params: idParams('projectId'),
      query: pageQuery(),
      response: pageOf(suiteSchema),
      handler: async ({ params, query, audit, container }) =>
        toPageResponse(
          await suites(container).list(
            audit.organisationId,
            { projectId: params.projectId },
            pageRequest(query),
          ),
          suiteView,
        ),
    }),
    defineRoute({
      method: 'post',
      path: '/projects/:projectId/suites',
      summary: 'Create a suite from its source',
      description: `Stores version 1. The name defaults to the document's \`name\`; a name used in the project is a 409 \`name_taken\`. ${validationNote}`,
      auth: 'any',
      role: 'member',
      scope: 'suites:write',
      status: 201,
      params: idParams('projectId'),
      body: z.strictObject({ name: name.optional(), ...sourceFields }),
      response: suiteWithVersionSchema,
      handler: async ({ params, body, audit, container }) => {
        const created = await suites(container).create(audit, { projectId: params.projectId, ...body });
        return reply(201, suiteWithVersionView(created), { Location: `/api/v1/suites/${created.suite.id}` });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/suites/:suiteId',
      summary: 'Read a suite with its latest version',
      auth: 'any',
      role: 'viewer',
      scope: 'suites:read',
      params: idParams('suiteId'),
      response: suiteWithVersionSchema,
      handler: async ({ params, audit, container }) =>
        suiteWithVersionView(await suites(container).get(audit.organisationId, params.suiteId)),
    }),
    defineRoute({
      method: 'patch',
      path: '/suites/:suiteId',
      summary: 'Rename a suite',
      description: 'The name of the resource; the source (and its `name`) are changed by saving a version.',
      auth: 'any',
      role: 'member',
      scope: 'suites:write',
      params: idParams('suiteId'),
      body: z.strictObject({ name }),
      response: suiteSchema,
      handler: async ({ params, body, audit, container }) =>
        suiteView(await suites(container).rename(audit, params.suiteId, body.name)),
    }),
    defineRoute({
      method: 'delete',
      path: '/suites/:suiteId',
      summary: 'Delete a suite',
      description: 'Deletes its versions, schedules and runs.',
      auth: 'any',
      role: 'member',
      scope: 'suites:write',
      params: idParams('suiteId'),
      handler: async ({ params, audit, container }) => {
        await suites(container).delete(audit, params.suiteId);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/suites/:suiteId/versions',
      summary: "List a suite's versions",
      description: 'Newest first, without their sources.',
      auth: 'any',
      role: 'viewer',
      scope: 'suites:read',
      params: idParams('suiteId'),
      query: pageQuery(),
      response: pageOf(versionSummarySchema),
      handler: async ({ params, query, audit, container }) =>
        toPageResponse(
          await suites(container).listVersions(audit.organisationId, params.suiteId, pageRequest(query)),
          versionSummaryView,
        ),
    }),
    defineRoute({
      method: 'post',
      path: '/suites/:suiteId/versions',
      summary: 'Save a new version of a suite',
      description: `Appends the next version and makes it the latest; runs triggered afterwards execute it, runs already queued keep theirs. ${validationNote}`,
      auth: 'any',
      role: 'member',
      scope: 'suites:write',
      status: 201,
      params: idParams('suiteId'),
      body: z.strictObject(sourceFields),
      response: suiteWithVersionSchema,
      handler: async ({ params, body, audit, container }) => {
        const saved = await suites(container).saveVersion(audit, params.suiteId, body);
        return reply(201, suiteWithVersionView(saved), {
          Location: `/api/v1/suites/${saved.suite.id}/versions/${saved.version.version}`,
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/suites/:suiteId/versions/:version',
      summary: 'Read one version of a suite',
      auth: 'any',
      role: 'viewer',
      scope: 'suites:read',
      params: z.strictObject({ suiteId: id, version: z.coerce.number().int().min(1).max(2_147_483_647) }),
      response: versionSchema,
      handler: async ({ params, audit, container }) =>
        versionView(await suites(container).getVersion(audit.organisationId, params.suiteId, params.version)),
    }),
  ],
  'Suites are saved from their source text and keep every version.',
);
