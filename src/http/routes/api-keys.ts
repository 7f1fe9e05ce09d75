/** API keys of the organisation: create (the key is shown once), list, read, change, rotate, revoke. */
import { z } from 'zod';
import type { Container } from '../../container.ts';
import type { ApiKey } from '../../ports/api-key-store.ts';
import { SCOPES } from '../../services/access.ts';
import {
  createApiKey,
  getApiKey,
  listApiKeys,
  MAX_ROTATION_OVERLAP_SECONDS,
  revokeApiKey,
  rotateApiKey,
  updateApiKey,
} from '../../services/api-keys.ts';
import { MAX_ALLOWLIST_ENTRIES, parseAllowlist } from '../../services/ip-allowlist.ts';
import { createSecretCipher } from '../../services/secrets-crypto.ts';
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
  ip_allowlist: z
    .array(z.string())
    .describe('CIDR ranges the key may be used from (and the organisation’s list); empty: any address.'),
  signed_requests: z.boolean().describe('Requests made with the key must carry a valid Assay-Signature.'),
});

const ipAllowlistInput = z
  .array(z.string().max(64))
  .max(MAX_ALLOWLIST_ENTRIES)
  .describe('IPv4 or IPv6 addresses and CIDR ranges, e.g. `203.0.113.0/24`, `2001:db8::/32`.');

const createdSchema = apiKeySchema.extend({
  key: z.string().describe('The API key. Store it now: it is never shown again.'),
  signing_secret: z
    .string()
    .nullable()
    .describe('With `require_signed_requests`: the secret that signs requests. Shown once.'),
});

function deps(container: Container) {
  return {
    apiKeys: container.stores.apiKeys,
    audit: container.stores.audit,
    clock: container.clock,
    cipher: createSecretCipher({ key: container.secretKey }),
  };
}

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
    ip_allowlist: k.ipAllowlist,
    signed_requests: k.signingSecret !== null,
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
        ip_allowlist: ipAllowlistInput.optional(),
        require_signed_requests: z
          .boolean()
          .optional()
          .describe('Refuse requests made with this key unless they carry a valid Assay-Signature.'),
      }),
      response: createdSchema,
      handler: async ({ body, audit, container }) => {
        const { apiKey, key, signingSecret } = await createApiKey(deps(container), audit, {
          name: body.name,
          scopes: body.scopes,
          expiresAt: body.expires_at ? new Date(body.expires_at) : null,
          ipAllowlist: body.ip_allowlist ? parseAllowlist(body.ip_allowlist, 'body.ip_allowlist') : [],
          requireSigning: body.require_signed_requests ?? false,
        });
        return { ...apiKeyView(apiKey), key, signing_secret: signingSecret };
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
      method: 'patch',
      path: '/api-keys/:apiKeyId',
      summary: 'Rename an API key or replace its IP allowlist',
      auth: 'any',
      role: 'admin',
      scope: 'admin',
      params: idParams('apiKeyId'),
      body: z
        .strictObject({
          name: z.string().trim().min(1).max(200).optional(),
          ip_allowlist: ipAllowlistInput.optional(),
        })
        .refine((body) => body.name !== undefined || body.ip_allowlist !== undefined, {
          message: 'name or ip_allowlist is required',
        }),
      response: apiKeySchema,
      handler: async ({ params, body, audit, container }) =>
        apiKeyView(
          await updateApiKey(deps(container), audit, params.apiKeyId, {
            name: body.name,
            ipAllowlist: body.ip_allowlist
              ? parseAllowlist(body.ip_allowlist, 'body.ip_allowlist')
              : undefined,
          }),
        ),
    }),
    defineRoute({
      method: 'post',
      path: '/api-keys/:apiKeyId/rotate',
      summary: 'Rotate an API key',
      description: `Creates a new key with the same name, scopes, IP allowlist and signing requirement (with a new signing secret), shown once in the response; the old key keeps working until \`overlap\` seconds from now (default 3600, at most ${MAX_ROTATION_OVERLAP_SECONDS}), then expires. Revoke the old key for an immediate end.`,
      auth: 'any',
      role: 'admin',
      scope: 'admin',
      status: 201,
      params: idParams('apiKeyId'),
      body: z.strictObject({
        overlap: z.number().int().min(0).max(MAX_ROTATION_OVERLAP_SECONDS).optional(),
      }),
      response: createdSchema.extend({ previous: apiKeySchema }),
      handler: async ({ params, body, audit, container }) => {
        const { apiKey, key, signingSecret, previous } = await rotateApiKey(
          deps(container),
          audit,
          params.apiKeyId,
          { overlapSeconds: body.overlap ?? 3600 },
        );
        return { ...apiKeyView(apiKey), key, signing_secret: signingSecret, previous: apiKeyView(previous) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api-keys/:apiKeyId',
      summary: 'Revoke an API key',
      description:
        'Effective on the next request made with it, on every API process. Revoking a revoked key changes nothing.',
      auth: 'any',
      role: 'admin',
      scope: 'admin',
      params: idParams('apiKeyId'),
      handler: async ({ params, audit, container }) => {
        await revokeApiKey(deps(container), audit, params.apiKeyId);
        return undefined;
      },
    }),
  ],
  'Machine credentials: `Authorization: Bearer assay_…`.',
);
