/**
 * Denials in the audit log (`access.denied`): a request refused by an IP allowlist, a request
 * signature, or a scope, recorded with the organisation, the key or person, the address, the route
 * and the reason. A client that keeps retrying would otherwise write one row per request, so the same
 * (actor, reason, address) is recorded at most once a minute — the one-minute marker is a nonce in
 * the shared NonceStore. If that store is down the denial is recorded anyway: losing a denial is
 * worse than a duplicate.
 */
import type { Request } from 'express';
import type { Logger } from '../../platform/logger.ts';
import type { AuditLog } from '../../ports/audit-log.ts';
import type { NonceStore } from '../../ports/nonce-store.ts';
import type { Actor } from '../../services/access.ts';
import { clientIp } from './client-ip.ts';

export type DenialReason = 'ip_allowlist' | 'signature' | 'scope' | 'session_only';

const ONCE_PER_MS = 60_000;

export type RecordDenial = (
  req: Request,
  denial: { organisationId: string; actor: Actor; reason: DenialReason; detail: string },
) => Promise<void>;

export function createDenialRecorder(deps: {
  audit: AuditLog;
  nonces: NonceStore;
  logger: Logger;
}): RecordDenial {
  return async (req, denial) => {
    const ip = clientIp(req);
    const marker = `audit-denied:${denial.actor.type}:${denial.actor.id}:${denial.reason}:${ip}`;
    let first = true;
    try {
      first = await deps.nonces.setIfAbsent(marker, ONCE_PER_MS);
    } catch {
      first = true;
    }
    if (!first) return;
    try {
      await deps.audit.append({
        organisationId: denial.organisationId,
        actor: denial.actor,
        action: 'access.denied',
        target: denial.actor.id ? { type: denial.actor.type, id: denial.actor.id } : null,
        data: {
          reason: denial.reason,
          detail: denial.detail,
          method: req.method,
          path: req.originalUrl.split('?')[0],
        },
        ip,
      });
    } catch (error) {
      // The request is refused either way; a failed write must not turn the refusal into a 500.
      deps.logger.error({ err: error, reason: denial.reason }, 'denial not audited');
    }
  };
}
