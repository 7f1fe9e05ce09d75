/** API keys of the organisation: create (the key is shown once), list, read, revoke. */
import { z } from 'zod';
import type { ApiKey } from '../../ports/api-key-store.ts';
import { SCOPES } from '../../services/access.ts';
import { createApiKey, getApiKey, listApiKeys, revokeApiKey } from '../../services/api-keys.ts';
import { pageOf, pageQuery, pageRequest, toPageResponse } from '../pagination.ts';
import { defineRoute, defineRoutes } from '../route.ts';
import { id, idParams, iso, timestamp } from '../schemas.ts';

const scope = z.enum(SCOPES);

const apiKeySchema = z.object({
  id,
  name: z.string(),
  prefix: z.string().describe('The public start of the key (`assay_<id>`), to recognise it.'),
  scopes: z.array(scope),
  created_at: timestamp,
  created_by: id.nullable(),
  expires_at: timestamp.nullable(),
  last_used_at: timestamp.nullable(),
  last_used_ip: z.string().nullable(),
  revoked_at: timestamp.nullable(),
});

function apiKeyView(k: ApiKey): z.input<typeof apiKeySchema> {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes.filter((s): s is (typeof SCOPES)[number] => (SCOPES as readonly string[]).includes(s)),
    created_at: iso(k.createdAt),
    created_by: k.createdBy,
    expires_at: iso(k.expiresAt),
    last_used_at: iso(k.lastUsedAt),
    last_used_ip: k.lastUsedIp,
    revoked_at: iso(k.revokedAt),
  };
}

export const apiKeyRoutes = defineRoutes(
  'API keys',
  [
    defineRoute({
      method: 'get',
      path: '/api-keys',
      summary: 'List API keys',
      auth: 'any',
      role: 'admin',
      scope: 'admin',
      query: pageQuery(),
      response: pageOf(apiKeySchema),
      handler: async ({ query, audit, container }) =>
        toPageResponse(
          await listApiKeys({ apiKeys: container.stores.apiKeys }, audit.organisationId, pageRequest(query)),
          apiKeyView,
        ),
    }),
    defineRoute({
      method: 'post',
      path: '/api-keys',
      summary: 'Create an API key',
      description:
        'The response carries the key in `key`, the only time it is shown; only its hash is stored. Scopes: `runs:read`, `runs:write`, `suites:read`, `suites:write`, `admin` (everything); a write scope includes its read scope.',
      auth: 'any',
      role: 'admin',
      scope: 'admin',
      status: 201,
      body: z.strictObject({
        name: z.string().trim().min(1).max(200),
        scopes: z
          .array(scope)
          .min(1)
          .refine((list) => new Set(list).size === list.length, { message: 'lists a scope twice' }),
        expires_at: timestamp
          .optional()
          .refine((value) => value === undefined || Date.parse(value) > Date.now(), {
            message: 'must be in the future',
          }),
      }),
      response: apiKeySchema.extend({
        key: z.string().describe('The API key. Store it now: it is never shown again.'),
      }),
      handler: async ({ body, audit, container }) => {
        const { apiKey, key } = await createApiKey(
          { apiKeys: container.stores.apiKeys, audit: container.stores.audit },
          audit,
          {
            name: body.name,
            scopes: body.scopes,
            expiresAt: body.expires_at ? new Date(body.expires_at) : null,
          },
        );
        return { ...apiKeyView(apiKey), key };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api-keys/:apiKeyId',
      summary: 'Read an API key (never the key itself)',
      auth: 'any',
      role: 'admin',
      scope: 'admin',
      params: idParams('apiKeyId'),
      response: apiKeySchema,
      handler: async ({ params, audit, container }) =>
        apiKeyView(
          await getApiKey({ apiKeys: container.stores.apiKeys }, audit.organisationId, params.apiKeyId),
        ),
    }),
    defineRoute({
      method: 'delete',
      path: '/api-keys/:apiKeyId',
      summary: 'Revoke an API key',
      description: 'Effective on the next request made with it. Revoking a revoked key changes nothing.',
      auth: 'any',
      role: 'admin',
      scope: 'admin',
      params: idParams('apiKeyId'),
      handler: async ({ params, audit, container }) => {
        await revokeApiKey(
          { apiKeys: container.stores.apiKeys, audit: container.stores.audit, clock: container.clock },
          audit,
          params.apiKeyId,
        );
        return undefined;
      },
    }),
  ],
  'Machine credentials: `Authorization: Bearer assay_…`.',
);
