/**
 * The organisation's IP allowlist: CIDR ranges every request acting in the organisation must come
 * from (people and API keys; a key's own list applies on top). Read by admins, replaced by admins;
 * changes are audited. See `services/ip-allowlist.ts`.
 */
import { z } from 'zod';
import {
  getOrganisationAllowlist,
  MAX_ALLOWLIST_ENTRIES,
  setOrganisationAllowlist,
} from '../../services/ip-allowlist.ts';
import { defineRoute, defineRoutes } from '../route.ts';

const allowlistSchema = z.object({
  ranges: z.array(z.string()).describe('Canonical CIDR ranges; empty: every address is allowed.'),
});

export const ipAllowlistRoutes = defineRoutes('Organisations', [
  defineRoute({
    method: 'get',
    path: '/organisations/current/ip-allowlist',
    summary: "The organisation's IP allowlist",
    auth: 'any',
    role: 'admin',
    scope: 'admin',
    response: allowlistSchema,
    handler: async ({ audit, container }) => ({
      ranges: await getOrganisationAllowlist(
        { organisations: container.stores.organisations },
        audit.organisationId,
      ),
    }),
  }),
  defineRoute({
    method: 'put',
    path: '/organisations/current/ip-allowlist',
    summary: "Replace the organisation's IP allowlist",
    description:
      'IPv4 and IPv6 addresses and CIDR ranges (`203.0.113.0/24`, `2001:db8::/32`), strictly written: no bits beyond the prefix, no leading zeros. An empty list allows every address. A list that does not include your own address is refused (422 `allowlist_excludes_caller`) so that you cannot lock yourself out. Requests from other addresses are answered 403 `ip_not_allowed` and audited as `access.denied`.',
    auth: 'any',
    role: 'admin',
    scope: 'admin',
    body: z.strictObject({ ranges: z.array(z.string().max(64)).max(MAX_ALLOWLIST_ENTRIES) }),
    response: allowlistSchema,
    handler: async ({ body, audit, container }) => ({
      ranges: await setOrganisationAllowlist(
        {
          organisations: container.stores.organisations,
          audit: container.stores.audit,
          cache: container.cache,
        },
        audit,
        body.ranges,
      ),
    }),
  }),
]);
