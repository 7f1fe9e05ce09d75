/**
 * Environments of a project: variables, and secrets that can be written and deleted through the API but
 * never read back (lists give names and update times). Values are encrypted before they are stored.
 */
import { z } from 'zod';
import type { Container } from '../../container.ts';
import type { Environment } from '../../ports/environment-store.ts';
import {
  createEnvironmentService,
  MAX_SECRET_BYTES,
  MAX_SECRETS_PER_ENVIRONMENT,
  SECRET_NAME,
  type SecretInfo,
} from '../../services/environments.ts';
import { importPostmanEnvironment } from '../../services/postman-environments.ts';
import { createSecretCipher, type SecretCipher } from '../../services/secrets-crypto.ts';
import { pageOf, pageQuery, pageRequest, toPageResponse } from '../pagination.ts';
import { defineRoute, defineRoutes, reply } from '../route.ts';
import { id, idParams, iso, timestamp } from '../schemas.ts';

/** The names `{{ name }}` can use at the top level. */
const VARIABLE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const MAX_VARIABLES = 500;

const secretInfoSchema = z.object({ name: z.string(), updated_at: timestamp });

const environmentSchema = z.object({
  id,
  project_id: id,
  name: z.string(),
  variables: z.record(z.string(), z.unknown()),
  created_at: timestamp,
  updated_at: timestamp,
});

const environmentWithSecretsSchema = environmentSchema.extend({
  secrets: z.array(secretInfoSchema).describe('Names and update times only: values are write-only.'),
});

function environmentView(e: Environment): z.input<typeof environmentSchema> {
  return {
    id: e.id,
    project_id: e.projectId,
    name: e.name,
    variables: e.variables,
    created_at: iso(e.createdAt),
    updated_at: iso(e.updatedAt),
  };
}

function secretInfoView(s: SecretInfo): z.input<typeof secretInfoSchema> {
  return { name: s.name, updated_at: iso(s.updatedAt) };
}

const name = z.string().trim().min(1).max(200);
const variables = z
  .record(
    z.string().regex(VARIABLE_NAME, 'a variable name is 1 to 128 letters, digits, underscores or hyphens'),
    z.unknown(),
  )
  .refine((value) => Object.keys(value).length <= MAX_VARIABLES, {
    message: `at most ${MAX_VARIABLES} variables`,
  })
  .describe('Values for `{{ name }}` in suites, over the suite defaults; any JSON value.');
const secretValue = z.string().refine((value) => Buffer.byteLength(value, 'utf8') <= MAX_SECRET_BYTES, {
  message: `is longer than ${MAX_SECRET_BYTES} bytes`,
});
const secrets = z
  .record(
    z.string().regex(SECRET_NAME, 'a secret name is 1 to 128 letters, digits, underscores or hyphens'),
    secretValue,
  )
  .refine((value) => Object.keys(value).length <= MAX_SECRETS_PER_ENVIRONMENT, {
    message: `at most ${MAX_SECRETS_PER_ENVIRONMENT} secrets`,
  })
  .describe('Values for `{{ secrets.NAME }}`; write-only.');

const ciphers = new WeakMap<Buffer, SecretCipher>();

function environments(container: Container) {
  let cipher = ciphers.get(container.secretKey);
  if (!cipher) {
    cipher = createSecretCipher({ key: container.secretKey });
    ciphers.set(container.secretKey, cipher);
  }
  return createEnvironmentService({ stores: container.stores, transaction: container.transaction, cipher });
}

const secretParams = z.strictObject({ environmentId: id, name: z.string().max(256) });

