/**
 * The request guard: what every authenticated route gets on top of authentication (`../auth.ts`).
 *
 * For an API key, before its scope is looked at (`verifyApiKey`, called by authentication on a live
 * key): the key's IP allowlist, the organisation's IP allowlist, and — for keys that require it — the
 * request signature with its one-time nonce. A refused request is audited (`denials.ts`) and does not
 * count as the key's last use.
 *
 * Around authentication (`wrap`): the organisation's IP allowlist for people too; the per-address
 * limit for public routes and refused credentials; the per-key or per-person limit otherwise; the
 * caps of the routes they concern (`caps.ts`); and an audit entry when a key is refused for its scope.
 * Nothing here branches on the mode: limits, nonces and the cache are ports.
 */
import type { Request, Response } from 'express';
import type { Container } from '../../container.ts';
import { ForbiddenError } from '../../platform/errors.ts';
import type { ApiKey } from '../../ports/api-key-store.ts';
import type { Actor, Principal } from '../../services/access.ts';
import { allowlistPermits, loadOrganisationAllowlist } from '../../services/ip-allowlist.ts';
import { createSecretCipher } from '../../services/secrets-crypto.ts';
import {
  NONCE_TTL_MS,
  nonceKey,
  openSigningSecret,
  SIGNATURE_TOLERANCE_SECONDS,
  type SignatureVerdict,
  verifySignature,
} from '../../services/signing.ts';
import { isSafeMethod } from '../csrf.ts';
import { HttpError } from '../errors.ts';
import type { Authenticate, RouteAccess, RouteDefinition } from '../route.ts';
import { checkRunsInFlight, holdStreamSlot, RUN_EVENTS_ROUTE, RUN_TRIGGER_ROUTE } from './caps.ts';
import { clientIp } from './client-ip.ts';
import { createDenialRecorder } from './denials.ts';
import { createRateLimiter } from './rate-limit.ts';
import { rawBodyOf } from './raw-body.ts';

export interface SecurityGuard {
  verifyApiKey(req: Request, apiKey: ApiKey): Promise<void>;
  wrap(authenticate: Authenticate): Authenticate;
}

const SIGNATURE_MESSAGES: Record<Exclude<SignatureVerdict, { ok: true }>['reason'], string> = {
  missing: 'this API key requires signed requests: send an Assay-Signature header (see docs/security.md)',
  malformed: 'the Assay-Signature header is malformed: expected t=<unix seconds>,v1=<64 hex digits>',
  expired: `the signature's timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS} s away from the server's clock`,
  mismatch: 'the signature does not match the request (method, path and query, and body bytes are signed)',
};

/** `POST /suites/:suiteId/runs`: authentication is handed the route definition as its access. */
function routeName(access: RouteAccess): string | undefined {
  const route = access as Partial<RouteDefinition>;
  return route.method && route.path ? `${route.method.toUpperCase()} ${route.path}` : undefined;
}

export function createSecurityGuard(container: Container): SecurityGuard {
  const { config, stores, clock } = container;
  const cipher = createSecretCipher({ key: container.secretKey });
  const recordDenial = createDenialRecorder({
    audit: stores.audit,
    nonces: container.nonces,
    logger: container.logger,
  });
  const limiter = createRateLimiter({ store: container.rateLimits, logger: container.logger });
  const verifiedKeys = new WeakMap<Request, ApiKey>();

  async function checkAddress(req: Request, organisationId: string, actor: Actor, own: readonly string[]) {
    const ip = clientIp(req);
    const organisationList = await loadOrganisationAllowlist(
      { organisations: stores.organisations, cache: container.cache },
      organisationId,
    );
    const which = !allowlistPermits(own, ip)
      ? 'API key'
      : !allowlistPermits(organisationList, ip)
        ? 'organisation'
        : null;
    if (!which) return;
    const detail = `the ${which}'s IP allowlist does not include ${ip ?? 'this address'}`;
    await recordDenial(req, { organisationId, actor, reason: 'ip_allowlist', detail });
    throw new HttpError(403, 'ip_not_allowed', detail);
  }

  async function checkSignature(req: Request, apiKey: ApiKey): Promise<void> {
    if (!apiKey.signingSecret) return;
    const actor: Actor = { type: 'api_key', id: apiKey.id };
    const deny = async (code: string, detail: string): Promise<never> => {
      await recordDenial(req, { organisationId: apiKey.organisationId, actor, reason: 'signature', detail });
      throw new HttpError(401, code, detail);
    };
    const secret = openSigningSecret(
      cipher,
      { organisationId: apiKey.organisationId, keyPrefix: apiKey.prefix },
      apiKey.signingSecret,
    );
    const verdict = verifySignature({
      secret,
      header: req.get('assay-signature'),
      request: { method: req.method, path: req.originalUrl, body: rawBodyOf(req) },
      nowSeconds: Math.floor(clock.now().getTime() / 1000),
    });
    if (!verdict.ok) return deny('signature_invalid', SIGNATURE_MESSAGES[verdict.reason]);
    // Throws (503) when the store cannot answer: an unchecked nonce is never accepted.
    const first = await container.nonces.setIfAbsent(nonceKey(apiKey.id, verdict.signature), NONCE_TTL_MS);
    if (!first) return deny('signature_replayed', 'this signature was already used; sign every request anew');
  }

  function principalLimit(req: Request, principal: Principal) {
    return {
      policy: 'principal',
      key: principal.kind === 'user' ? `rl:user:${principal.userId}` : `rl:key:${principal.apiKeyId}`,
      limit: config.security.rateLimit.perPrincipal,
      failClosed: !isSafeMethod(req.method),
    };
  }

  function anonymousLimit(req: Request) {
    return {
      policy: 'anonymous',
      key: `rl:ip:${clientIp(req) ?? 'unknown'}`,
      limit: config.security.rateLimit.anonymous,
      failClosed: !isSafeMethod(req.method),
    };
  }

  return {
    async verifyApiKey(req, apiKey) {
      await checkAddress(req, apiKey.organisationId, { type: 'api_key', id: apiKey.id }, apiKey.ipAllowlist);
      await checkSignature(req, apiKey);
      verifiedKeys.set(req, apiKey);
    },

    wrap(authenticate) {
      return async (req: Request, res: Response, access: RouteAccess) => {
        if (access.auth === 'public') {
          await limiter.consume(res, anonymousLimit(req));
          return authenticate(req, res, access);
        }
        let principal: Principal | null;
        try {
          principal = await authenticate(req, res, access);
        } catch (error) {
          // A verified key refused afterwards was refused for its scope (or used on a people-only route).
          const key = verifiedKeys.get(req);
          if (key && error instanceof ForbiddenError) {
            await recordDenial(req, {
              organisationId: key.organisationId,
              actor: { type: 'api_key', id: key.id },
              reason: access.auth === 'session' ? 'session_only' : 'scope',
              detail: error.message,
            });
          }
          if ((error as { status?: unknown }).status === 401) await limiter.consume(res, anonymousLimit(req));
          throw error;
        }
        if (!principal) return principal;
        if (principal.kind === 'user') {
          await checkAddress(req, principal.organisationId, { type: 'user', id: principal.userId }, []);
        }
        await limiter.consume(res, principalLimit(req, principal));
        const route = routeName(access);
        if (route === RUN_TRIGGER_ROUTE) await checkRunsInFlight(container, res, principal);
        if (route === RUN_EVENTS_ROUTE) await holdStreamSlot(container, res, principal);
        return principal;
      };
    },
  };
}
