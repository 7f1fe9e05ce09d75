/**
 * API keys: machines authenticate with them (`Authorization: Bearer assay_…`). The key is shown once,
 * at creation; only its hash is stored. Creation and revocation are audited; revocation takes effect on
 * the next request, because every request looks the key up.
 */

import type { Clock } from '../platform/clock.ts';
import { NotFoundError, UnauthorizedError } from '../platform/errors.ts';
import type { ApiKey, ApiKeyStore } from '../ports/api-key-store.ts';
import type { AuditLog } from '../ports/audit-log.ts';
import type { Page, PageRequest } from '../ports/pagination.ts';
import type { ApiKeyPrincipal, AuditContext, Scope } from './access.ts';
import { SCOPES } from './access.ts';
import { generateApiKey, hashApiKey, hashesEqual, parseApiKey } from './api-key-format.ts';

/** Recording every use would be a write per request; the last use to the minute is what people need. */
const RECORD_USE_EVERY_MS = 60_000;

export async function createApiKey(
  deps: { apiKeys: ApiKeyStore; audit: AuditLog },
  context: AuditContext,
  input: { name: string; scopes: Scope[]; expiresAt?: Date | null | undefined },
): Promise<{ apiKey: ApiKey; key: string }> {
  const generated = generateApiKey();
  const scopes = SCOPES.filter((scope) => input.scopes.includes(scope));
  const apiKey = await deps.apiKeys.create({
    organisationId: context.organisationId,
    name: input.name,
    prefix: generated.prefix,
    secretHash: generated.hash,
    scopes,
    createdBy: context.actor.type === 'user' ? context.actor.id : null,
    expiresAt: input.expiresAt ?? null,
  });
  await deps.audit.append({
    organisationId: context.organisationId,
    actor: context.actor,
    action: 'api_key.created',
    target: { type: 'api_key', id: apiKey.id },
    data: { name: apiKey.name, prefix: apiKey.prefix, scopes },
    ip: context.ip,
  });
  return { apiKey, key: generated.key };
}

export function listApiKeys(
  deps: { apiKeys: ApiKeyStore },
  organisationId: string,
  page: PageRequest,
): Promise<Page<ApiKey>> {
  return deps.apiKeys.list(organisationId, page);
}

export async function getApiKey(
  deps: { apiKeys: ApiKeyStore },
  organisationId: string,
  apiKeyId: string,
): Promise<ApiKey> {
  const apiKey = await deps.apiKeys.get(organisationId, apiKeyId);
  if (!apiKey) throw new NotFoundError('API key');
  return apiKey;
}

/** Revoking twice is harmless: the second call finds the key already revoked and changes nothing. */
export async function revokeApiKey(
  deps: { apiKeys: ApiKeyStore; audit: AuditLog; clock: Clock },
  context: AuditContext,
  apiKeyId: string,
): Promise<ApiKey> {
  const apiKey = await getApiKey(deps, context.organisationId, apiKeyId);
  if (apiKey.revokedAt) return apiKey;
  const at = deps.clock.now();
  await deps.apiKeys.revoke(context.organisationId, apiKeyId, at);
  await deps.audit.append({
    organisationId: context.organisationId,
    actor: context.actor,
    action: 'api_key.revoked',
    target: { type: 'api_key', id: apiKey.id },
    data: { name: apiKey.name, prefix: apiKey.prefix },
    ip: context.ip,
  });
  return { ...apiKey, revokedAt: at };
}

/**
 * The principal of a bearer key. Malformed keys and bad checksums are refused before any lookup; the
 * stored hash is compared in constant time. Every failure reads the same to the caller.
 */
export async function authenticateApiKey(
  deps: { apiKeys: ApiKeyStore; clock: Clock },
  key: string,
  ip: string | null,
): Promise<ApiKeyPrincipal> {
  const parsed = parseApiKey(key);
  if (!parsed) throw new UnauthorizedError('the API key is malformed (check for a typo or a truncated copy)');
  const apiKey = await deps.apiKeys.findByPrefix(parsed.prefix);
  const now = deps.clock.now();
  if (
    !apiKey ||
    !hashesEqual(apiKey.secretHash, hashApiKey(key)) ||
    apiKey.revokedAt !== null ||
    (apiKey.expiresAt !== null && apiKey.expiresAt.getTime() <= now.getTime())
  ) {
    throw new UnauthorizedError('the API key is unknown, revoked or expired');
  }
  if (
    !apiKey.lastUsedAt ||
    now.getTime() - apiKey.lastUsedAt.getTime() >= RECORD_USE_EVERY_MS ||
    apiKey.lastUsedIp !== ip
  ) {
    await deps.apiKeys.recordUse(apiKey.id, { at: now, ip });
  }
  return {
    kind: 'api_key',
    organisationId: apiKey.organisationId,
    apiKeyId: apiKey.id,
    userId: apiKey.createdBy,
    scopes: apiKey.scopes.filter((scope): scope is Scope => (SCOPES as readonly string[]).includes(scope)),
  };
}