export const environmentRoutes = defineRoutes(
  'Environments',
  [
    defineRoute({
      method: 'get',
      path: '/projects/:projectId/environments',
      summary: "List a project's environments",
      auth: 'any',
      role: 'viewer',
      scope: 'suites:read',
      params: idParams('projectId'),
      query: pageQuery(),
      response: pageOf(environmentSchema),
      handler: async ({ params, query, audit, container }) =>
        toPageResponse(
          await environments(container).list(
            audit.organisationId,
            { projectId: params.projectId },
            pageRequest(query),
          ),
          environmentView,
        ),
    }),
    defineRoute({
      method: 'post',
      path: '/projects/:projectId/environments',
      summary: 'Create an environment',
      description: 'A name used in the project is a 409 `name_taken`.',
      auth: 'any',
      role: 'member',
      scope: 'suites:write',
      status: 201,
      params: idParams('projectId'),
      body: z.strictObject({ name, variables: variables.optional(), secrets: secrets.optional() }),
      response: environmentWithSecretsSchema,
      handler: async ({ params, body, audit, container }) => {
        const service = environments(container);
        const environment = await service.create(audit, { projectId: params.projectId, ...body });
        const names = await service.listSecrets(audit.organisationId, environment.id);
        return reply(
          201,
          { ...environmentView(environment), secrets: names.map(secretInfoView) },
          { Location: `/api/v1/environments/${environment.id}` },
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/projects/:projectId/environments/import',
      summary: 'Import a Postman environment',
      description:
        'From the text of a Postman environment export (`{ name, values: [{ key, value, type, enabled }] }`): enabled values become variables, values of `type: "secret"` become secrets (encrypted, write-only), disabled values are left out. The name defaults to the export\'s `name`; a name used in the project is a 409 `name_taken`. An export that does not read, or a key that is not 1 to 128 letters, digits, underscores or hyphens, is a 422 `environment_invalid` listing every problem (with line and column).',
      auth: 'any',
      role: 'member',
      scope: 'suites:write',
      status: 201,
      params: idParams('projectId'),
      body: z.strictObject({
        name: name.optional(),
        source: z.string().min(1).describe('The export file as Postman wrote it (JSON text).'),
      }),
      response: environmentWithSecretsSchema,
      handler: async ({ params, body, audit, container }) => {
        const service = environments(container);
        const environment = await importPostmanEnvironment(service, audit, {
          projectId: params.projectId,
          ...body,
        });
        const names = await service.listSecrets(audit.organisationId, environment.id);
        return reply(
          201,
          { ...environmentView(environment), secrets: names.map(secretInfoView) },
          { Location: `/api/v1/environments/${environment.id}` },
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/environments/:environmentId',
      summary: 'Read an environment',
      description: 'Variables with their values; secrets by name only.',
      auth: 'any',
      role: 'viewer',
      scope: 'suites:read',
      params: idParams('environmentId'),
      response: environmentWithSecretsSchema,
      handler: async ({ params, audit, container }) => {
        const service = environments(container);
        const environment = await service.get(audit.organisationId, params.environmentId);
        const names = await service.listSecrets(audit.organisationId, environment.id);
        return { ...environmentView(environment), secrets: names.map(secretInfoView) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/environments/:environmentId',
      summary: 'Rename an environment or replace its variables',
      description: '`variables` replaces the whole object. Secrets are changed one by one under `/secrets`.',
      auth: 'any',
      role: 'member',
      scope: 'suites:write',
      params: idParams('environmentId'),
      body: z.strictObject({ name: name.optional(), variables: variables.optional() }),
      response: environmentSchema,
      handler: async ({ params, body, audit, container }) =>
        environmentView(await environments(container).update(audit, params.environmentId, body)),
    }),
    defineRoute({
      method: 'delete',
      path: '/environments/:environmentId',
      summary: 'Delete an environment',
      description: 'Its secrets go with it; schedules that used it run without an environment.',
      auth: 'any',
      role: 'member',
      scope: 'suites:write',
      params: idParams('environmentId'),
      handler: async ({ params, audit, container }) => {
        await environments(container).delete(audit, params.environmentId);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/environments/:environmentId/secrets',
      summary: "List an environment's secrets",
      description: 'Names and update times; a value is never returned.',
      auth: 'any',
      role: 'viewer',
      scope: 'suites:read',
      params: idParams('environmentId'),
      response: z.object({ items: z.array(secretInfoSchema) }),
      handler: async ({ params, audit, container }) => ({
        items: (await environments(container).listSecrets(audit.organisationId, params.environmentId)).map(
          secretInfoView,
        ),
      }),
    }),
    defineRoute({
      method: 'put',
      path: '/environments/:environmentId/secrets/:name',
      summary: 'Set a secret',
      description: `Creates (201) or replaces (200) the secret. Names are 1 to 128 letters, digits, underscores or hyphens; values at most ${MAX_SECRET_BYTES} bytes; an environment holds at most ${MAX_SECRETS_PER_ENVIRONMENT} secrets (422 \`too_many_secrets\`). The value is encrypted (AES-256-GCM) before it is stored and never returned.`,
      auth: 'any',
      role: 'member',
      scope: 'suites:write',
      params: secretParams,
      body: z.strictObject({ value: secretValue }),
      response: secretInfoSchema,
      handler: async ({ params, body, audit, container }) => {
        const service = environments(container);
        const { created } = await service.putSecret(audit, params.environmentId, params.name, body.value);
        const info = (await service.listSecrets(audit.organisationId, params.environmentId)).find(
          (secret) => secret.name === params.name,
        );
        // Deleted by someone else between the two statements: report what was done.
        const view = info
          ? secretInfoView(info)
          : { name: params.name, updated_at: iso(container.clock.now()) };
        return reply(created ? 201 : 200, view);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/environments/:environmentId/secrets/:name',
      summary: 'Delete a secret',
      auth: 'any',
      role: 'member',
      scope: 'suites:write',
      params: secretParams,
      handler: async ({ params, audit, container }) => {
        await environments(container).deleteSecret(audit, params.environmentId, params.name);
        return undefined;
      },
    }),
  ],
  'Variables and write-only secrets per project, chosen when a run starts.',
);
